"""`model.summary()` as rows of a table, with the totals it prints underneath."""

from __future__ import annotations

import keras
import numpy as np


def _count(weights: list) -> int:
    return int(sum(np.prod(w.shape) for w in weights))


def summary_rows(model: keras.Model) -> list[dict]:
    """One row per layer: name, type, output shape and parameter count, as summary() shows."""
    return [
        {
            "layer": layer.name,
            "type": type(layer).__name__,
            "output_shape": str(tuple(layer.output.shape)),
            "params": layer.count_params(),
        }
        for layer in model.layers
    ]


def summary_totals(model: keras.Model) -> dict[str, int]:
    """Total, trainable and non-trainable parameters (BatchNormalization has the latter)."""
    trainable = _count(model.trainable_weights)
    frozen = _count(model.non_trainable_weights)
    return {"total": trainable + frozen, "trainable": trainable, "non_trainable": frozen}
