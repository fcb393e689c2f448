"""The one translation helper: every user-facing string goes through `t(key, **params)`.

Strings live in `locales/<area>.json` as {"key": {"en": "...", "es": "..."}}, one file per
page or area so that each page owns its words. `str.format` fills the parameters. The
language is the session's choice (sidebar switch), seeded from `?lang=es` in the URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

from models.errors import PlaygroundError

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All strings of all areas, merged; a key defined in two files is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.json")):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"translation key {key!r} defined twice ({path.name})")
            merged[key] = texts
    return merged


def translate(key: str, lang: str, **params: object) -> str:
    """The text of `key` in `lang` (English if missing there), formatted with `params`."""
    texts = catalog().get(key)
    if texts is None:
        return key
    template = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template


def current_language() -> str:
    """The session's language: the sidebar choice, else `?lang=` in the URL, else English."""
    if "lang" not in st.session_state:
        requested = st.query_params.get("lang", DEFAULT_LANGUAGE)
        st.session_state["lang"] = requested if requested in LANGUAGES else DEFAULT_LANGUAGE
    return st.session_state["lang"]


def t(key: str, **params: object) -> str:
    """`key` translated into the session's language."""
    return translate(key, current_language(), **params)


def option_labels(
    options: Iterable[Any], labels: str | Callable[[Any], str]
) -> Callable[[Any], str]:
    """A select box's `format_func`, its labels translated now, while the session's language
    is known (Streamlit, and AppTest, may format the options again outside this run, where
    `t` would answer in English). `labels` is a key prefix (`f"{labels}.{option}"`) or a
    function giving an option's label."""
    label = labels if callable(labels) else (lambda option: t(f"{labels}.{option}"))
    return {option: label(option) for option in options}.__getitem__


def error_text(error: PlaygroundError) -> str:
    """A PlaygroundError in the session's language: `error.<code>` if translated, else English."""
    key = f"error.{error.code}"
    if error.code and key in catalog():
        try:
            return t(key, **error.params)
        except (KeyError, IndexError, ValueError):
            pass
    return error.message
