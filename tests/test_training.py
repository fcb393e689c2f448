"""Training lab logic: presets train for real, records, stop, NaN, schedules, summary, links."""

import ast
import math
import threading

import numpy as np
import pytest

from models.errors import BadInput
from models.training import presets
from models.training.boundary import boundary
from models.training.callbacks import FINISHED, NAN, STOPPED
from models.training.code import keras_code, tfjs_code
from models.training.config import LayerSpec, with_changes
from models.training.data import make_dataset
from models.training.diagnostics import diagnose
from models.training.link import from_url, to_url
from models.training.runner import predict, prepare, train
from models.training.summary import summary_rows, summary_totals


def run(preset_id: str, **changes):
    """Train a preset (changed by `changes`) and return (result, records, data)."""
    config = with_changes(presets.preset(preset_id).config, **changes)
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    records: list[dict] = []
    return train(config, data, records.append), records, data


@pytest.mark.parametrize(
    ("preset_id", "changes", "metric", "better"),
    [
        ("regression", {"epochs": 4}, "val_loss", "lower"),
        ("circles", {"epochs": 15}, "val_accuracy", "higher"),
        ("blobs", {"epochs": 4}, "val_accuracy", "higher"),
        ("mnist-cnn", {"epochs": 3, "train_size": 1500}, "val_accuracy", "higher"),
    ],
)
def test_every_preset_trains_and_improves(preset_id, changes, metric, better) -> None:
    result, _, _ = run(preset_id, **changes)
    series = result.history[metric]
    assert result.reason == FINISHED and len(series) == changes["epochs"]
    assert series[-1] < series[0] if better == "lower" else series[-1] > series[0]


def test_linear_preset_predicts_nineteen_for_ten() -> None:
    result, _, _ = run("linear")
    assert len(result.history["loss"]) == 500 and "val_loss" not in result.history
    assert result.history["loss"][-1] < 0.01 < result.history["loss"][0]
    assert predict(result.model, [[10.0]])[0, 0] == pytest.approx(19.0, abs=0.6)


def test_iris_preset_names_the_seed_flowers() -> None:
    result, _, data = run("iris")
    outputs = predict(result.model, presets.preset("iris").examples)
    names = [data.class_names[i] for i in np.argmax(outputs, axis=1)]
    assert names == ["setosa", "versicolor", "virginica"]
    assert data.class_names == ("setosa", "virginica", "versicolor")  # the course's one-hot
    assert len(data.x_train) == 150 and "val_accuracy" not in result.history  # all 150 rows
    accuracy = result.history["accuracy"]
    assert len(accuracy) == 100 and accuracy[-1] >= 0.9 and accuracy[-1] > accuracy[0]


def test_mnist_cnn_is_the_course_s_and_reaches_95_percent_within_its_epochs() -> None:
    # 003_…: TRAIN_DATA_SIZE = 5500, TEST_DATA_SIZE = 1000, epochs: 20, BATCH_SIZE = 512
    result, _, data = run("mnist-cnn")
    assert len(data.x_train) == 5500 and len(data.x_val) == 1000
    assert (
        len(result.history["val_accuracy"]) == 20
        and presets.preset("mnist-cnn").config.batch_size == 512
    )
    assert result.model.name == "mnist_cnn"  # built by models/digits/mnist_cnn.py, not redefined
    assert max(result.history["val_accuracy"]) >= 0.95


def test_callback_emits_what_the_charts_need() -> None:
    result, records, _ = run("blobs", epochs=3, per_batch=True, train_size=128)
    events = [r["event"] for r in records]
    assert events[0] == "begin" and events[-1] == "end"
    assert records[0]["epochs"] == 3 and records[0]["steps"] == 4
    epochs = [r for r in records if r["event"] == "epoch"]
    assert [r["epoch"] for r in epochs] == [1, 2, 3]
    for key in ("loss", "val_loss", "accuracy", "val_accuracy", "lr", "elapsed", "eta"):
        assert all(math.isfinite(r[key]) for r in epochs), key
    assert epochs[-1]["eta"] == 0 and epochs[0]["eta"] > 0
    assert epochs[0]["lr"] == pytest.approx(0.01)
    batches = [r for r in records if r["event"] == "batch"]
    assert [r["step"] for r in batches] == list(range(1, 13))
    assert records[-1] == records[-1] | {"reason": FINISHED, "epochs_done": 3}
    assert result.history["loss"] == [r["loss"] for r in epochs]


def test_stop_flag_ends_training_and_keeps_the_model() -> None:
    config = with_changes(presets.preset("circles").config, epochs=50)
    data = make_dataset("circles", 0.5)
    stop = threading.Event()

    def sink(record: dict) -> None:
        if record["event"] == "epoch" and record["epoch"] == 2:
            stop.set()

    result = train(config, data, sink, stop)
    assert result.reason == STOPPED
    assert result.epochs_done in (2, 3)
    assert predict(result.model, data.x_val[:5]).shape == (5, 1)


