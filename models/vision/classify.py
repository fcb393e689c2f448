"""ImageNet classification with MobileNet, TFLite or Keras, from pixels to a top-k list.

Each registered classifier is described by a `ClassifierSpec`: its input size, how its
input is scaled, and how its outputs map to ImageNet labels (the TFLite models have 1001
outputs, index 0 = "background"; Keras applications have 1000). The steps are separate
functions because the page shows each one: `preprocess` (resize, scale, quantize) and
`predict` (run, top-k). Both are what the command line and the benchmark call too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from PIL import Image

from models.errors import BadInput
from models.store.datasets import load_imagenet_index
from models.store.files import model_dir
from models.store.registry import MODELS, model_spec

RESIZE_METHOD = "bilinear"  # what TF.js mobilenet uses (tf.image.resizeBilinear)

# ImageNet (Keras 1000-class) index ranges, used by tests and by the page's hints.
DOMESTIC_CATS = range(281, 286)  # tabby … Egyptian cat
DOG_BREEDS = range(151, 269)  # Chihuahua … Mexican hairless


@dataclass(frozen=True)
class ClassifierSpec:
    """How to feed a registered classifier and read its outputs."""

    model_id: str
    format: str  # "tflite" | "keras"
    size: int  # square input side in pixels
    background: bool  # output 0 is "background" (TFLite ImageNet models)


@dataclass(frozen=True)
class Step:
    """One stage of the preprocessing, as the page shows it."""

    name: str  # "original" | "resized" | "scaled" | "quantized"
    array: np.ndarray
    detail: str  # e.g. "bilinear" or "x / 127.5 − 1"

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)

    @property
    def dtype(self) -> str:
        return self.array.dtype.name

    @property
    def value_range(self) -> tuple[float, float]:
        return float(self.array.min()), float(self.array.max())


@dataclass(frozen=True)
class Prepared:
    """The steps from the photo to the model's input tensor; `tensor` is the last one."""

    steps: tuple[Step, ...]
    resized: np.ndarray  # uint8 [size, size, 3]: also what occlusion and embeddings use
    tensor: np.ndarray  # [1, size, size, 3] in the model's input dtype
    ms: float  # resize + scale time


@dataclass(frozen=True)
class Prediction:
    """One class of the top-k: its label, probability and indices."""

    label: str
    score: float
    index: int  # the model's own output index
    imagenet: int | None  # the Keras 1000-class index; None for "background"

    def as_dict(self) -> dict:
        return {"label": self.label, "score": round(self.score, 6)}


@dataclass(frozen=True)
class Result:
    """The model's answer for one image."""

    top: tuple[Prediction, ...]
    probabilities: np.ndarray  # float32 [classes]
    ms: float  # inference time


def classifier_ids() -> list[str]:
    """Every registered model of task "classify" that this module can run."""
    return [s.id for s in MODELS.values() if s.task == "classify" and s.format in _FORMATS]


_FORMATS = ("tflite", "keras")


def classifier_spec(model_id: str) -> ClassifierSpec:
    """The ClassifierSpec of a registered classifier, or BadInput naming the choices."""
    spec = model_spec(model_id)
    if spec.task != "classify" or spec.format not in _FORMATS:
        choices = ", ".join(classifier_ids())
        raise BadInput(
            f"'{model_id}' is not an image classifier. Choose one of: {choices}.",
            code="classifier_not_classifier",
            model=model_id,
            choices=choices,
        )
    size = int(spec.input_spec.split("[")[1].split(",")[1])
    return ClassifierSpec(model_id, spec.format, size, background=spec.format == "tflite")


@cache
def labels(model_id: str) -> tuple[str, ...]:
    """Readable labels in the model's output order (first name of each synonym list)."""
    spec = model_spec(model_id)
    if spec.labels and spec.labels.startswith("dataset:"):
        return tuple(name.replace("_", " ") for name in load_imagenet_index())
    text = (model_dir(model_id) / (spec.labels or "labels.txt")).read_text("utf-8")
    return tuple(line.split(",")[0].strip() for line in text.splitlines() if line.strip())


def resize(pixels: np.ndarray, size: int) -> np.ndarray:
    """uint8 RGB [H, W, 3] → [size, size, 3] by bilinear resampling (the whole photo, no crop).

    Like TF.js mobilenet, the photo is squeezed, not cropped: what the model sees is what
    the student sees, only resampled.
    """
    picture = Image.fromarray(pixels).resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(picture, dtype=np.uint8)


def scale(resized: np.ndarray) -> np.ndarray:
    """uint8 0..255 → float32 −1..1, MobileNet's range (keras…mobilenet_v2.preprocess_input)."""
    return resized.astype(np.float32) / 127.5 - 1.0


def preprocess(pixels: np.ndarray, spec: ClassifierSpec, model: Any) -> Prepared:
    """Photo → model input, keeping each step for the page."""
    start = time.perf_counter()
    resized = resize(pixels, spec.size)
    scaled = scale(resized)
    steps = [
        Step("original", pixels, ""),
        Step("resized", resized, RESIZE_METHOD),
        Step("scaled", scaled, "x / 127.5 − 1"),
    ]
    tensor = scaled[None]
    if spec.format == "tflite":
        name = model.inputs[0].name
        q_scale, zero = model.quantization(name)
        if q_scale:
            tensor = model.quantize(name, tensor)
            steps.append(Step("quantized", tensor[0], f"x / {q_scale:g} + {zero}"))
    ms = (time.perf_counter() - start) * 1000
    return Prepared(tuple(steps), resized, tensor, ms)


def probabilities(model: Any, spec: ClassifierSpec, tensors: np.ndarray) -> np.ndarray:
    """float32 [N, classes] for a batch of prepared inputs (TFLite: one call per image)."""
    if spec.format == "keras":
        return np.asarray(model(tensors, training=False), dtype=np.float32)
    output = model.outputs[0].name
    rows = [model.dequantize(output, model(x[None])[output])[0] for x in tensors]
    return np.stack(rows).astype(np.float32)


def image_probabilities(model: Any, spec: ClassifierSpec, images: np.ndarray) -> np.ndarray:
    """float32 [N, classes] for uint8 images already at the model's size (e.g. occlusions)."""
    tensors = scale(images)
    if spec.format == "tflite":
        tensors = model.quantize(model.inputs[0].name, tensors)
    return probabilities(model, spec, tensors)


def top_k(probs: np.ndarray, model_id: str, spec: ClassifierSpec, k: int = 5) -> tuple:
    """The k most probable classes, best first, labelled."""
    names = labels(model_id)
    order = np.argsort(-probs, kind="stable")[:k]
    offset = 1 if spec.background else 0
    return tuple(
        Prediction(
            label=names[i] if i < len(names) else f"class {i}",
            score=float(probs[i]),
            index=int(i),
            imagenet=int(i) - offset if int(i) >= offset else None,
        )
        for i in order
    )


def predict(model: Any, spec: ClassifierSpec, prepared: Prepared, k: int = 5) -> Result:
    """Run the model on one prepared image and label its top k."""
    k = check_top(k)
    start = time.perf_counter()
    probs = probabilities(model, spec, prepared.tensor)[0]
    ms = (time.perf_counter() - start) * 1000
    return Result(top_k(probs, spec.model_id, spec, k), probs, ms)


def check_top(k: int) -> int:
    """k in 1..20, else BadInput."""
    if not 1 <= int(k) <= 20:
        raise BadInput(
            f"--top must be between 1 and 20 (got {k}).", code="classifier_bad_top", top=k
        )
    return int(k)
