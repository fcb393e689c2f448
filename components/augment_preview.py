"""What data augmentation makes of the training digits (models/training/augment.py): each digit,
then copies of it as RandomFlip, RandomRotation and RandomZoom change it during training."""

from __future__ import annotations

import streamlit as st

from components.code_panel import code_panel
from components.digit_views import enlarge
from components.feedback import show_error
from components.i18n import t
from components.lazy_expander import opened
from models.errors import PlaygroundError
from models.training.augment import augmentations, augmented, preview_python, preview_tfjs
from models.training.config import AUGMENTATION_LAYERS, TrainConfig
from models.training.data import Dataset
from models.training.validate import check_architecture

SHOWN = 6  # digits, one row each
COPIES = 5  # augmented copies beside each digit
TILE = 56  # a digit's side on screen


def augment_section(config: TrainConfig, data: Dataset) -> None:
    """An expander (it runs only while open) for a model whose layers augment its images."""
    steps = augmentations(config.layers)
    if not steps:
        return
    box = opened(t("training.augment.header"), "training_augment", icon="🔀")
    if box is None:
        return
    with box:
        try:
            check_architecture(config, data)
        except PlaygroundError as error:
            show_error(error)
            return
        names = ", ".join(AUGMENTATION_LAYERS[spec.kind] for spec in steps)
        st.caption(t("training.augment.intro", layers=names))
        draw = st.number_input(t("training.augment.draw"), 0, 9999, 0, key="training_augment_draw")
        grid = augmented(config.layers, data.x_train[:SHOWN], COPIES, seed=int(draw))
        captions = [t("training.augment.original"), *(f"{i}" for i in range(1, COPIES + 1))]
        for row in grid:
            st.image([enlarge(image[..., 0], TILE) for image in row], caption=captions)
        code_panel(
            preview_python(config.layers, SHOWN, COPIES),
            preview_tfjs(config.layers, SHOWN, COPIES),
            key="training_augment_code",
        )
