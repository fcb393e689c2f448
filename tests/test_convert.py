"""Keras → every format: each variant agrees with the original within its stated tolerance,
and quantization shrinks the file as the course says (int8 ≈ 4× smaller than float32)."""

import json

import keras
import numpy as np
import pytest

from models.errors import BadInput
from models.formats.convert import TARGETS, compare, convert, folder_bytes, open_converted

# Max |difference| with the original's softmax outputs, per variant.
TOLERANCE = {
    "keras": 0.0,
    "tfjs-layers": 0.0,
    "tfjs-layers-float16": 0.01,
    "tfjs-layers-uint16": 0.01,
    "tfjs-layers-uint8": 0.1,
    "tfjs-graph": 1e-5,
    "tflite": 1e-5,
    "tflite-dynamic": 0.05,
    "tflite-float16": 0.01,
    "tflite-int8": 0.1,
    "saved-model": 1e-5,
    "tflite-saved-model": 1e-5,
}


@pytest.fixture(scope="module")
def iris():
    from models.training.demos import iris_demo_model

    return iris_demo_model(epochs=40)


@pytest.fixture(scope="module")
def reports(iris):
    return {
        r.target: r
        for r in compare(
            iris["model"], iris["x_val"], iris["y_val"], representative=iris["x_train"]
        )
    }


def test_every_variant_agrees_with_the_original(reports) -> None:
    assert list(reports) == ["keras", *TARGETS]
    for target, report in reports.items():
        assert report.max_abs_diff <= TOLERANCE[target], (target, report.max_abs_diff)
        assert report.agreement is not None and report.agreement >= 0.95, target
        assert report.bytes > 0 and report.load_ms > 0 and report.latency_ms > 0


def test_the_demo_model_learned_iris(reports) -> None:
    assert reports["keras"].accuracy >= 0.85
    assert abs(reports["tflite-int8"].accuracy - reports["keras"].accuracy) <= 0.1


def test_int8_is_about_four_times_smaller(tmp_path) -> None:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((256,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    data = np.random.default_rng(0).random((64, 256)).astype("float32")
    sizes = {
        target: folder_bytes(convert(model, target, tmp_path / target, representative=data))
        for target in ("tflite", "tflite-dynamic", "tflite-float16", "tflite-int8")
    }
    assert 3.0 <= sizes["tflite"] / sizes["tflite-int8"] <= 4.2
    assert 3.0 <= sizes["tflite"] / sizes["tflite-dynamic"] <= 4.2
    assert 1.7 <= sizes["tflite"] / sizes["tflite-float16"] <= 2.1
    run = open_converted("tflite-int8", tmp_path / "tflite-int8" / "model.tflite")
    assert np.abs(run(data[:8]) - np.asarray(model(data[:8]))).max() < 0.1


def test_tfjs_weight_quantization_shrinks_the_weights_as_the_converter_does(tmp_path) -> None:
    # tensorflowjs_converter --quantize_float16 / --quantize_uint16 / --quantize_uint8
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((256,)), keras.layers.Dense(256), keras.layers.Dense(10)])
    data = np.random.default_rng(0).random((8, 256)).astype("float32")
    shards = {}
    for target in ("tfjs-layers", "tfjs-layers-float16", "tfjs-layers-uint16", "tfjs-layers-uint8"):
        path = convert(model, target, tmp_path / target)
        shards[target] = sum(p.stat().st_size for p in path.parent.glob("*.bin"))
        difference = np.abs(open_converted(target, path)(data) - np.asarray(model(data))).max()
        assert difference <= TOLERANCE[target], (target, difference)
    assert 1.9 <= shards["tfjs-layers"] / shards["tfjs-layers-float16"] <= 2.1
    assert 1.9 <= shards["tfjs-layers"] / shards["tfjs-layers-uint16"] <= 2.1
    assert 3.8 <= shards["tfjs-layers"] / shards["tfjs-layers-uint8"] <= 4.1


def test_tfjs_graph_variant_runs_with_the_keras_input_name(iris, tmp_path) -> None:
    path = convert(iris["model"], "tfjs-graph", tmp_path)
    document = json.loads(path.read_text())
    assert document["format"] == "graph-model"
    assert list(document["signature"]["inputs"]) == ["features"]
    run = open_converted("tfjs-graph", path)
    x = iris["x_val"][:5]
    np.testing.assert_allclose(run(x), np.asarray(iris["model"](x)), atol=1e-5)


def test_bad_targets_and_missing_calibration_data(iris, tmp_path) -> None:
    with pytest.raises(BadInput) as unknown:
        convert(iris["model"], "onnx", tmp_path)
    assert unknown.value.code == "formats_unknown_target"
    with pytest.raises(BadInput) as needs:
        convert(iris["model"], "tflite-int8", tmp_path)
    assert needs.value.code == "formats_needs_representative"


def test_mnist_demo_learns_and_is_big_enough_to_shrink() -> None:
    from models.training.demos import mnist_demo_model

    run = mnist_demo_model(epochs=1)
    model = run["model"]
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10
    predicted = np.asarray(model(run["x_val"])).argmax(axis=1)
    assert np.mean(predicted == run["y_val"]) >= 0.8


def test_the_course_s_saved_model_path(iris, tmp_path) -> None:
    # 003_…: tf.saved_model.save(model, export_dir);
    # converter = tf.lite.TFLiteConverter.from_saved_model(export_dir)
    from components.format_views import code_snippets

    folder = convert(iris["model"], "saved-model", tmp_path / "sm")
    assert (folder / "saved_model.pb").is_file() and (folder / "variables").is_dir()
    x = iris["x_val"][:5]
    np.testing.assert_allclose(
        open_converted("saved-model", folder)(x), np.asarray(iris["model"](x)), atol=1e-5
    )
    lite = convert(iris["model"], "tflite-saved-model", tmp_path / "lite")
    assert [p.name for p in lite.parent.iterdir()] == ["model.tflite"]
    python, _ = code_snippets(None)
    assert "converter = tf.lite.TFLiteConverter.from_saved_model(export_dir)" in python
    assert "tflite_convert --output_file=model.tflite --saved_model_dir=/tmp/saved_model" in python
