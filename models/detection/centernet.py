"""CenterNet (MobileNetV3, COCO): a photo in, labelled boxes out, filtered as Coco-SSD filters.

The model takes float32 [1, 512, 512, 3], raw RGB 0–255: the photo is resized to the square
(stretched, as the model was trained; its boxes come back in the square's pixels and are
scaled back per axis). Of its outputs, `tower_0/detections` [1, 100, 6] holds the 100 best
(x1, y1, x2, y2, score, class) read off its centre heat-map. Boxes of one object overlap, so,
as Coco-SSD's `detect(img, maxNumBoxes, minScore)` does, boxes under the score threshold are
dropped and the rest go through class-agnostic non-maximum suppression (models/vision/boxes.py).
`Detections.raw` keeps the boxes before suppression, for pages that teach it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from models.errors import BadInput
from models.store.files import model_dir
from models.store.registry import MODELS
from models.vision.boxes import non_max_suppression
from models.vision.images import check_frame

DETECT_MODELS = ("centernet-mobilenetv3-coco",)
DEFAULT_MODEL = DETECT_MODELS[0]
DETECTIONS_OUTPUT = "tower_0/detections"
DEFAULT_THRESHOLD = 0.3  # CenterNet's scores run lower than Coco-SSD's 0.5 for the same photo
DEFAULT_MAX_BOXES = 20  # Coco-SSD's maxNumBoxes
DEFAULT_IOU = 0.5  # Coco-SSD's NMS IoU threshold


@dataclass(frozen=True)
class Detection:
    """One object: COCO label and class index, score, box (x1, y1, x2, y2) in image pixels."""

    label: str
    class_index: int
    score: float
    box: tuple[float, float, float, float]

    def bbox(self) -> list[float]:
        """[x, y, width, height]: the box as Coco-SSD's `bbox` gives it."""
        x1, y1, x2, y2 = self.box
        return [round(x1, 1), round(y1, 1), round(x2 - x1, 1), round(y2 - y1, 1)]

    def record(self) -> dict:
        """{"label", "score", "box": [x1, y1, x2, y2]}: what `python -m models detect` prints."""
        return {
            "label": self.label,
            "score": round(self.score, 4),
            "box": [round(v, 1) for v in self.box],
        }

    def mirrored(self, width: int) -> Detection:
        x1, y1, x2, y2 = self.box
        return replace(self, box=(width - x2, y1, width - x1, y2))


@dataclass(frozen=True)
class Settings:
    """The filter after the model: score threshold, at most `max_boxes`, NMS IoU, classes."""

    threshold: float = DEFAULT_THRESHOLD
    max_boxes: int = DEFAULT_MAX_BOXES
    iou: float = DEFAULT_IOU
    classes: frozenset[str] = field(default_factory=frozenset)  # empty: every class

    def __post_init__(self) -> None:
        for name, value in (("threshold", self.threshold), ("iou", self.iou)):
            if not 0.0 <= value <= 1.0:  # also refuses NaN
                raise BadInput(
                    f"The {name} must be between 0 and 1, not {value}.",
                    code="detect_bad_fraction",
                    name=name,
                    value=value,
                )
        if not 1 <= self.max_boxes <= 100:
            raise BadInput(
                f"The maximum number of boxes must be 1–100, not {self.max_boxes}.",
                code="detect_bad_max",
                value=self.max_boxes,
            )


@dataclass(frozen=True)
class Detections:
    """What one image gave: boxes above the threshold before (`raw`) and after NMS (`kept`)."""

    raw: list[Detection]
    kept: list[Detection]
    width: int
    height: int
    inference_ms: float = 0.0

    def counts(self) -> dict[str, int]:
        """{label: how many kept}, most frequent first."""
        counts: dict[str, int] = {}
        for detection in self.kept:
            counts[detection.label] = counts.get(detection.label, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def document(self) -> dict:
        return {"detections": [d.record() for d in self.kept]}

    def mirrored(self) -> Detections:
        flip = lambda ds: [d.mirrored(self.width) for d in ds]  # noqa: E731
        return replace(self, raw=flip(self.raw), kept=flip(self.kept))


def check_detect_model(model_id: str) -> str:
    if model_id not in DETECT_MODELS:
        known = ", ".join(DETECT_MODELS)
        raise BadInput(
            f"'{model_id}' is not a detection model. Detection models: {known}.",
            code="detect_unknown_model",
            model=model_id,
            known=known,
        )
    return model_id


def input_size(model_id: str) -> int:
    return int(MODELS[check_detect_model(model_id)].extra["input_size"])


def labels(model_id: str) -> list[str]:
    """The model's class names, index = class (COCO's 80 for CenterNet)."""
    spec = MODELS[check_detect_model(model_id)]
    text = (model_dir(model_id) / spec.labels).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def run_model(model, frame: np.ndarray, size: int) -> tuple[np.ndarray, float]:
    """The raw [100, 6] rows for `frame` (uint8 RGB [H, W, 3]) with boxes in frame pixels,
    and the model's own time in ms."""
    height, width = check_frame(frame).shape[:2]
    square = cv2.resize(frame, (size, size), interpolation=cv2.INTER_LINEAR)
    start = time.perf_counter()
    outputs = model(square[None].astype(np.float32))
    elapsed_ms = (time.perf_counter() - start) * 1000
    rows = np.array(outputs[DETECTIONS_OUTPUT], np.float32).reshape(-1, 6)
    rows[:, [0, 2]] = np.clip(rows[:, [0, 2]] * (width / size), 0, width)
    rows[:, [1, 3]] = np.clip(rows[:, [1, 3]] * (height / size), 0, height)
    return rows, elapsed_ms


def select(rows: np.ndarray, names: list[str], settings: Settings) -> tuple[list, list]:
    """Rows → (raw, kept): above the threshold and of the chosen classes, then NMS. The
    threshold is applied to the array first: most of the 100 rows are below it, and
    reading each numpy row in Python costs more than the model's whole answer is worth
    (0.6 ms a live frame)."""
    above = rows[rows[:, 4] >= settings.threshold].tolist()
    raw = [
        Detection(names[int(c)], int(c), s, (x1, y1, x2, y2))
        for x1, y1, x2, y2, s, c in above
        if 0 <= int(c) < len(names) and (not settings.classes or names[int(c)] in settings.classes)
    ]
    raw.sort(key=lambda d: -d.score)
    boxes = np.array([d.box for d in raw], np.float64).reshape(-1, 4)
    keep = non_max_suppression(
        boxes, np.array([d.score for d in raw]), settings.iou, settings.max_boxes
    )
    return raw, [raw[i] for i in keep]


def detect(model, frame: np.ndarray, size: int, names: list[str], settings: Settings) -> Detections:
    """Objects in `frame` (uint8 RGB [H, W, 3]) by a CenterNet with an S = `size` input."""
    rows, elapsed_ms = run_model(model, frame, size)
    raw, kept = select(rows, names, settings)
    return Detections(raw, kept, frame.shape[1], frame.shape[0], elapsed_ms)
