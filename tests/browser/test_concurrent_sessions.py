"""Four browser sessions at once on one server: each gets its own photo's answer, the same as
a session alone gets, and keeps its own language and model (no state crosses over)."""

from __future__ import annotations

from conftest import healthy, no_exception, open_app, wait_idle
from playwright.sync_api import Browser
from test_image_classifier import top_labels

UPLOAD = {"en": "Upload", "es": "Subir"}
READY = (
    "() => [...document.querySelectorAll('.st-key-classifier_top_chart .js-plotly-plot')]"
    ".some(p => p.data && p.data[0].y.length >= 5)"
)


def test_four_sessions_classify_at_the_same_time(browser: Browser, app_url: str, shared) -> None:
    photos = [shared / "data" / "images" / name for name in ("cat.jpg", "dog.bmp")]
    plan = [(photos[i % 2], "en" if i < 2 else "es") for i in range(4)]
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in plan]
    try:
        pages = [context.new_page() for context in contexts]
        for page, (_, lang) in zip(pages, plan, strict=True):
            page.set_default_timeout(120_000)
            open_app(page, f"{app_url}/classifier?lang={lang}")
            page.locator(".st-key-classifier_source").get_by_text(UPLOAD[lang], exact=True).click()
        for page in pages:
            wait_idle(page)
        # all four uploads go in before any answer is awaited: the server runs them together
        for page, (photo, _) in zip(pages, plan, strict=True):
            page.locator(".st-key-classifier_upload input[type=file]").set_input_files(str(photo))
        answers = []
        for page, (_, lang) in zip(pages, plan, strict=True):
            page.wait_for_function(READY)
            wait_idle(page)
            no_exception(page)
            answers.append(top_labels(page))
            radio = page.locator("[data-testid='stSidebarUserContent'] [role='radiogroup']")
            checked = radio.locator("label").filter(has=page.locator("input:checked")).inner_text()
            assert ("Español" in checked) == (lang == "es"), checked
    finally:
        for context in contexts:
            context.close()
    assert answers[0] == answers[2] and answers[1] == answers[3], answers
    assert answers[0] != answers[1], answers
    assert healthy(app_url)
