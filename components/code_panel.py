"""The panel beside each result: the Python code that does it and the TF.js code of the slides."""

from __future__ import annotations

import streamlit as st

from components.i18n import t


def code_panel(python: str, tfjs: str, *, expanded: bool = False) -> None:
    """Two tabs, Python (TensorFlow / Keras) and TF.js, each with Streamlit's copy button."""
    with st.expander(t("common.code_panel"), expanded=expanded):
        tab_py, tab_js = st.tabs(["Python", "TF.js"])
        with tab_py:
            st.code(python.strip(), language="python")
        with tab_js:
            st.code(tfjs.strip(), language="javascript")
