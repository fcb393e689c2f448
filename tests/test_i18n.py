"""Every string the code asks for exists, in English, Spanish and Russian, with the same fields;
Russian nouns after numbers take their plural forms."""

import re
import string
from pathlib import Path

from components.i18n import LANGUAGES, catalog, plural_form, translate

ROOT = Path(__file__).resolve().parent.parent
KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_has_every_language_with_same_fields() -> None:
    for key, texts in catalog().items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert _fields(texts["en"]) == _fields(texts["es"]) == _fields(texts["ru"]), key


def test_every_literal_key_in_the_code_is_translated() -> None:
    missing = []
    for path in [ROOT / "app.py", *ROOT.glob("app_pages/*.py"), *ROOT.glob("components/*.py")]:
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if key not in catalog():
                missing.append(f"{path.name}: {key}")
    assert not missing


def test_translate_falls_back_and_formats() -> None:
    assert translate("common.loading_model", "es", model="x") == "Cargando el modelo x…"
    assert translate("no.such.key", "es") == "no.such.key"


def test_russian_is_offered_and_written_in_cyrillic() -> None:
    assert LANGUAGES["ru"] == "Русский"
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    # every text with words in it is Russian, not English left behind; code and model names
    # (the texts that Spanish leaves as in English too) may stay as they are
    english_left = [
        key
        for key, texts in catalog().items()
        if len(re.findall(r"[A-Za-z]{4,}", texts["ru"])) > 2
        and not cyrillic.search(texts["ru"])
        and texts["es"] != texts["en"]
    ]
    assert not english_left


def test_russian_plural_forms() -> None:
    forms = ["эпоха", "эпохи", "эпох"]
    expected = {
        1: "эпоха",
        2: "эпохи",
        4: "эпохи",
        5: "эпох",
        11: "эпох",
        12: "эпох",
        14: "эпох",
        21: "эпоха",
        22: "эпохи",
        25: "эпох",
        101: "эпоха",
        111: "эпох",
    }
    assert {n: plural_form(n, forms, "ru") for n in expected} == expected
    assert plural_form(1, ["epoch", "epochs"], "en") == "epoch"
    assert plural_form(3, ["epoch", "epochs"], "en") == "epochs"
    text = translate("training.finished", "ru", epochs=21, seconds="1.2")
    assert text == "Обучение завершено: 21 эпоха за 1.2 с."
    assert translate("pose.video.done", "ru", frames=5) == "Проанализировано 5 кадров."
    # a count passed as text still picks its form; one that is no number takes the last
    assert translate("pose.video.done", "ru", frames="2") == "Проанализировано 2 кадра."
    assert translate("pose.video.done", "ru", frames="–") == "Проанализировано – кадров."
