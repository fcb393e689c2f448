"""The one safe image decoder: uploaded or camera bytes → uint8 RGB pixels [H, W, 3].

Every page that accepts a picture decodes it here, so every page refuses the same bad
inputs with the same clear messages (`BadInput` codes `image_*`, translated as
`error.image_*` in locales/classifier.json). Safety comes first: the byte size and the
pixel count are checked before any pixel is decoded (a 20,000 × 20,000 PNG of zeros is a
few hundred kilobytes but 1.2 GB once decoded), only the formats a browser shows are
opened (Pillow's other plugins, e.g. EPS, are never reached), and nothing in the file is
ever executed.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from models.errors import BadInput

MAX_BYTES = 20_000_000  # a phone photo is 2–8 MB
MAX_PIXELS = 40_000_000  # 40 megapixels: a large phone photo, 120 MB once decoded as RGB

# Pillow's JPEG opener also returns the MPO files many phones write (several pictures in one).
FORMATS = ("JPEG", "PNG", "BMP", "WEBP", "GIF")
SUPPORTED = "JPEG, PNG, BMP, WebP, GIF"

# Formats people upload by mistake, recognised by their first bytes to name them in the message.
_KNOWN_OTHERS = (
    (b"%PDF", "PDF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"8BPS", "PSD"),
    (b"<svg", "SVG"),
    (b"<?xml", "SVG/XML"),
)
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")

# Mode families that need more than Pillow's plain convert("RGB").
_ALPHA_MODES = ("RGBA", "LA", "PA", "La", "RGBa")
_WIDE_GRAY_MODES = ("I", "I;16", "I;16L", "I;16B", "I;16N", "F")


def decode_image(
    data: bytes,
    *,
    max_pixels: int = MAX_PIXELS,
    max_bytes: int = MAX_BYTES,
) -> np.ndarray:
    """The picture in `data` as uint8 RGB [H, W, 3], upright, or a BadInput saying what to do.

    Handles JPEG (CMYK too), PNG (16-bit, palette, grayscale, alpha), BMP, WebP and the first
    frame of a GIF; the EXIF orientation a phone writes is applied; transparency is
    composited on white (what a browser shows on a white page).
    """
    data = bytes(data)
    _check_size(data, max_bytes)
    with warnings.catch_warnings():
        # Pillow only warns between 89 and 179 megapixels: make that an error we explain.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        picture = _open(data, max_pixels)
    try:
        _check_pixels(picture.size, max_pixels)
        _load(picture)
        upright = _upright(picture)
        return _to_rgb(upright)
    finally:
        picture.close()


def _check_size(data: bytes, max_bytes: int) -> None:
    if not data:
        raise BadInput(
            "The file is empty (0 bytes). Choose a photo or take one with the camera.",
            code="image_empty",
        )
    if len(data) > max_bytes:
        raise BadInput(
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB. "
            "Send a smaller photo (a screenshot or a resized copy is enough).",
            code="image_file_too_large",
            size_mb=f"{len(data) / 1e6:.1f}",
            limit_mb=f"{max_bytes / 1e6:.0f}",
        )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Read only the header: format, mode and size. No pixel is decoded yet."""
    Image.init()  # `formats=` looks plugins up before Pillow would load them itself
    try:
        return Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(_claimed_pixels(exc), max_pixels) from exc
    except UnidentifiedImageError as exc:
        other = sniff_format(data)
        if other:
            raise BadInput(
                f"This is a {other} file, not a picture format the playground reads. "
                f"Save or export it as {SUPPORTED} and try again.",
                code="image_unsupported_format",
                format=other,
                supported=SUPPORTED,
            ) from exc
        raise BadInput(
            f"This file is not an image. Choose a photo ({SUPPORTED}).",
            code="image_not_image",
            supported=SUPPORTED,
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _damaged() from exc


def sniff_format(data: bytes) -> str | None:
    """The name of a common non-supported format from the file's first bytes, if recognised."""
    head = data[:64]
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "AVIF" if head[8:12] == b"avif" else "HEIC"
    stripped = head.lstrip()
    for magic, name in _KNOWN_OTHERS:
        if stripped.startswith(magic):
            return name
    return None


def _claimed_pixels(exc: Exception) -> int:
    """The pixel count in Pillow's decompression-bomb message (it names no width or height)."""
    digits = [int(word) for word in str(exc).replace("(", " ").split() if word.isdigit()]
    return digits[0] if digits else 0


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise _too_large(width * height, max_pixels)


def _too_large(pixels: int, max_pixels: int) -> BadInput:
    megapixels = f"{pixels / 1e6:.3g}"
    limit_mp = f"{max_pixels / 1e6:.3g}"
    return BadInput(
        f"The image has {megapixels} megapixels; the limit is {limit_mp}. "
        "Resize it (or take a screenshot of it) and try again.",
        code="image_too_large",
        megapixels=megapixels,
        limit_mp=limit_mp,
    )


def _damaged() -> BadInput:
    return BadInput(
        "The image file is cut short or damaged, so its pixels cannot be read. "
        "Upload it again or export a fresh copy.",
        code="image_truncated",
    )


def _load(picture: Image.Image) -> None:
    """Decode the pixels (first frame only); a cut-short file becomes image_truncated."""
    try:
        picture.seek(0)
        picture.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _damaged() from exc


def _upright(picture: Image.Image) -> Image.Image:
    """Rotate/flip as the EXIF orientation says; a broken EXIF block is ignored, not fatal."""
    try:
        return ImageOps.exif_transpose(picture)
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        return picture


def _to_rgb(picture: Image.Image) -> np.ndarray:
    """Any mode → uint8 RGB: 16-bit scaled (not clipped), alpha composited on white."""
    mode = picture.mode
    if mode in _WIDE_GRAY_MODES:
        gray = _wide_gray_to_uint8(np.asarray(picture), mode)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if mode in _ALPHA_MODES or (mode == "P" and "transparency" in picture.info):
        picture = picture.convert("RGBA")
        white = Image.new("RGBA", picture.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(white, picture)
    rgb = np.asarray(picture.convert("RGB"), dtype=np.uint8)
    return np.ascontiguousarray(rgb)


def _wide_gray_to_uint8(values: np.ndarray, mode: str) -> np.ndarray:
    """16-bit (or 32-bit) gray → 0..255 by the range of the type, so a 16-bit white stays white."""
    values = values.astype(np.float64)
    if mode == "F":
        top = max(float(values.max()), 1.0)
        scaled = values / top * 255.0
    else:
        scaled = values / 257.0  # 65535 → 255
    return np.clip(np.round(scaled), 0, 255).astype(np.uint8)


def to_png_bytes(pixels: np.ndarray) -> bytes:
    """uint8 pixels ([H, W] or [H, W, 3|4]) as PNG bytes, e.g. for st.image or a download."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def read_image_file(path: Path) -> bytes:
    """A picture file's bytes for the command line, or a BadInput naming it (missing, a
    folder, larger than MAX_BYTES) — checked before reading, so a huge file is never loaded."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadInput(
                f"{path} is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB.",
                code="image_file_too_large",
                size_mb=f"{size / 1e6:.1f}",
                limit_mb=f"{MAX_BYTES / 1e6:.0f}",
            )
        return path.read_bytes()
    except OSError as exc:
        message = f"Cannot read {path}: {exc.strerror or exc}."
        raise BadInput(message, code="image_no_file", file=str(path)) from exc


