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


def soft_alpha(probability: np.ndarray, softness: int) -> np.ndarray:
    """The person's alpha in 0..1: the probability, its edge blurred by `softness` pixels
    (BodyPix's edgeBlurAmount) so the cut-out does not look cut with scissors."""
    if softness <= 0:
        return (probability >= 0.5).astype(np.float32)
    side = 2 * softness + 1
    return cv2.GaussianBlur(np.clip(probability, 0, 1), (side, side), 0)


def person_effect(
    frame: np.ndarray,
    probability: np.ndarray,
    effect: str,
    softness: int = 3,
    colour: tuple[int, int, int] = (0, 177, 64),
    background: np.ndarray | None = None,
    blur: int = 15,
) -> np.ndarray:
    """The person kept and what is behind them changed: blurred (`drawBokehEffect`), a
    colour, an image (resized to the frame), or the mask itself (`toMask`)."""
    alpha = soft_alpha(probability, softness)[..., None]
    height, width = frame.shape[:2]
    if effect == MASK:
        return (alpha * 255).astype(np.uint8).repeat(3, axis=2)
    if effect == BLUR:
        side = 2 * blur + 1
        behind = cv2.GaussianBlur(frame, (side, side), 0)
    elif effect == IMAGE and background is not None:
        behind = cv2.resize(background, (width, height), interpolation=cv2.INTER_AREA)
    else:
        behind = np.empty_like(frame)
        behind[:] = colour
    return (alpha * frame + (1 - alpha) * behind).astype(np.uint8)
