"""Figures built once per process for the same tensor: a class that opens one deep link draws
one tensor thirty times, and building a Plotly figure (its validators) was most of a rerun
of the Tensor explorer (docs/DEVELOPING.md, "A class at once").

A cached figure is shared between sessions: `st.plotly_chart` only reads it (`to_dict`), and
nothing here changes a figure after building it. It is kept as a FrozenFigure, so that its
dictionary, which `st.plotly_chart` asks for on every rerun, is made once too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps

import numpy as np
import plotly.graph_objects as go

FIGURES = 64  # figures kept per builder
MAX_BYTES = 1 << 20  # larger tensors are drawn afresh: their key would cost what it saves


class _ArrayKey:
    """An array as a dictionary key: equal when dtype, shape and bytes are."""

    __slots__ = ("array", "_identity")

    def __init__(self, array: np.ndarray) -> None:
        self.array = array
        self._identity = (array.dtype.str, array.shape, array.tobytes())

    def __hash__(self) -> int:
        return hash(self._identity)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ArrayKey) and self._identity == other._identity


class FrozenFigure(go.Figure):
    """A copy of a finished figure that is never changed again, its `to_dict()` made once.

    `st.plotly_chart` asks a figure for its dictionary on every rerun, and Plotly makes it by
    deep-copying and re-encoding every array: about 1.5 ms a figure, a tenth of a Tensor
    explorer rerun (`python -m bench classroom`). The dictionary is shared, read-only.
    """

    def __init__(self, figure: go.Figure) -> None:
        super().__init__(figure)
        self._as_dict = super().to_dict()

    def to_dict(self) -> dict:
        return self._as_dict


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def cached_figure(build: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """`build(array, *args, **kwargs)`, kept for equal arrays and arguments (lists as tuples).
    Object arrays and arrays above MAX_BYTES are not kept."""

    @lru_cache(maxsize=FIGURES)
    def cached(key: _ArrayKey, *args: object, **kwargs: object) -> go.Figure:
        return FrozenFigure(build(key.array, *args, **kwargs))

    @wraps(build)
    def figure(array: np.ndarray, *args: object, **kwargs: object) -> go.Figure:
        if array.dtype.kind == "O" or array.nbytes > MAX_BYTES:
            return build(array, *args, **kwargs)
        kwargs = {name: _hashable(value) for name, value in kwargs.items()}
        return cached(_ArrayKey(np.ascontiguousarray(array)), *map(_hashable, args), **kwargs)

    return figure