def decode_image_file(path: Path) -> np.ndarray:
    """`decode_image` of a file; the message of a BadInput names the file it is about."""
    data = read_image_file(path)
    try:
        return decode_image(data)
    except BadInput as error:
        error.message = f"{path}: {error.message}"
        error.args = (error.message,)
        raise


MAX_FRAME_SIDE = 4096  # larger frames are refused before any pixel is resized


def check_frame(frame: np.ndarray) -> np.ndarray:
    """`frame` if it is uint8 [H, W, 3] of a sane size, else a BadInput saying what it is."""
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
        raise BadInput(
            f"A frame must be uint8 [H, W, 3], not {frame.dtype} {list(frame.shape)}.",
            code="pose_bad_frame",
            shape=str(list(frame.shape)),
        )
    height, width = frame.shape[:2]
    if min(height, width) < 1 or max(height, width) > MAX_FRAME_SIDE:
        raise BadInput(
            f"A frame of {width}×{height} pixels is outside 1…{MAX_FRAME_SIDE} pixels a side.",
            code="pose_frame_size",
            width=width,
            height=height,
            limit=MAX_FRAME_SIDE,
        )
    return frame


def model_input_interpolation(scale: float) -> int:
    """How to resize a picture by `scale` for a model's input: bilinear, as
    tf.image.resize_with_pad and TF.js's resizeBilinear do, and ~15× cheaper than area
    averaging on a webcam frame (0.1 vs 1.3 ms at 640×480 → 192). Shrinking more than 4×
    (a phone photo), bilinear would skip most pixels: areas then."""
    return cv2.INTER_AREA if scale < 0.25 else cv2.INTER_LINEAR


def shrink(pixels: np.ndarray, side: int) -> np.ndarray:
    """`pixels` with the longer side at most `side` (area resampling), else unchanged: what a
    page keeps of a photo, a video frame or a preview."""
    height, width = pixels.shape[:2]
    factor = side / max(height, width)
    if factor >= 1:
        return pixels
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
