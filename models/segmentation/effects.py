"""What a page draws from a mask: a colour overlay of the classes, and BodyPix's person
effects (background blurred, a colour or an image behind the person, a softened edge).

All take and give uint8 RGB [H, W, 3]; a live stream calls `person_effect` on every frame,
so it works at the frame's size with a handful of OpenCV calls.
"""

from __future__ import annotations

import cv2
import numpy as np


def voc_colours(count: int = 256) -> np.ndarray:
    """PASCAL VOC's own colour map (the VOC devkit's `labelcolormap`): class i's colour comes
    from the bits of i, so every viewer of the data set shows the same colours."""
    colours = np.zeros((count, 3), np.uint8)
    for index in range(count):
        r = g = b = 0
        value = index
        for shift in range(7, -1, -1):
            r |= (value & 1) << shift
            g |= ((value >> 1) & 1) << shift
            b |= ((value >> 2) & 1) << shift
            value >>= 3
        colours[index] = (r, g, b)
    return colours


VOC_COLOURS = voc_colours()
BLUR, COLOUR, IMAGE, MASK = "blur", "colour", "image", "mask"
EFFECTS = (BLUR, COLOUR, IMAGE, MASK)


def class_hex(index: int) -> str:
    return "#{:02x}{:02x}{:02x}".format(*VOC_COLOURS[index])


def overlay(
    photo: np.ndarray, classes: np.ndarray, opacity: float, only: int | None = None
) -> np.ndarray:
    """The photo with each class painted in its VOC colour at `opacity` (background left
    as it is); with `only`, that class alone is painted and the rest dimmed."""
    colours = VOC_COLOURS[classes]
    painted = classes > 0 if only is None else classes == only
    out = photo.astype(np.float32)
    if only is not None:
        out[~painted] *= 0.35
    out[painted] = (1 - opacity) * out[painted] + opacity * colours[painted]
    return out.astype(np.uint8)


def soft_alpha(
    probability: np.ndarray, softness: int, size: tuple[int, int] | None = None
) -> np.ndarray:
    """The person's alpha in 0..1 at `size` (width, height; by default the probability's
    own): `probability` (in 0..1, as the model's sigmoid is) scaled bilinearly to `size`,
    its edge blurred by `softness` pixels of that size (BodyPix's edgeBlurAmount) so the
    cut-out does not look cut with scissors. A Gaussian of it stays in 0..1.

    A probability on the model's smaller grid (a live frame) is blurred there, the Gaussian
    narrowed alike, and scaled up after: the same soft edge for a fraction of the cost.
    """
    height, width = probability.shape
    out_width, out_height = size or (width, height)
    scaled = (width, height) != (out_width, out_height)
    if softness <= 0:
        if scaled:
            probability = cv2.resize(probability, (out_width, out_height))
        return (probability >= 0.5).astype(np.float32)
    side = 2 * softness + 1
    if not scaled:
        return cv2.GaussianBlur(probability, (side, side), 0)
    sigma = 0.3 * (softness - 1) + 0.8  # what OpenCV gives a side-wide kernel
    blurred = cv2.GaussianBlur(
        probability, (0, 0), sigma * width / out_width, sigmaY=sigma * height / out_height
    )
    return cv2.resize(blurred, (out_width, out_height), interpolation=cv2.INTER_LINEAR)


def backdrop(
    effect: str,
    size: tuple[int, int],
    colour: tuple[int, int, int] = (0, 177, 64),
    background: np.ndarray | None = None,
) -> np.ndarray:
    """What goes behind the person for the effects that do not change with the frame, at
    `size` (width, height): the image resized to it (IMAGE with an image), else the colour."""
    if effect == IMAGE and background is not None:
        return cv2.resize(background, size, interpolation=cv2.INTER_AREA)
    return np.full((size[1], size[0], 3), colour, np.uint8)


class KeptBackdrop:
    """`backdrop` for a stream of frames: made once, and again only when the effect, the
    colour, the image or the frame's size changes. Made afresh for every frame, the
    colour's fill and the image's resize cost more than the blend itself (the colour
    effect's callback was 1.7–1.9× its model, the bokeh's 1.5–1.6×).
    """

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._background: np.ndarray | None = None
        self._picture = np.zeros((0, 0, 3), np.uint8)

    def __call__(
        self,
        effect: str,
        size: tuple[int, int],
        colour: tuple[int, int, int],
        background: np.ndarray | None,
    ) -> np.ndarray:
        key = (effect, size, colour)
        if key != self._key or background is not self._background:
            self._picture = backdrop(effect, size, colour, background)
            self._key, self._background = key, background
        return self._picture


def person_effect(
    frame: np.ndarray,
    probability: np.ndarray,
    effect: str,
    softness: int = 3,
    colour: tuple[int, int, int] = (0, 177, 64),
    background: np.ndarray | None = None,
    blur: int = 15,
    dst: np.ndarray | None = None,
    kept: KeptBackdrop | None = None,
) -> np.ndarray:
    """The person kept and what is behind them changed: blurred (`drawBokehEffect`), a
    colour, an image (resized to the frame), or the mask itself (`toMask`); written into
    `dst` when given (a live stream passes the frame itself: each pixel is mixed alone).
    `probability` is per pixel of the frame, or on the model's grid (a live frame: see
    `soft_alpha`). A stream passes its `kept` backdrop, made once for all its frames.

    One `cv2.blendLinear` mixes the frame and what goes behind by the person's alpha: the
    same picture, within rounding, as alpha · frame + (1 − alpha) · behind in numpy floats,
    at an eighth of the cost on a webcam frame (0.7 instead of 5.7 ms at 480×360 here).
    """
    height, width = frame.shape[:2]
    alpha = soft_alpha(probability, softness, (width, height))
    if effect == MASK:
        return cv2.cvtColor((alpha * 255).astype(np.uint8), cv2.COLOR_GRAY2RGB, dst=dst)
    if effect == BLUR:
        behind = bokeh(frame, blur)
    else:
        behind = (kept or KeptBackdrop())(effect, (width, height), colour, background)
    return cv2.blendLinear(frame, behind, alpha, 1 - alpha, dst=dst)


BOKEH_SHRINK = 4  # the blurred background is computed at a quarter of the frame's sides


def bokeh(frame: np.ndarray, blur: int = 15) -> np.ndarray:
    """`frame` blurred as a (2·blur + 1)-wide Gaussian does (σ = 0.3 · (blur − 1) + 0.8,
    OpenCV's rule for that width), computed on a frame shrunk BOKEH_SHRINK times and
    scaled back: so wide a blur keeps no detail the small frame lacks, and it costs a
    quarter of a millisecond instead of three on a 480×360 webcam frame here."""
    height, width = frame.shape[:2]
    small_size = (max(1, width // BOKEH_SHRINK), max(1, height // BOKEH_SHRINK))
    small = cv2.resize(frame, small_size, interpolation=cv2.INTER_AREA)
    sigma = (0.3 * (blur - 1) + 0.8) / BOKEH_SHRINK
    small = cv2.GaussianBlur(small, (0, 0), sigma)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
