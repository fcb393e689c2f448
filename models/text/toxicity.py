"""The TF.js toxicity classifier run from Python: batching, decoding, threshold, which words.

`classify` does what `ToxicityClassifier.classify` of tfjs-models does: every text is
tokenized (models/text/use_tokenizer.py), the token ids of all texts are laid end to end in
`Placeholder` [N] and their positions in `Placeholder_1` [N, 2] = (sentence index, token
index), the graph returns one [batch, 2] tensor per label (named "<label>/…"), and a label
*matches* when the larger of its two probabilities exceeds the threshold: true when
P(label) is the larger, false when P(not label) is, and null when the model is not sure
enough either way. The library's default threshold is 0.85; the course uses 0.9.

`word_effects` explains a result by leaving one word out at a time: a word's effect on a
label is P(label | text) - P(label | text without that word).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from models.errors import BadInput, ModelFormatError, PlaygroundError
from models.text.use_tokenizer import Tokenizer

LABELS = (
    "identity_attack",
    "insult",
    "obscene",
    "severe_toxicity",
    "sexual_explicit",
    "threat",
    "toxicity",
)
LIBRARY_THRESHOLD = 0.85
COURSE_THRESHOLD = 0.9
POSITIONS_INPUT = "Placeholder_1"
IDS_INPUT = "Placeholder"

MAX_TEXT_CHARS = 2_000  # a long paragraph; longer texts are cut, with a message
MAX_BATCH_TEXTS = 300  # rows of one batch run (pasted lines or CSV rows)
MAX_EFFECT_WORDS = 60  # leave-one-word-out runs the model once per word
SENTENCES_PER_CALL = 32  # bounds the memory of one model call


@dataclass(frozen=True)
class LabelResult:
    """One label for one text: (P(not label), P(label)) and the match (True/False/None)."""

    label: str
    probabilities: tuple[float, float]
    match: bool | None

    @property
    def probability(self) -> float:
        """P(label): the number shown on the bar."""
        return self.probabilities[1]

    def as_dict(self) -> dict:
        return {"probabilities": list(self.probabilities), "match": self.match}


@dataclass(frozen=True)
class CappedText:
    """A text cut to MAX_TEXT_CHARS, with its original length to tell the student."""

    text: str
    original_length: int

    @property
    def capped(self) -> bool:
        return len(self.text) < self.original_length


def cap_text(text: str, limit: int = MAX_TEXT_CHARS) -> CappedText:
    """At most `limit` characters of `text` (whole code points; nothing else changes)."""
    return CappedText(text[:limit], len(text))


def check_threshold(threshold: float) -> float:
    """The threshold as a float in [0, 1]; BadInput otherwise (NaN included)."""
    value = float(threshold)
    if not 0.0 <= value <= 1.0:
        raise BadInput(
            f"The threshold must be between 0 and 1, got {threshold}.",
            code="toxicity_bad_threshold",
            value=str(threshold),
        )
    return value


def match(probabilities: Sequence[float], threshold: float) -> bool | None:
    """The library's rule: sure enough (max > threshold) → P(label) > P(not label); else None."""
    p_not, p_yes = float(probabilities[0]), float(probabilities[1])
    if max(p_not, p_yes) > threshold:
        return p_not < p_yes
    return None


def match_literal(value: bool | None) -> str:
    """A match as TF.js prints it: "true", "false" or "null"."""
    return "null" if value is None else str(value).lower()


def batch_inputs(encodings: Sequence[Sequence[int]]) -> dict[str, np.ndarray]:
    """The two graph inputs for a batch: positions [N, 2] (sentence, token) and ids [N]."""
    positions = [(s, t) for s, ids in enumerate(encodings) for t in range(len(ids))]
    ids = [token for encoding in encodings for token in encoding]
    return {
        POSITIONS_INPUT: np.asarray(positions, dtype=np.int32).reshape(len(positions), 2),
        IDS_INPUT: np.asarray(ids, dtype=np.int32),
    }


def output_label(name: str) -> str:
    """The label of an output: what comes before the first "/" (toxicity/Sigmoid:0 → toxicity)."""
    return name.split("/", 1)[0].split(":", 1)[0]


