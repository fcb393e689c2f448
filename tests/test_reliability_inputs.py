"""Bad-input matrix (issue 9): each bad input gets a clear, translated message, no traceback,
and the session's other state is kept; the page keeps working afterwards.

Pages run under AppTest (tests/pages_helper.open_page), which drives text inputs, buttons and
`st.file_uploader`; one AppTest per page is shared by its cases, in order, so that "kept"
means kept across every earlier bad input too. Model files and URLs go through the functions
the pages call. The browser suite (tests/browser/) checks the server's health around real
uploads.
"""

from __future__ import annotations

import io
import json
import struct
import zlib

import numpy as np
import pytest
from pages_helper import open_page
from PIL import Image

from components.navigation import PAGES
from models.digits.preprocess import DOT, EMPTY, prepare
from models.errors import PlaygroundError
from models.formats.model_files import open_upload
from models.store.download import DEFAULT_POLICY, DownloadError

PAGE = {url: path for path, _, _, url in PAGES}
TRACE_WORDS = ("Traceback", 'File "', "Error(")


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def clean_message(at) -> str:
    """The page's error text: present, with no traceback or Python repr in it."""
    assert not at.exception, [e.value for e in at.exception]
    message = texts(at.error) + " " + texts(at.warning)
    assert message.strip(), "no message shown"
    assert not any(word in message for word in TRACE_WORDS), message
    return message


# --- images ---------------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A valid PNG header claiming width×height pixels, with a tiny compressed body (a bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def photo(size=(64, 48)) -> Image.Image:
    pixels = np.random.default_rng(0).integers(0, 255, (size[1], size[0], 3), np.uint8)
    return Image.fromarray(pixels)


def exif_rotated() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    return encode(photo(), "JPEG", exif=exif)


def animated_gif() -> bytes:
    frames = [photo().convert("P"), photo((64, 48)).rotate(90).convert("P")]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], loop=0)


BAD_IMAGES = {
    "zero_bytes": b"",
    "truncated_jpeg": encode(photo(), "JPEG")[:200],
    "not_an_image": b"#!/bin/sh\nrm -rf /\n" * 20,
    "decompression_bomb": huge_png(60_000, 60_000),
    "20000x20000": huge_png(20_000, 20_000),
}
ODD_IMAGES = {
    "1x1": encode(Image.new("RGB", (1, 1), "red"), "PNG"),
    "cmyk_jpeg": encode(photo().convert("CMYK"), "JPEG"),
    "16bit_png": encode(Image.fromarray(np.full((40, 40), 40000, np.uint16)), "PNG"),
    "palette_png": encode(photo().convert("P"), "PNG"),
    "alpha_png": encode(photo().convert("RGBA"), "PNG"),
    "exif_rotated_jpeg": exif_rotated(),
    "animated_gif": animated_gif(),
}


@pytest.fixture(scope="module")
def classifier():
    at = open_page(PAGE["classifier"], "es")
    at.radio(key="classifier_source").set_value("upload").run()
    at.selectbox(key="classifier_model").set_value("mobilenet-v1-0.25-128-quant-tflite").run()
    return at


@pytest.mark.parametrize("name", list(BAD_IMAGES))
def test_classifier_refuses_bad_image_with_a_message(classifier, name) -> None:
    at = classifier
    at.file_uploader(key="classifier_upload").set_value(
        (f"{name}.png", BAD_IMAGES[name], "image/png")
    ).run()
    clean_message(at)
    assert at.selectbox(key="classifier_model").value == "mobilenet-v1-0.25-128-quant-tflite"
    assert at.radio(key="classifier_source").value == "upload"
    assert at.query_params.get("lang", "es") == "es"


