"""From a drawing to the 28×28 tensor the MNIST CNN expects, the way MNIST itself was made.

MNIST digits were cropped to their ink, scaled to fit a 20×20 box keeping the aspect ratio
(anti-aliased), and placed in a 28×28 field so that their centre of mass sits at the centre.
A canvas drawing that skips these steps (the seed's plain resize of the whole canvas) is
recognised only when it is drawn large and centred; this pipeline recognises small and
off-centre drawings too. Every step is a pure function on numpy arrays so that the page can
draw each one and the tests can check each one exactly.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np

from models.errors import BadInput

SIZE = 28  # side of the MNIST field
BOX = 20  # side of the box the digit is scaled to fit
CENTRE = 14.0  # where MNIST puts the centre of mass (pixel index; MNIST's mean is 13.99)
INK_THRESHOLD = 0.1  # a pixel brighter than this (0..1) counts as ink
BLOB_FILL = 0.6  # ink covering this share of a squarish bounding box is a dot or blob
TINY = 0.02  # ink spanning less than this share of the image side is a dot
MAX_SIDE = 4096  # larger images are refused: a canvas is 280, a phone photo is downscaled

# Ink status of a drawing: what the page says before (or instead of) predicting.
EMPTY, DOT, OK = "empty", "dot", "ok"


@dataclass(frozen=True)
class Box:
    """The ink's bounding box in pixels: rows top..bottom-1, columns left..right-1."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left


@dataclass(frozen=True)
class PreparedDigit:
    """Every step of the pipeline, kept so that the page can draw them side by side."""

    gray: np.ndarray  # [H, W] float32 0..1, white ink on black
    box: Box | None  # None when there is no ink
    cropped: np.ndarray  # the ink's bounding box (empty array when there is no ink)
    fitted: np.ndarray  # cropped, scaled so the longer side is BOX pixels
    tensor: np.ndarray  # [28, 28] float32 0..1: what the network gets
    plain: np.ndarray  # [28, 28] float32: the seed's plain resize of the whole image
    status: str  # EMPTY | DOT | OK
    inverted: bool  # True when dark ink on a light background was turned into white on black


def to_grayscale(image: np.ndarray) -> np.ndarray:
    """[H, W] float32 in 0..1 from an L, LA, RGB or RGBA array (uint8 or float 0..1).

    Transparent pixels count as black: the canvas may send white strokes on a transparent
    background, and composing onto black keeps only the strokes.
    """
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (2, 3, 4)):
        raise BadInput(
            f"an image must be [H, W] or [H, W, 1|2|3|4], got shape {list(array.shape)}",
            code="digit_bad_shape",
            shape=str(list(array.shape)),
        )
    if min(array.shape[:2]) < 1 or max(array.shape[:2]) > MAX_SIDE:
        raise BadInput(
            f"image sides must be 1..{MAX_SIDE} pixels, got {array.shape[1]}×{array.shape[0]}",
            code="digit_bad_size",
            width=array.shape[1],
            height=array.shape[0],
            limit=MAX_SIDE,
        )
    values = array.astype(np.float32)
    if np.issubdtype(array.dtype, np.integer) or values.max(initial=0.0) > 1.0:
        values /= 255.0
    if values.ndim == 2:
        return np.clip(values, 0.0, 1.0)
    channels = values.shape[2]
    colour = values[:, :, : 1 if channels == 2 else 3]
    luminance = colour[:, :, 0] if channels == 2 else colour @ np.float32([0.299, 0.587, 0.114])
    if channels in (2, 4):
        luminance = luminance * values[:, :, -1]
    return np.clip(luminance, 0.0, 1.0).astype(np.float32)


def border_level(gray: np.ndarray) -> float:
    """The median of the outermost pixels: the background's brightness."""
    edges = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return float(np.median(edges))


