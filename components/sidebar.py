"""The shared sidebar: language switch and the Models panel."""

from __future__ import annotations

import streamlit as st

from components.i18n import LANGUAGES, current_language, t
from models.errors import PlaygroundError
from models.loading import is_loaded
from models.registry import DATASETS, MODELS
from models.store import locate_dataset, locate_model


def model_status(model_id: str) -> str:
    """loaded | mirror | cache | download | unavailable: what the Models panel shows."""
    if is_loaded(model_id):
        return "loaded"
    try:
        return locate_model(model_id).source
    except PlaygroundError:
        return "unavailable"


def _switch_language() -> None:
    """Runs before the rerun, so the whole page (navigation included) uses the new language."""
    lang = st.session_state["lang_choice"]
    st.session_state["lang"] = lang
    st.query_params["lang"] = lang


def render_sidebar() -> None:
    """Language switch (kept in the URL so a shared link keeps it) and the Models panel."""
    lang = current_language()
    st.sidebar.radio(
        "🌐 Language / Idioma",
        options=list(LANGUAGES),
        format_func=LANGUAGES.get,
        index=list(LANGUAGES).index(lang),
        horizontal=True,
        key="lang_choice",
        on_change=_switch_language,
    )
    with st.sidebar.expander(t("sidebar.models")):
        for model_id in MODELS:
            status = model_status(model_id)
            st.markdown(f"`{model_id}` — {t('sidebar.status.' + status)}")
        st.caption(t("sidebar.datasets"))
        for dataset_id in DATASETS:
            status = locate_dataset(dataset_id).source
            st.markdown(f"`{dataset_id}` — {t('sidebar.status.' + status)}")
