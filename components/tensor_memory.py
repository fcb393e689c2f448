"""The Tensor explorer's memory lesson: the course's webcam loop as tf.memory() reports it,
leaking, with `img.dispose()`, and inside `tf.tidy` (models/tensors/memory.py)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.code_panel import code_panel
from components.figure_cache import FrozenFigure
from components.i18n import option_labels, t
from components.lazy_expander import opened
from components.tensor_view import bytes_text
from models.tensors.memory import MODES, left_after_frame, memory, python_code, tfjs_code

CAMERA_FPS = 30  # a webcam's rate: how long the frames last


@lru_cache(maxsize=64)
def memory_figure(mode: str, frames: int, x_title: str, y_title: str) -> go.Figure:
    """Megabytes held after each frame, the tensor count in the hover.

    Built once per process for each choice (and language's titles) and shared between
    sessions, as components/figure_cache.py does for tensors: `st.plotly_chart` only
    reads it, and building it was a third of a Tensor explorer rerun.
    """
    rows = memory(mode, frames)
    return FrozenFigure(
        go.Figure(
            go.Scatter(
                x=np.arange(1, len(rows) + 1),
                y=np.array([nbytes for _, nbytes in rows]) / 1e6,
                customdata=np.array([tensors for tensors, _ in rows]),
                mode="lines",
                hovertemplate="%{x}: %{customdata} tensors, %{y:.1f} MB<extra></extra>",
            ),
            layout={
                "height": 260,
                "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
                "xaxis": {"title": {"text": x_title}},
                "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
            },
        )
    )


def memory_section() -> None:
    """Pick how the loop cleans up and for how many frames; see what stays in memory.

    An expander that runs only while open: the lesson was a seventh of every Tensor explorer
    rerun, and a class opening a tensor link has not reached it yet."""
    box = opened(t("tensor.memory.header"), "tensor_memory", icon="🧹")
    if box is None:
        return
    with box:
        st.caption(t("tensor.memory.intro"))
        mode = st.radio(
            t("tensor.memory.mode"),
            MODES,
            format_func=option_labels(MODES, "tensor.memory.mode"),
            horizontal=True,
            key="tensor_memory_mode",
        )
        frames = st.slider(t("tensor.memory.frames"), 1, 900, 300, key="tensor_memory_frames")
        rows = memory(mode, frames)
        tensors, nbytes = rows[-1]
        row = st.container(horizontal=True, gap="large")
        row.metric(t("tensor.memory.num_tensors"), f"{tensors:,}", width="content")
        row.metric(t("tensor.memory.num_bytes"), bytes_text(nbytes), width="content")
        figure = memory_figure(
            mode, frames, t("tensor.memory.axis_frames"), t("tensor.memory.axis_mb")
        )
        st.plotly_chart(figure, key="tensor_memory_chart")
        per_frame = left_after_frame(mode)
        st.caption(
            t(
                f"tensor.memory.verdict.{mode}",
                count=len(per_frame),
                names=", ".join(f"`{tensor.name}`" for tensor in per_frame),
                seconds=f"{frames / CAMERA_FPS:.0f}",
            )
        )
        code_panel(python_code(), tfjs_code(mode), key="tensor_memory_code")
