"""tf.image on a picture tensor [height, width, channels], as the course lists it (000_…, API
TFJS /4: "Recortar y cambiar de tamaño, dar la vuelta, convertir … escala de gris"): flip
left-right, grayscale, resize bilinear or nearest, crop and resize.

TensorFlow 2's resize samples at pixel centres; TF.js's resizeBilinear and
resizeNearestNeighbor do so only with `halfPixelCenters` true, so the TF.js code passes it
and both give the same numbers (checked in Node by tests/test_tensors_code.py).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from models.errors import BadInput
from models.tensors.make import check_size, shape_text, to_numpy, to_tensor
from models.tensors.ops import OpResult

MAX_SIDE = 1024  # a resized picture's height and width at most


def check_picture(array: np.ndarray, op: str, rgb: bool = False) -> None:
    """A rank-3 [height, width, channels] tensor (with 3 channels if `rgb`), else BadInput."""
    if array.ndim != 3 or (rgb and array.shape[-1] != 3):
        want = "[height, width, 3]" if rgb else "[height, width, channels]"
        raise BadInput(
            f"{op} works on a picture tensor {want}; this one has shape {shape_text(array.shape)}.",
            code="tensor_not_picture",
            op=op,
            want=want,
            shape=shape_text(array.shape),
        )


def _numbers(text: str, count: int) -> list[float] | None:
    """`count` numbers separated by commas, or None."""
    try:
        values = [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        return None
    return values if len(values) == count else None


def parse_size(text: str) -> tuple[int, int]:
    """'height, width', each a whole number from 1 to MAX_SIDE."""
    values = _numbers(text, 2)
    if values is None or not all(v == int(v) and 1 <= v <= MAX_SIDE for v in values):
        raise BadInput(
            f"A picture's height and width are whole numbers from 1 to {MAX_SIDE}, not '{text}'.",
            code="tensor_bad_picture_size",
            text=text,
            high=MAX_SIDE,
        )
    return int(values[0]), int(values[1])


def parse_box(text: str) -> list[float]:
    """'y1, x1, y2, x2' as fractions of the height and width, y1 < y2 and x1 < x2."""
    values = _numbers(text, 4)
    if values is None or not (0 <= values[0] < values[2] <= 1 and 0 <= values[1] < values[3] <= 1):
        raise BadInput(
            f"The box '{text}' must be y1, x1, y2, x2: fractions 0…1 with y1 < y2 and x1 < x2.",
            code="tensor_bad_box",
            text=text,
        )
    return values


def flip_left_right(array: np.ndarray, arg: str) -> OpResult:
    """The picture mirrored, in float32: TF.js's flipLeftRight takes only float32 batches."""
    check_picture(array, "flip_left_right")
    tensor = tf.cast(to_tensor(array), tf.float32)
    return OpResult(to_numpy(tf.image.flip_left_right(tensor)))


def grayscale(array: np.ndarray, arg: str) -> OpResult:
    check_picture(array, "rgb_to_grayscale", rgb=True)
    tensor = tf.cast(to_tensor(array), tf.float32)
    return OpResult(to_numpy(tf.image.rgb_to_grayscale(tensor)), notes=["grayscale"])


def resize(method: str, array: np.ndarray, arg: str) -> OpResult:
    op = f"resize_{method}"
    check_picture(array, op)
    height, width = parse_size(arg)
    check_size([height, width, array.shape[-1]])
    resized = tf.image.resize(to_tensor(array), [height, width], method=method)
    return OpResult(to_numpy(resized), notes=[op])


def crop_and_resize(array: np.ndarray, arg: str) -> OpResult:
    check_picture(array, "crop_and_resize")
    box = parse_box(arg)
    batch = tf.cast(to_tensor(array), tf.float32)[None]
    cropped = tf.image.crop_and_resize(batch, [box], [0], list(array.shape[:2]))
    return OpResult(to_numpy(cropped[0]))
