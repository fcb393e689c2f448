"""Teach MobileNet your own classes: a frozen feature extractor and a small dense head.

As in the course's webcam lesson (rock–paper–scissors), MobileNet without its last layer
turns a photo into an embedding — for the quantized MobileNetV2 TFLite model the 1280
values of the global average pool just before the logits — and a tiny Keras model learns
the student's 2–5 classes from a handful of embeddings in seconds.

The extractor has its own LiteRT interpreter, created with
`experimental_preserve_all_tensors=True` so the pooled tensor can be read after `invoke()`,
and its own lock: interpreters are not thread-safe, and this one must not touch the shared
classifier's. `logits_check` recomputes the model's logits from the embedding with the
model's own last-layer weights, which proves the tensor read is the real embedding.
"""

from __future__ import annotations

import tempfile
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from models.errors import BadInput
from models.store.files import model_dir
from models.vision.classify import resize

MIN_CLASSES, MAX_CLASSES = 2, 5
MAX_EXAMPLES = 60  # per class; a few are enough, and each costs memory in the session
TRANSFER_MODELS = ("mobilenet-v2-1.0-224-quant-tflite", "mobilenet-v1-0.25-128-quant-tflite")

# on_epoch(epoch 1-based, epochs, logs with "loss" and "accuracy")
EpochReport = Callable[[int, int, dict], None]


