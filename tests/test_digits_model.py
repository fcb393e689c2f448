"""The default digit CNN: trained once per test session (conftest.py), saved, reloaded.

Accuracy is measured the way students use the page: held-out MNIST digits drawn on a
280×280 canvas, large and centred or small and off-centre, through the full pipeline.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import keras
import numpy as np
import pytest
from PIL import Image

from models import cli
from models.digits import model as digit_model
from models.digits.mnist_cnn import build_mnist_cnn
from models.digits.preprocess import prepare
from models.errors import BadInput, ModelFormatError
from models.store import datasets

ROOT = Path(__file__).resolve().parent.parent
# (side of the drawn digit's 28×28 frame, top, left) on a 280×280 canvas
PLACEMENTS = {
    "centred": (280, 0, 0),
    "small top-right": (84, 20, 170),
    "small low-left": (100, 170, 10),
}


def draw_on_canvas(digit: np.ndarray, side: int, top: int, left: int) -> np.ndarray:
    """An MNIST digit enlarged to side×side and drawn on a black RGBA canvas, as st_canvas gives."""
    image = np.zeros((280, 280, 4), np.uint8)
    image[..., 3] = 255
    enlarged = cv2.resize(digit, (side, side), interpolation=cv2.INTER_LINEAR)
    image[top : top + side, left : left + side, :3] = enlarged[..., None]
    return image


@pytest.fixture(scope="session")
def held_out() -> tuple[np.ndarray, np.ndarray]:
    """The 2,000 MNIST test digits, never used for training."""
    return datasets.load_mnist()[1]


def test_training_saves_the_model_atomically(digit_cnn) -> None:
    assert digit_model.model_path().is_file()
    assert digit_model.is_ready()
    assert not [p for p in digit_model.model_path().parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("placement", PLACEMENTS)
def test_accuracy_on_held_out_digits_drawn_on_a_canvas(digit_cnn, held_out, placement) -> None:
    model = digit_cnn
    images, labels = held_out
    batch = np.stack([prepare(draw_on_canvas(i, *PLACEMENTS[placement])).tensor for i in images])
    predicted = model.predict(batch[..., None], verbose=0, batch_size=500).argmax(axis=1)
    accuracy = float((predicted == labels).mean())
    print(f"{placement}: accuracy {accuracy:.4f} on {len(labels)} held-out digits")
    assert accuracy >= 0.97


def test_the_seeds_plain_resize_fails_on_small_drawings(digit_cnn, held_out) -> None:
    model = digit_cnn
    images, labels = held_out
    canvases = [draw_on_canvas(i, *PLACEMENTS["small top-right"]) for i in images[:300]]
    plain = np.stack([prepare(c).plain for c in canvases])
    predicted = model.predict(plain[..., None], verbose=0).argmax(axis=1)
    assert (predicted == labels[:300]).mean() < 0.5


def test_reloaded_from_disk_without_training_gives_the_same_answers(digit_cnn, held_out) -> None:
    model = digit_cnn
    assert digit_model.default_model() is model  # once per process
    reloaded = digit_model.load_saved(digit_model.model_path())
    x = (held_out[0][:50].astype(np.float32) / 255.0)[..., None]
    np.testing.assert_allclose(
        reloaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5
    )


def test_prediction_gives_probabilities_top3_and_every_conv_layers_maps(
    digit_cnn, held_out
) -> None:
    model = digit_cnn
    image, label = held_out[0][0], int(held_out[1][0])
    prediction = digit_model.predict(model, image / 255.0)
    assert prediction.probabilities.shape == (10,)
    assert prediction.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert prediction.digit == label
    top = prediction.top(3)
    assert top[0] == (label, pytest.approx(prediction.confidence))
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
    assert {name: maps.shape for name, maps in prediction.activations.items()} == {
        "conv1": (26, 26, 8),
        "conv2": (11, 11, 16),
    }
    assert all(maps.min() >= 0 and maps.max() > 0 for maps in prediction.activations.values())


def test_wrong_tensor_and_wrong_model_are_explained(digit_cnn) -> None:
    model = digit_cnn
    with pytest.raises(BadInput) as caught:
        digit_model.predict(model, np.zeros((28, 27)))
    assert caught.value.code == "digit_bad_tensor"
    three_classes = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(3)]
    )
    with pytest.raises(BadInput) as caught:
        digit_model.predict(three_classes, np.zeros((28, 28)))
    assert caught.value.code == "digit_not_mnist_model"
    flat_input = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
    with pytest.raises(BadInput) as caught:
        digit_model.predict(flat_input, np.zeros((28, 28)))
    assert caught.value.code == "digit_incompatible_model"


def test_progress_is_reported_and_the_time_budget_stops_training() -> None:
    epochs: list[tuple[int, int, dict]] = []
    model = digit_model.train(lambda *epoch: epochs.append(epoch), epochs=3, budget=0.0)
    assert [(done, total) for done, total, _ in epochs] == [(1, 3)]
    assert 0.5 < epochs[0][2]["val_accuracy"] <= 1.0
    assert model.name == "mnist_cnn"


def test_saved_models_load_in_safe_mode_only(tmp_path) -> None:
    garbage = tmp_path / "broken.keras"
    garbage.write_bytes(b"PK not really a zip")
    with pytest.raises(ModelFormatError):
        digit_model.load_saved(garbage)
    unsafe = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Lambda(lambda x: x * 2)])
    unsafe.save(tmp_path / "lambda.keras")
    with pytest.raises(ModelFormatError) as caught:
        digit_model.load_saved(tmp_path / "lambda.keras")
    assert caught.value.code == "digit_bad_saved_model"


def test_save_is_atomic_and_replaces_the_old_file(tmp_path) -> None:
    path = tmp_path / "trained" / "mnist-cnn.keras"
    path.parent.mkdir()
    path.write_bytes(b"old")
    digit_model.save_atomically(build_mnist_cnn(), path)
    assert digit_model.load_saved(path).name == "mnist_cnn"
    assert [p.name for p in path.parent.iterdir()] == ["mnist-cnn.keras"]


def test_newest_mnist_cnn_run_of_the_training_lab_is_chosen() -> None:
    model = object()
    runs = {
        "run 1": {"model": model, "preset": "mnist-cnn"},
        "run 2": {"model": model, "preset": "mnist-cnn"},
        "run 3": {"model": model, "preset": "iris-mlp"},
    }
    assert digit_model.newest_lab_run(runs) == "run 2"
    assert digit_model.newest_lab_run({"x": {"model": model, "preset": "iris-mlp"}}) is None
    assert digit_model.newest_lab_run(None) is None


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def test_command_line_classifies_images_as_json_lines(digit_cnn, held_out, tmp_path) -> None:
    images, labels = held_out
    files = []
    for index, (side, top, left) in zip((0, 1, 2), PLACEMENTS.values(), strict=True):
        path = tmp_path / f"digit{index}.png"
        rgba = draw_on_canvas(images[index], side, top, left)
        path.write_bytes(_png(rgba if index != 1 else rgba[..., 0]))  # RGBA and L
        files.append(path)
    run = subprocess.run(
        [sys.executable, "-m", "models", "digit", *map(str, files), "--json"],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "training" not in run.stderr  # the saved model was reused
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["file"] for r in records] == [str(p) for p in files]
    assert [r["digit"] for r in records] == [int(label) for label in labels[:3]]
    for record in records:
        assert len(record["probabilities"]) == 10
        assert sum(record["probabilities"]) == pytest.approx(1.0, abs=1e-4)
        assert record["digit"] == int(np.argmax(record["probabilities"]))


def test_command_line_refuses_a_file_that_is_no_image(tmp_path, capsys) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("seven")
    assert cli.main(["digit", str(notes), "--json"]) == 2
    captured = capsys.readouterr()
    assert "notes.txt" in captured.err and not captured.out
    assert cli.main(["digit", str(tmp_path / "missing.png")]) == 2
    assert "Cannot read" in capsys.readouterr().err


def _non_digits() -> dict[str, np.ndarray]:
    """Drawings that are no digit: a cross, a hash sign, a smiley, a zigzag."""
    shapes = {name: np.zeros((280, 280), np.uint8) for name in ("X", "#", "smiley", "zigzag")}
    cv2.line(shapes["X"], (60, 60), (220, 220), 255, 20)
    cv2.line(shapes["X"], (220, 60), (60, 220), 255, 20)
    for a, b in [((100, 40), (100, 240)), ((180, 40), (180, 240)), ((40, 100), (240, 100))]:
        cv2.line(shapes["#"], a, b, 255, 18)
    cv2.line(shapes["#"], (40, 180), (240, 180), 255, 18)
    cv2.circle(shapes["smiley"], (140, 140), 100, 255, 18)
    cv2.circle(shapes["smiley"], (100, 110), 10, 255, -1)
    cv2.circle(shapes["smiley"], (180, 110), 10, 255, -1)
    cv2.ellipse(shapes["smiley"], (140, 160), (50, 30), 0, 0, 180, 255, 14)
    for y in range(30, 240, 40):
        cv2.line(shapes["zigzag"], (30, y), (250, y + 30), 255, 16)
    return shapes


def test_novelty_check_passes_real_digits_and_flags_non_digits(held_out) -> None:
    reference = digit_model.reference()
    images, _ = held_out
    drawn = [prepare(draw_on_canvas(i, *PLACEMENTS["small low-left"])).tensor for i in images[:500]]
    familiar = np.mean([reference.familiar(tensor) for tensor in drawn])
    assert familiar >= 0.97
    flagged = {name: not reference.familiar(prepare(i).tensor) for name, i in _non_digits().items()}
    assert all(flagged.values()), flagged


def test_nearest_training_digit_of_a_training_digit_is_itself() -> None:
    reference = digit_model.reference()
    index, similarity = reference.nearest(reference.images[123] / 255.0)
    assert index == 123 and similarity == pytest.approx(1.0, abs=1e-5)
    assert reference.nearest(np.zeros((28, 28))) == (0, 0.0)
    assert 0.5 < reference.threshold < 1.0
