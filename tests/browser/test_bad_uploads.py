"""Bad uploads through the real upload path (HTTP to the server, then the page): each gets a
message in an error box, never an exception box; the server stays healthy; the same session
then classifies a good photo (the page keeps working)."""

from __future__ import annotations

from conftest import healthy, no_exception, open_app, screenshot, wait_idle
from playwright.sync_api import Page
from test_image_classifier import top_labels
from test_reliability_inputs import BAD_IMAGES

ERROR = "[data-testid='stMain'] [data-testid='stAlertContentError']"


def test_bad_uploads_then_a_good_one(page: Page, app_url: str, shared, tmp_path) -> None:
    open_app(page, f"{app_url}/classifier?lang=es")
    page.locator(".st-key-classifier_source").get_by_text("Subir", exact=True).click()
    wait_idle(page)
    upload = page.locator(".st-key-classifier_upload input[type=file]")
    for index, (name, data) in enumerate(BAD_IMAGES.items()):
        path = tmp_path / f"bad{index}.png"  # short: the uploader's chip shortens long names
        path.write_bytes(data)
        upload.set_input_files(str(path))
        page.locator(".st-key-classifier_upload").get_by_text(path.name).wait_for()
        wait_idle(page)
        page.wait_for_selector(ERROR)
        message = page.locator(ERROR).first.inner_text()
        assert message.strip() and "Traceback" not in message, (name, message)
        no_exception(page)
        assert healthy(app_url), name
        screenshot(page, f"classifier-bad-{name}")
    upload.set_input_files(str(shared / "data" / "images" / "cat.jpg"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('.st-key-classifier_top_chart .js-plotly-plot')]"
        ".some(p => p.data && p.data[0].y.length >= 5)"
    )
    wait_idle(page)
    assert page.locator(ERROR).count() == 0
    assert len(top_labels(page)) >= 5
    no_exception(page)


def test_a_file_over_the_upload_limit_is_not_answered_with_the_previous_file_s_message(
    page: Page, app_url: str, tmp_path
) -> None:
    """The browser refuses a file over `server.maxUploadSize` without telling the server, and
    the uploader keeps the previous file as its value: the page's message about that file
    read as the verdict on the big one. Each message names its file."""
    open_app(page, f"{app_url}/classifier?lang=en")
    page.locator(".st-key-classifier_source").get_by_text("Upload", exact=True).click()
    wait_idle(page)
    upload = page.locator(".st-key-classifier_upload input[type=file]")
    bad = tmp_path / "notes.png"
    bad.write_bytes(b"not a photo")
    upload.set_input_files(str(bad))
    page.wait_for_selector(ERROR)
    assert "notes.png — This file is not an image" in page.locator(ERROR).first.inner_text()
    big = tmp_path / "huge.jpg"
    big.write_bytes(b"\xff\xd8" + bytes(26_000_000))
    upload.set_input_files(str(big))
    uploader = page.locator(".st-key-classifier_upload")
    uploader.get_by_text("huge.jpg").wait_for()
    assert "25.0MB or smaller" in uploader.inner_text()  # Streamlit's own refusal, beside it
    wait_idle(page)
    messages = [m.inner_text() for m in page.locator(ERROR).all()]
    assert messages and all("notes.png" in m and "huge.jpg" not in m for m in messages)
    no_exception(page)
    screenshot(page, "classifier-over-the-limit")
