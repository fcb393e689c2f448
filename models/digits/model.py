"""The default model of Draw a digit: the course's MNIST CNN, trained once, kept on disk.

There is no pretrained copy to download: the CNN (models/digits/mnist_cnn.py) is trained on first
use on the mirror's MNIST (6,000 training digits), with random shifts, zooms, rotations and
stroke-width changes so that it copes with drawings, then saved atomically under the download
cache and loaded back with `safe_mode=True` on the next start. A lock makes sure that two
sessions asking at once train it only once per process.

A server starts that training in a background thread on its first page view
(`start_training`), so the first student to draw rarely waits; pages read its progress from
`training_status()` instead of training in their own script run.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import keras
import numpy as np
import tensorflow as tf

from models.digits.location import model_path
from models.digits.mnist_cnn import build_mnist_cnn
from models.digits.preprocess import SIZE, prepare
from models.errors import BadInput, ModelFormatError
from models.store import datasets

EPOCHS = 15
BATCH = 64
TIME_BUDGET = 60.0  # seconds: training stops after the epoch that crosses it
SEED = 5
UNFAMILIAR_PERCENTILE = 1.0  # share (%) of held-out digits the novelty check may wrongly flag
CALIBRATION_DIGITS = 300  # held-out digits, drawn at canvas size, that set the threshold

# progress(epochs_done, epochs_total, logs of the last epoch)
TrainProgress = Callable[[int, int, dict], None]

_lock = threading.Lock()
_model: keras.Model | None = None
_status_lock = threading.Lock()
_worker: threading.Thread | None = None


@dataclass(frozen=True)
class Prediction:
    """The ten probabilities and, for each conv layer, its activation maps [h, w, channels]."""

    probabilities: np.ndarray
    activations: dict[str, np.ndarray]

    @property
    def digit(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(self.probabilities.max())

    def top(self, k: int = 3) -> list[tuple[int, float]]:
        """The k most likely digits with their probabilities, most likely first."""
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(int(i), float(self.probabilities[i])) for i in order]


def _augmenter() -> keras.Sequential:
    """Random shifts (±2 px), zooms (±10 %) and rotations (±10°), as drawings differ."""
    return keras.Sequential(
        [
            keras.layers.RandomRotation(10 / 360, fill_mode="constant", seed=SEED),
            keras.layers.RandomZoom(0.1, fill_mode="constant", seed=SEED + 1),
            keras.layers.RandomTranslation(2 / SIZE, 2 / SIZE, fill_mode="constant", seed=SEED + 2),
        ],
        name="augment",
    )


def _vary_stroke(images: tf.Tensor) -> tf.Tensor:
    """A third of the batch thickened (3×3 max) and a third thinned (3×3 min), as pens differ."""
    thick = tf.nn.max_pool2d(images, 3, 1, "SAME")
    thin = -tf.nn.max_pool2d(-images, 3, 1, "SAME")
    choice = tf.random.uniform([tf.shape(images)[0], 1, 1, 1], seed=SEED)
    varied = tf.where(choice < 1 / 3, thick, tf.where(choice < 2 / 3, thin, images))
    return varied / tf.maximum(tf.reduce_max(varied, axis=[1, 2, 3], keepdims=True), 1e-6)


def _dataset(x: np.ndarray, y: np.ndarray) -> tf.data.Dataset:
    """Shuffled, augmented batches of [28, 28, 1] floats in 0..1."""
    augment = _augmenter()
    images = (x.astype(np.float32) / 255.0)[..., None]
    data = tf.data.Dataset.from_tensor_slices((images, y.astype(np.int32)))
    data = data.shuffle(len(x), seed=SEED).batch(BATCH)
    return data.map(
        lambda i, label: (_vary_stroke(augment(i, training=True)), label),
        num_parallel_calls=tf.data.AUTOTUNE,
    ).prefetch(tf.data.AUTOTUNE)


class _Report(keras.callbacks.Callback):
    """Passes each finished epoch to `progress` and stops once the time budget is spent."""

    def __init__(self, epochs: int, progress: TrainProgress | None, budget: float | None):
        super().__init__()
        self.epochs = epochs
        self.progress = progress
        self.deadline = None if budget is None else time.monotonic() + budget

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.progress:
            self.progress(epoch + 1, self.epochs, dict(logs or {}))
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.model.stop_training = True


def train(
    progress: TrainProgress | None = None,
    epochs: int = EPOCHS,
    budget: float | None = TIME_BUDGET,
) -> keras.Model:
    """A freshly trained CNN (not saved); `budget` seconds bound it on a slow machine."""
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    keras.utils.set_random_seed(SEED)
    model = build_mnist_cnn()
    model.compile(
        optimizer=keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(3e-3, epochs * -(-len(x_train) // BATCH))
        ),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    validation = ((x_test.astype(np.float32) / 255.0)[..., None], y_test)
    model.fit(
        _dataset(x_train, y_train),
        epochs=epochs,
        validation_data=validation,
        callbacks=[_Report(epochs, progress, budget)],
        shuffle=False,  # the dataset shuffles itself each epoch
        verbose=0,
    )
    return model


def save_atomically(model: keras.Model, path: Path) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".mnist-cnn-", suffix=".keras", dir=path.parent)
    os.close(handle)
    try:
        model.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def load_saved(path: Path) -> keras.Model:
    """The saved model, with Keras safe mode on (no code from the file is ever run)."""
    try:
        return keras.saving.load_model(path, safe_mode=True, compile=False)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ModelFormatError(
            f"{path} is not a readable Keras model ({exc}); delete it to train it again",
            code="digit_bad_saved_model",
            path=str(path),
        ) from exc


def default_model(progress: TrainProgress | None = None, retrain: bool = False) -> keras.Model:
    """The default digit model: in memory, else from disk, else trained now and saved.

    `retrain` trains a fresh one even if one exists. A broken file on disk is replaced.
    """
    global _model
    with _lock:
        if _model is not None and not retrain:
            return _model
        path = model_path()
        model = None
        if path.is_file() and not retrain:
            try:
                model = load_saved(path)
            except ModelFormatError:
                model = None
        if model is None:
            model = train(progress, budget=TIME_BUDGET)
            save_atomically(model, path)
        _model = model
        return model


def is_ready() -> bool:
    """True when the default model is in memory or on disk (no training needed)."""
    return _model is not None or model_path().is_file()


@dataclass(frozen=True)
class TrainingStatus:
    """Where the background training is, as a progress bar needs it.

    `state` is "idle" (never started in this process), "training", "done" or "failed".
    `seconds_left` is None until the first epoch has ended: before it, the data is loaded
    and the graph traced, and no honest estimate exists.
    """

    state: str
    epochs_done: int = 0
    epochs_total: int = EPOCHS
    accuracy: float | None = None
    seconds_left: float | None = None
    error: Exception | None = None

    @property
    def fraction(self) -> float:
        return min(self.epochs_done / max(self.epochs_total, 1), 1.0)


_status = TrainingStatus("idle")


def training_status() -> TrainingStatus:
    return _status


def start_training(retrain: bool = False) -> None:
    """Train the default model in a background thread, unless it is ready or already training.

    Returns at once; `training_status()` follows the run. The model is saved and kept in
    memory as `default_model` would, so the next `default_model()` returns it.
    """
    global _worker, _status
    with _status_lock:
        if _worker is not None and _worker.is_alive():
            return
        if is_ready() and not retrain:
            return
        _status = TrainingStatus("training")
        _worker = threading.Thread(
            target=_train_in_background, args=(retrain,), name="digit-cnn-training", daemon=True
        )
        _worker.start()


def wait_for_training(timeout: float | None = None) -> TrainingStatus:
    """The status once the background training has ended (or `timeout` seconds passed)."""
    worker = _worker
    if worker is not None:
        worker.join(timeout)
    return _status


def _train_in_background(retrain: bool) -> None:
    global _status
    started = time.monotonic()
    epoch_ends: list[float] = []

    def report(done: int, total: int, logs: dict) -> None:
        global _status
        epoch_ends.append(time.monotonic())
        _status = TrainingStatus(
            "training", done, total, logs.get("val_accuracy"), _seconds_left(done, total)
        )

    def _seconds_left(done: int, total: int) -> float:
        # the first epoch also loads the data and traces the graph: time the others if any
        if done > 1:
            per_epoch = (epoch_ends[-1] - epoch_ends[0]) / (done - 1)
        else:
            per_epoch = epoch_ends[0] - started
        left = per_epoch * (total - done)
        if TIME_BUDGET is not None:  # training stops after the epoch that crosses the budget
            left = min(left, max(started + TIME_BUDGET - epoch_ends[-1], 0.0) + per_epoch)
        return left

    try:
        default_model(report, retrain=retrain)
    except Exception as exc:  # noqa: BLE001  (the page shows it; the thread must not die silently)
        _status = TrainingStatus("failed", error=exc)
        return
    last = _status
    _status = TrainingStatus("done", last.epochs_done, last.epochs_done, last.accuracy, 0.0)


def check_input(tensor: np.ndarray) -> np.ndarray:
    """`tensor` as a batch [1, 28, 28, 1] float32, or a clear error."""
    array = np.asarray(tensor, dtype=np.float32)
    if array.size != SIZE * SIZE:
        raise BadInput(
            f"the network takes a 28×28 image, got shape {list(array.shape)}",
            code="digit_bad_tensor",
            shape=str(list(array.shape)),
        )
    return array.reshape(1, SIZE, SIZE, 1)


def predict(model: keras.Model, tensor: np.ndarray) -> Prediction:
    """Probabilities and conv activations in one pass, layer by layer (thread-safe, no graph).

    Walking the layers of the Sequential CNN gives every intermediate output without
    building a second model per request.
    """
    x = tf.constant(check_input(tensor))
    activations: dict[str, np.ndarray] = {}
    try:
        for layer in model.layers:
            x = layer(x, training=False)
            if isinstance(layer, keras.layers.Conv2D):
                activations[layer.name] = np.asarray(x[0])
    except (ValueError, TypeError, tf.errors.InvalidArgumentError) as exc:
        raise BadInput(
            f"this model does not take a 28×28×1 image ({exc})",
            code="digit_incompatible_model",
        ) from exc
    probabilities = np.asarray(x[0], dtype=np.float32)
    if probabilities.shape != (10,):
        raise BadInput(
            f"the model gives {list(probabilities.shape)} outputs, not 10 digits",
            code="digit_not_mnist_model",
            shape=str(list(probabilities.shape)),
        )
    return Prediction(probabilities, activations)


def newest_lab_run(trained_models: dict | None) -> str | None:
    """The name of the newest Training-lab run of the `mnist-cnn` preset, if any.

    The lab stores runs in insertion order as {name: {"model": …, "preset": …, …}}.
    """
    runs = [
        name
        for name, run in (trained_models or {}).items()
        if isinstance(run, dict) and run.get("preset") == "mnist-cnn" and run.get("model")
    ]
    return runs[-1] if runs else None


@dataclass(frozen=True)
class Reference:
    """The training digits as unit vectors, to tell a digit from a scribble.

    Softmax always picks one of the ten digits, often with 99 % for a scribble, so the
    confidence alone cannot say "this is no digit". A drawing whose closest training digit
    (cosine similarity of the 28×28 tensors) is less similar than for all but
    UNFAMILIAR_PERCENTILE % of held-out real digits is unlike anything the network learnt.
    """

    images: np.ndarray  # [N, 28, 28] uint8 training digits
    labels: np.ndarray  # [N]
    units: np.ndarray  # [N, 784] float32, each of norm 1
    threshold: float

    def nearest(self, tensor: np.ndarray) -> tuple[int, float]:
        """(index, cosine similarity) of the training digit most like `tensor`."""
        vector = np.asarray(tensor, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            return 0, 0.0
        similarities = self.units @ (vector / norm)
        index = int(np.argmax(similarities))
        return index, float(similarities[index])

    def familiar(self, tensor: np.ndarray) -> bool:
        return self.nearest(tensor)[1] >= self.threshold


def _units(tensors: np.ndarray) -> np.ndarray:
    flat = tensors.reshape(len(tensors), -1).astype(np.float32)
    return flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-6)


@cache
def reference() -> Reference:
    """Built once per process (≈20 MB): the training digits, and a threshold measured on
    held-out digits enlarged to canvas size and sent through the same pipeline as drawings.
    """
    (x_train, y_train), (x_test, _) = datasets.load_mnist()
    units = _units(x_train)
    drawn = np.stack(
        [
            prepare(cv2.resize(image, (280, 280), interpolation=cv2.INTER_LINEAR)).tensor
            for image in x_test[-CALIBRATION_DIGITS:]
        ]
    )
    best = (_units(drawn) @ units.T).max(axis=1)
    threshold = float(np.percentile(best, UNFAMILIAR_PERCENTILE))
    return Reference(x_train, y_train, units, threshold)
