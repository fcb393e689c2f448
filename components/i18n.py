"""The one translation helper: every user-facing string goes through `t(key, **params)`.

Strings live in `locales/<area>.json` as {"key": {"en": "...", "es": "...", "ru": "..."}},
one file per page or area so that each page owns its words. `str.format` fills the
parameters. The language is the session's choice (sidebar switch), seeded from `?lang=es`
in the URL.

A noun after a number takes the number's plural form: `{n} {n:plural:эпоха|эпохи|эпох}`
reads "1 эпоха", "2 эпохи", "5 эпох" (the forms for one, few and many, chosen by the
language's rule; English and Spanish need only one|other, `{n:plural:epoch|epochs}`).
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

from models.errors import PlaygroundError

LANGUAGES = {"en": "English", "es": "Español", "ru": "Русский"}
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


def plural_form(count: int, forms: list[str], lang: str) -> str:
    """The form of a noun after `count`: Russian one / few / many (1 эпоха, 2 эпохи, 5 эпох,
    11 эпох, 21 эпоха), elsewhere one / other."""
    if lang == "ru" and len(forms) == 3:
        if count % 10 == 1 and count % 100 != 11:
            return forms[0]
        if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
            return forms[1]
        return forms[2]
    return forms[0] if count == 1 else forms[-1]


class _Formatter(string.Formatter):
    """str.format, plus `{n:plural:forms}` for any parameter that reads as a whole number."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if not format_spec.startswith("plural:"):
            return super().format_field(value, format_spec)
        forms = format_spec.removeprefix("plural:").split("|")
        try:
            count = int(str(value).replace(",", "").replace("\u202f", "").replace(" ", ""))
        except ValueError:
            return forms[-1]
        return plural_form(count, forms, self.lang)


def translate(key: str, lang: str, **params: object) -> str:
    """The text of `key` in `lang` (English if missing there), formatted with `params`."""
    texts = catalog().get(key)
    if texts is None:
        return key
    template = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return _Formatter(lang).format(template, **params) if params else template


def current_language() -> str:
    """The session's language: the sidebar choice, else `?lang=` in the URL, else English."""
    lang = st.session_state.get("lang")  # one lookup: `t` asks this ~120 times a rerun
    if lang is None:
        requested = st.query_params.get("lang", DEFAULT_LANGUAGE)
        lang = requested if requested in LANGUAGES else DEFAULT_LANGUAGE
        st.session_state["lang"] = lang
    return lang


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
    if callable(labels):
        return {option: labels(option) for option in options}.__getitem__
    lang = current_language()  # once, not once an option
    return {option: translate(f"{labels}.{option}", lang) for option in options}.__getitem__


def error_text(error: PlaygroundError) -> str:
    """A PlaygroundError in the session's language: `error.<code>` if translated, else English."""
    key = f"error.{error.code}"
    if error.code and key in catalog():
        try:
            return t(key, **error.params)
        except (KeyError, IndexError, ValueError):
            pass
    return error.message
