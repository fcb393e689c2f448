"""Live person segmentation in Chromium: a fake camera showing the squatting man streams over
WebRTC; the frames come back with the background changed and the panel says how much of the
frame is the person."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from camera import camera, matching_share, start_stream, wait_live, write_y4m
from conftest import healthy, no_exception, open_app, screenshot, server_log
from playwright.sync_api import Browser, Playwright


@pytest.fixture(scope="module")
def person_browser(playwright: Playwright, shared, tmp_path_factory) -> Iterator[Browser]:
    squat = shared / "data" / "pose" / "squat.bmp"
    browser = camera(playwright, write_y4m(squat, tmp_path_factory.mktemp("cam") / "sq.y4m"))
    yield browser
    browser.close()


def test_fake_camera_comes_back_with_a_green_background(person_browser, app_url) -> None:
    context = person_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        open_app(page, f"{app_url}/segment?lang=en")
        page.get_by_role("tab", name="Person (live webcam)").click()
        live = page.locator("[data-testid='stTabPanel']").filter(has_text="Press Start")
        live.get_by_text("Colour", exact=True).click()  # behind the person: green (0, 177, 64)
        video = start_stream(page, "en")
        wait_live(
            page,
            "en",
            """() => { const m = [...document.querySelectorAll(
                    '.st-key-segment_live_panel [data-testid="stMetric"]')]
                    .find(e => e.innerText.includes('Person'));
                const v = m && m.querySelector('[data-testid="stMetricValue"]').innerText;
                return v && v.endsWith('%'); }""",
        )
        green = matching_share(page, "en", video, "r < 40 && g > 140 && b < 100", want=0.3)
        assert green >= 0.3, (
            f"only {green:.0%} of the frame is the background colour\n{server_log()}"
        )
        no_exception(page)
        screenshot(page, "segment-live-en")
        assert healthy(app_url)
    finally:
        context.close()