def test_huge_learning_rate_stops_on_nan_loss() -> None:
    result, records, _ = run("regression", learning_rate=1000.0, epochs=30)
    assert result.reason == NAN
    assert result.epochs_done < 30
    assert records[-1]["reason"] == NAN


def _refusal(preset_id: str, **changes) -> BadInput:
    config = with_changes(presets.preset(preset_id).config, **changes)
    data = make_dataset(config.dataset, config.validation_split, 0)
    with pytest.raises(BadInput) as caught:
        prepare(config, data)
    return caught.value


FLAT = LayerSpec("flatten")


@pytest.mark.parametrize(
    ("preset_id", "changes", "code"),
    [
        ("iris", {"epochs": 0}, "training_epochs"),
        ("iris", {"epochs": -3}, "training_epochs"),
        ("iris", {"batch_size": 0}, "training_batch_size"),
        ("iris", {"learning_rate": 0.0}, "training_learning_rate"),
        ("iris", {"learning_rate": -0.1}, "training_learning_rate"),
        ("iris", {"learning_rate": float("nan")}, "training_learning_rate"),
        ("iris", {"learning_rate": float("inf")}, "training_learning_rate"),
        ("iris", {"validation_split": 0.95}, "training_parameter"),
        ("iris", {"momentum": float("nan")}, "training_parameter"),
        ("iris", {"loss": "binary_crossentropy"}, "training_loss"),
        ("regression", {"loss": "categorical_crossentropy"}, "training_loss"),
        ("circles", {"loss": "mean_squared_error"}, "training_loss"),
        ("iris", {"optimizer": "lion"}, "training_option"),
        ("iris", {"layers": ()}, "training_no_layers"),
        ("iris", {"layers": (LayerSpec("conv2d", 4, "relu", 3),)}, "training_needs_image"),
        ("iris", {"layers": (LayerSpec("dense", 4, "relu"),)}, "training_output_shape"),
        ("iris", {"layers": (LayerSpec("dense", 0), LayerSpec("dense", 3))}, "training_units"),
        (
            "iris",
            {"layers": (LayerSpec("dropout", rate=1.0), LayerSpec("dense", 3))},
            "training_dropout",
        ),
        ("mnist-cnn", {"layers": (LayerSpec("dense", 10, "softmax"),)}, "training_needs_flatten"),
        (
            "mnist-cnn",
            {"layers": (LayerSpec("conv2d", 4, "relu", 40), FLAT, LayerSpec("dense", 10))},
            "training_window",
        ),
        (
            "mnist-cnn",
            {"layers": (FLAT, LayerSpec("dense", 4096), LayerSpec("dense", 10))},
            "training_too_big",
        ),
    ],
)
def test_bad_parameters_are_refused_before_training(preset_id, changes, code) -> None:
    error = _refusal(preset_id, **changes)
    assert error.code == code, error.message
    assert error.message


@pytest.mark.parametrize(
    ("schedule", "expect"),
    [("time_decay", "falls"), ("step", "halves"), ("plateau", "runs")],
)
def test_learning_rate_schedules(schedule, expect) -> None:
    result, _, _ = run("blobs", epochs=4, schedule=schedule, patience=2, factor=0.5, decay=0.01)
    lr = result.history["lr"]
    assert len(lr) == 4
    if expect == "falls":
        assert lr[0] < 0.01 and lr[-1] < lr[0]
    elif expect == "halves":
        assert lr == pytest.approx([0.01, 0.01, 0.005, 0.005])
    else:
        assert all(0 < v <= 0.01 for v in lr)


def test_other_losses_optimizers_and_layers_train() -> None:
    layers = (
        LayerSpec("dense", 16, "relu"),
        LayerSpec("batchnorm"),
        LayerSpec("dropout", rate=0.2),
        LayerSpec("dense", 3, "softmax"),
    )
    result, _, _ = run(
        "iris",
        epochs=3,
        layers=layers,
        loss="sparse_categorical_crossentropy",
        optimizer="rmsprop",
        learning_rate=0.01,
        l2=0.001,
        initializer="he_normal",
    )
    assert result.reason == FINISHED
    totals = summary_totals(result.model)
    assert totals["non_trainable"] == 32  # BatchNormalization's moving mean and variance
    assert totals["total"] == totals["trainable"] + 32 == result.model.count_params()


def test_summary_rows_are_the_model_summary() -> None:
    config = presets.preset("mnist-cnn").config
    data = make_dataset("mnist", train_size=10)
    rows = summary_rows(prepare(config, data))
    assert [r["type"] for r in rows] == [
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dense",
        "Dense",
    ]
    assert rows[0]["output_shape"] == "(None, 26, 26, 8)" and rows[0]["params"] == 80
    assert rows[-1]["params"] == 1290


