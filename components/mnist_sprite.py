"""The Training lab's MNIST digits as the course's sprite sheet (models/digits/sprite.py): the
digits a run trains on, one 784-pixel row each, and a `nextTrainBatch` drawn as its rows and
as the 28×28 digits the CNN gets, labels as the course's one-hot bytes."""

from __future__ import annotations

import numpy as np
import streamlit as st

from components.code_panel import code_panel
from components.digit_views import enlarge
from components.i18n import t
from components.lazy_expander import opened
from models.digits.sprite import label_bytes, next_train_batch, python_code, sprite, tfjs_code
from models.training.data import Dataset

SPRITE_ROWS = 120  # rows of the sprite shown: the top of the sheet
ROW_HEIGHT = 4  # screen pixels per batch row, so a one-pixel row can be seen
BATCH_SIZES = (4, 8, 16, 32)
TILE = 56  # a digit's side on screen


def sprite_section(data: Dataset) -> None:
    """An expander that runs only while open: the sheet, then one batch, then the code."""
    box = opened(t("training.sprite.header"), "training_sprite", icon="🎞️")
    if box is None:
        return
    with box:
        rows, labels = sprite(data.x_train), label_bytes(data.y_train)
        st.caption(t("training.sprite.intro", count=f"{len(rows):,}"))
        st.image(
            rows[:SPRITE_ROWS],
            caption=t("training.sprite.top", shown=SPRITE_ROWS, count=f"{len(rows):,}"),
        )
        left, right = st.columns(2)
        size = left.select_slider(
            t("training.sprite.batch_size"), BATCH_SIZES, value=8, key="training_sprite_size"
        )
        batch = right.number_input(
            t("training.sprite.batch"), 0, len(rows) // size, 0, key="training_sprite_batch"
        )
        xs, ys = next_train_batch(rows, labels, int(batch), size)
        st.image(
            np.repeat(xs, ROW_HEIGHT, axis=0),
            caption=t("training.sprite.rows", size=size),
            clamp=True,
            width="stretch",
        )
        st.image(
            [enlarge(x.reshape(28, 28), TILE) for x in xs],
            caption=[str(int(y.argmax())) for y in ys],
            clamp=True,
        )
        st.caption(t("training.sprite.reshaped", size=size))
        st.code(_label_lines(ys), language=None)
        code_panel(
            python_code(len(rows), int(batch), size), tfjs_code(size), key="training_sprite_code"
        )


def _label_lines(ys: np.ndarray) -> str:
    """The batch's label bytes as a hex viewer shows them, each with the digit it means."""
    return "\n".join(f"{' '.join(f'{b:02x}' for b in y)}  → {int(y.argmax())}" for y in ys)
