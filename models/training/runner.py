"""One training run, the same for the page, the command line and the benchmark."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import keras
import numpy as np

from models.training.build import build_model, schedule_callbacks, stopping_callbacks, targets
from models.training.callbacks import LiveRecorder, Sink
from models.training.config import TrainConfig
from models.training.data import Dataset
from models.training.engine import fit_epochs
from models.training.validate import check_config


@dataclass
class TrainResult:
    """The trained model, its per-epoch history and why training ended."""

    model: keras.Model
    history: dict[str, list[float]]
    reason: str
    epochs_done: int

    def final(self) -> dict[str, float]:
        """The last value of every logged series (loss, val_loss, accuracy, …, lr)."""
        return {key: values[-1] for key, values in self.history.items() if values}


def prepare(config: TrainConfig, data: Dataset) -> keras.Model:
    """Check `config` against `data` (BadInput if refused) and build the compiled model."""
    check_config(config, data)
    keras.utils.set_random_seed(0)
    return build_model(config, data)


def training_arrays(
    config: TrainConfig, data: Dataset
) -> tuple[np.ndarray, np.ndarray, tuple | None]:
    """x, y and the validation pair as training takes them (targets one-hot where the loss
    wants it); no validation where a tiny set would only validate on itself, doubling each
    epoch's time."""
    validation = None
    if data.x_val is not data.x_train:
        validation = (data.x_val, targets(config.loss, data.y_val))
    return data.x_train, targets(config.loss, data.y_train), validation


def acting_callbacks(config: TrainConfig, validated: bool) -> list[keras.callbacks.Callback]:
    """The callbacks that change training between epochs (a schedule, early stopping)."""
    return [*schedule_callbacks(config), *stopping_callbacks(config, validated)]


def fit(
    model: keras.Model,
    config: TrainConfig,
    data: Dataset,
    sink: Sink,
    stop: threading.Event | None = None,
) -> TrainResult:
    """Train with the live recorder first, then the schedule's callbacks: on the fast engine
    (models/training/engine.py: many epochs per compiled call when only the recorder
    watches, one when a schedule or early stopping acts between epochs), or through
    `model.fit` when the charts follow every batch (the engine has no per-batch hook)."""
    recorder = LiveRecorder(sink, stop, per_batch=config.per_batch)
    x, y, validation = training_arrays(config, data)
    acting = acting_callbacks(config, validation is not None)
    arguments = {
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "callbacks": [recorder, *acting],
        "shuffle": True,
    }
    if config.per_batch:
        model.fit(x, y, validation_data=validation, verbose=0, **arguments)
    else:
        fit_epochs(model, x, y, validation=validation, chunked=not acting, **arguments)
    return TrainResult(model, recorder.history, recorder.reason, recorder.epochs_done)


def train(
    config: TrainConfig, data: Dataset, sink: Sink, stop: threading.Event | None = None
) -> TrainResult:
    """Refuse bad parameters, build, and train with records going to `sink`."""
    return fit(prepare(config, data), config, data, sink, stop)


def predict(model: keras.Model, inputs: np.ndarray) -> np.ndarray:
    """The model's outputs for a few typed-in rows (a direct call: no predict() overhead)."""
    return keras.ops.convert_to_numpy(model(np.asarray(inputs, dtype="float32"), training=False))