def ink_on_black(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """White ink on a black background, whatever the input; True if it had to be inverted.

    A photo of a digit on paper is dark on light: inverting it and subtracting the
    background's level turns it into what the canvas gives. A canvas is left unchanged.
    """
    inverted = border_level(gray) > 0.5
    ink = 1.0 - gray if inverted else gray
    background = border_level(ink)
    if background > 0.0:
        ink = np.clip((ink - background) / (1.0 - background), 0.0, 1.0)
    return ink.astype(np.float32), inverted


def ink_box(gray: np.ndarray, threshold: float = INK_THRESHOLD) -> Box | None:
    """The bounding box of pixels brighter than `threshold`; None for an empty drawing."""
    rows = np.flatnonzero((gray > threshold).any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero((gray > threshold).any(axis=0))
    return Box(int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1)


def ink_status(gray: np.ndarray, box: Box | None) -> str:
    """EMPTY (no ink), DOT (a tap or speck, or a solid squarish blob) or OK (worth classifying).

    A digit's strokes cover well under half of its bounding box; a single dot covers about
    π/4 of a square box, and so does a patch coloured in.
    """
    if box is None:
        return EMPTY
    if max(box.height, box.width) <= max(3, TINY * max(gray.shape)):
        return DOT
    patch = gray[box.top : box.bottom, box.left : box.right] > INK_THRESHOLD
    squarish = 0.6 <= box.height / box.width <= 1.0 / 0.6
    return DOT if squarish and patch.mean() >= BLOB_FILL else OK


def fit_box(cropped: np.ndarray, box: int = BOX) -> np.ndarray:
    """`cropped` scaled (area-averaged, i.e. anti-aliased) so that its longer side is `box`."""
    height, width = cropped.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))  # cv2: (w, h)
    shrinking = scale < 1.0
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    return cv2.resize(cropped, size, interpolation=interpolation).astype(np.float32)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the brightness-weighted centre, in pixel index coordinates."""
    total = float(image.sum())
    if total == 0.0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def place_by_mass(fitted: np.ndarray, size: int = SIZE, centre: float = CENTRE) -> np.ndarray:
    """`fitted` pasted into a size×size field so its centre of mass lands on (centre, centre).

    The shift is whole pixels (halves round up), as in MNIST, and clamped so that no ink
    leaves the field.
    """
    height, width = fitted.shape
    row, col = centre_of_mass(fitted)
    top = min(max(int(np.floor(centre - row + 0.5)), 0), size - height)
    left = min(max(int(np.floor(centre - col + 0.5)), 0), size - width)
    field = np.zeros((size, size), dtype=np.float32)
    field[top : top + height, left : left + width] = fitted
    return field


def normalise(image: np.ndarray) -> np.ndarray:
    """Scaled so that the brightest pixel is 1.0 (MNIST strokes peak at 255)."""
    peak = float(image.max(initial=0.0))
    return (image / peak).astype(np.float32) if peak > 0 else image.astype(np.float32)


def plain_resize(gray: np.ndarray, size: int = SIZE) -> np.ndarray:
    """The seed's `tf.image.resizeBilinear(img, [28, 28])` with TF.js defaults.

    alignCorners=false, halfPixelCenters=false: output pixel i samples the input at
    i·(in/out). For 280→28 that is every tenth pixel with no averaging, so thin strokes
    between the samples vanish: the reason this page does more than resize.
    """
    height, width = gray.shape
    ys = np.arange(size) * (height / size)
    xs = np.arange(size) * (width / size)
    y0 = np.floor(ys).astype(int)
    x0 = np.floor(xs).astype(int)
    y1 = np.minimum(y0 + 1, height - 1)
    x1 = np.minimum(x0 + 1, width - 1)
    fy = (ys - y0)[:, None]
    fx = (xs - x0)[None, :]
    top = gray[y0][:, x0] * (1 - fx) + gray[y0][:, x1] * fx
    bottom = gray[y1][:, x0] * (1 - fx) + gray[y1][:, x1] * fx
    return (top * (1 - fy) + bottom * fy).astype(np.float32)


def prepare(image: np.ndarray) -> PreparedDigit:
    """The whole pipeline: grayscale → ink box → fit 20×20 → place by mass → normalise."""
    gray, inverted = ink_on_black(to_grayscale(image))
    box = ink_box(gray)
    plain = plain_resize(gray)
    if box is None:
        empty = np.zeros((0, 0), dtype=np.float32)
        field = np.zeros((SIZE, SIZE), dtype=np.float32)
        return PreparedDigit(gray, None, empty, empty, field, plain, EMPTY, inverted)
    cropped = gray[box.top : box.bottom, box.left : box.right]
    fitted = fit_box(cropped)
    tensor = normalise(place_by_mass(fitted))
    return PreparedDigit(gray, box, cropped, fitted, tensor, plain, ink_status(gray, box), inverted)


def decode_image(data: bytes, name: str = "image") -> np.ndarray:
    """Pixels of an uploaded picture, alpha kept (L or RGBA), upright; a clear error otherwise.

    Not models/images.decode_image: that one composites transparency on white, which would
    erase white strokes on a transparent canvas. The same guards apply: a byte cap, only
    the formats a browser shows (Pillow never reaches plugins such as EPS), and the size is
    checked before any pixel is decoded.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    from models.vision.images import FORMATS, MAX_BYTES

    if len(data) > MAX_BYTES:
        raise BadInput(
            f"{name} is larger than {MAX_BYTES} bytes", code="digit_file_too_big", name=name
        )
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as picture:
            if max(picture.size) > MAX_SIDE:
                raise BadInput(
                    f"{name}: image sides must be at most {MAX_SIDE} pixels",
                    code="digit_bad_size",
                    width=picture.size[0],
                    height=picture.size[1],
                    limit=MAX_SIDE,
                )
            upright = ImageOps.exif_transpose(picture)
            has_alpha = upright.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
                upright.mode == "P" and "transparency" in upright.info
            )
            return np.asarray(upright.convert("RGBA" if has_alpha else "L"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise BadInput(
            f"{name} is not an image Pillow can read ({exc})",
            code="digit_bad_image",
            name=name,
        ) from exc
