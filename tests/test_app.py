"""The app starts and every page renders without exception, in English and in Spanish."""

import pytest
from pages_helper import open_page

from components.navigation import PAGES

PAGE_FILES = [path for path, *_ in PAGES]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("path", PAGE_FILES)
def test_every_page_renders(path: str, lang: str) -> None:
    at = open_page(path, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"


def test_language_switch_translates_titles() -> None:
    at = open_page("app_pages/home.py", "en")
    assert at.title[0].value == "🧊 Tensor Playground"
    assert any("Tensor explorer" in m.value for m in at.markdown) or at.get("page_link")
    at.sidebar.radio(key="lang_choice").set_value("es").run()
    assert not at.exception
    assert at.session_state["lang"] == "es"
    captions = " ".join(c.value for c in at.caption)
    assert "tensores" in captions
