"""An expander whose body runs only while it is open.

Streamlit sends a closed expander's whole content on every rerun. With `on_change="rerun"`
it tracks whether the expander is open, and a page can skip the body while it is closed:
opening it costs one rerun, and a class's reruns no longer pay for what nobody opened
(`python -m bench classroom`, docs/DEVELOPING.md). AppTest opens one by setting its key
in `session_state`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator


def opened(label: str, key: str, parent: DeltaGenerator | None = None, **options: Any):
    """The expander `key` (in `parent`, the main area by default) if it is open, else None."""
    box = (parent or st).expander(label, key=key, on_change="rerun", **options)
    return box if box.open else None
