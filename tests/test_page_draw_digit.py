"""Draw a digit under AppTest: the real page, the real default CNN, uploads as the drawing.

The canvas is a components-v2 widget that AppTest cannot drive (PITFALLS.md #6), so these
tests feed the same pipeline through the page's upload; the pipeline itself is tested in
test_digits.py and the canvas in the browser tests.
"""

import io

import cv2
import numpy as np
import pytest
from pages_helper import open_page
from PIL import Image

from models.digits import model as digit_model
from models.digits.mnist_cnn import build_mnist_cnn
from models.store import datasets

PAGE = "app_pages/draw_digit.py"


@pytest.fixture(scope="session")
def held_out() -> tuple[np.ndarray, np.ndarray]:
    return datasets.load_mnist()[1]


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def small_drawing(digit: np.ndarray) -> np.ndarray:
    """The digit drawn small in the lower right of a black 280×280 RGBA canvas."""
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[..., 3] = 255
    canvas[180:270, 170:260, :3] = cv2.resize(digit, (90, 90))[..., None]
    return canvas


def upload(at, name: str, data: bytes) -> None:
    at.file_uploader(key="digit_upload").set_value((name, data, "image/png")).run()


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


@pytest.mark.parametrize(
    ("lang", "empty"), [("en", "canvas is empty"), ("es", "lienzo está vacío")]
)
def test_page_opens_with_an_empty_canvas_message(lang: str, empty: str) -> None:
    at = open_page(PAGE, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == ("✍️ Draw a digit" if lang == "en" else "✍️ Dibuja un dígito")
    assert empty in texts(at.info)
    assert at.slider(key="digit_stroke").value == 24  # the course's lineWidth
    assert any("Python" in str(tab.label) for tab in at.tabs)
    assert not at.metric
    at.button(key="digit_clear").click().run()
    assert not at.exception and at.session_state["digit_clears"] == 1
    assert empty in texts(at.info)


def test_a_small_off_centre_drawing_is_classified_with_every_view(digit_cnn, held_out) -> None:
    images, labels = held_out
    at = open_page(PAGE, "en")
    upload(at, "seven.png", png(small_drawing(images[0])))
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value == str(labels[0])
    markdown = texts(at.markdown)
    assert "Top 3" in markdown and f"**{labels[0]}** —" in markdown
    assert "Layer conv1: 8 maps of 26×26" in markdown
    assert "Layer conv2: 16 maps of 11×11" in markdown
    assert "plain `resizeBilinear`" in markdown
    captions = texts(at.caption)
    assert "1. Your picture 280×280" in captions and "3. Cropped" in captions  # an upload
    assert "4. Fit in 20×20" in captions
    assert not at.warning


def test_bad_upload_is_explained_and_the_page_keeps_its_state(digit_cnn) -> None:
    at = open_page(PAGE, "es")
    at.slider(key="digit_stroke").set_value(30).run()
    upload(at, "notas.png", b"esto no es una imagen")
    assert not at.exception
    assert "notas.png no es una imagen legible" in texts(at.error)
    assert at.slider(key="digit_stroke").value == 30
    assert at.session_state["lang"] == "es"
    assert "Python" in " ".join(str(tab.label) for tab in at.tabs)


def test_blank_and_dot_drawings_get_a_message_not_a_guess(digit_cnn) -> None:
    at = open_page(PAGE, "en")
    blank = np.zeros((280, 280), np.uint8)
    upload(at, "blank.png", png(blank))
    assert "canvas is empty" in texts(at.info) and not at.metric
    dot = blank.copy()
    cv2.circle(dot, (140, 140), 10, 255, -1)
    upload(at, "dot.png", png(dot))
    assert not at.exception
    assert "single dot" in texts(at.warning) and not at.metric


def test_a_photo_of_dark_ink_on_paper_is_inverted_and_classified(digit_cnn, held_out) -> None:
    images, labels = held_out
    paper = (240 - small_drawing(images[1])[..., 0] * 0.8).astype(np.uint8)
    at = open_page(PAGE, "en")
    upload(at, "photo.png", png(paper))
    assert not at.exception
    assert at.metric[0].value == str(labels[1])
    assert "inverted to white ink on black" in texts(at.caption)


def test_the_training_labs_cnn_is_used_when_there_is_one(held_out) -> None:
    images, _ = held_out
    always_three = build_mnist_cnn()
    kernel, bias = always_three.layers[-1].get_weights()
    bias[3] = 50.0
    always_three.layers[-1].set_weights([np.zeros_like(kernel), bias])
    at = open_page(PAGE, "en")
    at.session_state["trained_models"] = {
        "iris run": {"model": object(), "preset": "iris-mlp"},
        "my cnn": {"model": always_three, "preset": "mnist-cnn"},
    }
    upload(at, "digit.png", png(small_drawing(images[0])))
    assert not at.exception
    assert "Training lab, run “my cnn”" in texts(at.caption)
    assert at.metric[0].value == "3"


def test_a_fresh_server_trains_the_default_cnn_in_the_background_and_a_drawing_waits_for_it(
    tmp_path, monkeypatch, held_out
) -> None:
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(digit_model, "_model", None)
    monkeypatch.setattr(digit_model, "TIME_BUDGET", 0.0)  # one epoch: followed, not measured
    at = open_page(PAGE, "en")
    assert not at.exception
    assert digit_model.training_status().state == "training"  # started by the visit alone
    bars = at.get("progress")
    assert len(bars) == 1 and "Training the default digit CNN" in bars[0].proto.text
    assert "in the background: you can draw meanwhile" in texts(at.caption)
    assert not at.metric

    images, _ = held_out
    upload(at, "digit.png", png(small_drawing(images[0])))  # waits for the training's end
    assert not at.exception
    assert digit_model.training_status().state == "done"
    assert digit_model.training_status().epochs_done == 1
    assert digit_model.model_path().is_file()
    assert at.metric and not at.get("progress")
    assert at.button(key="digit_retrain").label


def test_a_failed_background_training_is_shown_with_a_way_to_try_again(
    tmp_path, monkeypatch
) -> None:
    (tmp_path / "data" / "mnist").mkdir(parents=True)
    (tmp_path / "data" / "mnist" / "mnist.npz").write_bytes(b"not a zip")
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(digit_model, "_model", None)
    digit_model.start_training()
    assert digit_model.wait_for_training(60).state == "failed"
    at = open_page(PAGE, "en")
    assert not at.exception
    assert at.error, "the reason the training failed"
    assert at.button(key="digit_train_now").label == "Try training the default CNN again"


def test_a_cross_gets_the_no_digit_warning_and_the_nearest_training_digit(digit_cnn) -> None:
    cross = np.zeros((280, 280), np.uint8)
    cv2.line(cross, (60, 60), (220, 220), 255, 20)
    cv2.line(cross, (220, 60), (60, 220), 255, 20)
    at = open_page(PAGE, "es")
    upload(at, "cruz.png", png(cross))
    assert not at.exception
    assert "no se parece a ninguno de los 6.000" in texts(at.warning)
    assert at.metric  # the network still answers: that is the lesson
    assert "Dígito de entrenamiento más parecido" in texts(at.caption)
