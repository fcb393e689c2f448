"""Model formats: Layers vs Graph models, model.json and shards, TFLite and quantization."""

import streamlit as st

from components.code_panel import code_panel
from components.format_views import (
    code_snippets,
    convert_panel,
    pick_model,
    run_panel,
    show_model,
)
from components.i18n import option_labels, t
from components.quantize_views import counter_example

st.title(t("formats.title"))
st.caption(t("formats.intro"))
with st.expander(t("formats.explained_title")):
    st.markdown(t("formats.explained"))

sources = ["trained", "registry", "upload"]
source = st.radio(
    t("formats.source"),
    sources,
    format_func=option_labels(sources, "formats.source"),
    horizontal=True,
    key="formats_source",
)
picked = pick_model(source)
if picked is not None:
    st.subheader(t("formats.what_title", name=picked["name"]))
    show_model(picked)
    run_panel(picked)
    convert_panel(picked)
code_panel(*code_snippets(picked))
counter_example()
