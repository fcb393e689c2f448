"""Toxicity logic without a model: threshold rule, positions layout, decoding, caps, batch input."""

import numpy as np
import pandas as pd
import pytest

from models.errors import BadInput, ModelFormatError
from models.text.toxicity import (
    IDS_INPUT,
    LABELS,
    MAX_BATCH_TEXTS,
    MAX_CSV_BYTES,
    MAX_TEXT_CHARS,
    POSITIONS_INPUT,
    LabelResult,
    batch_inputs,
    batch_table,
    batch_texts,
    cap_text,
    check_texts,
    check_threshold,
    decode_outputs,
    likely_text_column,
    match,
    match_literal,
    output_label,
    read_csv_table,
)


@pytest.mark.parametrize(
    ("probabilities", "threshold", "expected"),
    [
        ((0.05, 0.95), 0.9, True),  # sure it is the label
        ((0.95, 0.05), 0.9, False),  # sure it is not
        ((0.5, 0.5), 0.9, None),  # not sure either way
        ((0.12, 0.88), 0.9, None),  # course threshold: not sure enough …
        ((0.12, 0.88), 0.85, True),  # … the library's default: a match
        ((0.88, 0.12), 0.85, False),
        ((0.1, 0.9), 0.9, None),  # "exceeds" is strict: equal is not enough
        ((0.3, 0.7), 0.5, True),  # below 0.5 every label is decided
    ],
)
def test_threshold_rule(probabilities, threshold, expected) -> None:
    assert match(probabilities, threshold) is expected


def test_match_literals_are_the_js_ones() -> None:
    assert [match_literal(v) for v in (True, False, None)] == ["true", "false", "null"]


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_threshold_outside_zero_one_is_bad_input(bad) -> None:
    with pytest.raises(BadInput) as caught:
        check_threshold(bad)
    assert caught.value.code == "toxicity_bad_threshold"
    assert check_threshold(0.9) == 0.9


def test_positions_layout_for_sentences_of_different_lengths() -> None:
    inputs = batch_inputs([[7, 8, 9], [4], [5, 6]])
    assert inputs[POSITIONS_INPUT].dtype == np.int32 and inputs[IDS_INPUT].dtype == np.int32
    assert inputs[POSITIONS_INPUT].tolist() == [[0, 0], [0, 1], [0, 2], [1, 0], [2, 0], [2, 1]]
    assert inputs[IDS_INPUT].tolist() == [7, 8, 9, 4, 5, 6]


def test_positions_layout_of_nothing_keeps_its_rank() -> None:
    inputs = batch_inputs([])
    assert inputs[POSITIONS_INPUT].shape == (0, 2)
    assert inputs[IDS_INPUT].shape == (0,)


def test_output_names_give_labels() -> None:
    assert output_label("toxicity/concat_2") == "toxicity"
    assert output_label("severe_toxicity/Sigmoid:0") == "severe_toxicity"
    assert output_label("insult") == "insult"


def test_decode_keeps_model_order_and_checks_shapes() -> None:
    names = [f"{label}/concat_2" for label in reversed(LABELS)]
    outputs = {name: np.full((3, 2), i, np.float32) for i, name in enumerate(names)}
    decoded = decode_outputs(outputs, names, 3)
    assert list(decoded) == list(reversed(LABELS))
    assert decoded["toxicity"][0, 0] == 0 and decoded["identity_attack"][2, 1] == 6
    with pytest.raises(ModelFormatError) as caught:
        decode_outputs(outputs, names, 2)  # the model dropped or added a sentence
    assert caught.value.code == "toxicity_bad_output"


def test_texts_are_checked_before_any_model_call() -> None:
    for texts, code in [
        ([], "toxicity_empty"),
        (["fine", ""], "toxicity_blank_text"),
        (["   \n\t"], "toxicity_blank_text"),
        (["x"] * (MAX_BATCH_TEXTS + 1), "toxicity_too_many"),
    ]:
        with pytest.raises(BadInput) as caught:
            check_texts(texts)
        assert caught.value.code == code
    check_texts(["😀", "مرحبا", "\x00 control"])  # odd but not blank: allowed


def test_cap_text_cuts_long_texts_only() -> None:
    long = cap_text("é" * 100_000)
    assert long.capped and len(long.text) == MAX_TEXT_CHARS and long.original_length == 100_000
    short = cap_text("short")
    assert not short.capped and short.text == "short"


def test_batch_texts_skips_blanks_caps_and_limits() -> None:
    rows = ["one", "", "   ", "x" * (MAX_TEXT_CHARS + 5)] + ["more"] * (MAX_BATCH_TEXTS + 3)
    batch = batch_texts(rows)
    assert batch.blank == 2
    assert len(batch.texts) == MAX_BATCH_TEXTS and batch.dropped == 5
    assert batch.capped == 1 and len(batch.texts[1]) == MAX_TEXT_CHARS
    assert batch.texts[0] == "one"


def test_read_csv_picks_up_utf8_and_latin1() -> None:
    table = read_csv_table("id,comment\n1,ça va très bien\n2,\n".encode())
    assert list(table.columns) == ["id", "comment"]
    assert table["comment"].tolist() == ["ça va très bien", ""]
    assert likely_text_column(table) == "comment"
    latin = read_csv_table("texto\nañoranza\n".encode("latin-1"))
    assert latin["texto"].tolist() == ["añoranza"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "toxicity_csv_empty"),
        (b"only_header\n", "toxicity_csv_empty"),
        (b'a,b\n1,"unclosed\n', "toxicity_bad_csv"),
        (b"x" * (MAX_CSV_BYTES + 1), "toxicity_csv_too_big"),
    ],
)
def test_bad_csv_is_bad_input(data, code) -> None:
    with pytest.raises(BadInput) as caught:
        read_csv_table(data)
    assert caught.value.code == code


def test_batch_table_redecides_matches_at_a_new_threshold() -> None:
    results = [
        [LabelResult("insult", (0.12, 0.88), None), LabelResult("threat", (0.99, 0.01), False)],
        [LabelResult("insult", (0.02, 0.98), True), LabelResult("threat", (0.6, 0.4), None)],
    ]
    strict = batch_table(["a", "b"], results, 0.9)
    loose = batch_table(["a", "b"], results, 0.85)
    assert isinstance(strict, pd.DataFrame)
    assert list(strict.columns) == ["text", "insult", "threat", "insult_match", "threat_match"]
    assert strict["insult"].tolist() == [0.88, 0.98]
    assert strict["insult_match"].tolist() == ["null", "true"]
    assert loose["insult_match"].tolist() == ["true", "true"]
    assert strict["threat_match"].tolist() == ["false", "null"]
