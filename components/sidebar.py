"""The shared sidebar: language switch and the Models panel."""

from __future__ import annotations

import streamlit as st

from components.i18n import LANGUAGES, current_language, t
from models.errors import PlaygroundError
from models.loading import is_loaded, last_failure, litert_verdict
from models.store.locate import locate_dataset, locate_model
from models.store.registry import DATASETS, MODELS


def model_status(model_id: str) -> tuple[str, str]:
    """(status, reason): loaded (· LiteRT, or · TensorFlow with why) | mirror | cache | download |
    unavailable, for the Models panel."""
    if is_loaded(model_id):
        verdict = litert_verdict(model_id)  # None: not a graph model, or only its reference
        if verdict is None:
            return "loaded", ""
        if verdict.path is None:
            return "loaded_tensorflow", verdict.reason
        return "loaded_litert", ""
    failure = last_failure(model_id)
    if failure:
        return "unavailable", failure
    try:
        return locate_model(model_id).source, ""
    except PlaygroundError as error:
        return "unavailable", error.message


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
            status, reason = model_status(model_id)
            st.markdown(f"`{model_id}` — {t('sidebar.status.' + status)}", help=reason or None)
        st.caption(t("sidebar.datasets"))
        for dataset_id in DATASETS:
            status = locate_dataset(dataset_id).source
            st.markdown(f"`{dataset_id}` — {t('sidebar.status.' + status)}")
