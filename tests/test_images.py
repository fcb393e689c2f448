"""The shared image decoder: every format and mode it must read, every bad input it must refuse.

All inputs are generated here, byte by byte where Pillow would refuse to write them (a PNG
header claiming 20,000 × 20,000 pixels).
"""

import io
import struct
import warnings
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from components.i18n import catalog, translate
from models.errors import BadInput
from models.segmentation.masks import _square
from models.vision.images import decode_image, sniff_format, to_png_bytes
from models.vision.letterbox import letterbox


def encode(picture: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def gray_png(width: int, height: int, idat: bytes) -> bytes:
    """An 8-bit grayscale PNG with the given header size and compressed pixel stream."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def photo(width: int = 60, height: int = 40) -> Image.Image:
    """A smooth colour gradient (JPEG keeps it close), different in every channel."""
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack([x * 255 // width, y * 255 // height, 255 - x * 255 // width], axis=2)
    return Image.fromarray(pixels.astype(np.uint8))


def refused(data: bytes, **limits) -> BadInput:
    with pytest.raises(BadInput) as caught:
        decode_image(data, **limits)
    return caught.value


def test_empty_file() -> None:
    assert refused(b"").code == "image_empty"


def test_text_file_is_not_an_image() -> None:
    error = refused(b"name,age\nAda,36\n")
    assert error.code == "image_not_image"
    assert "JPEG" in error.message


def test_truncated_jpeg() -> None:
    data = encode(photo(200, 150), "JPEG", quality=90)
    assert refused(data[: len(data) // 2]).code == "image_truncated"


def test_truncated_png() -> None:
    data = encode(photo(200, 150), "PNG")
    assert refused(data[: len(data) // 2]).code == "image_truncated"


def test_decompression_bomb_header_is_refused_before_decoding() -> None:
    # The pixel stream is cut short: decoding it would say "truncated". Being told "too
    # large" proves the size was checked before any pixel was decoded.
    bomb = gray_png(20_000, 20_000, zlib.compress(b"\x00" * 1000))
    error = refused(bomb)
    assert error.code == "image_too_large"
    assert error.params["megapixels"] == "400"


def test_pillow_bomb_warning_becomes_bad_input_not_a_warning() -> None:
    bomb = gray_png(10_000, 10_000, zlib.compress(b"\x00" * 1000))  # 100 MP: Pillow only warns
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error = refused(bomb)
    assert error.code == "image_too_large"
    assert not [w for w in caught if "decompression" in str(w.message).lower()]


def test_own_pixel_limit_applies_below_pillows() -> None:
    # A valid 3000 × 3000 PNG (9 MP, far below Pillow's limit) against a 4 MP cap.
    rows = (b"\x00" + b"\x80" * 3000) * 3000
    valid = gray_png(3000, 3000, zlib.compress(rows))
    assert decode_image(valid).shape == (3000, 3000, 3)
    error = refused(valid, max_pixels=4_000_000)
    assert error.code == "image_too_large"
    assert error.params == {"megapixels": "9", "limit_mp": "4"}


def test_byte_limit() -> None:
    error = refused(encode(photo(), "PNG"), max_bytes=100)
    assert error.code == "image_file_too_large"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP", "WEBP"])
def test_formats_decode_to_uint8_rgb(fmt: str) -> None:
    source = photo()
    pixels = decode_image(encode(source, fmt, **({"lossless": True} if fmt == "WEBP" else {})))
    assert pixels.shape == (40, 60, 3) and pixels.dtype == np.uint8
    if fmt != "JPEG":
        np.testing.assert_array_equal(pixels, np.asarray(source))
    else:
        assert np.abs(pixels.astype(int) - np.asarray(source, int)).mean() < 4


def test_sixteen_bit_gray_is_scaled_not_clipped() -> None:
    values = np.array([[0, 32896, 65535]], dtype=np.uint16)
    pixels = decode_image(cv2.imencode(".png", values)[1].tobytes())
    np.testing.assert_array_equal(pixels[0, :, 0], [0, 128, 255])
    assert (pixels[..., 0] == pixels[..., 2]).all()


def test_sixteen_bit_colour_png() -> None:
    bgr = np.zeros((4, 4, 3), np.uint16)
    bgr[..., 2] = 65535  # red, in OpenCV's BGR order
    bgr[..., 1] = 32896
    pixels = decode_image(cv2.imencode(".png", bgr)[1].tobytes())
    np.testing.assert_array_equal(pixels[0, 0], [255, 128, 0])


def test_cmyk_jpeg_becomes_rgb() -> None:
    cyan = Image.new("CMYK", (16, 16), (255, 0, 0, 0))
    pixels = decode_image(encode(cyan, "JPEG", quality=95))
    red, green, blue = pixels[8, 8].astype(int)
    assert red < 40 and green > 215 and blue > 215


def test_grayscale_becomes_three_equal_channels() -> None:
    pixels = decode_image(encode(Image.new("L", (8, 8), 77), "PNG"))
    assert pixels.shape == (8, 8, 3)
    assert (pixels == 77).all()


def test_palette_image() -> None:
    palette = Image.new("RGB", (8, 8), (255, 0, 0)).convert("P")
    assert decode_image(encode(palette, "PNG"))[0, 0].tolist() == [255, 0, 0]


def test_palette_transparency_becomes_white() -> None:
    palette = Image.new("P", (8, 8), 0)
    palette.putpalette([0, 0, 0] * 256)
    data = encode(palette, "PNG", transparency=0)
    assert decode_image(data)[0, 0].tolist() == [255, 255, 255]


def test_alpha_is_composited_on_white() -> None:
    rgba = np.zeros((2, 3, 4), np.uint8)
    rgba[0, 0] = (0, 0, 0, 0)  # transparent → white
    rgba[0, 1] = (0, 0, 0, 128)  # half black → mid grey
    rgba[0, 2] = (255, 0, 0, 255)  # opaque red stays red
    pixels = decode_image(encode(Image.fromarray(rgba, "RGBA"), "PNG"))
    assert pixels[0, 0].tolist() == [255, 255, 255]
    assert abs(int(pixels[0, 1, 0]) - 127) <= 1
    assert pixels[0, 2].tolist() == [255, 0, 0]


def test_gray_with_alpha() -> None:
    la = Image.new("LA", (4, 4), (0, 0))
    assert decode_image(encode(la, "PNG"))[0, 0].tolist() == [255, 255, 255]


def test_exif_orientation_is_applied() -> None:
    stored = np.zeros((40, 60, 3), np.uint8)
    stored[:10, :10] = (255, 0, 0)  # a red block in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    data = encode(Image.fromarray(stored), "JPEG", quality=95, exif=exif.tobytes())
    pixels = decode_image(data)
    assert pixels.shape == (60, 40, 3)
    assert pixels[3, 36, 0] > 200 and pixels[3, 3, 0] < 60  # now top-right


def test_animated_gif_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (10, 10), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    assert decode_image(buffer.getvalue())[5, 5].tolist() == [255, 0, 0]


def test_one_pixel_image() -> None:
    pixels = decode_image(encode(Image.new("RGB", (1, 1), (1, 2, 3)), "PNG"))
    assert pixels.shape == (1, 1, 3) and pixels[0, 0].tolist() == [1, 2, 3]


def test_other_formats_are_named_not_opened() -> None:
    error = refused(encode(photo(), "TIFF"))
    assert error.code == "image_unsupported_format" and error.params["format"] == "TIFF"
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    assert refused(heic).params["format"] == "HEIC"
    assert sniff_format(b"%PDF-1.7 ...") == "PDF"
    assert sniff_format(b"GIF89a") is None


def test_png_bytes_round_trip() -> None:
    pixels = np.asarray(photo())
    np.testing.assert_array_equal(decode_image(to_png_bytes(pixels)), pixels)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain text",
        gray_png(20_000, 20_000, b""),
        b"II*\x00" + b"\x00" * 16,
    ],
)
def test_every_refusal_is_translated_with_its_fields(data: bytes) -> None:
    error = refused(data)
    key = f"error.{error.code}"
    assert key in catalog()
    for lang in ("en", "es"):
        text = translate(key, lang, **error.params)
        assert "{" not in text
    assert translate(key, "es", **error.params) != translate(key, "en", **error.params)


def _stripes(width: int, height: int) -> np.ndarray:
    """One-pixel black and white columns: what bilinear shrinking by more than 4× aliases."""
    row = np.where(np.arange(width) % 2, 255, 0).astype(np.uint8)
    return np.repeat(np.broadcast_to(row, (height, width))[..., None], 3, axis=2).copy()


def test_a_phone_photo_is_averaged_for_a_model_and_a_webcam_frame_is_bilinear() -> None:
    """Both model-input resizes (the pose letterbox, the person model's square) follow one
    rule: shrunk more than 4×, areas are averaged (the stripes become grey, not stripes
    again); a webcam frame is resized bilinearly, as TF.js's resizeBilinear does."""
    photo = _stripes(2000, 1500)
    square, box = letterbox(photo, 192)
    inside = square[box.top : box.top + box.new_height, box.left : box.left + box.new_width]
    person = _square(photo, 256)
    for shrunk in (inside, person):
        assert abs(float(shrunk.mean()) - 127.5) < 3 and shrunk.std() < 15
    frame = _stripes(480, 360)
    square, box = letterbox(frame, 192)
    inside = square[box.top : box.top + box.new_height, box.left : box.left + box.new_width]
    np.testing.assert_array_equal(inside, cv2.resize(frame, (192, 144)))
    np.testing.assert_array_equal(_square(frame, 256), cv2.resize(frame, (256, 256)))
