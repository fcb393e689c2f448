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

    def fits(self, shape: tuple[int, ...]) -> bool:
        """True when an array of `shape` can feed this input (None or -1 matches any size)."""
        return len(shape) == len(self.shape) and all(
            d is None or d < 0 or d == a for d, a in zip(self.shape, shape, strict=True)
        )

    def shape_text(self) -> str:
        """The shape as error messages write it, "?" for a free dimension: [?, 192, 192, 3]."""
        return "[" + ", ".join("?" if d is None or d < 0 else str(d) for d in self.shape) + "]"


class Runnable(Protocol):
    """A loaded model: call it with arrays (positional in input order, or by name).

    TF.js graph models and TFLite models both follow this; Keras models are used as they are.
    Calls must be safe from several threads at once (sessions, WebRTC callbacks).
    """

    inputs: list[TensorInfo]
    outputs: list[TensorInfo]

    def __call__(self, *args: np.ndarray, **named: np.ndarray) -> dict[str, np.ndarray]: ...