def test_diagnostics_and_boundary() -> None:
    result, _, data = run("blobs", epochs=5)
    found = diagnose(result.model, data)
    assert found.confusion.shape == (3, 3) and found.confusion.sum() == len(data.y_val)
    assert found.accuracy == pytest.approx(result.history["val_accuracy"][-1], abs=0.01)
    assert np.all((found.per_class >= 0) & (found.per_class <= 1))
    plane = boundary(result.model, data.x_val, data.problem, steps=20)
    assert plane.z.shape == (20, 20) and set(np.unique(plane.z)) <= {0, 1, 2}
    assert plane.xs[0] < data.x_val[:, 0].min() and plane.ys[-1] > data.x_val[:, 1].max()


def test_a_binary_boundary_is_a_probability_map() -> None:
    result, _, data = run("circles", epochs=2)
    plane = boundary(result.model, data.x_val, data.problem, steps=10)
    assert plane.z.dtype.kind == "f" and plane.z.min() >= 0 and plane.z.max() <= 1


def test_a_configuration_survives_the_url() -> None:
    config = with_changes(presets.preset("mnist-cnn").config, learning_rate=0.003, schedule="step")
    assert from_url(to_url(config)) == config
    for preset_id in presets.PRESETS:
        assert (
            from_url(to_url(presets.preset(preset_id).config)) == presets.preset(preset_id).config
        )


def test_a_nan_learning_rate_travels_in_the_link_and_is_refused_on_arrival() -> None:
    config = with_changes(presets.preset("blobs").config, learning_rate=math.nan)
    arrived = from_url(to_url(config))
    assert math.isnan(arrived.learning_rate)
    with pytest.raises(BadInput) as caught:
        prepare(arrived, make_dataset(arrived.dataset, arrived.validation_split))
    assert caught.value.code == "training_learning_rate"


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "[]",
        '{"layers": 3}',
        '{"layers": [], "bogus": 1}',
        '{"layers": [{"kind": 5}]}',
        '{"preset": "x", "dataset": "iris", "loss": "hinge", "layers": [], "epochs": "ten"}',
        '{"preset": "x", "layers": []}',
        "x" * 5000,
    ],
)
def test_a_garbled_link_is_refused(text) -> None:
    with pytest.raises(BadInput) as caught:
        from_url(text)
    assert caught.value.code == "training_bad_link"


@pytest.mark.parametrize("preset_id", list(presets.PRESETS))
def test_code_panel_matches_the_configuration(preset_id) -> None:
    config = with_changes(presets.preset(preset_id).config, schedule="plateau", l2=0.01)
    python = keras_code(config, (4,), "multiclass")
    ast.parse(python)
    assert f"epochs={config.epochs}" in python and "ReduceLROnPlateau" in python
    assert python.count("\n    layers.") == len(config.layers)
    js = tfjs_code(config, (4,), "multiclass")
    assert "tfvis.show.fitCallbacks" in js and "onEpochEnd" in js
    assert f"epochs: {config.epochs}" in js and js.count("model.add(") == len(config.layers)


def test_unknown_preset_is_refused() -> None:
    with pytest.raises(BadInput) as caught:
        presets.preset("resnet")
    assert caught.value.code == "training_unknown_preset"


def test_early_stopping_stops_and_keeps_the_best_epoch_s_weights() -> None:
    # 004_…: EarlyStopping(monitor='val_loss', patience=…, restore_best_weights=True)
    result, records, data = run("blobs", epochs=200, early_stopping=3, learning_rate=0.3)
    assert result.reason == "early" and result.epochs_done < 200
    losses = result.history["val_loss"]
    best = int(np.argmin(losses))
    assert result.epochs_done == best + 1 + 3  # stopped `patience` epochs after the best
    final = result.model.evaluate(data.x_val, data.y_val, verbose=0)[0]
    assert abs(final - losses[best]) < 1e-4  # the best epoch's weights, not the last
    assert records[-1]["reason"] == "early"


def test_layer_normalization_and_leaky_relu_train_and_show_in_both_codes() -> None:
    # 004_…: LayerNormalization normalises each example (a scale and a shift per feature);
    # Leaky ReLU keeps a slope α = 0.3 for negative inputs.
    layers = (
        LayerSpec("dense", 8),
        LayerSpec("layernorm"),
        LayerSpec("leakyrelu"),
        LayerSpec("dense", 3, "softmax"),
    )
    result, _, data = run("iris", epochs=3, layers=layers)
    config = with_changes(presets.preset("iris").config, epochs=3, layers=layers)
    assert result.reason == FINISHED
    norm, leaky = result.model.layers[1], result.model.layers[2]
    assert type(norm).__name__ == "LayerNormalization" and norm.count_params() == 2 * 8
    assert type(leaky).__name__ == "LeakyReLU" and leaky.negative_slope == pytest.approx(0.3)
    totals = summary_totals(result.model)
    assert totals["total"] == (4 + 1) * 8 + 2 * 8 + (8 + 1) * 3 == result.model.count_params()
    python = keras_code(config, data.input_shape, data.problem)
    assert "layers.LayerNormalization()" in python and "layers.LeakyReLU()" in python
    assert from_url(to_url(config)).layers == layers


