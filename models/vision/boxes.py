"""Boxes as (x1, y1, x2, y2) in pixels: intersection over union and non-maximum suppression.

One place for the arithmetic of the course's detection slides, used by the pose tracker
(which person is which from frame to frame) and by object detection. `iou_steps` spells
the computation out, for pages that teach it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class IouSteps:
    """IoU of two boxes, step by step: the overlap rectangle, the areas and the ratio."""

    intersection_box: tuple[float, float, float, float] | None
    intersection: float
    area_a: float
    area_b: float
    union: float
    iou: float


def area(box: np.ndarray) -> float:
    """Width × height, 0 for a box whose corners are swapped or equal."""
    x1, y1, x2, y2 = (float(v) for v in box)
    return max(0.0, x2 - x1) * max(0.0, y2 - y1)


def iou_steps(a: np.ndarray, b: np.ndarray) -> IouSteps:
    """Intersection, the two areas, union = A + B − intersection, IoU = intersection / union."""
    x1, y1 = max(float(a[0]), float(b[0])), max(float(a[1]), float(b[1]))
    x2, y2 = min(float(a[2]), float(b[2])), min(float(a[3]), float(b[3]))
    overlap = (x1, y1, x2, y2) if x2 > x1 and y2 > y1 else None
    intersection = (x2 - x1) * (y2 - y1) if overlap else 0.0
    area_a, area_b = area(a), area(b)
    union = area_a + area_b - intersection
    return IouSteps(
        overlap, intersection, area_a, area_b, union, intersection / union if union > 0 else 0.0
    )


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boxes: 1 for the same box, 0 when they do not touch."""
    return iou_steps(a, b).iou


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box of `a` [N, 4] with every box of `b` [M, 4]: [N, M]."""
    a = np.asarray(a, np.float64).reshape(-1, 4)
    b = np.asarray(b, np.float64).reshape(-1, 4)
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    intersection = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    areas_a = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    areas_b = np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)
    union = areas_a[:, None] + areas_b[None, :] - intersection
    return np.divide(intersection, union, out=np.zeros_like(intersection), where=union > 0)


def non_max_suppression(
    boxes: np.ndarray, scores: np.ndarray, iou_threshold: float, max_boxes: int | None = None
) -> list[int]:
    """Indices of the boxes kept, best score first: greedily keep the best remaining box and
    drop every box that overlaps it by more than `iou_threshold` (what
    `tf.image.nonMaxSuppression` does)."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    order = list(np.argsort(-np.asarray(scores, np.float64), kind="stable"))
    overlaps = iou_matrix(boxes, boxes)
    kept: list[int] = []
    while order and (max_boxes is None or len(kept) < max_boxes):
        best = int(order.pop(0))
        kept.append(best)
        order = [i for i in order if overlaps[best, i] <= iou_threshold]
    return kept
