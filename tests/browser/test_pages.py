"""Every page loads in a real browser, in English, Spanish and Russian, with no exception box;
in Russian no English text of ours is left on the page."""

from __future__ import annotations

import re
import string
from urllib.parse import urlsplit

import pytest
from conftest import healthy, no_exception, open_app, screenshot
from playwright.sync_api import Page

from components.i18n import catalog
from components.navigation import PAGES

TITLES = {
    "en": {"home": "Tensor Playground", "tensors": "Tensor explorer"},
    "es": {"home": "Tensor Playground", "tensors": "Explorador de tensores"},
    "ru": {"home": "Tensor Playground", "tensors": "Обозреватель тензоров"},
}


@pytest.mark.parametrize("lang", ["en", "es", "ru"])
@pytest.mark.parametrize("url_path", [url for *_, url in PAGES])
def test_page_loads_without_exception(page: Page, app_url: str, url_path: str, lang: str):
    open_app(page, f"{app_url}/{url_path}?lang={lang}")
    page.wait_for_selector("h1")
    no_exception(page)
    screenshot(page, f"page-{url_path or 'home'}-{lang}")
    assert healthy(app_url)


def test_home_link_opens_home_in_the_links_language(page: Page, app_url: str):
    """`/home` is no page of Streamlit's (the default page lives at `/`): it must still open
    Home, keep the language, and show no "Page not found" dialog."""
    open_app(page, f"{app_url}/home?lang=es")
    page.wait_for_timeout(1000)  # the dialog, when there is one, comes after the first run
    no_exception(page)
    address = urlsplit(page.url)
    assert (address.path, address.query) == ("/", "lang=es"), page.url
    assert "Explorador de tensores" in page.locator("[data-testid='stMain']").inner_text()


@pytest.mark.parametrize("lang", ["en", "es", "ru"])
def test_sidebar_navigation_is_translated(page: Page, app_url: str, lang: str):
    open_app(page, f"{app_url}/?lang={lang}")
    nav = page.locator("[data-testid='stSidebarNav']")
    assert TITLES[lang]["tensors"] in nav.inner_text()


def test_deep_link_on_a_fresh_server_runs_the_app_shell(page: Page, tmp_path):
    """A teacher's link opened first after a restart must still get navigation and sidebar."""
    from bench.streamlit_server import free_port, start_streamlit, wait_healthy

    port = free_port()
    process = start_streamlit(port, tmp_path / "fresh.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url)
        open_app(page, f"{url}/tensors?lang=es")
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Explorador de tensores" in nav
        no_exception(page)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _english_pieces() -> set[str]:
    """Literal runs of 20+ characters of our English texts that Russian says otherwise."""
    pieces = set()
    for texts in catalog().values():
        if texts["en"] == texts["ru"]:
            continue
        for literal, *_ in string.Formatter().parse(texts["en"]):
            for line in literal.splitlines():
                plain = re.sub(r"[*`_]", "", line).strip(" -·:")
                if len(plain) >= 20 and len(plain.split()) >= 3:
                    pieces.add(plain)
    return pieces


@pytest.mark.parametrize("url_path", [url for *_, url in PAGES])
def test_russian_pages_leave_no_english_of_ours(page: Page, app_url: str, url_path: str):
    open_app(page, f"{app_url}/{url_path}?lang=ru")
    page.wait_for_selector("h1")
    page.locator("[data-testid='stCode']").evaluate_all("els => els.forEach(e => e.remove())")
    shown = page.locator("[data-testid='stApp']").inner_text()
    left = sorted(piece for piece in _english_pieces() if piece in shown)
    assert not left, left
    assert re.search("[а-яё]{4,}", shown)
    no_exception(page)
