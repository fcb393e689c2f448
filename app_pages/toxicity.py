"""Toxicity: the TF.js toxicity model on the student's text, one text or a batch."""

import streamlit as st

from components import toxicity_views as views
from components.code_panel import code_panel
from components.feedback import show_error
from components.i18n import t
from models.errors import PlaygroundError
from models.text.toxicity import COURSE_THRESHOLD, LIBRARY_THRESHOLD, classify

st.title(t("toxicity.title"))
st.caption(t("toxicity.intro"))

tokenizer = views.get_tokenizer()
model = views.get_model()
threshold = st.slider(
    t("toxicity.threshold"),
    min_value=0.5,
    max_value=0.99,
    value=COURSE_THRESHOLD,
    step=0.01,
    key="toxicity_threshold",
    help=t("toxicity.threshold_help", course=COURSE_THRESHOLD, library=LIBRARY_THRESHOLD),
)
st.caption(t("toxicity.threshold_note", course=COURSE_THRESHOLD, library=LIBRARY_THRESHOLD))

tab_one, tab_batch = st.tabs([t("toxicity.tab_one"), t("toxicity.tab_batch")])
with tab_one:
    text = views.text_input()
    if not text.strip():
        st.info(t("toxicity.enter_text"))
    elif tokenizer is not None:
        if model is not None:
            try:
                views.render_results(classify(model, tokenizer, [text], threshold)[0], threshold)
            except PlaygroundError as error:
                show_error(error)
            st.subheader(t("toxicity.effects_title"))
            if st.toggle(t("toxicity.effects_toggle"), value=True, key="toxicity_effects_on"):
                views.render_word_effects(model, tokenizer, text)
        with st.expander(t("toxicity.tokens_title"), expanded=model is None):
            views.render_tokens(tokenizer, text)

with tab_batch:
    rows = views.batch_rows()
    ready = model is not None and tokenizer is not None
    if st.button(t("toxicity.batch_run"), disabled=not ready, key="toxicity_batch_run"):
        views.run_batch(model, tokenizer, rows, threshold)
    if not ready:  # a greyed button must say why
        st.caption(t("toxicity.batch_needs_model"))
    views.render_batch(threshold)

code_panel(views.python_code(text, threshold), views.tfjs_code(text, threshold))