def decode_outputs(
    outputs: dict[str, np.ndarray], output_names: Sequence[str], batch: int
) -> dict[str, np.ndarray]:
    """{label: float array [batch, 2]} in the model's output order; checks every shape."""
    decoded: dict[str, np.ndarray] = {}
    for name in output_names:
        values = np.asarray(outputs[name], dtype=np.float32)
        if values.shape != (batch, 2):
            raise ModelFormatError(
                f"Output {name} has shape {list(values.shape)}; a toxicity head gives "
                f"[{batch}, 2] for {batch} texts.",
                code="toxicity_bad_output",
                name=name,
                shape=str(list(values.shape)),
            )
        decoded[output_label(name)] = values
    return decoded


def model_output_names(model: Any) -> list[str]:
    """The model's output names in its own order (the order TF.js reports labels in)."""
    return [info.name for info in model.outputs]


def check_texts(texts: Sequence[str]) -> None:
    """BadInput unless there are 1..MAX_BATCH_TEXTS texts and none is blank.

    A blank text has no tokens, so it would leave no row in the batch and shift every
    later text's result onto the wrong sentence.
    """
    if not texts:
        raise BadInput("There is no text to classify.", code="toxicity_empty")
    for number, text in enumerate(texts, start=1):
        if not text.strip():
            raise BadInput(
                f"Text {number} is empty or only spaces: there is nothing to classify.",
                code="toxicity_blank_text",
                number=number,
            )
    if len(texts) > MAX_BATCH_TEXTS:
        raise BadInput(
            f"{len(texts)} texts at once is too many; the limit is {MAX_BATCH_TEXTS}.",
            code="toxicity_too_many",
            count=len(texts),
            limit=MAX_BATCH_TEXTS,
        )


