"""What the trained model gets right and wrong on the validation data, class by class."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from models.training.data import BINARY, Dataset

BATCH = 1024


@dataclass(frozen=True)
class Diagnostics:
    """confusion[i, j] counts validation examples of class i predicted as j."""

    confusion: np.ndarray
    per_class: np.ndarray  # recall of each class; NaN where the class has no examples
    accuracy: float


def predicted_classes(model: keras.Model, x: np.ndarray, problem: str) -> np.ndarray:
    """Class indices from the model's outputs (0.5 threshold for one sigmoid output)."""
    outputs = np.concatenate(
        [
            keras.ops.convert_to_numpy(model(x[i : i + BATCH], training=False))
            for i in range(0, len(x), BATCH)
        ]
    )
    if problem == BINARY:
        return (outputs[:, 0] >= 0.5).astype(int)
    return np.argmax(outputs, axis=1)


def true_classes(y: np.ndarray, problem: str) -> np.ndarray:
    return y[:, 0].astype(int) if problem == BINARY else np.argmax(y, axis=1)


def diagnose(model: keras.Model, data: Dataset) -> Diagnostics:
    """Confusion matrix and per-class accuracy on the validation data of a classifier."""
    classes = len(data.class_names)
    truth = true_classes(data.y_val, data.problem)
    guess = predicted_classes(model, data.x_val, data.problem)
    confusion = np.zeros((classes, classes), dtype=int)
    np.add.at(confusion, (truth, guess), 1)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(totals > 0, np.diag(confusion) / totals, np.nan)
    return Diagnostics(confusion, per_class, float(np.mean(truth == guess)))
