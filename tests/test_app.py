"""The app starts and every page renders without exception, in English and in Spanish."""

import pytest
from pages_helper import open_page

from components.i18n import translate
from components.navigation import PAGES

PAGE_FILES = [path for path, *_ in PAGES]


@pytest.mark.parametrize("lang", ["en", "es", "ru"])
@pytest.mark.parametrize("path", PAGE_FILES)
def test_every_page_renders(path: str, lang: str) -> None:
    at = open_page(path, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"


@pytest.mark.parametrize("lang", ["en", "es", "ru"])
@pytest.mark.parametrize(("path", "nav_key"), [(path, key) for path, key, *_ in PAGES[1:]])
def test_each_title_uses_the_menus_name(path: str, nav_key: str, lang: str) -> None:
    """A student who clicks "Pose en vivo" lands on a page titled so, not "Pose en directo"."""
    at = open_page(path, lang)
    assert translate(nav_key, lang).lower() in at.title[0].value.lower()


def test_spanish_pages_leave_no_english_words_but_names() -> None:
    """The classifier's steps, model names and labels, and the toxicity page's token table
    and failure detail, in Spanish (ImageNet's class names stay English, and it says so)."""
    at = open_page("app_pages/image_classifier.py", "es")
    captions = " ".join(c.value for c in at.caption)
    assert "interpolación bilineal" in captions and "bilinear" not in captions
    assert "originales, en inglés" in captions
    options = at.selectbox(key="classifier_model").options
    assert "MobileNetV2 1.0 224, TFLite cuantizado" in options
    assert not any("quantized" in option for option in options)


def test_language_switch_translates_titles() -> None:
    at = open_page("app_pages/home.py", "en")
    assert at.title[0].value == "🧊 Tensor Playground"
    assert any("Tensor explorer" in m.value for m in at.markdown) or at.get("page_link")
    at.sidebar.radio(key="lang_choice").set_value("es").run()
    assert not at.exception
    assert at.session_state["lang"] == "es"
    captions = " ".join(c.value for c in at.caption)
    assert "tensores" in captions


def test_russian_from_the_switch_and_from_a_link() -> None:
    at = open_page("app_pages/home.py", "en")
    at.sidebar.radio(key="lang_choice").set_value("ru").run()
    assert not at.exception and at.session_state["lang"] == "ru"
    assert "тензоры ранга от 0 до 6" in " ".join(c.value for c in at.caption)
    linked = open_page("app_pages/training_lab.py", "ru")
    assert linked.title[0].value == "📈 Лаборатория обучения"
    assert linked.sidebar.radio(key="lang_choice").value == "ru"
