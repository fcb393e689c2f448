"""The Streamlit pieces of the toxicity page: getting the model, results, tokens, which words.

The model may be out of reach (no copy here, no network in a classroom): `get_model`
then explains how to add it and returns None, and the page keeps its tokenizer view, which
needs only the vocabulary. A failure is remembered for the session, so moving the slider
does not retry a download on every rerun; "Try again" forgets it.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pandas as pd
import streamlit as st

from components import model_cache
from components.feedback import show_error
from components.i18n import catalog, error_text, t
from models.errors import PlaygroundError
from models.text.toxicity import (
    MAX_BATCH_TEXTS,
    MAX_CSV_BYTES,
    MAX_EFFECT_WORDS,
    MAX_TEXT_CHARS,
    LabelResult,
    WordEffects,
    batch_inputs,
    batch_table,
    batch_texts,
    classify,
    likely_text_column,
    match,
    match_literal,
    read_csv_table,
    word_effects,
)
from models.text.use_tokenizer import Tokenizer, load_tokenizer

MODEL_ID = "toxicity"
FAILURE_KEY = "toxicity_model_failure"
EFFECTS_KEY = "toxicity_effects"
BATCH_KEY = "toxicity_batch"
TEXT_KEY = "toxicity_text"
SHOWN_TOKENS = 120  # the token table stays readable on a phone
MATCH_ICONS = {"true": "✅ true", "false": "❌ false", "null": "❔ null"}
# Sample sentences in their own languages (data, not interface text): the model learned from
# English comments, so the Spanish and Russian ones show what it cannot read.
EXAMPLES = [
    "🇬🇧 You are a wonderful person.",
    "🇬🇧 You are a stupid idiot.",
    "🇬🇧 I will kill you.",
    "🇬🇧 Shut up, nobody cares what you think.",
    "🇪🇸 Eres una persona maravillosa.",
    "🇪🇸 Eres un idiota y te odio.",
    "🇷🇺 Ты замечательный человек.",
    "🇷🇺 Ты глупый идиот.",
]


def label_name(label: str) -> str:
    """A head's label in the session's language; an unknown head keeps its own name."""
    key = f"toxicity.label.{label}"
    return t(key) if key in catalog() else label


def get_tokenizer() -> Tokenizer | None:
    """The USE tokenizer over the real vocabulary, or None after an error message.

    Not through `model_cache.use_vocab()`: `datasets.load_use_vocab` applies float() to
    every score, and the real vocab.json has null scores (":", "://" …). `load_tokenizer`
    reads them as the JS does (null counts as 0) and keeps one tokenizer per process.
    """
    try:
        with st.spinner(t("toxicity.loading_vocab")):
            return load_tokenizer()
    except PlaygroundError as error:
        show_error(error)
        return None


def _forget_failure() -> None:
    st.session_state.pop(FAILURE_KEY, None)


def get_model() -> Any | None:
    """The toxicity graph model, or None once the student has been told how to add it."""
    failure = st.session_state.get(FAILURE_KEY)
    if failure is None:
        try:
            return model_cache.model(MODEL_ID)
        except PlaygroundError as error:
            failure = st.session_state[FAILURE_KEY] = error_text(error)
    st.warning(
        t(
            "toxicity.unavailable",
            folder=f"$PLAYGROUND_MODEL_DIR/{MODEL_ID}/",  # the setting, not the server's path
            command=f"python -m models download {MODEL_ID}",
        ),
        icon="📴",
    )
    with st.expander(t("toxicity.unavailable_details")):
        st.code(failure, language=None, wrap_lines=True)
    st.button(t("toxicity.retry"), on_click=_forget_failure, key="toxicity_retry")
    return None


def render_results(results: list[LabelResult], threshold: float) -> None:
    """Per label a probability bar and the match (true / false / null) at `threshold`."""
    matches = [match(r.probabilities, threshold) for r in results]
    table = pd.DataFrame(
        {
            "label": [label_name(r.label) for r in results],
            "probability": [r.probability for r in results],
            "match": [MATCH_ICONS[match_literal(m)] for m in matches],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "label": st.column_config.TextColumn(t("toxicity.col_label")),
            "probability": st.column_config.ProgressColumn(
                t("toxicity.col_probability"), min_value=0.0, max_value=1.0, format="%.3f"
            ),
            "match": st.column_config.TextColumn(t("toxicity.col_match")),
        },
    )
    matched = [label_name(r.label) for r, m in zip(results, matches, strict=True) if m]
    unsure = sum(m is None for m in matches)
    if matched:
        st.error(t("toxicity.summary_matched", labels=", ".join(matched), threshold=threshold))
    elif unsure:
        st.info(t("toxicity.summary_clean", threshold=threshold))
    else:
        st.success(t("toxicity.summary_clean", threshold=threshold))
    if unsure:
        st.caption(t("toxicity.summary_unsure", count=unsure, threshold=threshold))
    st.caption(t("toxicity.match_legend"))


def render_tokens(tokenizer: Tokenizer, text: str) -> None:
    """How the text reaches the model: pieces, ids and the two input tensors."""
    ids = tokenizer.encode(text)
    unknown = sum(i == 0 for i in ids)
    st.caption(t("toxicity.tokens_summary", count=len(ids), unknown=unknown))
    shown = ids[:SHOWN_TOKENS]
    st.dataframe(
        pd.DataFrame(
            {
                t("toxicity.tokens.piece"): tokenizer.pieces_of(shown),
                t("toxicity.tokens.id"): [str(i) for i in shown],
            }
        ).T,
    )
    if len(ids) > SHOWN_TOKENS:
        st.caption(t("toxicity.tokens_more", shown=SHOWN_TOKENS, count=len(ids)))
    inputs = batch_inputs([shown])
    positions = inputs["Placeholder_1"].tolist()
    more = " …" if len(positions) > 6 else ""
    st.code(
        f"Placeholder_1 = {positions[:6]}{more}  # int32 {list(inputs['Placeholder_1'].shape)}\n"
        f"Placeholder   = {inputs['Placeholder'].tolist()}  # int32 [{len(shown)}]",
        language="python",
        wrap_lines=True,
    )


def _effects_for(model: Any, tokenizer: Tokenizer, text: str) -> WordEffects:
    """Leave-one-word-out for `text`, kept in the session so reruns do not repeat it."""
    cached = st.session_state.get(EFFECTS_KEY)
    if cached is not None and cached[0] == text:
        return cached[1]
    with st.spinner(t("toxicity.effects_running")):
        effects = word_effects(model, tokenizer, text)
    st.session_state[EFFECTS_KEY] = (text, effects)
    return effects


def highlighted_html(words: list[str], effects: list[float]) -> str:
    """The words as HTML spans: red where a word raises the label, blue where it lowers it.

    Every word is escaped, so a student's `<script>` is shown as text, never run.
    """
    scale = max((abs(e) for e in effects), default=0.0) or 1.0
    spans = []
    for word, effect in zip(words, effects, strict=True):
        alpha = min(abs(effect) / scale, 1.0) * 0.75
        color = f"rgba(220,38,38,{alpha:.2f})" if effect > 0 else f"rgba(37,99,235,{alpha:.2f})"
        spans.append(
            f'<span title="{effect:+.3f}" style="background:{color};padding:2px 4px;'
            f'border-radius:4px;margin:1px;display:inline-block">{html.escape(word)}</span>'
        )
    return f'<div style="line-height:2.2;font-size:1.15rem">{" ".join(spans)}</div>'


def render_word_effects(model: Any, tokenizer: Tokenizer, text: str) -> None:
    """Which words: highlighted text for one chosen label, and the effects as a table."""
    if len(text.split()) < 2:
        st.info(t("toxicity.effects_one_word"))
        return
    try:
        effects = _effects_for(model, tokenizer, text)
    except PlaygroundError as error:
        show_error(error)
        return
    labels = list(effects.effects)
    names = [label_name(label) for label in labels]
    chosen = st.selectbox(
        t("toxicity.effects_label"),
        names,
        index=labels.index("toxicity") if "toxicity" in labels else 0,
    )
    label = labels[names.index(chosen)]
    st.html(highlighted_html(effects.words, effects.effects[label]))
    st.caption(t("toxicity.effects_legend", label=label_name(label)))
    if effects.truncated:
        st.caption(t("toxicity.effects_truncated", count=MAX_EFFECT_WORDS))
    table = pd.DataFrame({"word": effects.words, "effect": effects.effects[label]})
    st.dataframe(
        table.sort_values("effect", ascending=False),
        hide_index=True,
        column_config={
            "word": st.column_config.TextColumn(t("toxicity.col_word")),
            "effect": st.column_config.NumberColumn(t("toxicity.col_effect"), format="%+.3f"),
        },
    )


def batch_column_config(labels: list[str]) -> dict:
    """Translated headers for the batch table: P(label) as numbers, matches as text."""
    config: dict = {"text": st.column_config.TextColumn(t("toxicity.col_text"), width="large")}
    for label in labels:
        config[label] = st.column_config.NumberColumn(label_name(label), format="%.3f")
        config[f"{label}_match"] = st.column_config.TextColumn(
            t("toxicity.col_label_match", label=label_name(label))
        )
    return config


def python_code(text: str, threshold: float) -> str:
    """The Python that gives this page's result, with the student's text and threshold."""
    return f"""
