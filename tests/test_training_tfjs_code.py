"""The Training lab's TF.js panel in TensorFlow.js itself (Node): every loss name it writes
exists, the metrics its tfjs-vis charts plot are the ones the model logs, and every preset's
snippet trains as shown (Iris from the mirror's CSV through tf.data.csv, MNIST through a
stand-in for the course's sprite-sheet loader)."""

import json
import math
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from models.store import datasets
from models.training import presets
from models.training.build import LOSSES
from models.training.code import tfjs_code
from models.training.config import LayerSpec
from models.training.data import IRIS_CLASSES, make_dataset

TFJS = Path(__file__).resolve().parent / "tfjs"
CSV_OR_SPRITE = ("iris", "mnist")  # data the course loads itself: their own tests below


def _node() -> str:
    if not (TFJS / "node_modules" / "@tensorflow" / "tfjs").is_dir():
        pytest.fail("TensorFlow.js is not installed: run `npm install --prefix tests/tfjs`")
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`) is not on PATH; install Node 18+ to run the TF.js checks")
    return node


def _panel(problem: str, loss: str, units: int) -> dict:
    """The loss, compiled metric and charted metrics of the panel for that loss."""
    config = replace(presets.preset("circles").config, loss=loss)
    code = tfjs_code(config, (2,), problem)
    compiled = re.search(r"metrics: \['(\w+)'\]", code).group(1)
    charted = re.search(r"fitCallbacks\(\s*container, \[(.*?)\]\)", code, re.S).group(1)
    return {
        "loss": re.search(r"loss: '(\w+)'", code).group(1),
        "metric": compiled,
        "units": units,
        "charted": [name.strip(" '") for name in charted.split(",")],
    }


def test_every_loss_and_metric_of_the_panel_runs_in_tfjs(tmp_path) -> None:
    panels = [
        _panel(problem, loss, 3 if "categorical" in loss or loss == "kl_divergence" else 1)
        for problem, losses in LOSSES.items()
        for loss in losses
    ]
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{k: p[k] for k in ("loss", "metric", "units")} for p in panels]))
    done = subprocess.run(
        [_node(), str(TFJS / "compile_check.js"), str(cases)],
        cwd=TFJS,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for panel, result in zip(panels, json.loads(done.stdout), strict=True):
        assert "error" not in result, (panel["loss"], result.get("error"))
        assert set(panel["charted"]) <= set(result["keys"]), (panel, result["keys"])


def _run_snippet(tmp_path: Path, code: str, given: dict) -> dict:
    """The snippet run by tests/tfjs/run_training_code.js: what it charts, logs and predicts."""
    return _node_json(tmp_path, "run_training_code.js", code, given)


def _node_json(tmp_path: Path, script: str, code: str, given: dict) -> dict:
    """`node tests/tfjs/SCRIPT code.js inputs.json`, and the JSON it prints."""
    source, inputs = tmp_path / "code.js", tmp_path / "inputs.json"
    source.write_text(code)
    inputs.write_text(json.dumps(given))
    done = subprocess.run(
        [_node(), str(TFJS / script), str(source), str(inputs)],
        cwd=TFJS,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _mnist_files(folder: Path, train: int) -> None:
    """The raw files the stand-in for the course's MnistData reads: `train` training digits
    and the 1,000 validation digits, with their labels."""
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    for name, values in {
        "train-images": x_train[:train],
        "train-labels": y_train[:train],
        "test-images": x_test[:1000],
        "test-labels": y_test[:1000],
    }.items():
        (folder / name).write_bytes(values.astype(np.uint8).tobytes())


def _tensor(array: np.ndarray) -> dict:
    return {"shape": list(array.shape), "values": array.ravel().tolist()}


def _charts_have_data(result: dict, epochs: int) -> None:
    assert len(result["epochs"]) == epochs
    for logs in result["epochs"]:
        assert set(result["charted"]) <= set(logs), (result["charted"], sorted(logs))
        assert all(math.isfinite(value) for value in logs.values())


@pytest.mark.parametrize(
    "preset_id",
    [p for p in presets.PRESETS if presets.preset(p).config.dataset not in CSV_OR_SPRITE],
)
def test_each_preset_s_tfjs_snippet_trains_in_tfjs_and_logs_what_it_charts(
    preset_id, tmp_path
) -> None:
    config = replace(presets.preset(preset_id).config, epochs=2)
    data = make_dataset(config.dataset, config.validation_split)
    given = {"xTrain": data.x_train, "yTrain": data.y_train, "xVal": data.x_val, "yVal": data.y_val}
    code = tfjs_code(config, data.input_shape, data.problem)
    result = _run_snippet(tmp_path, code, {"arrays": {k: _tensor(v) for k, v in given.items()}})
    _charts_have_data(result, 2)


def test_layer_and_batch_normalization_leaky_relu_and_max_norm_train_in_tfjs(tmp_path) -> None:
    # 004_…: "tf.keras.layers.LayerNormalization()" after a linear layer, like
    # BatchNormalization; Leaky ReLU with the slope α = 0.3; constraints.MaxNorm(max_value=2).
    config = replace(
        presets.preset("circles").config,
        epochs=2,
        max_norm=2.0,
        layers=(
            LayerSpec("dense", 8),
            LayerSpec("layernorm"),
            LayerSpec("leakyrelu"),
            LayerSpec("dense", 8),
            LayerSpec("batchnorm"),
            LayerSpec("leakyrelu"),
            LayerSpec("dense", 1, "sigmoid"),
        ),
    )
    data = make_dataset(config.dataset, config.validation_split)
    code = tfjs_code(config, data.input_shape, data.problem)
    assert "tf.layers.layerNormalization({})" in code and "tf.layers.leakyReLU({})" in code
    assert "kernelConstraint: tf.constraints.maxNorm({maxValue: 2.0, axis: 0})" in code
    given = {"xTrain": data.x_train, "yTrain": data.y_train, "xVal": data.x_val, "yVal": data.y_val}
    result = _run_snippet(tmp_path, code, {"arrays": {k: _tensor(v) for k, v in given.items()}})
    _charts_have_data(result, 2)


def test_the_residual_snippet_trains_in_tfjs_as_a_functional_model(tmp_path) -> None:
    # 004_… "Keras - API Funcional": the skip connections need tf.model({inputs, outputs})
    config = replace(
        presets.preset("circles").config,
        epochs=2,
        residual=True,
        layers=(
            LayerSpec("dense", 16, "relu"),
            LayerSpec("dense", 16, "relu"),
            LayerSpec("dense", 1, "sigmoid"),
        ),
    )
    data = make_dataset(config.dataset, config.validation_split)
    code = tfjs_code(config, data.input_shape, data.problem)
    assert "tf.layers.add().apply([x, " in code and "tf.model({inputs, outputs})" in code
    given = {"xTrain": data.x_train, "yTrain": data.y_train, "xVal": data.x_val, "yVal": data.y_val}
    rows = {"rows": data.x_val[:3].tolist(), "arrays": {k: _tensor(v) for k, v in given.items()}}
    result = _run_snippet(tmp_path, code, rows)
    _charts_have_data(result, 2)
    assert all(len(p) == 1 and 0 <= p[0] <= 1 for p in result["outputs"])


def test_the_iris_snippet_is_the_course_s_tf_data_csv_and_learns_its_flowers(
    shared, tmp_path
) -> None:
    # 003_…: tf.data.csv(csvUrl, {columnConfigs: {species: {isLabel: true}}}), labels one-hot
    # setosa, virginica, versicolor, .batch(10), model.fitDataset(…, {epochs: 100, …}),
    # classNames = ["Setosa", "Virginica", "Versicolor"] for its three test flowers
    config = presets.preset("iris").config
    code = tfjs_code(config, (4,), "multiclass")
    for line in (
        "const trainingData = tf.data.csv(csvUrl, {",
        "isLabel: true",
        "const numOfFeatures = (await trainingData.columnNames()).length - 1;",
        "return {xs: Object.values(xs), ys: Object.values(labels)};",
        "const trainData = convertedData.batch(10);",
        "await model.fitDataset(trainData, {",
        "tf.layers.dense({inputShape: [numOfFeatures], units: 5, activation: 'sigmoid'})",
    ):
        assert line in code, line
    order = [code.index(f'ys.species == "{name}"') for name in IRIS_CLASSES]
    assert order == sorted(order) and IRIS_CLASSES == ("setosa", "virginica", "versicolor")
    assert "model.fit(" not in code and "validationData" not in code  # all 150 rows train
    csv = (shared / "data" / "iris" / "iris.csv").as_uri()
    flowers = [[4.4, 2.9, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [5.8, 2.7, 5.1, 1.9]]
    result = _run_snippet(tmp_path, code.replace("'iris.csv'", f"'{csv}'"), {"rows": flowers})
    _charts_have_data(result, 100)
    # Unseeded and unshuffled (fitDataset reads the CSV in order), the course's run does not
    # always learn all three: what holds every time is that it trains and answers in kind.
    assert result["epochs"][-1]["loss"] < result["epochs"][0]["loss"]
    assert all(len(p) == 3 and abs(sum(p) - 1) < 1e-5 for p in result["outputs"])

    held_out = tfjs_code(replace(config, validation_split=0.2, epochs=2), (4,), "multiclass")
    result = _run_snippet(tmp_path, held_out.replace("'iris.csv'", f"'{csv}'"), {})
    _charts_have_data(result, 2)
    assert "val_acc" in result["charted"]


def test_the_mnist_snippet_is_the_course_s_sprite_batches_and_trains_in_tfjs(tmp_path) -> None:
    # 003_…: BATCH_SIZE = 512, TRAIN_DATA_SIZE = 5500, TEST_DATA_SIZE = 1000, tf.tidy(() => {
    # const d = data.nextTrainBatch(TRAIN_DATA_SIZE); … d.xs.reshape([TRAIN_DATA_SIZE, 28, 28, 1])
    config = presets.preset("mnist-cnn").config
    code = tfjs_code(config, (28, 28, 1), "multiclass")
    for line in (
        "const BATCH_SIZE = 512;",
        "const TRAIN_DATA_SIZE = 5500;",
        "const TEST_DATA_SIZE = 1000;",
        "const d = data.nextTrainBatch(TRAIN_DATA_SIZE);",
        "return [d.xs.reshape([TRAIN_DATA_SIZE, 28, 28, 1]), d.labels];",
        "epochs: 20,",
        "batchSize: BATCH_SIZE,",
    ):
        assert line in code, line
    _mnist_files(tmp_path, 512)
    quick = tfjs_code(replace(config, epochs=1, train_size=512), (28, 28, 1), "multiclass")
    result = _run_snippet(tmp_path, quick, {"mnist": str(tmp_path)})
    _charts_have_data(result, 1)


def test_early_stopping_runs_in_tfjs_as_the_panel_shows_it(tmp_path) -> None:
    config = replace(presets.preset("blobs").config, epochs=40, early_stopping=2, learning_rate=5.0)
    data = make_dataset(config.dataset, config.validation_split)
    code = tfjs_code(config, data.input_shape, data.problem)
    assert "tf.callbacks.earlyStopping({monitor: 'val_loss', patience: 2})" in code
    given = {"xTrain": data.x_train, "yTrain": data.y_train, "xVal": data.x_val, "yVal": data.y_val}
    result = _run_snippet(tmp_path, code, {"arrays": {k: _tensor(v) for k, v in given.items()}})
    assert 3 <= len(result["epochs"]) < 40  # it stopped, after at least patience + 1 epochs


def test_every_initializer_of_the_panel_trains_in_tfjs(tmp_path) -> None:
    """Each of the deck's initializers as the panel writes it, in one network per
    initializer, trains an epoch in TensorFlow.js (an unknown name or argument throws)."""
    from models.training.config import INITIALIZERS

    data = make_dataset("circles", 0.2)
    given = {"xTrain": data.x_train, "yTrain": data.y_train, "xVal": data.x_val, "yVal": data.y_val}
    for initializer in INITIALIZERS:
        config = replace(presets.preset("circles").config, epochs=1, initializer=initializer)
        code = tfjs_code(config, data.input_shape, data.problem)
        if initializer != "glorot_uniform":
            assert code.count("kernelInitializer: ") == len(config.layers), initializer
        result = _run_snippet(tmp_path, code, {"arrays": {k: _tensor(v) for k, v in given.items()}})
        assert len(result["epochs"]) == 1, initializer


AUGMENTED = (
    LayerSpec("randomflip"),
    LayerSpec("randomrotation", rate=0.05),
    LayerSpec("randomzoom", rate=0.1),
)


def _augment_in_tfjs(tmp_path: Path, layers: tuple, images: np.ndarray) -> tuple[np.ndarray, int]:
    """The panel's augment() run in TF.js on `images`: (its output, tensors it left behind)."""
    from models.training.augment import tfjs_function

    result = _node_json(tmp_path, "run_augment.js", tfjs_function(layers), _tensor(images))
    return np.array(result["values"], np.float32).reshape(result["shape"]), result["leaked"]


def test_the_tfjs_augment_function_flips_turns_and_zooms_like_the_keras_layers(tmp_path) -> None:
    """TF.js 4.22 has no RandomFlip, RandomRotation or RandomZoom layers: the panel's tf.image
    version mirrors about half the digits exactly, keeps shapes and range, leaks no tensor
    (the course's tf.tidy), and with all three changes nearly every digit."""
    (x, _), _ = datasets.load_mnist()
    digits = (x[:64].astype(np.float32) / 255)[..., None]
    flipped, leaked = _augment_in_tfjs(tmp_path, AUGMENTED[:1], digits)
    mirrored = [np.array_equal(out, img[:, ::-1]) for out, img in zip(flipped, digits, strict=True)]
    same = [np.array_equal(out, img) for out, img in zip(flipped, digits, strict=True)]
    assert all(m or s for m, s in zip(mirrored, same, strict=True)) and 16 < sum(mirrored) < 48
    assert leaked == 0
    changed, leaked = _augment_in_tfjs(tmp_path, AUGMENTED, digits)
    assert changed.shape == digits.shape and leaked == 0
    assert changed.min() >= -1e-6 and changed.max() <= 1 + 1e-6
    # unseeded (Math.random): a digit may draw a near-zero turn and zoom and no flip, about
    # one chance in 200; a build that changes nothing fails all 64
    moved = sum(np.abs(out - img).max() > 0.1 for out, img in zip(changed, digits, strict=True))
    assert moved >= 56, moved
    # a turn of at most 18° and a zoom of at most 10 % keep most of the ink
    ink = changed.sum(axis=(1, 2, 3)) / digits.sum(axis=(1, 2, 3))
    assert ink.min() > 0.7 and ink.max() < 1.4


def test_the_augmented_mnist_snippet_trains_on_new_batches_in_tfjs(tmp_path) -> None:
    config = presets.preset("mnist-cnn").config
    config = replace(
        config, layers=AUGMENTED + config.layers, epochs=3, batch_size=64, train_size=512
    )
    code = tfjs_code(config, (28, 28, 1), "multiclass")
    assert "tf.layers.random" not in code and "await model.fitDataset(trainData, {" in code
    _mnist_files(tmp_path, 512)
    result = _run_snippet(tmp_path, code, {"mnist": str(tmp_path)})
    _charts_have_data(result, 3)
    assert result["epochs"][-1]["loss"] < result["epochs"][0]["loss"]  # 8 steps an epoch
