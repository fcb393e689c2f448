"""Showing expected failures as messages, never as tracebacks."""

from __future__ import annotations

import streamlit as st

from components.i18n import error_text
from models.errors import PlaygroundError


def show_error(error: PlaygroundError) -> None:
    """An error box with the translated message; the rest of the page keeps working."""
    st.error(error_text(error), icon="⚠️")
