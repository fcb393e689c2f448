"""Draw a digit in Chromium: a stroke drawn with the mouse on the canvas gets a prediction.

The canvas (streamlit-drawable-canvas 0.13, a components-v2 element) only exists in a
browser: AppTest sees it as an unknown element (PITFALLS.md #6), so this is its only test.
"""

from __future__ import annotations

import pytest
from conftest import healthy, no_exception, open_app, screenshot, wait_idle
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

RERUN = "() => document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'running'"
PREDICTION = {"en": "It is a", "es": "Es un"}  # the label of the predicted digit


def draw_one(page: Page) -> None:
    """A vertical stroke in the middle of the canvas, drawn as a student would: press, move
    in small steps, release."""
    canvas = page.locator(".st-key-digit_canvas canvas").last
    canvas.wait_for(state="visible")
    box = canvas.bounding_box()
    assert box and box["width"] > 100, box
    x = box["x"] + box["width"] / 2
    top, bottom = box["y"] + box["height"] * 0.2, box["y"] + box["height"] * 0.8
    page.mouse.move(x, top)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x + (step % 3 - 1), top + (bottom - top) * step / 20)
    page.mouse.up()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_drawn_stroke_gets_a_prediction(page: Page, app_url: str, lang: str) -> None:
    open_app(page, f"{app_url}/digit?lang={lang}")
    draw_one(page)
    try:  # a stroke drawn while the component still mounts is lost: draw it once more
        page.wait_for_function(RERUN, timeout=10_000)
    except PlaywrightTimeout:
        draw_one(page)
    label = page.locator("[data-testid='stMetricLabel']", has_text=PREDICTION[lang])
    try:
        label.wait_for(timeout=180_000)  # the first drawing on a fresh server trains the CNN
    except PlaywrightTimeout:
        screenshot(page, f"digit-no-prediction-{lang}")
        raise
    wait_idle(page)
    value = page.locator("[data-testid='stMetric']").filter(has=label).first
    digit = value.locator("[data-testid='stMetricValue']").inner_text().strip()
    assert digit == "1", f"a vertical stroke read as {digit}"
    # the ten probability bars are drawn
    page.wait_for_function(
        "() => [...document.querySelectorAll('.st-key-digit_probabilities .js-plotly-plot')]"
        ".some(p => p.data && p.data[0].x.length === 10)"
    )
    no_exception(page)
    screenshot(page, f"digit-drawn-{lang}")
    assert healthy(app_url)
