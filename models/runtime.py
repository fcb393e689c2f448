"""What every loaded model looks like to the rest of the playground, whatever its format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class TensorInfo:
    """Name, dtype and shape (None for a free dimension) of one model input or output."""

    name: str
    dtype: str
    shape: tuple[int | None, ...]

    def as_dict(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}


class Runnable(Protocol):
    """A loaded model: call it with arrays (positional in input order, or by name).

    TF.js graph models and TFLite models both follow this; Keras models are used as they are.
    Calls must be safe from several threads at once (sessions, WebRTC callbacks).
    """

    inputs: list[TensorInfo]
    outputs: list[TensorInfo]

    def __call__(self, *args: np.ndarray, **named: np.ndarray) -> dict[str, np.ndarray]: ...
