"""The panel beside each result: the Python code that does it and the TF.js code of the slides."""

from __future__ import annotations

import streamlit as st

from components.i18n import t
from components.lazy_expander import opened


def code_panel(python: str, tfjs: str, *, expanded: bool = False, key: str | None = None) -> None:
    """Two tabs, Python (TensorFlow / Keras) and TF.js, each with Streamlit's copy button.

    With a `key`, a closed panel sends nothing until a student opens it (a rerun then), for
    a page whose reruns a class repeats (`python -m bench classroom`)."""
    label = t("common.code_panel")
    if key is None:
        box = st.expander(label, expanded=expanded)
    else:
        box = opened(label, key, expanded=expanded)
    if box is None:
        return
    with box:
        tab_py, tab_js = st.tabs(["Python", "TF.js"])
        with tab_py:
            st.code(python.strip(), language="python")
        with tab_js:
            st.code(tfjs.strip(), language="javascript")
