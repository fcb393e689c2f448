"""Image classifier in Chromium: upload ../shared/data/images/cat.jpg, see a cat in the top 5.

AppTest cannot drive `st.file_uploader`; this goes through the real upload path.
"""

from __future__ import annotations

import pytest
from conftest import healthy, no_exception, open_app, screenshot, wait_idle
from playwright.sync_api import Page

UPLOAD = {"en": "Upload", "es": "Subir"}
CATS = ("cat", "tabby", "tiger cat", "persian", "siamese", "egyptian", "lynx")


def top_labels(page: Page) -> list[str]:
    """The class names of the top-k bar chart, best first."""
    labels = page.evaluate(
        "() => [...document.querySelectorAll('.st-key-classifier_top_chart .js-plotly-plot')]"
        ".flatMap(p => p.data[0].y)"
    )
    return list(reversed(labels))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_uploaded_cat_photo_has_a_cat_in_the_top5(
    page: Page, app_url: str, shared, lang: str
) -> None:
    open_app(page, f"{app_url}/classifier?lang={lang}")
    page.locator(".st-key-classifier_source").get_by_text(UPLOAD[lang], exact=True).click()
    wait_idle(page)
    page.locator(".st-key-classifier_upload input[type=file]").set_input_files(
        str(shared / "data" / "images" / "cat.jpg")
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('.st-key-classifier_top_chart .js-plotly-plot')]"
        ".some(p => p.data && p.data[0].y.length >= 5)"
    )
    wait_idle(page)
    labels = top_labels(page)
    assert len(labels) >= 5, labels
    assert any(cat in label.lower() for label in labels[:5] for cat in CATS), labels
    no_exception(page)
    screenshot(page, f"classifier-cat-{lang}")
    assert healthy(app_url)
