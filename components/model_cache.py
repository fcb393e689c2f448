"""The one module of `st.cache_resource` wrappers: pages get models and data only from here.

Each wrapper sits on the process-wide loaders of models/, so a model loads once per
process whichever session asks first, and a download shows a progress bar to the session
that triggered it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components.i18n import t
from components.process_tuning import freeze_long_lived
from models.loading import LITERT, is_loaded, load_model
from models.store import datasets
from models.store.locate import Progress, locate_dataset, locate_model


def _progress_bar(label: str) -> tuple[Progress, Any]:
    """A Streamlit progress bar and the callback that moves it."""
    bar = st.progress(0.0, text=label)

    def report(done: int, total: int | None, name: str) -> None:
        fraction = min(done / total, 1.0) if total else 0.0
        bar.progress(fraction, text=f"{label} — {name}: {done / 1e6:.1f} MB")

    return report, bar


@st.cache_resource(show_spinner=False)
def _model(model_id: str, runtime: str, size: int | None, _progress: Progress | None) -> Any:
    loaded = load_model(model_id, _progress, runtime, size)
    freeze_long_lived(force=True)
    return loaded


def model(model_id: str, runtime: str = LITERT, size: int | None = None) -> Any:
    """The loaded model `model_id` (TFLiteModel, LiteGraphModel, GraphModel or keras.Model);
    TF.js graph models run on LiteRT unless `runtime` is TENSORFLOW, converted for a `size`
    input (by default the registry's) (models/loading.py)."""
    if is_loaded(model_id) or locate_model(model_id).source != "download":
        with st.spinner(t("common.loading_model", model=model_id)):
            return _model(model_id, runtime, size, None)
    report, bar = _progress_bar(t("common.downloading", name=model_id))
    try:
        return _model(model_id, runtime, size, report)
    finally:
        bar.empty()


@st.cache_resource(show_spinner=False)
def _mnist(_progress: Progress | None):
    return datasets.load_mnist(_progress)


def mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST as Keras gives it: (x_train, y_train), (x_test, y_test)."""
    if locate_dataset("mnist").source != "download":
        return _mnist(None)
    report, bar = _progress_bar(t("common.downloading", name="MNIST"))
    try:
        return _mnist(report)
    finally:
        bar.empty()


@st.cache_resource(show_spinner=False)
def iris() -> pd.DataFrame:
    """The Iris table (150 rows)."""
    return datasets.load_iris()


@st.cache_resource(show_spinner=False)
def use_vocab() -> list[tuple[str, float]]:
    """The Universal Sentence Encoder vocabulary used by the toxicity tokenizer."""
    return datasets.load_use_vocab()


@st.cache_resource(show_spinner=False)
def imagenet_index() -> list[str]:
    """The 1000 ImageNet class names of Keras applications."""
    return datasets.load_imagenet_index()


def digit_model(retrain: bool = False) -> Any:
    """Draw a digit's default MNIST CNN, waiting with a progress bar while it trains.

    The training runs in models/digits/model.py's background thread (started by the first
    page view of the server, or here); this session only follows it. No `st.cache_resource`
    here: that module already keeps the model once per process, and a cached function would
    record this session's progress bar and replay it into every later session's page.
    """
    from models.digits import model as digits

    if digits.is_ready() and not retrain:
        return digits.default_model()
    digits.start_training(retrain=retrain)
    bar = st.progress(0.0, text=digit_training_text(digits.training_status()))
    try:
        while (status := digits.wait_for_training(POLL_S)).state == "training":
            bar.progress(status.fraction, text=digit_training_text(status))
    finally:
        bar.empty()
    if status.state == "failed":
        raise status.error
    return digits.default_model()


POLL_S = 0.5  # how often a waiting page moves the digit CNN's progress bar


def digit_training_text(status: Any) -> str:
    """The progress line of the digit CNN's training: epoch, accuracy and time left, honestly."""
    if status.seconds_left is None:
        return t("digit.training")
    return t(
        "digit.training_epoch",
        done=status.epochs_done,
        total=status.epochs_total,
        accuracy=f"{status.accuracy or 0.0:.1%}",
        left=f"{status.seconds_left:.0f}",
    )


@st.cache_resource(show_spinner=False)
def detection_labels(model_id: str) -> list[str]:
    """A detection model's class names (COCO's 80 for CenterNet), index = class."""
    from models.detection.centernet import labels

    return labels(model_id)


@st.cache_resource(show_spinner=False)
def segmentation_labels(model_id: str) -> tuple[str, ...]:
    """A segmentation model's class names: PASCAL VOC's 21, or background and person."""
    from models.segmentation.masks import labels

    return labels(model_id)


@st.cache_resource(show_spinner=False)
def feature_map_model():
    """MobileNetV2 (quantized TFLite) with its intermediate tensors kept, for feature maps."""
    from models.conv.feature_maps import MODEL_ID, FeatureMapModel
    from models.store.files import model_dir
    from models.store.registry import model_spec

    return FeatureMapModel(model_dir(MODEL_ID) / model_spec(MODEL_ID).files[0].name)
