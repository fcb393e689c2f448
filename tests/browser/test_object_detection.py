"""Object detection in Chromium: a fake camera showing the street photo streams over WebRTC;
the cars come back boxed in their class colour and the live panel counts them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from camera import camera, matching_share, start_stream, wait_live, write_y4m
from conftest import healthy, no_exception, open_app, screenshot, server_log
from playwright.sync_api import Browser, Playwright

from models.detection.draw import class_colour


@pytest.fixture(scope="module")
def street_browser(playwright: Playwright, shared, tmp_path_factory) -> Iterator[Browser]:
    street = shared / "data" / "images" / "traffic.bmp"
    browser = camera(playwright, write_y4m(street, tmp_path_factory.mktemp("cam") / "st.y4m"))
    yield browser
    browser.close()


def test_fake_camera_streams_boxed_cars_and_counts_them(street_browser, app_url) -> None:
    context = street_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        open_app(page, f"{app_url}/detect?lang=en")
        page.get_by_role("tab", name="Live webcam").click()
        video = start_stream(page, "en")
        wait_live(
            page,
            "en",
            """() => { const m = [...document.querySelectorAll(
                    '.st-key-detect_live_panel [data-testid="stMetric"]')]
                    .find(e => e.innerText.includes('Objects'));
                const v = m && m.querySelector('[data-testid="stMetricValue"]').innerText;
                return v && parseInt(v) >= 2; }""",
        )
        r, g, b = class_colour(2)  # car
        match = f"Math.abs(r - {r}) + Math.abs(g - {g}) + Math.abs(b - {b}) < 60"
        share = matching_share(page, "en", video, match, want=0.001)
        assert share >= 0.001, (
            f"only {share:.4%} of a frame in the car colour: no boxes drawn?\n{server_log()}"
        )
        no_exception(page)
        screenshot(page, "detect-live-en")
        assert healthy(app_url)
    finally:
        context.close()
