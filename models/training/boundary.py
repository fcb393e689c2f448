"""The decision boundary of a 2-D classifier: its prediction on a grid over the data."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from models.training.data import BINARY

STEPS = 60  # grid points per axis: 3,600 predictions, one direct call


@dataclass(frozen=True)
class Boundary:
    """`z[i, j]` is the predicted class (or P(class 1) for binary) at (xs[j], ys[i])."""

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray


def grid_axes(x: np.ndarray, steps: int = STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced points covering the data with a 10 % margin on each side."""
    low, high = x.min(axis=0), x.max(axis=0)
    margin = (high - low) * 0.1 + 1e-6
    return (
        np.linspace(low[0] - margin[0], high[0] + margin[0], steps, dtype="float32"),
        np.linspace(low[1] - margin[1], high[1] + margin[1], steps, dtype="float32"),
    )


def boundary(model: keras.Model, x: np.ndarray, problem: str, steps: int = STEPS) -> Boundary:
    """The model's view of the plane the 2-D data lies in."""
    xs, ys = grid_axes(x, steps)
    mesh_x, mesh_y = np.meshgrid(xs, ys)
    points = np.stack([mesh_x.ravel(), mesh_y.ravel()], axis=1)
    outputs = keras.ops.convert_to_numpy(model(points, training=False))
    values = outputs[:, 0] if problem == BINARY else np.argmax(outputs, axis=1)
    return Boundary(xs, ys, values.reshape(steps, steps))