@pytest.mark.parametrize("name", list(ODD_IMAGES))
def test_classifier_classifies_odd_but_valid_images(classifier, name) -> None:
    at = classifier
    at.file_uploader(key="classifier_upload").set_value(
        (f"{name}.img", ODD_IMAGES[name], "image/png")
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, texts(at.error)
    assert any(m.value.startswith("Clase más") for m in at.markdown), "no verdict"
    assert at.selectbox(key="classifier_model").value == "mobilenet-v1-0.25-128-quant-tflite"


# --- tensors --------------------------------------------------------------------------------

LITERALS = {
    "ragged": "[[1, 2], [3]]",
    "rank_7": "[[[[[[[1]]]]]]]",
    "mixed_types": '[1, "a", None]',
    "not_a_literal": "__import__('os').system('true')",
    "too_long": "[" + "1," * 60_000 + "1]",
    "unbalanced": "[[1, 2]",
}


@pytest.fixture(scope="module")
def tensors():
    at = open_page(PAGE["tensors"], "es")
    return at


def tensor_metrics(at) -> tuple[str, str]:
    return at.metric[0].value, at.metric[1].value


@pytest.mark.parametrize("name", list(LITERALS))
def test_tensor_literal_refused_and_tensor_kept(tensors, name) -> None:
    at = tensors
    before = tensor_metrics(at)
    at.radio(key="tensor_mode").set_value("literal").run()
    at.text_area(key="tensor_literal").set_value(LITERALS[name])
    at.button(key="tensor_create").click().run()
    clean_message(at)
    assert tensor_metrics(at) == before == ("2", "[3, 3]")


@pytest.mark.parametrize(
    ("name", "values", "shape"),
    [
        ("shape_mismatch", "1,2,3", "2,2"),
        ("bad_shape", "1,2,3,4", "2,x"),
        ("rank_7_shape", "1", "1,1,1,1,1,1,1"),
    ],
)
def test_tensor_values_refused_and_tensor_kept(tensors, name, values, shape) -> None:
    at = tensors
    at.radio(key="tensor_mode").set_value("values").run()
    at.text_input(key="tensor_values").set_value(values)
    at.text_input(key="tensor_shape").set_value(shape)
    at.button(key="tensor_create").click().run()
    clean_message(at)
    assert tensor_metrics(at) == ("2", "[3, 3]")


def test_tensor_of_ten_million_elements_refused(tensors) -> None:
    at = tensors
    at.radio(key="tensor_mode").set_value("maker").run()
    at.selectbox(key="tensor_maker").set_value("zeros")
    at.text_input(key="tensor_maker_shape").set_value("10000,1000")
    at.button(key="tensor_create").click().run()
    clean_message(at)
    assert tensor_metrics(at) == ("2", "[3, 3]")


def test_tensor_nan_and_infinity_are_shown_with_a_warning(tensors) -> None:
    at = tensors
    at.radio(key="tensor_mode").set_value("values").run()
    at.text_input(key="tensor_values").set_value("1, nan, inf, -inf")
    at.text_input(key="tensor_shape").set_value("2,2")
    at.button(key="tensor_create").click().run()
    message = clean_message(at)
    assert tensor_metrics(at) == ("2", "[2, 2]")
    assert "NaN" in message or "nan" in message.lower(), message


# --- training -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def training():
    at = open_page(PAGE["training"], "es")
    at.selectbox(key="training_preset").select("blobs").run()
    return at


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("lr_nan", "training_lr", "nan"),
        ("lr_zero", "training_lr", "0"),
        ("lr_text", "training_lr", "rápido"),
        ("lr_negative", "training_lr", "-0.1"),
        ("epochs_zero", "training_epochs", 0),
        ("batch_zero", "training_batch", 0),
    ],
)
def test_training_refuses_bad_parameters(training, name, field, value) -> None:
    at = training
    at.text_input(key="training_lr").input("0.01")
    at.number_input(key="training_epochs").set_value(2)
    at.number_input(key="training_batch").set_value(16)
    if field == "training_lr":
        at.text_input(key=field).input(value)
    else:
        at.number_input(key=field).set_value(value)
    at.button(key="training_start").click().run()
    clean_message(at)
    assert at.selectbox(key="training_preset").value == "blobs"
    assert not at.session_state["training_runs"] if "training_runs" in at.session_state else True


# --- canvas (the widget's pixels, as the page gets them) --------------------------------------


def canvas(fill=None) -> np.ndarray:
    pixels = np.zeros((280, 280, 4), np.uint8)
    pixels[..., 3] = 255
    if fill is not None:
        fill(pixels)
    return pixels


def test_canvas_empty_is_empty() -> None:
    assert prepare(canvas()).status == EMPTY


def test_canvas_one_dot_is_a_dot() -> None:
    def dot(p):
        p[140:146, 140:146, :3] = 255

    assert prepare(canvas(dot)).status == DOT


def test_canvas_all_white_is_not_classified_as_a_digit() -> None:
    def white(p):
        p[..., :3] = 255

    assert prepare(canvas(white)).status in (EMPTY, DOT)


# --- model files and URLs -------------------------------------------------------------------


def model_json(paths=("group1-shard1of1.bin",), shape=(2, 2)) -> bytes:
    return json.dumps(
        {
            "format": "graph-model",
            "modelTopology": {"node": []},
            "weightsManifest": [
                {
                    "paths": list(paths),
                    "weights": [{"name": "w", "shape": list(shape), "dtype": "float32"}],
                }
            ],
        }
    ).encode()


MODEL_FILES = {
    "malformed_model_json": [("model.json", b"{not json")],
    "missing_shard": [("model.json", model_json())],
    "short_shard": [("model.json", model_json()), ("group1-shard1of1.bin", b"\0" * 7)],
    "pickle_npy": [
        (
            "weights.npy",
            b"\x93NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
            + b" " * 40
            + b"\ncos\nsystem\n(S'true'\ntR.",
        )
    ],
    "fake_h5": [("model.h5", b"\x89HDF\r\n\x1a\n" + b"\0" * 64)],
    "unknown_format": [("model.exe", b"MZ" + b"\0" * 100)],
}


@pytest.mark.parametrize("name", list(MODEL_FILES))
def test_bad_model_upload_is_a_playground_error(name) -> None:
    with pytest.raises(PlaygroundError) as caught:
        open_upload(MODEL_FILES[name])
    assert caught.value.code


@pytest.mark.parametrize(
    "url",
    [
        "http://storage.googleapis.com/model.json",
        "https://127.0.0.1/model.json",
        "https://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://evil.example.com/model.json",
    ],
)
def test_disallowed_model_urls_are_refused(url) -> None:
    with pytest.raises(DownloadError) as caught:
        DEFAULT_POLICY.check(url)
    assert caught.value.code in ("download_scheme", "download_host")
