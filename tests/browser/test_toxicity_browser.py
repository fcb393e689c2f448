"""The batch CSV path in a real browser: upload, pick the column, classify, download.

AppTest cannot drive `st.file_uploader`, so this runs a second server of the app whose model
mirror holds only the toxicity stand-in (tests/toxicity_standin.py), through the shared
harness of tests/browser/conftest.py. The downloaded CSV is the check: it only exists once the
uploaded rows went through the tokenizer and the model.
"""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import healthy, no_exception, open_app, screenshot, streamlit_server
from toxicity_standin import build_standin

from models.text.use_tokenizer import load_tokenizer


@pytest.fixture
def app_with_standin(tmp_path: Path) -> Iterator[str]:
    """The app on a free port, its model mirror holding only the toxicity stand-in."""
    build_standin(tmp_path / "mirror" / "toxicity", load_tokenizer())
    env = {"PLAYGROUND_MODEL_DIR": str(tmp_path / "mirror")}
    with streamlit_server(tmp_path / "streamlit.log", env) as app:
        yield app.url


def test_csv_upload_column_classify_download(app_with_standin, browser, tmp_path) -> None:
    upload = tmp_path / "comments.csv"
    upload.write_text(
        "id,comment\n1,idiot\n2,Have a nice day\n3,\n4,I hate hate you\n", encoding="utf-8"
    )
    context = browser.new_context(viewport={"width": 1200, "height": 1600}, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        open_app(page, f"{app_with_standin}/toxicity?lang=en")
        page.get_by_role("tab", name="Many texts (batch)").click()
        page.get_by_text("a CSV file").click()
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_text("4 rows; classifying column “comment”").wait_for()
        page.get_by_role("button", name="Classify all").click()
        download_button = page.get_by_role("button", name="Download the table (CSV)")
        download_button.wait_for()
        page.get_by_text("1 empty line(s) skipped.").wait_for()
        no_exception(page)
        screenshot(page, "toxicity-batch-en")
        with page.expect_download() as download:
            download_button.click()
        text = Path(download.value.path()).read_text("utf-8")
    finally:
        context.close()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["text"] for row in rows] == ["idiot", "Have a nice day", "I hate hate you"]
    assert [row["toxicity_match"] for row in rows] == ["true", "false", "null"]
    assert float(rows[0]["insult"]) > 0.99
    assert healthy(app_with_standin)
