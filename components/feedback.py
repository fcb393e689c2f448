"""Showing expected failures as messages, never as tracebacks."""

from __future__ import annotations

import streamlit as st

from components.i18n import error_text
from models.errors import PlaygroundError


def show_error(error: PlaygroundError, file: str | None = None) -> None:
    """An error box with the translated message; the rest of the page keeps working.

    `file` names the upload the message is about: the browser refuses a file over the upload
    limit without telling the server, and the uploader keeps the previous file as its value,
    so an unnamed message about that one would read as the verdict on the refused file.
    """
    text = error_text(error)
    st.error(f"**{file}** — {text}" if file else text, icon="⚠️")
