"""TensorFlow.js itself (npm @tensorflow/tfjs, pure JS CPU backend in Node) against our Python.

(a) the real MoveNet Lightning graph model from ../shared on the squat photo: TF.js and the
    Python loader must agree within 1e-4 on all 51 values (PITFALLS.md #3 measured ~1e-7);
(b) graph models written by `save_graph_model` (plain, sharded, float16 / uint8 quantized,
    named inputs and label-prefixed outputs) must load in TF.js and predict what the Python
    loader predicts within 1e-5: both dequantize the same stored bytes the same way.

Needs `npm install --prefix tests/tfjs` (.ci/run does it); without it these tests fail
and say so: they are never skipped.
"""

import json
import shutil
import subprocess
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from models.formats.tfjs_graph import TFJS_OPS, load_graph_model, save_graph_model
from models.formats.tfjs_quantize import quantized_copy
from models.loading import TENSORFLOW, load_model

TFJS = Path(__file__).resolve().parent / "tfjs"
MOVENET_TOLERANCE = 1e-4
WRITTEN_TOLERANCE = 1e-5
RNG = np.random.default_rng(5)


def _node() -> str:
    """The `node` executable, with TensorFlow.js installed beside this file; else fail."""
    if not (TFJS / "node_modules" / "@tensorflow" / "tfjs").is_dir():
        pytest.fail("TensorFlow.js is not installed: run `npm install --prefix tests/tfjs`")
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`) is not on PATH; install Node 18+ to run the TF.js checks")
    return node


def test_writer_knows_exactly_the_ops_tfjs_runs() -> None:
    done = subprocess.run(
        [_node(), str(TFJS / "list_ops.js")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    installed = set(json.loads(done.stdout))
    assert {"_FusedConv2D", "FusedDepthwiseConv2dNative", "SparseSegmentMean"} <= installed
    assert installed == TFJS_OPS


def _run_tfjs(model_dir: Path, inputs: dict[str, np.ndarray], scratch: Path) -> dict:
    """TF.js's report for `model_dir` on `inputs`: {inputs, outputNames, outputs}."""
    node = _node()
    spec = {
        name: {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.ravel().tolist()}
        for name, a in inputs.items()
    }
    feeds = scratch / "inputs.json"
    feeds.write_text(json.dumps(spec))
    done = subprocess.run(
        [node, str(TFJS / "run_graph.js"), str(model_dir), str(feeds)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["arrays"] = {
        name: np.array(out["data"], dtype=out["dtype"]).reshape(out["shape"])
        for name, out in report["outputs"].items()
    }
    return report


def test_movenet_lightning_matches_tfjs_on_the_squat(shared, tmp_path) -> None:
    image = Image.open(shared / "data" / "pose" / "squat.bmp").convert("RGB")
    side = max(image.size)
    square = Image.new("RGB", (side, side))
    square.paste(image, (0, 0))
    pixels = np.asarray(square.resize((192, 192), Image.BILINEAR), dtype=np.int32)[None]
    folder = shared / "models" / "movenet-singlepose-lightning"
    report = _run_tfjs(folder, {"input": pixels}, tmp_path)
    assert report["inputs"] == ["input"] and report["outputNames"] == ["Identity"]
    ours = load_model("movenet-singlepose-lightning", runtime=TENSORFLOW)(pixels)["Identity"]
    theirs = report["arrays"]["Identity"]
    assert theirs.shape == ours.shape == (1, 1, 17, 3)
    assert np.abs(theirs - ours).max() <= MOVENET_TOLERANCE
    assert np.all(ours[..., 2] > 0.3)  # a real pose, not two equally broken outputs


def test_movenet_resaved_uint16_matches_tfjs(shared, tmp_path) -> None:
    """The real graph written by save_graph_model (plain ops, uint16 weights): TF.js and
    Python dequantize the same bytes and must agree as closely as on the original."""
    folder = tmp_path / "movenet-uint16"
    graph = load_model("movenet-singlepose-lightning", runtime=TENSORFLOW)
    save_graph_model(graph.concrete_function, folder, quantize="uint16")
    pixels = RNG.integers(0, 256, size=(1, 192, 192, 3), dtype=np.int32)
    report = _run_tfjs(folder, {"input": pixels}, tmp_path)
    ours = load_graph_model(folder)(pixels)["Identity"]
    assert np.abs(report["arrays"]["Identity"] - ours).max() <= MOVENET_TOLERANCE


def _keras_model() -> keras.Model:
    keras.utils.set_random_seed(8)
    inputs = keras.Input((10, 10, 2), name="image")
    x = keras.layers.Conv2D(6, 3, activation="relu")(inputs)
    x = keras.layers.DepthwiseConv2D(3, activation="relu6")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(12, activation="tanh")(x)
    outputs = keras.layers.Dense(4, activation="softmax")(x)
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize(
    ("quantize", "shard_bytes"),
    [(None, 4 * 1024 * 1024), (None, 512), ("float16", 4096), ("uint8", 4096)],
)
def test_written_keras_graph_model_runs_in_tfjs(tmp_path, quantize, shard_bytes) -> None:
    model = _keras_model()
    folder = tmp_path / "model"
    save_graph_model(model, folder, quantize=quantize, shard_bytes=shard_bytes)
    ours = load_graph_model(folder)
    x = RNG.normal(size=(3, 10, 10, 2)).astype(np.float32)
    report = _run_tfjs(folder, {"image": x}, tmp_path)
    assert report["inputs"] == ["image"]
    name = ours.outputs[0].name
    assert report["outputNames"] == [name]
    theirs = report["arrays"][name]
    np.testing.assert_allclose(theirs, ours(x)[name], atol=WRITTEN_TOLERANCE)
    assert np.allclose(theirs.sum(axis=1), 1.0, atol=1e-5)


def test_written_lstm_runs_in_tfjs(tmp_path) -> None:
    """Embedding + LSTM: a While loop over TensorLists, its body's weights in the shards."""
    keras.utils.set_random_seed(4)
    model = keras.Sequential(
        [
            keras.Input((7,), dtype="int32", name="tokens"),
            keras.layers.Embedding(30, 4),
            keras.layers.LSTM(5),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    folder = tmp_path / "lstm"
    save_graph_model(model, folder)
    ours = load_graph_model(folder)
    assert "While" in ours.op_histogram() or "StatelessWhile" in ours.op_histogram()
    tokens = RNG.integers(0, 30, size=(3, 7)).astype(np.int32)
    report = _run_tfjs(folder, {"tokens": tokens}, tmp_path)
    name = ours.outputs[0].name
    expected = model(tokens).numpy()
    np.testing.assert_allclose(ours(tokens)[name], expected, atol=1e-6)
    np.testing.assert_allclose(report["arrays"][name], expected, atol=WRITTEN_TOLERANCE)


def test_toxicity_shaped_stand_in_runs_in_tfjs(tmp_path) -> None:
    embedding = tf.constant(RNG.normal(size=(30, 5)).astype(np.float32))
    labels = ("identity_attack", "insult", "toxicity")
    kernels = {label: tf.constant(RNG.normal(size=(5, 2)).astype(np.float32)) for label in labels}

    @tf.function(
        input_signature=[
            tf.TensorSpec([None, 2], tf.int32, name="Placeholder_1"),
            tf.TensorSpec([None], tf.int32, name="Placeholder"),
        ]
    )
    def stand_in(indices: tf.Tensor, values: tf.Tensor) -> dict:
        pooled = tf.sparse.segment_mean(embedding, values, indices[:, 0])
        return {f"{label}/concat_2": tf.nn.softmax(pooled @ kernels[label]) for label in labels}

    folder = tmp_path / "toxicity"
    save_graph_model(stand_in, folder)
    indices = np.array([[0, 0], [0, 1], [0, 2], [1, 0]], np.int32)
    values = np.array([4, 17, 2, 29], np.int32)
    report = _run_tfjs(folder, {"Placeholder_1": indices, "Placeholder": values}, tmp_path)
    assert report["inputs"] == ["Placeholder_1", "Placeholder"]
    assert [name.split("/")[0] for name in report["outputNames"]] == list(labels)
    ours = load_graph_model(folder)(indices, values)
    for name in report["outputNames"]:
        np.testing.assert_allclose(report["arrays"][name], ours[name], atol=WRITTEN_TOLERANCE)
        assert report["arrays"][name].shape == (2, 2)


def test_control_flow_runs_in_tfjs(tmp_path) -> None:
    """tf.cond + tf.while_loop, written as StatelessIf / StatelessWhile with bodies."""
    kernel = tf.constant(RNG.normal(size=(3, 2)).astype(np.float32))

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
    def branchy(x: tf.Tensor) -> dict:
        y = tf.cond(tf.reduce_sum(x) > 0, lambda: x @ kernel + 1.0, lambda: x @ kernel * 3.0)
        _, y = tf.while_loop(lambda i, _: i < 4, lambda i, acc: (i + 1, acc * 1.5), [0, y])
        return {"scores": y}

    folder = tmp_path / "branchy"
    save_graph_model(branchy, folder)
    ours = load_graph_model(folder)
    for sign in (1.0, -1.0):
        x = sign * np.abs(RNG.normal(size=(2, 3))).astype(np.float32)
        report = _run_tfjs(folder, {"x": x}, tmp_path)
        assert report["outputNames"] == ["scores"]
        expected = branchy(x)["scores"].numpy()
        np.testing.assert_allclose(ours(x)["scores"], expected, rtol=1e-6)
        np.testing.assert_allclose(report["arrays"]["scores"], expected, rtol=1e-5)


def test_movenet_stored_as_uint8_breaks_in_tfjs_as_it_does_here(shared, tmp_path) -> None:
    """The Model formats page's counter-example is TF.js's own behaviour, not our reader's:
    TF.js loading the uint8 copy gives what we compute from it, and that is far from the
    model as shipped (float16), while the pose found by both stays the same broken one."""
    original = shared / "models" / "movenet-singlepose-lightning"
    folder = quantized_copy(original, "uint8", tmp_path / "movenet-uint8")
    image = Image.open(shared / "data" / "pose" / "squat.bmp").convert("RGB")
    side = max(image.size)
    square = Image.new("RGB", (side, side))
    square.paste(image, (0, 0))
    pixels = np.asarray(square.resize((192, 192), Image.BILINEAR), dtype=np.int32)[None]
    report = _run_tfjs(folder, {"input": pixels}, tmp_path)
    ours = load_graph_model(folder)(pixels)["Identity"]
    assert np.abs(report["arrays"]["Identity"] - ours).max() <= MOVENET_TOLERANCE
    shipped = load_graph_model(original)(pixels)["Identity"]
    moved = np.abs(ours[..., :2] - shipped[..., :2]).mean()  # in units of the square's side
    assert moved > 0.1, moved
