"""The canvas → tensor pipeline of Draw a digit, with exact expectations (no model needed)."""

import ast
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from models.digits import preprocess as digits
from models.digits.preprocess import DOT, EMPTY, OK, Box
from models.errors import BadInput


def canvas(*shapes: tuple[int, int, int, int], side: int = 280) -> np.ndarray:
    """A black RGBA canvas with white rectangles (top, left, bottom, right), as st_canvas gives."""
    image = np.zeros((side, side, 4), np.uint8)
    image[..., 3] = 255
    for top, left, bottom, right in shapes:
        image[top:bottom, left:right, :3] = 255
    return image


def disc(centre: tuple[int, int], radius: int, side: int = 280) -> np.ndarray:
    rows, cols = np.indices((side, side))
    inside = (rows - centre[0]) ** 2 + (cols - centre[1]) ** 2 <= radius**2
    return (inside * 255).astype(np.uint8)


def seven(top: int, left: int, size: int, stroke: int) -> np.ndarray:
    """A '7' of two strokes: a bar and a diagonal, white on black, in an L image."""
    image = np.zeros((280, 280), np.uint8)
    image[top : top + stroke, left : left + size] = 255
    for step in range(size):
        row, col = top + step, left + size - 1 - step // 2
        image[row : row + stroke, max(col - stroke, 0) : col] = 255
    return image


def test_grayscale_of_every_layout() -> None:
    rgba = canvas((10, 20, 30, 40))
    gray = digits.to_grayscale(rgba)
    assert gray.shape == (280, 280) and gray.dtype == np.float32
    assert gray[15, 25] == pytest.approx(1.0) and gray[0, 0] == 0.0
    transparent = np.zeros((50, 50, 4), np.uint8)
    transparent[..., :3] = 255  # white but fully transparent: no ink
    transparent[5:10, 5:10, 3] = 255
    assert digits.to_grayscale(transparent).sum() == pytest.approx(25.0)
    assert digits.to_grayscale(np.full((4, 6), 51, np.uint8))[0, 0] == pytest.approx(0.2)
    assert digits.to_grayscale(np.full((4, 6, 3), [255, 0, 0], np.uint8))[0, 0] == pytest.approx(
        0.299
    )
    assert digits.to_grayscale(np.full((4, 6, 1), 0.5, np.float32))[0, 0] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("shape", "code"),
    [((5, 5, 7), "digit_bad_shape"), ((3,), "digit_bad_shape"), ((5000, 10), "digit_bad_size")],
)
def test_bad_arrays_are_refused_with_a_code(shape: tuple, code: str) -> None:
    with pytest.raises(BadInput) as caught:
        digits.to_grayscale(np.zeros(shape, np.uint8))
    assert caught.value.code == code


def test_ink_box_is_exact() -> None:
    gray = digits.to_grayscale(canvas((40, 70, 141, 91), (60, 90, 62, 120)))
    assert digits.ink_box(gray) == Box(40, 70, 141, 120)
    assert digits.ink_box(np.zeros((28, 28), np.float32)) is None


@pytest.mark.parametrize(
    ("shape", "fitted"), [((100, 50), (20, 10)), ((50, 100), (10, 20)), ((3, 3), (20, 20))]
)
def test_fit_keeps_the_aspect_ratio(shape: tuple, fitted: tuple) -> None:
    assert digits.fit_box(np.ones(shape, np.float32)).shape == fitted


def test_a_single_pixel_lands_on_the_centre() -> None:
    fitted = np.zeros((5, 5), np.float32)
    fitted[1, 3] = 1.0
    field = digits.place_by_mass(fitted)
    assert field.shape == (28, 28)
    assert np.argwhere(field == 1.0).tolist() == [[14, 14]]


def test_placement_is_clamped_so_no_ink_leaves_the_field() -> None:
    fitted = np.zeros((20, 20), np.float32)
    fitted[3, 17] = 1.0  # would need a shift of (+11, -3): clamped to (+8, 0)
    assert np.argwhere(digits.place_by_mass(fitted) == 1.0).tolist() == [[11, 17]]


def test_small_off_centre_bar_is_scaled_and_centred_exactly() -> None:
    # A 100×20 bar near the top-left corner becomes a 20×4 bar; its centre of mass
    # (9.5, 1.5) moves to 14 rounding halves up: rows 5..24, columns 13..16.
    prepared = digits.prepare(canvas((10, 30, 110, 50)))
    assert prepared.status == OK and prepared.box == Box(10, 30, 110, 50)
    assert prepared.cropped.shape == (100, 20) and prepared.fitted.shape == (20, 4)
    expected = np.zeros((28, 28), np.float32)
    expected[5:25, 13:17] = 1.0
    np.testing.assert_allclose(prepared.tensor, expected, atol=1e-6)


def test_centre_of_mass_of_the_tensor_is_at_14_for_any_position_and_size() -> None:
    tensors = [
        digits.prepare(seven(top, left, size, stroke)).tensor
        for top, left, size, stroke in [(20, 20, 200, 24), (5, 180, 60, 8), (200, 10, 70, 10)]
    ]
    for tensor in tensors:
        row, col = digits.centre_of_mass(tensor)
        assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5
        assert tensor.max() == pytest.approx(1.0) and tensor.min() >= 0.0
        rows, cols = np.nonzero(tensor > digits.INK_THRESHOLD)
        assert max(np.ptp(rows), np.ptp(cols)) + 1 <= digits.BOX + 1
    big, small = tensors[0], tensors[1]
    assert np.corrcoef(big.ravel(), small.ravel())[0, 1] > 0.8