from models.loading import load_model
from models.text.toxicity import batch_inputs, classify
from models.text.use_tokenizer import load_tokenizer

tokenizer = load_tokenizer()          # USE vocabulary: 8,000 SentencePiece pieces
model = load_model("toxicity")        # the TF.js graph model from TF Hub, run by TensorFlow

text = {text[:200]!r}
ids = tokenizer.encode(text)          # NFKC, "▁" for spaces, Viterbi over piece scores
inputs = batch_inputs([ids])          # Placeholder_1 [N, 2] (sentence, token), Placeholder [N]
outputs = model(**inputs)             # 7 outputs "<label>/…", each [1, 2]

for result in classify(model, tokenizer, [text], threshold={threshold})[0]:
    # match: max(p) > threshold ? p[1] > p[0] : None
    print(result.label, result.probabilities, result.match)
"""


def tfjs_code(text: str, threshold: float) -> str:
    """The TF.js code of the course slides for the same text and threshold."""
    return f"""
import '@tensorflow/tfjs';
import * as toxicity from '@tensorflow-models/toxicity';

const threshold = {threshold};   // the library's default is 0.85
const model = await toxicity.load(threshold);
const predictions = await model.classify([{json.dumps(text[:200], ensure_ascii=False)}]);

// [{{label: 'identity_attack', results: [{{probabilities: [p0, p1], match: false}}]}}, …]
predictions.forEach(({{label, results}}) =>
  console.log(label, results[0].probabilities, results[0].match));
