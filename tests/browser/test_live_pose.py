"""Live pose in Chromium: a fake camera (tests/browser/camera.py) playing squat.bmp, or two
people side by side, streams over WebRTC to the server; MoveNet's annotated frames come back
and the live panel fills with FPS, keypoints and, for MultiPose, the people count.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from camera import START, STOP, camera, matching_share, start_stream, wait_live, write_y4m
from conftest import healthy, no_exception, open_app, screenshot, server_log, wait_idle
from crowd_helper import two_people
from playwright.sync_api import Browser, Playwright


@pytest.fixture(scope="module")
def camera_browser(playwright: Playwright, shared, tmp_path_factory) -> Iterator[Browser]:
    clip = write_y4m(
        shared / "data" / "pose" / "squat.bmp", tmp_path_factory.mktemp("cam") / "squat.y4m"
    )
    browser = camera(playwright, clip)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def two_people_browser(playwright: Playwright, shared, tmp_path_factory) -> Iterator[Browser]:
    """A fake camera that sees the squat and the yoga photos side by side."""
    clip = write_y4m(two_people(shared), tmp_path_factory.mktemp("cam") / "two.y4m")
    browser = camera(playwright, clip)
    yield browser
    browser.close()


def test_fake_camera_streams_annotated_frames_and_fills_the_panel(
    camera_browser: Browser, app_url: str
) -> None:
    context = camera_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        open_app(page, f"{app_url}/pose?lang=en")
        video = start_stream(page, "en")
        size = video.evaluate("v => [v.videoWidth, v.videoHeight, v.paused]")
        assert size[0] > 0 and size[1] > 0 and size[2] is False, size
        panel = page.locator(".st-key-pose_live_panel")
        panel.locator("[data-testid='stDataFrame']").first.wait_for()
        # the panel refreshes twice a second: wait for a rate measured over two frames or more
        wait_live(
            page,
            "en",
            """() => { const v = document.querySelector(
                    '.st-key-pose_live_panel [data-testid="stMetricValue"]');
                return v && parseFloat(v.innerText) > 0; }""",
        )
        fps = panel.locator("[data-testid='stMetricValue']").first.inner_text().strip()
        assert float(fps) > 0, fps
        no_exception(page)
        screenshot(page, "pose-live-en")
        # the annotated frame itself: the server drew on it, so it is not the plain photo
        strong = "Math.max(r, g, b) - Math.min(r, g, b) > 120"  # orange, cyan: the skeleton
        share = matching_share(page, "en", video, strong, want=200 / (640 * 480))
        assert share >= 200 / (640 * 480), (
            f"only {share:.4%} strongly coloured: no skeleton?\n{server_log()}"
        )
        # the student's own Stop is no lost camera (streamlit-webrtc reports the track's end)
        frame = page.frame_locator("iframe[src*='webrtc']")
        frame.get_by_role("button", name=STOP["en"]).click()
        frame.get_by_role("button", name=START["en"]).wait_for()
        wait_idle(page)
        page.wait_for_timeout(2_000)  # a few refreshes of the panel
        assert page.get_by_text("The camera stopped sending video").count() == 0
        assert healthy(app_url)
    finally:
        context.close()


def test_multipose_counts_two_people_on_the_fake_camera(
    two_people_browser: Browser, app_url: str
) -> None:
    context = two_people_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        open_app(page, f"{app_url}/pose?lang=en")
        page.get_by_test_id("stSelectbox").filter(has_text="Model").click()
        page.get_by_role("option", name="MultiPose Lightning").click()
        page.get_by_text("ms per inference").wait_for()  # loaded (converted) and measured
        start_stream(page, "en")
        # the live panel's fourth metric counts people; both are in view on every frame
        wait_live(
            page,
            "en",
            """() => { const m = [...document.querySelectorAll(
                    '.st-key-pose_live_panel [data-testid="stMetric"]')]
                    .find(e => e.innerText.includes('People'));
                const v = m && m.querySelector('[data-testid="stMetricValue"]');
                return v && v.innerText === '2'; }""",
        )
        people = page.locator(".st-key-pose_live_panel [data-testid='stDataFrame']").first
        people.wait_for()
        no_exception(page)
        screenshot(page, "pose-live-multipose")
        assert healthy(app_url)
    finally:
        context.close()
