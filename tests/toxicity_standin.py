"""A small stand-in for the TF.js toxicity model, with exactly the real model's signature.

The real weights (27 MB, TF Hub) cannot be fetched here, so tests build this instead and
save it with the same TF.js graph-model writer format the loader reads:

- inputs `Placeholder_1` int32 [N, 2] (sentence index, token index) and `Placeholder`
  int32 [N] (token ids), as `ToxicityClassifier.classify` feeds them;
- seven outputs "<label>/concat_2", each float32 [batch, 2] = (P(not label), P(label)).

What it computes is honest and simple enough to check by hand: every token id looks up a
row of `embedding()` (zero except for TRIGGERS, which put 1 in their labels' columns), the
rows of each sentence are averaged (SparseSegmentMean over the sentence index, the kind of
op the real Universal Sentence Encoder graph starts with), a dense layer gives
logit = SCALE * mean + BIAS per label, and softmax([0, logit]) the pair of probabilities.
So P(label) = sigmoid(SCALE * share of the sentence's tokens that trigger the label + BIAS).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from models.formats.tfjs_graph import save_graph_model
from models.text.toxicity import LABELS
from models.text.use_tokenizer import Tokenizer

SCALE = 12.0
BIAS = -4.0
# Whole-word pieces of the real vocabulary and the labels they push up.
TRIGGERS = {
    "▁idiot": ("insult", "toxicity"),
    "▁stupid": ("insult", "toxicity"),
    "▁dumb": ("insult",),
    "▁kill": ("threat", "toxicity"),
    "▁die": ("threat",),
    "▁hate": ("toxicity",),
    "▁racist": ("identity_attack",),
    "▁fuck": ("obscene", "severe_toxicity", "toxicity"),
    "▁shit": ("obscene",),
    "▁porn": ("sexual_explicit",),
    "▁naked": ("sexual_explicit",),
}


def embedding(tokenizer: Tokenizer) -> np.ndarray:
    """[vocabulary size, 7]: 1 where a trigger piece meets one of its labels, else 0."""
    table = np.zeros((len(tokenizer), len(LABELS)), np.float32)
    for piece, labels in TRIGGERS.items():
        row = tokenizer.pieces.index(piece)
        for label in labels:
            table[row, LABELS.index(label)] = 1.0
    return table


def expected_probability(tokenizer: Tokenizer, text: str, label: str) -> float:
    """P(label) the stand-in must give for `text`, computed without TensorFlow."""
    pieces = tokenizer.pieces_of(tokenizer.encode(text))
    share = sum(label in TRIGGERS.get(piece, ()) for piece in pieces) / len(pieces)
    return float(1.0 / (1.0 + np.exp(-(SCALE * share + BIAS))))


def build_standin(folder: Path, tokenizer: Tokenizer) -> Path:
    """Write the stand-in as a TF.js graph model (model.json + shards) into `folder`."""
    table = tf.constant(embedding(tokenizer))
    weights = tf.constant(SCALE * np.eye(len(LABELS), dtype=np.float32))
    bias = tf.constant(np.full(len(LABELS), BIAS, np.float32))

    @tf.function(
        input_signature=[
            tf.TensorSpec([None, 2], tf.int32, name="Placeholder_1"),
            tf.TensorSpec([None], tf.int32, name="Placeholder"),
        ]
    )
    def toxicity(indices: tf.Tensor, values: tf.Tensor) -> dict[str, tf.Tensor]:
        # SparseSegmentMean: embedding rows of the ids, averaged per sentence (an op TF.js has).
        mean = tf.sparse.segment_mean(table, values, indices[:, 0])
        logits = tf.matmul(mean, weights) + bias
        outputs = {}
        for column, label in enumerate(LABELS):
            logit = logits[:, column]
            pair = tf.stack([tf.zeros_like(logit), logit], axis=1)
            outputs[f"{label}/concat_2"] = tf.nn.softmax(pair, axis=1)
        return outputs

    return save_graph_model(toxicity, folder)