class FeatureExtractor:
    """A MobileNet TFLite model read up to its global average pool: image → embedding."""

    def __init__(self, path: Path, num_threads: int = 2) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "intended for debugging" notice
            self._interpreter = Interpreter(
                model_path=str(path),
                num_threads=num_threads,
                experimental_preserve_all_tensors=True,
            )
        self._interpreter.allocate_tensors()
        self._lock = threading.Lock()
        self._input = self._interpreter.get_input_details()[0]
        self._output = self._interpreter.get_output_details()[0]
        self.size = int(self._input["shape"][1])
        self.classes = int(self._output["shape"][-1])
        self._pool = _pool_tensor(self._interpreter.get_tensor_details(), self.classes)
        self.dim = int(self._pool["shape"][-1])

    def _run(self, resized: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(embedding float32 [dim], logits-layer input/output pair) for one uint8 image."""
        scale_in, zero_in = self._input["quantization"]
        if scale_in:
            tensor = resized[None].astype(self._input["dtype"])  # uint8 0..255 ≡ (x−128)/128
        else:
            tensor = (resized[None].astype(np.float32) / 127.5 - 1.0).astype(np.float32)
        with self._lock:
            self._interpreter.set_tensor(self._input["index"], tensor)
            self._interpreter.invoke()
            pooled = self._interpreter.get_tensor(self._pool["index"]).copy()
            out = self._interpreter.get_tensor(self._output["index"]).copy()
        return _dequantize(pooled, self._pool).reshape(-1), out

    def embed(self, resized: np.ndarray) -> np.ndarray:
        """float32 [dim] for a uint8 RGB image already resized to size × size."""
        return self._run(resized)[0]

    def embed_photo(self, pixels: np.ndarray, *, flip: bool = False) -> np.ndarray:
        """Embedding of a photo of any size (optionally mirrored, a free extra example)."""
        resized = resize(pixels, self.size)
        return self.embed(resized[:, ::-1].copy() if flip else resized)

    def logits_check(self, resized: np.ndarray) -> float:
        """Largest gap between the model's logits and W·embedding + b from its own weights.

        A gap within one quantization step of the logits means the tensor read is the
        embedding that feeds the classifier layer, not some other activation.
        """
        embedding = self.embed(resized)
        details = self._interpreter.get_tensor_details()
        weights, bias, logits = _logits_layer(details, self.classes, self.dim)
        with self._lock:
            w = _dequantize(self._interpreter.get_tensor(weights["index"]), weights)
            b = _dequantize(self._interpreter.get_tensor(bias["index"]), bias)
            raw = _dequantize(self._interpreter.get_tensor(logits["index"]), logits)
        recomputed = w.reshape(self.classes, self.dim) @ embedding + b.reshape(-1)
        return float(np.abs(recomputed - raw.reshape(-1)).max()) / float(logits["quantization"][0])


def _dequantize(values: np.ndarray, detail: dict) -> np.ndarray:
    scale, zero = detail["quantization"]
    if not scale:
        return values.astype(np.float32)
    return (values.astype(np.float32) - zero) * scale


def _pool_tensor(details: list[dict], classes: int) -> dict:
    """The last [1, 1, 1, C] activation that is not the logits: the global average pool."""
    pooled = [
        d
        for d in details
        if len(d["shape"]) == 4 and tuple(d["shape"][:3]) == (1, 1, 1) and d["shape"][3] != classes
    ]
    if not pooled:
        raise BadInput(
            "This model has no pooled feature tensor to read an embedding from.",
            code="classifier_no_embedding",
        )
    return max(pooled, key=lambda d: d["index"])


def _logits_layer(details: list[dict], classes: int, dim: int) -> tuple[dict, dict, dict]:
    """(weights [classes,1,1,dim], bias [classes], logits [1,1,1,classes]) of the last layer."""
    weights = next(d for d in details if tuple(d["shape"]) == (classes, 1, 1, dim))
    bias = next(d for d in details if tuple(d["shape"]) == (classes,))
    logits = next(d for d in details if tuple(d["shape"]) == (1, 1, 1, classes))
    return weights, bias, logits


@cache
def feature_extractor(model_id: str) -> FeatureExtractor:
    """One extractor per model per process (a separate interpreter from the classifier's)."""
    if model_id not in TRANSFER_MODELS:
        raise BadInput(
            f"Transfer learning uses one of {', '.join(TRANSFER_MODELS)}.",
            code="classifier_no_embedding",
        )
    return FeatureExtractor(model_dir(model_id) / "model.tflite")


def check_classes(names: list[str], counts: list[int]) -> None:
    """2–5 distinct, non-empty names, each with at least one example; else BadInput."""
    cleaned = [name.strip() for name in names]
    if not MIN_CLASSES <= len(cleaned) <= MAX_CLASSES:
        raise BadInput(
            f"Use between {MIN_CLASSES} and {MAX_CLASSES} classes (you have {len(cleaned)}).",
            code="classifier_class_count",
            count=len(cleaned),
            low=MIN_CLASSES,
            high=MAX_CLASSES,
        )
    if any(not name for name in cleaned) or len(set(cleaned)) != len(cleaned):
        raise BadInput(
            "Give every class a different, non-empty name.", code="classifier_class_names"
        )
    empty = [name for name, count in zip(cleaned, counts, strict=True) if count == 0]
    if empty:
        raise BadInput(
            f"The class '{empty[0]}' has no examples yet. Add at least one photo to each class "
            "(three or more work better), then train.",
            code="classifier_class_empty",
            name=empty[0],
        )


@dataclass(frozen=True)
class Head:
    """The small dense model trained on the embeddings: one hidden layer, maybe a dropout."""

    units: int
    dropout: float = 0.0


HEADS = {
    "course": Head(
        100
    ),  # the course's rock-paper-scissors: "a single hidden layer with a hundred neurons"
    "dropout": Head(64, 0.2),  # smaller, with dropout against overfitting a handful of photos
}
DEFAULT_HEAD = "course"
LEARNING_RATE = 1e-3
EPOCHS = 30
BATCH_SIZE = 16


def build_head(dim: int, classes: int, head: str = DEFAULT_HEAD, seed: int = 0):
    """HEADS[head] on `dim` embedding values: Dense(units, relu) [→ Dropout] → Dense(classes,
    softmax), compiled with Adam(LEARNING_RATE)."""
    import keras

    spec = HEADS[head]
    # Seeded initialisers, not keras.utils.set_random_seed: that would reset the global
    # random state of every session sharing this process.
    layers = [
        keras.Input(shape=(dim,)),
        keras.layers.Dense(
            spec.units, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed)
        ),
    ]
    if spec.dropout:
        layers.append(keras.layers.Dropout(spec.dropout, seed=seed))
    layers.append(
        keras.layers.Dense(
            classes,
            activation="softmax",
            kernel_initializer=keras.initializers.GlorotUniform(seed + 1),
        )
    )
    model = keras.Sequential(layers, name="transfer_head")
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def train_head(
    embeddings: np.ndarray,
    targets: np.ndarray,
    classes: int,
    *,
    head: str = DEFAULT_HEAD,
    epochs: int = EPOCHS,
    on_epoch: EpochReport | None = None,
    seed: int = 0,
):
    """A head trained on (embedding, class) pairs; `on_epoch` sees loss and accuracy live."""
    import keras

    model = build_head(embeddings.shape[1], classes, head, seed)

    class Report(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if on_epoch is not None:
                on_epoch(epoch + 1, epochs, dict(logs or {}))

    model.fit(
        np.asarray(embeddings, np.float32),
        np.asarray(targets, np.int64),
        epochs=epochs,
        batch_size=BATCH_SIZE,
        shuffle=True,
        verbose=0,
        callbacks=[Report()],
    )
    return model


def head_probabilities(head, embedding: np.ndarray) -> np.ndarray:
    """float32 [classes] for one embedding."""
    return np.asarray(head(embedding[None].astype(np.float32), training=False))[0]


def head_function(head) -> Callable[[np.ndarray], np.ndarray]:
    """The trained head as plain numpy, embedding → probabilities, for every camera frame:
    Dense(relu) then Dense(softmax) from the head's own weights (Dropout does nothing at
    inference). It calls no Keras model from the stream's thread and takes microseconds."""
    dense = [layer for layer in head.layers if layer.weights]
    (w1, b1), (w2, b2) = (layer.get_weights() for layer in dense)

    def probabilities(embedding: np.ndarray) -> np.ndarray:
        logits = np.maximum(embedding @ w1 + b1, 0.0) @ w2 + b2
        exp = np.exp(logits - logits.max())
        return (exp / exp.sum()).astype(np.float32)

    return probabilities


def head_to_bytes(head) -> bytes:
    """The head as a `.keras` file (zip of config + weights, no pickled code)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "head.keras"
        head.save(path)
        return path.read_bytes()


def head_from_bytes(data: bytes):
    """A `.keras` head back from bytes, with Keras safe_mode on (no lambdas are executed)."""
    import keras

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "head.keras"
        path.write_bytes(data)
        return keras.models.load_model(path, safe_mode=True, compile=False)
