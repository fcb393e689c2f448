"""The shared sidebar: language switch and the Models panel."""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from components.i18n import LANGUAGES, current_language, t, translate
from components.lazy_expander import opened
from models.errors import PlaygroundError
from models.loading import is_loaded, last_failure, litert_verdict, status_generation
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


@lru_cache(maxsize=2)
def panel_rows(generation: tuple[int, int]) -> tuple[tuple, tuple]:
    """((model id, status, reason), …), ((dataset id, status), …) for one `generation` of
    the process's models (models/loading.status_generation): every session's every rerun
    shows the panel, and looking at the disk (each TF.js model.json read) only needs doing
    when something loaded, failed or was downloaded."""
    models = tuple((model_id, *model_status(model_id)) for model_id in MODELS)
    datasets = tuple((dataset_id, locate_dataset(dataset_id).source) for dataset_id in DATASETS)
    return models, datasets


_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|:~$"})


@lru_cache(maxsize=8)
def panel_markdown(generation: tuple[int, int], lang: str) -> str:
    """The Models panel as one Markdown list in `lang`, a model's reason (why it is
    unavailable, or runs on TensorFlow) under it: one element instead of one a row, which
    were a sixth of the elements of every rerun of every session (`python -m bench
    classroom`)."""
    models, datasets = panel_rows(generation)
    lines = []
    for model_id, status, reason in models:
        lines.append(f"- `{model_id}` — {translate('sidebar.status.' + status, lang)}")
        if reason:
            lines.append(f"  - :gray[{reason.translate(_MARKDOWN_SPECIALS)}]")
    lines.append(f"\n:gray[{translate('sidebar.datasets', lang)}]\n")
    lines += [
        f"- `{dataset_id}` — {translate('sidebar.status.' + status, lang)}"
        for dataset_id, status in datasets
    ]
    return "\n".join(lines)


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
    panel = opened(t("sidebar.models"), "sidebar_models", st.sidebar)
    if panel is not None:  # nothing sent on the reruns of a student who never opens it
        panel.markdown(panel_markdown(status_generation(), lang))
