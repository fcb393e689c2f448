"""Browser tests: the real app under `streamlit run` on 127.0.0.1, driven in Debian's Chromium.

Playwright's own browser download cannot work offline, so Playwright launches the system
Chromium (`/usr/bin/chromium`, installed by .ci/run) with background networking, component
updates and sync disabled. Screenshots go to `test-artifacts/`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from bench.streamlit_server import healthy, streamlit_server  # noqa: F401  (used by the tests)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The base URL of a real Streamlit server running the app for this test session."""
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(ARTIFACTS / "streamlit.log") as app:
        yield app.url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


def server_log(lines: int = 40) -> str:
    """The end of the test server's log, for a failure message: what the server said."""
    log = ARTIFACTS / "streamlit.log"
    tail = log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else []
    return "\n".join(["--- end of test-artifacts/streamlit.log ---", *tail])


def launch_chromium(playwright: Playwright, *extra_args: str) -> Browser:
    """Debian's Chromium, headless, with the offline-friendly flags plus `extra_args`."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install chromium (.ci/run does)"
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args]
    )


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def open_app(page: Page, url: str) -> None:
    """Load `url` and wait until Streamlit has finished running the script."""
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']")
    # the sidebar can be drawn before the page's own elements: every page starts with a title
    page.wait_for_selector("[data-testid='stMain'] h1")
    wait_idle(page)


def wait_idle(page: Page, timeout: float = 120_000) -> None:
    """Wait until the script has run (the sidebar's language switch is drawn by every run)
    and has stopped running: the app root reports `notRunning` (the status widget only shows
    after a delay, so its absence alone says little) and no status widget is left."""
    page.wait_for_selector("[data-testid='stSidebarUserContent'] [role='radiogroup']")
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.dataset.testScriptState === 'notRunning'
                && !document.querySelector('[data-testid="stStatusWidget"]');
        }""",
        timeout=timeout,
    )
    page.wait_for_timeout(300)


def no_exception(page: Page) -> None:
    """No exception box, and no "Page not found" dialog (Streamlit then runs the main page
    instead, so the page under test would never have been shown)."""
    boxes = page.locator("[data-testid='stException']")
    assert boxes.count() == 0, boxes.first.inner_text()
    dialogs = page.locator("[role='dialog']").filter(has_text="Page not found")
    assert dialogs.count() == 0, f"{page.url}: {dialogs.first.inner_text()}"


def screenshot(page: Page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