"""


def _use_example() -> None:
    """Copies the chosen example (without its flag) into the text box."""
    choice = st.session_state.get("toxicity_example")
    if choice:
        st.session_state[TEXT_KEY] = choice.split(" ", 1)[1]


def text_input() -> str:
    """Example picker and text box; returns the text (the box keeps it across reruns)."""
    st.session_state.setdefault(TEXT_KEY, EXAMPLES[0].split(" ", 1)[1])
    st.selectbox(
        t("toxicity.examples"),
        EXAMPLES,
        index=None,
        placeholder=t("toxicity.examples_placeholder"),
        key="toxicity_example",
        on_change=_use_example,
    )
    text = st.text_area(t("toxicity.text"), key=TEXT_KEY, height=110)
    if len(text) > MAX_TEXT_CHARS:
        st.warning(t("toxicity.capped", used=f"{MAX_TEXT_CHARS:,}", total=f"{len(text):,}"))
    return text[:MAX_TEXT_CHARS]


def batch_rows() -> list[str]:
    """The rows to classify: pasted lines, or one column of an uploaded CSV."""
    # Translated options rather than a format_func: AppTest formats outside the session.
    paste, csv = t("toxicity.batch_source_paste"), t("toxicity.batch_source_csv")
    source = st.radio(t("toxicity.batch_source"), [paste, csv], horizontal=True)
    if source == paste:
        lines = st.text_area(
            t("toxicity.batch_lines"),
            key="toxicity_lines",
            height=160,
            placeholder="You are great\nYou are an idiot\nEres genial",
        )
        return lines.splitlines()
    upload = st.file_uploader(
        t("toxicity.batch_csv", limit=f"{MAX_CSV_BYTES / 1e6:.0f}"),
        type=["csv"],
        key="toxicity_csv",
        max_upload_size=int(MAX_CSV_BYTES / 1e6),
    )
    if upload is None:
        return []
    try:
        table = read_csv_table(upload.getvalue())
    except PlaygroundError as error:
        show_error(error, file=upload.name)
        return []
    columns = list(table.columns)
    column = st.selectbox(
        t("toxicity.batch_column"), columns, index=columns.index(likely_text_column(table))
    )
    st.caption(t("toxicity.batch_csv_rows", rows=len(table), column=column))
    return table[column].tolist()


def run_batch(model: Any, tokenizer: Tokenizer, rows: list[str], threshold: float) -> None:
    """Classifies the rows and keeps texts and results in the session, saying what was skipped."""
    batch = batch_texts(rows)
    if batch.blank:
        st.caption(t("toxicity.batch_blank", count=batch.blank))
    if batch.dropped:
        st.warning(t("toxicity.batch_dropped", count=batch.dropped, limit=MAX_BATCH_TEXTS))
    if batch.capped:
        st.warning(t("toxicity.batch_capped", count=batch.capped, limit=f"{MAX_TEXT_CHARS:,}"))
    if not batch.texts:
        st.info(t("toxicity.batch_nothing"))
        return
    try:
        with st.spinner(t("toxicity.batch_running", count=len(batch.texts))):
            results = classify(model, tokenizer, batch.texts, threshold)
    except PlaygroundError as error:
        show_error(error)
        return
    st.session_state[BATCH_KEY] = (batch.texts, results)


def render_batch(threshold: float) -> None:
    """The last batch as a sortable table (matches at the current threshold) and a CSV."""
    stored = st.session_state.get(BATCH_KEY)
    if stored is None:
        return
    texts, results = stored
    table = batch_table(texts, results, threshold)
    labels = [r.label for r in results[0]]
    st.dataframe(table, hide_index=True, column_config=batch_column_config(labels))
    st.download_button(
        t("toxicity.batch_download"),
        table.to_csv(index=False).encode("utf-8"),
        file_name="toxicity.csv",
        mime="text/csv",
        key="toxicity_download",
    )
