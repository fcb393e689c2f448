"""Tensor explorer in Chromium: type a tensor literal, see its rank, shape and drawing."""

from __future__ import annotations

import pytest
from conftest import healthy, no_exception, open_app, screenshot, wait_idle
from playwright.sync_api import Page

LABELS = {
    "en": {"mode": "Literal", "create": "Create tensor", "rank": "Rank", "shape": "Shape"},
    "es": {"mode": "Literal", "create": "Crear tensor", "rank": "Rango", "shape": "Forma"},
}


# True when the element is visible and nothing above it inside its code block fades it out
SHOWN = """b => {
    if (getComputedStyle(b).visibility !== 'visible') return false;
    for (let e = b; e && !e.matches('[data-testid=stCode]'); e = e.parentElement)
        if (getComputedStyle(e).opacity !== '1') return false;
    return true;
}"""


def metric(page: Page, label: str) -> str:
    """The value of the first st.metric whose label is `label`."""
    box = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label)
    )
    return box.first.locator("[data-testid='stMetricValue']").inner_text().strip()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_typed_literal_shows_rank_shape_and_drawing(page: Page, app_url: str, lang: str) -> None:
    words = LABELS[lang]
    open_app(page, f"{app_url}/tensors?lang={lang}")
    page.locator("[data-testid='stRadio']").get_by_text(words["mode"], exact=True).click()
    wait_idle(page)
    literal = page.locator("[data-testid='stTextArea'] textarea").first
    literal.fill("[[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]")
    literal.press("Control+Enter")  # commit the text area's value, as a student's click away does
    wait_idle(page)
    page.get_by_role("button", name=words["create"]).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.includes('[2, 2, 3]'))"
    )
    wait_idle(page)
    assert metric(page, words["rank"]) == "3"
    assert metric(page, words["shape"]) == "[2, 2, 3]"
    # the drawing: a Plotly figure whose data hold the twelve values
    values = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
            .flatMap(p => (p.data || []).flatMap(d => [d.z, d.text, d.customdata]))
            .flat(3).filter(v => v !== undefined && v !== null).map(String)"""
    )
    assert {"1", "12"} <= {v.strip() for v in values}, values[:40]
    toolbar = page.locator(".js-plotly-plot .modebar-container").first  # a mouse has hover
    assert toolbar.evaluate("e => getComputedStyle(e).display") != "none"
    assert "t=" in page.url and "%5B%5B%5B1" in page.url.replace("%2C", ",") or "[[[1" in page.url
    no_exception(page)
    screenshot(page, f"tensors-literal-{lang}")
    assert healthy(app_url)


def test_the_share_link_is_whole_copyable_on_a_phone_and_opens_the_same_tensor(
    browser, app_url: str
) -> None:
    """The link was relative and percent-encoded, with a copy button only on hover (never on
    phones). Now: the browser's own address, a copy button always shown, a QR code."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_app(page, f"{app_url}/tensors?lang=en&t=fib&op=slice&a=t[1:4]")
        # no Plotly toolbar over the drawing: a touch screen has no hover to hide it again
        toolbar = page.locator(".js-plotly-plot .modebar-container").first
        assert toolbar.evaluate("e => getComputedStyle(e).display") == "none"
        box = page.locator(".st-key-tensor_share")
        box.scroll_into_view_if_needed()
        link = box.locator("code").inner_text().strip()
        assert link == f"{app_url}/tensors?lang=en&t=fib&op=slice&a=t[1:4]"
        button = box.get_by_role("button", name="Copy to clipboard")
        assert button.evaluate(SHOWN), "the copy button is shown without hovering"
        button.tap()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == link
        box.get_by_test_id("stPopoverButton").tap()
        page.locator("[data-testid='stPopoverBody'] img").wait_for()
        screenshot(page, "tensors-share-phone")
        page.goto(copied)
        page.wait_for_selector("[data-testid='stMain'] h1")
        wait_idle(page)
        assert metric(page, "Shape") == "[10]"
        no_exception(page)
    finally:
        context.close()
