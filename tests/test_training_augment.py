"""Data augmentation in the Training lab: Keras's RandomFlip, RandomRotation and RandomZoom
change each digit while training only, the preview draws what training sees, and the rows
are refused where they cannot work.

The deck (004_…, "Regularización - Otros mecanismos"): "Dataset Augmentation: … cambio de
ancho, cambio de altura, flip horizontal/vertical, rotaciones, zoom, y cambio de brillo."
"""

import keras
import numpy as np
import pytest

from models.errors import BadInput
from models.store import datasets
from models.training import presets
from models.training.augment import augmented
from models.training.build import build_layers
from models.training.code import keras_code
from models.training.config import LayerSpec, with_changes
from models.training.data import make_dataset
from models.training.runner import train
from models.training.validate import check_config

AUGMENTED = (
    LayerSpec("randomflip"),
    LayerSpec("randomrotation", rate=0.05),
    LayerSpec("randomzoom", rate=0.1),
)


def _cnn(layers=AUGMENTED, **changes):
    config = presets.preset("mnist-cnn").config
    return with_changes(config, layers=layers + config.layers, **changes)


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    (x, _), _ = datasets.load_mnist()
    return (x[:16].astype(np.float32) / 255)[..., None]


def test_the_preview_shows_each_digit_then_what_training_makes_of_it(digits) -> None:
    grid = augmented(AUGMENTED, digits, 5, seed=3)
    assert grid.shape == (16, 6, 28, 28, 1)
    np.testing.assert_array_equal(grid[:, 0], digits)  # the original first
    assert all(np.abs(grid[i, j] - digits[i]).max() > 0.1 for i in range(16) for j in range(1, 6))
    np.testing.assert_array_equal(augmented(AUGMENTED, digits, 5, seed=3), grid)  # same draw
    assert np.abs(augmented(AUGMENTED, digits, 5, seed=4) - grid).max() > 0.1  # a new one


def test_a_flip_mirrors_left_right_or_leaves_the_digit(digits) -> None:
    grid = augmented(AUGMENTED[:1], digits, 4, seed=1)
    mirrored = same = 0
    for i, j in np.ndindex(16, 4):
        mirrored += np.array_equal(grid[i, j + 1], digits[i][:, ::-1])
        same += np.array_equal(grid[i, j + 1], digits[i])
    assert mirrored + same == 64 and 16 < mirrored < 48


def test_at_inference_the_augmentation_layers_change_nothing(digits) -> None:
    keras.utils.set_random_seed(2)
    augmented_model = build_layers(_cnn(), (28, 28, 1))
    plain = build_layers(_cnn(layers=()), (28, 28, 1))
    assert [type(layer).__name__ for layer in augmented_model.layers[:3]] == [
        "RandomFlip",
        "RandomRotation",
        "RandomZoom",
    ]
    plain.set_weights(augmented_model.get_weights())
    np.testing.assert_allclose(
        augmented_model.predict(digits, verbose=0), plain.predict(digits, verbose=0), rtol=1e-6
    )
    training = augmented_model(digits, training=True)
    assert np.abs(keras.ops.convert_to_numpy(training) - plain.predict(digits, verbose=0)).max() > 0


def test_the_python_panel_builds_the_same_augmentation_layers() -> None:
    config = _cnn()
    code = keras_code(config, (28, 28, 1), "multiclass")
    for line in (
        'layers.RandomFlip("horizontal"),',
        'layers.RandomRotation(0.05, fill_mode="constant"),',
        'layers.RandomZoom(0.1, fill_mode="constant"),',
    ):
        assert line in code, line
    namespace: dict = {}
    exec(code.split("model.summary()")[0], namespace)  # noqa: S102
    ours_all = build_layers(config, (28, 28, 1)).layers[:3]
    for theirs, ours in zip(namespace["model"].layers[:3], ours_all, strict=True):
        assert type(theirs) is type(ours)
        mine = {k: v for k, v in ours.get_config().items() if k not in ("name", "seed")}
        assert {k: theirs.get_config()[k] for k in mine} == mine


@pytest.mark.parametrize(
    ("preset_id", "layers", "code"),
    [
        ("circles", (LayerSpec("randomflip"), LayerSpec("dense", 1, "sigmoid")), "needs_image"),
        ("mnist-cnn", (LayerSpec("randomrotation", rate=0.0),), "augment_factor"),
        ("mnist-cnn", (LayerSpec("randomzoom", rate=float("nan")),), "augment_factor"),
        ("mnist-cnn", (LayerSpec("randomzoom", rate=1.5),), "augment_factor"),
    ],
)
def test_augmentation_rows_that_cannot_work_are_refused(preset_id, layers, code) -> None:
    config = presets.preset(preset_id).config
    if preset_id == "mnist-cnn":
        config = with_changes(config, layers=layers + config.layers, train_size=100)
    else:
        config = with_changes(config, layers=layers)
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    with pytest.raises(BadInput) as caught:
        check_config(config, data)
    assert caught.value.code == f"training_{code}" and caught.value.params["index"] == 1


def test_the_lab_trains_the_augmented_cnn() -> None:
    config = _cnn(AUGMENTED[1:], epochs=3, train_size=1500, batch_size=64)
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    check_config(config, data)
    result = train(config, data, lambda record: None)
    accuracy = result.history["val_accuracy"]
    assert len(accuracy) == 3 and accuracy[-1] > max(accuracy[0], 0.6)
