"""The filters of the deck's convolution slides, a student's own matrix, and running them
on an image with `tf.nn.conv2d` (and pooling with `tf.nn.pool`), as the slides do.

An image is convolved channel by channel with the same 2-D filter (a depthwise
convolution), so an RGB photo stays RGB and a grayscale one stays gray: what the slides
draw. `window_steps` spells out the multiply-and-sum at each position of a small patch, for
the slow-motion view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from models.conv.arithmetic import (
    AVG_POOL,
    CONV,
    GLOBAL_AVG,
    MAX_POOL,
    SAME,
    VALID,
    Layer,
    out_side,
    pad_amount,
)
from models.errors import BadInput

FILTERS: dict[str, list[list[float]]] = {
    "sobel_x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel_y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "blur": [[1 / 9] * 3] * 3,
    "gaussian_5": [
        [v / 256 for v in row]
        for row in (
            [1, 4, 6, 4, 1],
            [4, 16, 24, 16, 4],
            [6, 24, 36, 24, 6],
            [4, 16, 24, 16, 4],
            [1, 4, 6, 4, 1],
        )
    ],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
}
MAX_IMAGE_SIDE = 512  # larger images are shrunk first (the page says so)
MAX_CUSTOM_SIDE = 7


def parse_filter(text: str) -> np.ndarray:
    """A square matrix typed by a student: rows on lines (or separated by ';'), numbers by
    spaces or commas; fractions like 1/9 allowed. Refused with a message otherwise."""
    rows = [r for r in re.split(r"[;\n]", text.strip().strip("[]")) if r.strip(" ,[]")]
    values = []
    for row in rows:
        cells = [c for c in re.split(r"[\s,]+", row.strip(" ,[]")) if c]
        try:
            values.append([_number(c) for c in cells])
        except ValueError as exc:
            raise BadInput(
                f"'{row.strip()}' is not a row of numbers.",
                code="conv_filter_not_numbers",
                row=row.strip(),
            ) from exc
    side = len(values)
    if side == 0 or any(len(r) != side for r in values) or side > MAX_CUSTOM_SIDE:
        raise BadInput(
            f"A filter must be a square of 1 to {MAX_CUSTOM_SIDE} rows of as many numbers "
            f"(got {[len(r) for r in values]}).",
            code="conv_filter_not_square",
            sizes=str([len(r) for r in values]),
            limit=MAX_CUSTOM_SIDE,
        )
    matrix = np.array(values, np.float32)
    if not np.isfinite(matrix).all():
        raise BadInput(
            "A filter's numbers must be finite.", code="conv_filter_not_numbers", row=text.strip()
        )
    return matrix


def _number(text: str) -> float:
    if "/" in text:
        top, bottom = text.split("/", 1)
        return float(top) / float(bottom)
    return float(text)


def named_filter(name: str) -> np.ndarray:
    if name not in FILTERS:
        raise BadInput(
            f"Unknown filter '{name}'. Filters: {', '.join(FILTERS)}.",
            code="conv_unknown_filter",
            name=name,
            choices=", ".join(FILTERS),
        )
    return np.array(FILTERS[name], np.float32)


def shrink(image: np.ndarray, side: int = MAX_IMAGE_SIDE) -> tuple[np.ndarray, bool]:
    """The image with its longer side at most `side` (area resampling), and whether it was."""
    import cv2

    scale = side / max(image.shape[:2])
    if scale >= 1:
        return image, False
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), True


def _explicit(layer: Layer, height: int, width: int) -> list[list[int]]:
    top, bottom = pad_amount(layer, height)
    left, right = pad_amount(layer, width)
    return [[0, 0], [top, bottom], [left, right], [0, 0]]


def convolve(image: np.ndarray, kernel: np.ndarray, layer: Layer) -> np.ndarray:
    """`image` (float32 [H, W, C]) convolved with the 2-D `kernel` on every channel by
    `tf.nn.conv2d`, with the layer's stride, padding and dilation: float32 [H', W', C]."""
    import tensorflow as tf

    height, width, channels = image.shape
    side = kernel.shape[0]
    probe = Layer(CONV, 1, side, layer.stride, layer.padding, layer.dilation)
    expected = out_side(probe, height), out_side(probe, width)  # a clear error if too big
    weights = np.zeros((side, side, channels, channels), np.float32)
    for c in range(channels):
        weights[:, :, c, c] = kernel
    padding = (
        layer.padding.upper() if layer.padding in (VALID, SAME) else _explicit(probe, height, width)
    )
    out = tf.nn.conv2d(
        image[None].astype(np.float32),
        weights,
        layer.stride,
        padding,
        dilations=layer.dilation,
    )[0].numpy()
    assert out.shape[:2] == expected
    return out


def pool(image: np.ndarray, layer: Layer) -> np.ndarray:
    """Max, average or global average pooling of `image` (float32 [H, W, C])."""
    import tensorflow as tf

    if layer.kind == GLOBAL_AVG:
        return image.mean(axis=(0, 1), keepdims=True)
    kind = {MAX_POOL: "MAX", AVG_POOL: "AVG"}[layer.kind]
    x = image[None].astype(np.float32)
    padding = layer.padding.upper() if layer.padding in (VALID, SAME) else "VALID"
    if isinstance(layer.padding, int) and layer.padding:
        p = layer.padding
        x = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]])
    out_side(layer, image.shape[0])  # a window larger than the input: a clear error first
    out_side(layer, image.shape[1])
    return tf.nn.pool(x, (layer.kernel, layer.kernel), kind, (layer.stride, layer.stride), padding)[
        0
    ].numpy()


@dataclass(frozen=True)
class Step:
    """The filter at one output position of a patch: the window, the products, their sum."""

    row: int
    col: int
    window: np.ndarray
    products: np.ndarray
    total: float


def window_steps(patch: np.ndarray, kernel: np.ndarray, layer: Layer) -> list[Step]:
    """Every position of the (dilated) filter over a small 2-D `patch`, padded as the layer
    says, in the order the slides step through it: left to right, top to bottom."""
    height, width = patch.shape
    probe = Layer(CONV, 1, kernel.shape[0], layer.stride, layer.padding, layer.dilation)
    (top, bottom), (left, right) = pad_amount(probe, height), pad_amount(probe, width)
    padded = np.pad(patch.astype(np.float32), ((top, bottom), (left, right)))
    rows, cols = out_side(probe, height), out_side(probe, width)
    d, side = layer.dilation, kernel.shape[0]
    steps = []
    for i in range(rows):
        for j in range(cols):
            y, x = i * layer.stride, j * layer.stride
            window = padded[y : y + d * (side - 1) + 1 : d, x : x + d * (side - 1) + 1 : d]
            products = window * kernel
            steps.append(Step(i, j, window, products, float(products.sum())))
    return steps


def to_picture(values: np.ndarray) -> np.ndarray:
    """A conv output as uint8 to look at: clipped to 0–255 when it is an image-like result
    (blur, sharpen), else stretched from its own min–max (edges are negative and positive)."""
    low, high = float(values.min()), float(values.max())
    if low >= -1 and high <= 256:
        return np.clip(values, 0, 255).astype(np.uint8)
    span = high - low if high > low else 1.0
    return ((values - low) / span * 255).astype(np.uint8)
