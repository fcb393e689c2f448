"""Drawing detections with OpenCV: a box per object in its class's colour, "label 0.66" above.

In place on the frame, as models/pose/draw.py does, so a live stream adds no image per
frame. Each COCO class has one colour everywhere (boxes, the page's count chart).
"""

from __future__ import annotations

import colorsys

import cv2
import numpy as np

from models.detection.centernet import Detection

OUTLINE = (0, 0, 0)
GOLDEN = 0.618033988749895  # hues a golden-ratio step apart never sit side by side


def class_colour(class_index: int) -> tuple[int, int, int]:
    """The RGB colour of a class: bright, and far from its neighbours' in hue."""
    r, g, b = colorsys.hsv_to_rgb((class_index * GOLDEN) % 1.0, 0.85, 1.0)
    return round(r * 255), round(g * 255), round(b * 255)


def class_hex(class_index: int) -> str:
    return "#{:02x}{:02x}{:02x}".format(*class_colour(class_index))


def draw_detections(
    frame: np.ndarray, detections: list[Detection], outline_only: bool = False
) -> np.ndarray:
    """`frame` (uint8 RGB) with each box and its label drawn on it, in place. `outline_only` boxes
    (thin, no label) show the raw boxes that non-maximum suppression removes."""
    side = max(frame.shape[0], frame.shape[1])
    thickness = max(1, side // 400) if outline_only else max(2, side // 250)
    scale = max(0.45, side / 1400)
    for detection in detections:
        colour = class_colour(detection.class_index)
        x1, y1, x2, y2 = (int(round(v)) for v in detection.box)
        cv2.rectangle(frame, (x1, y1), (x2, y2), colour, thickness, cv2.LINE_AA)
        if outline_only:
            continue
        text = f"{detection.label} {detection.score:.2f}"
        (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        top = y1 - h - base - 4 if y1 - h - base - 4 >= 0 else y1
        cv2.rectangle(frame, (x1, top), (x1 + w + 6, top + h + base + 4), colour, -1)
        where = (x1 + 3, top + h + 2)
        cv2.putText(frame, text, where, cv2.FONT_HERSHEY_SIMPLEX, scale, OUTLINE, 1, cv2.LINE_AA)
    return frame