def _run(model: Any, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One model call; a failure inside the graph becomes an error the page can show.

    The graph is someone else's code fed with a student's text: whatever TensorFlow raises
    there (an op error, a bad cast) must reach the student as a sentence, not a traceback.
    """
    try:
        return model(**inputs)
    except PlaygroundError:
        raise
    except Exception as exc:  # the boundary: any failure inside the foreign graph
        detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise ModelFormatError(
            f"The toxicity model failed on this input: {detail}",
            code="toxicity_model_failed",
            detail=detail,
        ) from exc


def predict(model: Any, encodings: Sequence[Sequence[int]]) -> dict[str, np.ndarray]:
    """{label: [len(encodings), 2]} for already tokenized texts, SENTENCES_PER_CALL at a time."""
    if not encodings:
        raise BadInput("There is no text to classify.", code="toxicity_empty")
    names = model_output_names(model)
    parts: list[dict[str, np.ndarray]] = []
    for start in range(0, len(encodings), SENTENCES_PER_CALL):
        chunk = encodings[start : start + SENTENCES_PER_CALL]
        parts.append(decode_outputs(_run(model, batch_inputs(chunk)), names, len(chunk)))
    return {label: np.concatenate([part[label] for part in parts]) for label in parts[0]}


def classify(
    model: Any, tokenizer: Tokenizer, texts: Sequence[str], threshold: float
) -> list[list[LabelResult]]:
    """Per text, one LabelResult per model head, like `model.classify(sentences)` in TF.js.

    Texts longer than MAX_TEXT_CHARS are cut (callers show `cap_text` to the student first).
    """
    threshold = check_threshold(threshold)
    check_texts(texts)
    encodings = [tokenizer.encode(cap_text(text).text) for text in texts]
    probabilities = predict(model, encodings)
    return [
        [
            LabelResult(label, (float(p[row, 0]), float(p[row, 1])), match(p[row], threshold))
            for label, p in probabilities.items()
        ]
        for row in range(len(texts))
    ]


@dataclass(frozen=True)
class WordEffects:
    """Leave-one-word-out: the words, and each word's effect on each label's P(label)."""

    words: list[str]
    baseline: dict[str, float]  # P(label) of the whole text
    effects: dict[str, list[float]]  # label → one effect per word (+ pushes the label up)
    truncated: bool  # only the first MAX_EFFECT_WORDS words were tried


def word_effects(model: Any, tokenizer: Tokenizer, text: str) -> WordEffects:
    """Each word's effect on each label: P(label | all words) - P(label | all but that word).

    Words are whitespace-separated; the text is rebuilt with single spaces so that the only
    difference between the whole text and a variant is the missing word. A one-word text
    has no variant to compare with: BadInput.
    """
    words = cap_text(text).text.split()
    if len(words) < 2:
        raise BadInput(
            "Leave-one-word-out needs at least two words.",
            code="toxicity_one_word",
        )
    tried = min(len(words), MAX_EFFECT_WORDS)
    variants = [" ".join(words)]
    variants += [" ".join(words[:i] + words[i + 1 :]) for i in range(tried)]
    probabilities = predict(model, [tokenizer.encode(v) for v in variants])
    baseline = {label: float(p[0, 1]) for label, p in probabilities.items()}
    effects = {
        label: [baseline[label] - float(p[1 + i, 1]) for i in range(tried)]
        for label, p in probabilities.items()
    }
    return WordEffects(words[:tried], baseline, effects, tried < len(words))


MAX_CSV_BYTES = 2_000_000


@dataclass(frozen=True)
class BatchTexts:
    """The texts of a batch run and what was left out on the way, to tell the student."""

    texts: list[str]
    blank: int  # empty or whitespace-only lines / cells, skipped
    dropped: int  # rows past MAX_BATCH_TEXTS
    capped: int  # texts cut to MAX_TEXT_CHARS


def batch_texts(rows: Sequence[str]) -> BatchTexts:
    """Blank rows skipped, at most MAX_BATCH_TEXTS kept, each cut to MAX_TEXT_CHARS."""
    kept = [row for row in rows if row.strip()]
    capped = [cap_text(row) for row in kept[:MAX_BATCH_TEXTS]]
    return BatchTexts(
        texts=[c.text for c in capped],
        blank=len(rows) - len(kept),
        dropped=max(len(kept) - MAX_BATCH_TEXTS, 0),
        capped=sum(c.capped for c in capped),
    )


def read_csv_table(data: bytes) -> pd.DataFrame:
    """An uploaded CSV as a table of strings (UTF-8, else Latin-1); BadInput when unreadable.

    Only parsed, never evaluated; files over MAX_CSV_BYTES are refused before parsing.
    """
    if len(data) > MAX_CSV_BYTES:
        raise BadInput(
            f"The CSV file has {len(data):,} bytes; the limit is {MAX_CSV_BYTES:,}.",
            code="toxicity_csv_too_big",
            size=f"{len(data) / 1e6:.1f}",
            limit=f"{MAX_CSV_BYTES / 1e6:.0f}",
        )
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            table = pd.read_csv(
                io.BytesIO(data), dtype=str, keep_default_na=False, encoding=encoding
            )
            break
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError as exc:
            raise BadInput("The CSV file has no rows.", code="toxicity_csv_empty") from exc
        except (ValueError, pd.errors.ParserError) as exc:
            raise BadInput(
                f"This file cannot be read as CSV: {exc}", code="toxicity_bad_csv", detail=str(exc)
            ) from exc
    if table.columns.empty or table.empty:
        raise BadInput("The CSV file has no rows.", code="toxicity_csv_empty")
    table.columns = [str(column) for column in table.columns]
    return table


def likely_text_column(table: pd.DataFrame) -> str:
    """The column with the longest texts on average: the one to classify, most likely."""
    lengths = {column: table[column].str.len().mean() for column in table.columns}
    return max(lengths, key=lambda column: lengths[column])


def batch_table(
    texts: Sequence[str], results: Sequence[Sequence[LabelResult]], threshold: float
) -> pd.DataFrame:
    """One row per text: P(label) and match per label, matches re-decided at `threshold`.

    Keeping both probabilities lets the page move the threshold without running the model.
    """
    rows = []
    for text, labels in zip(texts, results, strict=True):
        row: dict[str, object] = {"text": text}
        for result in labels:
            row[result.label] = result.probability
        for result in labels:
            row[f"{result.label}_match"] = match_literal(match(result.probabilities, threshold))
        rows.append(row)
    return pd.DataFrame(rows)
