"""Open the real app at one page under streamlit.testing.v1.AppTest, in a given language."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.navigation import PAGES

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HOME = PAGES[0][0]


def open_page(path: str, lang: str = "en", timeout: float = 180, **query: str) -> AppTest:
    """app.py run once, then switched to `path` (e.g. "app_pages/toxicity.py") and run."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if path != HOME:
        at.switch_page(path).run()
    return at
