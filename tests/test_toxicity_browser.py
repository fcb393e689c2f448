"""The batch CSV path in a real browser: upload, pick the column, classify, download.

AppTest cannot drive `st.file_uploader`, so this runs the app under `streamlit run` with the
stand-in model in a temporary mirror and uses Debian's Chromium through Playwright (as
tests/browser/ does). The downloaded CSV is the check: it only exists once the uploaded
rows went through the tokenizer and the model.
"""

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from toxicity_standin import build_standin

from models.use_tokenizer import load_tokenizer

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"streamlit at {url} did not become healthy within {timeout} s")


@pytest.fixture
def app_with_standin(tmp_path):
    """The app on a free port, its model mirror holding only the toxicity stand-in."""
    build_standin(tmp_path / "mirror" / "toxicity", load_tokenizer())
    port = _free_port()
    env = {**os.environ, "PLAYGROUND_MODEL_DIR": str(tmp_path / "mirror")}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log = (tmp_path / "streamlit.log").open("wb")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.browser
def test_csv_upload_column_classify_download(app_with_standin, tmp_path) -> None:
    upload = tmp_path / "comments.csv"
    upload.write_text(
        "id,comment\n1,idiot\n2,Have a nice day\n3,\n4,I hate hate you\n", encoding="utf-8"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.goto(f"{app_with_standin}/toxicity?lang=en", wait_until="networkidle")
        page.get_by_role("tab", name="Many texts (batch)").click(timeout=90_000)
        page.get_by_text("a CSV file").click()
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_text("4 rows; classifying column “comment”").wait_for(timeout=60_000)
        page.get_by_role("button", name="Classify all").click()
        download_button = page.get_by_role("button", name="Download the table (CSV)")
        download_button.wait_for(timeout=60_000)
        page.get_by_text("1 empty line(s) skipped.").wait_for()
        with page.expect_download() as download:
            download_button.click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
        browser.close()
    assert [row["text"] for row in rows] == ["idiot", "Have a nice day", "I hate hate you"]
    assert [row["toxicity_match"] for row in rows] == ["true", "false", "null"]
    assert float(rows[0]["insult"]) > 0.99