def test_empty_canvas_gives_empty_status_and_zero_tensor() -> None:
    prepared = digits.prepare(canvas())
    assert prepared.status == EMPTY and prepared.box is None
    assert prepared.tensor.shape == (28, 28) and not prepared.tensor.any()


@pytest.mark.parametrize(
    ("image", "status"),
    [
        (disc((140, 140), 10), DOT),  # a tap with the default pen
        (disc((30, 250), 1), DOT),  # a pinprick
        (canvas((50, 50, 230, 230)), DOT),  # a square coloured in
        (canvas((40, 130, 240, 150)), OK),  # a '1'
        (seven(30, 60, 180, 20), OK),
    ],
)
def test_dots_and_blobs_are_told_apart_from_digits(image: np.ndarray, status: str) -> None:
    assert digits.prepare(image).status == status


def test_dark_ink_on_paper_is_inverted_to_the_canvas_look() -> None:
    ink = seven(40, 40, 150, 18)
    paper = (235 - ink * (200 / 255)).astype(np.uint8)  # grey-white paper, dark grey ink
    on_paper = digits.prepare(paper)
    on_canvas = digits.prepare(ink)
    assert on_paper.inverted and not on_canvas.inverted
    np.testing.assert_allclose(on_paper.tensor, on_canvas.tensor, atol=1e-5)


def test_plain_resize_samples_every_tenth_pixel_like_tfjs() -> None:
    gray = np.zeros((280, 280), np.float32)
    gray[:, 5] = 1.0  # between two samples: lost
    assert not digits.plain_resize(gray).any()
    gray[:, 10] = 1.0  # on a sample: kept at column 1
    resized = digits.plain_resize(gray)
    assert np.argwhere(resized.any(axis=0)).ravel().tolist() == [1]
    assert resized[:, 1] == pytest.approx(np.ones(28))


def test_upload_decoding_keeps_alpha_and_refuses_garbage() -> None:
    buffer = io.BytesIO()
    Image.fromarray(canvas((1, 1, 3, 3), side=8)).save(buffer, format="PNG")
    assert digits.decode_image(buffer.getvalue()).shape == (8, 8, 4)
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((5, 7), np.uint8)).save(buffer, format="JPEG")
    assert digits.decode_image(buffer.getvalue()).shape == (5, 7)
    with pytest.raises(BadInput) as caught:
        digits.decode_image(b"not an image at all", "notes.txt")
    assert caught.value.code == "digit_bad_image" and caught.value.params["name"] == "notes.txt"


def test_white_strokes_on_a_transparent_canvas_survive_decoding() -> None:
    strokes = np.zeros((280, 280, 4), np.uint8)
    strokes[40:240, 130:150] = 255  # white, opaque '1' on a fully transparent background
    buffer = io.BytesIO()
    Image.fromarray(strokes).save(buffer, format="PNG")
    prepared = digits.prepare(digits.decode_image(buffer.getvalue()))
    assert prepared.status == OK and not prepared.inverted
    assert prepared.box == Box(40, 130, 240, 150)


@pytest.mark.parametrize("fmt", ["TIFF", "ICO"])
def test_formats_a_browser_does_not_show_are_refused_unread(fmt: str) -> None:
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((16, 16), np.uint8)).save(buffer, format=fmt)
    with pytest.raises(BadInput) as caught:
        digits.decode_image(buffer.getvalue(), f"digit.{fmt.lower()}")
    assert caught.value.code == "digit_bad_image"


def test_oversized_files_and_images_are_refused() -> None:
    with pytest.raises(BadInput) as caught:
        digits.decode_image(b"\x89PNG" + bytes(20_000_001), "huge.png")
    assert caught.value.code == "digit_file_too_big"
    buffer = io.BytesIO()
    Image.new("L", (5000, 10)).save(buffer, format="PNG")
    with pytest.raises(BadInput) as caught:
        digits.decode_image(buffer.getvalue(), "wide.png")
    assert caught.value.code == "digit_bad_size" and caught.value.params["width"] == 5000


def _code_panel_python() -> str:
    """The Python code the page shows (read from source: the canvas widget needs a server)."""
    views = Path(__file__).resolve().parent.parent / "components" / "digit_views.py"
    for node in ast.parse(views.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "PYTHON_CODE":
            return node.value.value
    raise AssertionError("PYTHON_CODE not found")


@pytest.mark.parametrize("drawing", [(5, 180, 60, 8), (20, 20, 200, 24)])
def test_the_code_panels_python_gives_the_pipelines_tensor(drawing: tuple) -> None:
    preprocessing = _code_panel_python().split("import keras")[0]
    image = np.dstack([seven(*drawing)] * 3 + [np.full((280, 280), 255, np.uint8)])
    namespace = {"image": image}
    exec(preprocessing, namespace)  # the page's own snippet, not user input
    np.testing.assert_allclose(namespace["x"], digits.prepare(image).tensor, atol=1e-6)
