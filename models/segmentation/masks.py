"""The two segmentation models, a photo in and a mask of the photo's size out.

- **Scene** (DeepLabV3 MobileNetV2, PASCAL VOC, quantized TFLite): uint8 [1, 513, 513, 3] →
  int64 [1, 513, 513], the class index of each pixel (the ArgMax of a per-pixel softmax over
  the 21 classes is inside the model). The photo is resized to the square (stretched, as
  Coral's example does) and the mask resized back with nearest neighbour, so every pixel
  keeps a class and no class is invented between two.
- **Person** (MediaPipe selfie segmentation, TF.js graph model on LiteRT): float32
  [1, 256, 256, 3] in 0..1 → [1, 256, 256, 1], the probability that each pixel is a person,
  resized back bilinearly (a soft edge); 1 person, 0 background once thresholded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np

from models.errors import BadInput
from models.store.files import model_dir
from models.store.registry import MODELS
from models.vision.images import check_frame, model_input_interpolation

SCENE_MODEL = "deeplabv3-mobilenetv2-pascal-quant-tflite"
PERSON_MODEL = "selfie-segmentation"
SEGMENT_MODELS = (SCENE_MODEL, PERSON_MODEL)
PERSON_LABELS = ("background", "person")
PERSON_THRESHOLD = 0.5


@dataclass(frozen=True)
class Segmentation:
    """A class index per pixel of the photo (uint8 [H, W]), the class names, for the person
    model the probability per pixel (float32 [H, W], else None), and the model's own
    output at its input size (for pages that show the tensor steps)."""

    classes: np.ndarray
    labels: tuple[str, ...]
    probability: np.ndarray | None = None
    inference_ms: float = 0.0
    model_output: np.ndarray | None = None

    def shares(self) -> dict[str, float]:
        """{label: share of the pixels} for the classes present, largest first."""
        counts = np.bincount(self.classes.ravel(), minlength=len(self.labels))
        total = self.classes.size
        found = {self.labels[i]: round(n / total, 4) for i, n in enumerate(counts) if n}
        return dict(sorted(found.items(), key=lambda item: -item[1]))

    def only_background(self) -> bool:
        return not self.classes.any()


def check_segment_model(model_id: str) -> str:
    if model_id not in SEGMENT_MODELS:
        known = ", ".join(SEGMENT_MODELS)
        raise BadInput(
            f"'{model_id}' is not a segmentation model. Segmentation models: {known}.",
            code="segment_unknown_model",
            model=model_id,
            known=known,
        )
    return model_id


def labels(model_id: str) -> tuple[str, ...]:
    """The class names, index = class: PASCAL VOC's 21 (0 = background), or person's 2."""
    if check_segment_model(model_id) == PERSON_MODEL:
        return PERSON_LABELS
    text = (model_dir(model_id) / MODELS[model_id].labels).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def input_size(model_id: str) -> int:
    return int(MODELS[check_segment_model(model_id)].extra["input_size"])


def _square(frame: np.ndarray, size: int) -> np.ndarray:
    height, width = check_frame(frame).shape[:2]
    interpolation = model_input_interpolation(size / min(width, height))
    return cv2.resize(frame, (size, size), interpolation=interpolation)


def segment_scene(model, frame: np.ndarray, names: tuple[str, ...]) -> Segmentation:
    """DeepLab's class per pixel of `frame` (uint8 RGB [H, W, 3])."""
    height, width = frame.shape[:2]
    square = _square(frame, model.inputs[0].shape[1])
    start = time.perf_counter()
    raw = np.asarray(next(iter(model(square[None]).values())))[0]
    elapsed_ms = (time.perf_counter() - start) * 1000
    classes = cv2.resize(raw.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST)
    return Segmentation(classes, names, None, elapsed_ms, raw)


def person_grid(model, frame: np.ndarray) -> tuple[np.ndarray, float]:
    """The selfie model's person probability on its own square grid (float32 [S, S], in
    0..1) for `frame`, and ms: what a live frame's effect scales to the frame itself."""
    # To 0..1 floats in one pass over the pixels: astype and then a multiply take two.
    square = np.multiply(_square(frame, model.inputs[0].shape[1]), 1 / 255, dtype=np.float32)
    start = time.perf_counter()
    raw = np.asarray(next(iter(model(square[None]).values())), np.float32)[0, ..., 0]
    return raw, (time.perf_counter() - start) * 1000


def person_probability(model, frame: np.ndarray) -> tuple[np.ndarray, float]:
    """The selfie model's person probability per pixel of `frame` (float32 [H, W]) and ms."""
    height, width = frame.shape[:2]
    raw, elapsed_ms = person_grid(model, frame)
    return cv2.resize(raw, (width, height), interpolation=cv2.INTER_LINEAR), elapsed_ms


def segment_person(model, frame: np.ndarray, threshold: float = PERSON_THRESHOLD) -> Segmentation:
    """Person (1) or background (0) for each pixel of `frame`, and the soft probability."""
    probability, elapsed_ms = person_probability(model, frame)
    classes = (probability >= threshold).astype(np.uint8)
    return Segmentation(classes, PERSON_LABELS, probability, elapsed_ms)


def segment(model, model_id: str, frame: np.ndarray, names: tuple[str, ...]) -> Segmentation:
    """Either model on `frame`: what the command line and the page's photo path call."""
    if check_segment_model(model_id) == PERSON_MODEL:
        return segment_person(model, frame)
    return segment_scene(model, frame, names)


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    """IoU of two boolean masks: shared pixels over pixels in either (1 when both empty)."""
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0
