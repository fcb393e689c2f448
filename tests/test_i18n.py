"""Every string the code asks for exists, in English and in Spanish, with the same fields."""

import re
import string
from pathlib import Path

from components.i18n import LANGUAGES, catalog, translate

ROOT = Path(__file__).resolve().parent.parent
KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_has_every_language_with_same_fields() -> None:
    for key, texts in catalog().items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert _fields(texts["en"]) == _fields(texts["es"]), key


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
