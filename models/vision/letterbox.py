"""Letterboxing: a frame scaled without stretching and centred on a model's black square.

A webcam frame is 4:3 or 16:9 and a phone photo is portrait, while the pose models take one
square image: the frame is scaled so its longer side is S, centred, and padded with black —
what `tf.image.resize_with_pad` does in the course's TF.js loop. Stretching instead would
squash the person and move every keypoint. `Letterbox.to_frame` maps a model's answer back.

A live stream letterboxes every frame into one kept square (`KeptLetterbox`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from models.vision.images import check_frame, model_input_interpolation

_X_Y_SCORE = np.array([1, 0, 2])  # a model's (y, x, score) columns in the order frames use


@dataclass(frozen=True)
class Letterbox:
    """How a frame of `width` × `height` sits in the model's `size` × `size` input.

    The frame is scaled to `new_width` × `new_height` (its longer side becomes `size`) and
    placed at (`left`, `top`); the rest is black padding.
    """

    width: int
    height: int
    size: int
    new_width: int
    new_height: int
    left: int
    top: int

    @classmethod
    def fit(cls, width: int, height: int, size: int) -> Letterbox:
        scale = size / max(width, height)
        new_width = max(1, min(size, round(width * scale)))
        new_height = max(1, min(size, round(height * scale)))
        return cls(
            width,
            height,
            size,
            new_width,
            new_height,
            (size - new_width) // 2,
            (size - new_height) // 2,
        )

    @property
    def interpolation(self) -> int:
        return model_input_interpolation(self.new_width / self.width)

    def to_frame(self, yx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Normalised (y, x) in the square → (x, y) in frame pixels."""
        x = (yx[:, 1] * self.size - self.left) * (self.width / self.new_width)
        y = (yx[:, 0] * self.size - self.top) * (self.height / self.new_height)
        return x, y

    def keypoints_to_frame(self, yxs: np.ndarray) -> np.ndarray:
        """[N, 3] (y, x, score) normalised to the square → float32 [N, 3] (x, y, score) in
        frame pixels: `to_frame` as one affine map, three array operations for a live frame."""
        gain, offset = self._keypoint_affine
        return yxs[:, _X_Y_SCORE] * gain + offset

    @cached_property
    def _keypoint_affine(self) -> tuple[np.ndarray, np.ndarray]:
        sx, sy = self.width / self.new_width, self.height / self.new_height
        gain = np.array([self.size * sx, self.size * sy, 1.0], np.float32)
        offset = np.array([-self.left * sx, -self.top * sy, 0.0], np.float32)
        return gain, offset

    def to_square(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Frame pixels → normalised (y, x) in the square (the inverse of `to_frame`)."""
        sx = (np.asarray(x) * (self.new_width / self.width) + self.left) / self.size
        sy = (np.asarray(y) * (self.new_height / self.height) + self.top) / self.size
        return np.stack([sy, sx], axis=-1)


def letterbox(frame: np.ndarray, size: int) -> tuple[np.ndarray, Letterbox]:
    """`frame` (uint8 [H, W, 3]) scaled without stretching and centred on a new black square."""
    return KeptLetterbox()(frame, size)


class KeptLetterbox:
    """`letterbox` for a stream of frames: each frame is scaled straight into the inside of
    one black square kept while the frame's and the model's sizes stay the same, so a live
    frame allocates no picture (`letterbox` makes a new square per call). The square is
    overwritten by the next frame; a model copies its input anyway.
    """

    def __init__(self) -> None:
        self._box: Letterbox | None = None
        self._square = self._inside = np.zeros((0, 0, 3), np.uint8)

    def __call__(self, frame: np.ndarray, size: int) -> tuple[np.ndarray, Letterbox]:
        height, width = check_frame(frame).shape[:2]
        box = self._box
        if box is None or (box.width, box.height, box.size) != (width, height, size):
            box = self._box = Letterbox.fit(width, height, size)
            self._square = np.zeros((size, size, 3), np.uint8)
            rows = slice(box.top, box.top + box.new_height)
            self._inside = self._square[rows, box.left : box.left + box.new_width]
        cv2.resize(
            frame, self._inside.shape[1::-1], dst=self._inside, interpolation=box.interpolation
        )
        return self._square, box