def test_max_norm_keeps_each_unit_s_incoming_weights_within_the_bound() -> None:
    # 004_…: my_constraint = constraints.MaxNorm(max_value=2, axis=0), as kernel_constraint
    changes = {"epochs": 30, "learning_rate": 0.5, "optimizer": "sgd"}
    bounded, _, data = run("circles", max_norm=0.5, **changes)
    free, _, _ = run("circles", **changes)

    def largest_norm(model) -> float:
        kernels = [layer.kernel.numpy() for layer in model.layers if hasattr(layer, "kernel")]
        return max(float(np.linalg.norm(k, axis=0).max()) for k in kernels)

    assert largest_norm(bounded.model) <= 0.5 + 1e-5 < largest_norm(free.model)
    config = with_changes(presets.preset("circles").config, max_norm=0.5, **changes)
    assert "kernel_constraint=keras.constraints.MaxNorm(max_value=0.5, axis=0)" in keras_code(
        config, data.input_shape, data.problem
    )
    assert "kernelConstraint: tf.constraints.maxNorm({maxValue: 0.5, axis: 0})" in tfjs_code(
        config, data.input_shape, data.problem
    )
    assert from_url(to_url(config)).max_norm == 0.5


def _second_kernel(initializer: str) -> np.ndarray:
    """The 256 × 256 kernel of a Dense(256) after a Dense(256), as `initializer` starts it."""
    from models.training.build import build_layers

    config = with_changes(
        presets.preset("circles").config,
        initializer=initializer,
        layers=(LayerSpec("dense", 256), LayerSpec("dense", 256), LayerSpec("dense", 1)),
    )
    return build_layers(config, (2,)).layers[1].kernel.numpy()


def test_every_initializer_of_the_deck_starts_the_kernels_as_the_deck_says() -> None:
    # 004_…, "Capas en Keras - Inicializadores": the formulas for fan_in = fan_out = 256
    fan = 256
    exact = {"zeros": 0.0, "ones": 1.0, "constant": 5.0}  # Constant(value = 5)
    bounds = {
        "random_uniform": 0.05,  # RandomUniform(minval = -0.05, maxval = 0.05)
        "truncated_normal": 2 * 0.05,  # values past two standard deviations are redrawn
        "lecun_uniform": math.sqrt(3 / fan),
        "glorot_uniform": math.sqrt(6 / (fan + fan)),
        "he_uniform": math.sqrt(6 / fan),
    }
    spreads = {
        "random_normal": 0.05,
        "lecun_normal": math.sqrt(1 / fan),
        "glorot_normal": math.sqrt(2 / (fan + fan)),
        "he_normal": math.sqrt(2 / fan),
        "variance_scaling": math.sqrt(1.0 / fan),  # scale = 1.0, mode = 'fan_in'
    }
    from models.training.config import INITIALIZERS

    assert set(INITIALIZERS) == {*exact, *bounds, *spreads, "orthogonal"}
    for name, value in exact.items():
        assert np.all(_second_kernel(name) == value), name
    for name, limit in bounds.items():
        kernel = _second_kernel(name)
        assert np.abs(kernel).max() <= limit + 1e-6 and np.abs(kernel).max() > 0.9 * limit, name
    for name, spread in spreads.items():
        assert abs(_second_kernel(name).std() / spread - 1) < 0.1, name
    kernel = _second_kernel("orthogonal")  # Orthogonal(gain = 1.0)
    np.testing.assert_allclose(kernel.T @ kernel, np.eye(fan), atol=1e-4)


def test_the_python_panel_builds_each_initializer_as_the_lab_does() -> None:
    """The panel's model definition, run as a student would paste it, starts its kernels with
    the same initializer class and arguments as the lab's model."""
    from models.training.build import build_layers
    from models.training.config import INITIALIZERS

    for name in INITIALIZERS:
        config = with_changes(presets.preset("circles").config, initializer=name)
        namespace: dict = {}
        exec(keras_code(config, (2,), "binary").split("model.summary()")[0], namespace)  # noqa: S102
        theirs = namespace["model"].layers[0].kernel_initializer
        ours = build_layers(config, (2,)).layers[0].kernel_initializer
        assert type(theirs) is type(ours), name
        assert theirs.get_config() == ours.get_config(), name
