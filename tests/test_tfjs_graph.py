"""TF.js graph models: the real MoveNet files, fused-op rewrites, round trips, bad files."""

import base64
import json
import shutil
import threading
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from google.protobuf import json_format
from PIL import Image

from models.errors import BadInput, ModelFormatError
from models.formats.describe import describe
from models.formats.tfjs_graph import GraphModel, load_graph_model, save_graph_model
from models.formats.tfjs_weights import write_weights
from models.loading import TENSORFLOW, load_model

RNG = np.random.default_rng(11)
LIGHTNING = "movenet-singlepose-lightning"
THUNDER = "movenet-singlepose-thunder"
NOSE, L_SHOULDER, R_SHOULDER, L_WRIST, R_WRIST = 0, 5, 6, 9, 10
L_HIP, R_HIP, L_ANKLE, R_ANKLE = 11, 12, 15, 16


def _squat_input(shared: Path, size: int) -> tuple[np.ndarray, int]:
    """squat.bmp padded to a square at the bottom-right (no stretching), resized, int32."""
    image = Image.open(shared / "data" / "pose" / "squat.bmp").convert("RGB")
    side = max(image.size)
    square = Image.new("RGB", (side, side))
    square.paste(image, (0, 0))
    pixels = np.asarray(square.resize((size, size), Image.BILINEAR), dtype=np.int32)
    return pixels[None], side


@pytest.mark.parametrize(("model_id", "size"), [(LIGHTNING, 192), (THUNDER, 256)])
def test_movenet_signature_and_output(model_id, size) -> None:
    model = load_model(model_id, runtime=TENSORFLOW)
    assert isinstance(model, GraphModel)
    info = describe(model)
    assert info["inputs"] == [{"name": "input", "dtype": "int32", "shape": [1, size, size, 3]}]
    assert info["outputs"] == [{"name": "Identity", "dtype": "float32", "shape": [1, 1, 17, 3]}]
    assert info["parameters"] > 1_000_000
    output = model(np.zeros((1, size, size, 3), np.int32))
    assert list(output) == ["Identity"]
    assert output["Identity"].shape == (1, 1, 17, 3)
    assert output["Identity"].dtype == np.float32


@pytest.mark.parametrize(("model_id", "size"), [(LIGHTNING, 192), (THUNDER, 256)])
def test_squat_keypoints_are_plausible(shared, model_id, size) -> None:
    pixels, side = _squat_input(shared, size)
    keypoints = load_model(model_id, runtime=TENSORFLOW)(input=pixels)["Identity"][0, 0]
    y, x, score = keypoints[:, 0] * side, keypoints[:, 1] * side, keypoints[:, 2]
    # The person fills x 100..370, y 135..600 of the 500×610 photo (checked by eye).
    assert np.all(score > 0.3), score
    assert np.all((x > 90) & (x < 390)), x
    assert np.all((y > 125) & (y < 610)), y
    # Head above shoulders above hips above ankles; the hands are clasped under the chin.
    assert y[NOSE] < min(y[L_SHOULDER], y[R_SHOULDER])
    assert max(y[L_SHOULDER], y[R_SHOULDER]) < min(y[L_HIP], y[R_HIP])
    assert max(y[L_HIP], y[R_HIP]) < min(y[L_ANKLE], y[R_ANKLE])
    assert np.all(y[:5] < 240), "eyes, ears and nose belong in the head (y 135..235)"
    assert np.hypot(x[L_WRIST] - x[R_WRIST], y[L_WRIST] - y[R_WRIST]) < 60
    assert min(y[L_ANKLE], y[R_ANKLE]) > 470


def test_lightning_and_thunder_agree_on_the_squat(shared) -> None:
    light_model = load_model(LIGHTNING, runtime=TENSORFLOW)
    thunder_model = load_model(THUNDER, runtime=TENSORFLOW)
    light = light_model(_squat_input(shared, 192)[0])["Identity"][0, 0, :, :2]
    thunder = thunder_model(_squat_input(shared, 256)[0])["Identity"][0, 0, :, :2]
    assert np.abs(light - thunder).mean() < 0.03  # normalised units: ~18 px of 610


def test_op_histogram_and_manifest_summary(shared) -> None:
    folder = shared / "models" / LIGHTNING
    model = load_model(LIGHTNING, runtime=TENSORFLOW)
    histogram = model.op_histogram()
    nodes = json.loads((folder / "model.json").read_text())["modelTopology"]["node"]
    assert sum(histogram.values()) == len(nodes)
    assert histogram["_FusedConv2D"] == 50
    assert histogram["FusedDepthwiseConv2dNative"] == 17
    assert histogram["Const"] == 180
    summary = model.manifest_summary()
    assert summary["shards"] == [
        {
            "path": "movenet-lightning.bin",
            "bytes": (folder / "movenet-lightning.bin").stat().st_size,
        }
    ]
    assert summary["stored_as"] == {"float16": 149, "int32": 31}
    assert len(summary["weights"]) == 180
    assert model.metadata["format"] == "graph-model"


@pytest.mark.parametrize(("quantize", "tolerance"), [("float16", 0.0), ("uint16", 2e-3)])
def test_movenet_resaved_and_requantized(shared, tmp_path, quantize, tolerance) -> None:
    """The loaded graph written back out (fused ops now plain ones). Its weights were float16
    already, so float16 is exact; uint16 moves keypoints by < 2e-3 of the image side."""
    model = load_model(LIGHTNING, runtime=TENSORFLOW)
    save_graph_model(model.concrete_function, tmp_path, quantize=quantize)
    resaved = load_graph_model(tmp_path)
    assert [(i.name, i.shape) for i in resaved.inputs] == [("input", (1, 192, 192, 3))]
    assert "_FusedConv2D" not in resaved.op_histogram()
    assert resaved.manifest_summary()["stored_as"][quantize] == 149
    pixels = _squat_input(shared, 192)[0]
    before, after = model(pixels)["Identity"], resaved(pixels)["Identity"]
    assert np.abs(after[..., :2] - before[..., :2]).max() <= tolerance


def test_concurrent_calls_match_serial_calls(shared) -> None:
    # A fresh load, so that the very first calls race each other too.
    model = load_graph_model(shared / "models" / LIGHTNING)
    inputs = [RNG.integers(0, 256, (1, 192, 192, 3), dtype=np.int32) for _ in range(6)]
    results: list = [None] * len(inputs)
    errors: list = []

    def work(index: int) -> None:
        try:
            for _ in range(3):
                results[index] = model(inputs[index])["Identity"]
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    serial = [model(x)["Identity"] for x in inputs]
    for got, expected in zip(results, serial, strict=True):
        np.testing.assert_allclose(got, expected, atol=1e-6)
    assert not np.allclose(serial[0], serial[1])  # the inputs really differ


def test_bad_call_arguments_are_bad_input() -> None:
    model = load_model(LIGHTNING, runtime=TENSORFLOW)
    with pytest.raises(BadInput) as caught:
        model(np.zeros((1, 100, 100, 3), np.int32))
    assert caught.value.code == "tfjs_input_shape"
    assert "[1, 192, 192, 3]" in caught.value.message
    with pytest.raises(BadInput) as caught:
        model(image=np.zeros((1, 192, 192, 3), np.int32))
    assert caught.value.code == "tfjs_unknown_input"
    with pytest.raises(BadInput) as caught:
        model()
    assert caught.value.code == "tfjs_missing_input"
    with pytest.raises(BadInput) as caught:
        model(np.full((1, 192, 192, 3), "pixel"))
    assert caught.value.code == "tfjs_input_dtype"
    # the signature's tensor name is accepted as well as the short name
    out = model(**{"input:0": np.zeros((1, 192, 192, 3), np.int32)})
    assert out["Identity"].shape == (1, 1, 17, 3)


# --- fused ops: every TF.js fusion rewritten into plain TF ops -------------------------


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _shape(dims) -> dict:
    return {"dim": [{"size": str(d)} for d in dims]}


def _placeholder(name: str, dims) -> dict:
    attr = {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": _shape(dims)}}
    return {"name": name, "op": "Placeholder", "attr": attr}


def _const(name: str, value: np.ndarray) -> dict:
    tensor = {"dtype": "DT_FLOAT", "tensorShape": _shape(value.shape)}
    return {
        "name": name,
        "op": "Const",
        "attr": {"dtype": {"type": "DT_FLOAT"}, "value": {"tensor": tensor}},
    }


def _write_graph(folder: Path, nodes: list, weights: dict, signature: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = write_weights(list(weights.items()), folder)
    model = {"format": "graph-model", "modelTopology": {"node": nodes}, "weightsManifest": manifest}
    if signature:
        model["signature"] = signature
    (folder / "model.json").write_text(json.dumps(model))
    return folder


ACTIVATIONS = {
    "Relu": tf.nn.relu,
    "Relu6": tf.nn.relu6,
    "Elu": tf.nn.elu,
    "Sigmoid": tf.sigmoid,
    "Tanh": tf.tanh,
    "LeakyRelu": lambda v: tf.nn.leaky_relu(v, alpha=0.3),
}


def _fused_case(op: str, fused: list[str]) -> tuple[list, dict, np.ndarray, np.ndarray]:
    """Nodes, weights, an input and the expected output for one fused op."""
    alpha = RNG.uniform(0.1, 0.5, size=(4,)).astype(np.float32)
    bias = RNG.normal(size=(4,)).astype(np.float32)
    if op == "_FusedMatMul":
        x = RNG.normal(size=(3, 5)).astype(np.float32)
        kernel = RNG.normal(size=(5, 4)).astype(np.float32)
        linear = tf.matmul(x, kernel)
        attrs = {"transpose_a": {"b": False}, "transpose_b": {"b": False}}
    else:
        x = RNG.normal(size=(1, 6, 6, 2)).astype(np.float32)
        depthwise = op == "FusedDepthwiseConv2dNative"
        kernel = RNG.normal(size=(3, 3, 2, 2 if depthwise else 4)).astype(np.float32)
        if depthwise:
            linear = tf.nn.depthwise_conv2d(x, kernel, [1, 1, 1, 1], "SAME")
        else:
            linear = tf.nn.conv2d(x, kernel, 1, "SAME")
        ones = {"list": {"i": ["1", "1", "1", "1"]}}
        attrs = {"strides": ones, "dilations": ones, "padding": {"s": _b64("SAME")}}
        attrs["data_format"] = {"s": _b64("NHWC")}
    weights = {"kernel": kernel, "bias": bias}
    inputs = ["x", "kernel", "bias"]
    expected = tf.nn.bias_add(linear, bias)
    if fused[-1] == "Prelu":
        inputs.append("alpha")
        weights["alpha"] = alpha
        expected = tf.nn.relu(expected) - alpha * tf.nn.relu(-expected)
    elif len(fused) > 1:
        expected = ACTIVATIONS[fused[-1]](expected)
    attrs |= {
        "T": {"type": "DT_FLOAT"},
        "fused_ops": {"list": {"s": [_b64(f) for f in fused]}},
        "num_args": {"i": str(len(inputs) - 2)},
        "leakyrelu_alpha": {"f": 0.3},
        "epsilon": {"f": 0},
    }
    nodes = [_placeholder("x", x.shape)] + [_const(n, v) for n, v in weights.items()]
    nodes.append({"name": "fused", "op": op, "input": inputs, "attr": attrs})
    nodes.append(
        {"name": "out", "op": "Identity", "input": ["fused"], "attr": {"T": {"type": "DT_FLOAT"}}}
    )
    return nodes, weights, x, expected.numpy()


FUSIONS = [
    ("_FusedConv2D", ["BiasAdd"]),
    ("_FusedConv2D", ["BiasAdd", "Relu"]),
    ("_FusedConv2D", ["BiasAdd", "Relu6"]),
    ("_FusedConv2D", ["BiasAdd", "LeakyRelu"]),
    ("_FusedConv2D", ["BiasAdd", "Prelu"]),
    ("_FusedConv2D", ["BiasAdd", "Elu"]),
    ("FusedDepthwiseConv2dNative", ["BiasAdd", "Relu6"]),
    ("FusedDepthwiseConv2dNative", ["BiasAdd", "Sigmoid"]),
    ("_FusedMatMul", ["BiasAdd", "Tanh"]),
    ("_FusedMatMul", ["BiasAdd", "Prelu"]),
    ("_FusedMatMul", ["BiasAdd"]),
]


@pytest.mark.parametrize(("op", "fused"), FUSIONS)
def test_fused_ops_are_rewritten_exactly(tmp_path, op, fused) -> None:
    nodes, weights, x, expected = _fused_case(op, fused)
    model = load_graph_model(_write_graph(tmp_path, nodes, weights))
    assert [i.name for i in model.inputs] == ["x"]
    assert [o.name for o in model.outputs] == ["out"]  # found without a signature
    np.testing.assert_allclose(model(x)["out"], expected, rtol=1e-5, atol=1e-5)
    assert model.op_histogram()[op] == 1


def test_known_export_quirks_are_repaired(tmp_path) -> None:
    """Padding written as character codes and dilations [2, 2, 1, 1] meaning [1, 2, 2, 1]."""
    nodes, weights, x, _ = _fused_case("_FusedConv2D", ["BiasAdd", "Relu"])
    conv = nodes[-2]
    conv["attr"]["padding"] = {"s": list(b"VALID")}
    conv["attr"]["dilations"] = {"list": {"i": ["2", "2", "1", "1"]}}
    model = load_graph_model(_write_graph(tmp_path, nodes, weights))
    expected = tf.nn.relu(
        tf.nn.conv2d(x, weights["kernel"], 1, "VALID", dilations=2) + weights["bias"]
    )
    assert model.outputs[0].shape == (1, 2, 2, 4)
    np.testing.assert_allclose(model(x)["out"], expected.numpy(), rtol=1e-5, atol=1e-5)


def test_standalone_prelu(tmp_path) -> None:
    x = RNG.normal(size=(2, 4)).astype(np.float32)
    alpha = np.float32([0.1, 0.2, 0.3, 0.4])
    nodes = [_placeholder("x", x.shape), _const("alpha", alpha)]
    nodes.append(
        {"name": "p", "op": "Prelu", "input": ["x", "alpha"], "attr": {"T": {"type": "DT_FLOAT"}}}
    )
    model = load_graph_model(_write_graph(tmp_path, nodes, {"alpha": alpha}))
    np.testing.assert_allclose(model(x)["p"], np.where(x > 0, x, alpha * x), atol=1e-6)


def test_unsplittable_fusion_is_named(tmp_path) -> None:
    nodes, weights, _, _ = _fused_case("_FusedConv2D", ["BiasAdd", "Relu"])
    nodes[-2]["attr"]["fused_ops"] = {"list": {"s": [_b64("BiasAdd"), _b64("Swish")]}}
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(_write_graph(tmp_path, nodes, weights))
    assert caught.value.code == "tfjs_unknown_op"
    assert "Swish" in caught.value.message


# --- round trips through save_graph_model ---------------------------------------------


def _keras_model() -> keras.Model:
    keras.utils.set_random_seed(3)
    inputs = keras.Input((8, 8, 1), name="pixels")
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(16, activation="relu")(x)
    outputs = keras.layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)


@pytest.fixture(scope="module")
def keras_model() -> keras.Model:
    return _keras_model()


# Tolerances on the softmax outputs (values in 0..1) of the small Keras model: float16
# weights keep ~3 significant digits, uint8 weights are within scale/2 (range/510).
QUANTIZED = [
    (None, 1e-6, 1.0),
    ("float16", 2e-3, 0.5),
    ("uint16", 1e-3, 0.5),
    ("uint8", 3e-2, 0.25),
]


@pytest.mark.parametrize(("quantize", "atol", "size_ratio"), QUANTIZED)
def test_keras_round_trip(tmp_path, keras_model, quantize, atol, size_ratio) -> None:
    path = save_graph_model(keras_model, tmp_path / "k", quantize=quantize)
    written = json.loads(path.read_text())
    assert written["format"] == "graph-model"
    assert written["convertedBy"] == "Tensor Playground"
    assert written["generatedBy"].startswith("TensorFlow ")
    assert list(written["signature"]["inputs"]) == ["pixels"]
    for node in written["modelTopology"]["node"]:
        if node["op"] == "Const":  # values live in the shards, as the converter writes them
            assert "tensorContent" not in node["attr"]["value"]["tensor"]
    model = load_graph_model(path)  # the model.json path works as well as its folder
    assert model.inputs[0].name == "pixels" and model.inputs[0].shape == (None, 8, 8, 1)
    assert model.outputs[0].shape == (None, 3)
    assert model.parameter_count == keras_model.count_params()
    x = RNG.normal(size=(5, 8, 8, 1)).astype(np.float32)
    got = model(x)[model.outputs[0].name]
    expected = keras_model(x).numpy()
    np.testing.assert_allclose(got, expected, atol=atol)
    shard_bytes = model.manifest_summary()["total_bytes"]
    int_constants = 64  # Flatten's target shape and the like, stored as int32
    assert shard_bytes <= keras_model.count_params() * 4 * size_ratio + int_constants
    if quantize:
        assert not np.array_equal(got, expected)


def test_shards_respect_the_cap(tmp_path, keras_model) -> None:
    save_graph_model(keras_model, tmp_path, shard_bytes=1000)
    summary = load_graph_model(tmp_path).manifest_summary()
    sizes = [s["bytes"] for s in summary["shards"]]
    assert len(sizes) > 1 and max(sizes) <= 1000
    assert [s["path"] for s in summary["shards"]][0] == f"group1-shard1of{len(sizes)}.bin"


def _toxicity_like() -> tf.types.experimental.PolymorphicFunction:
    """A stand-in with the real toxicity model's input names and label-prefixed outputs."""
    embedding = tf.constant(RNG.normal(size=(40, 6)).astype(np.float32))
    heads = {
        label: tf.Variable(RNG.normal(size=(6, 2)).astype(np.float32))
        for label in ("toxicity", "insult", "obscene")
    }

    @tf.function(
        input_signature=[
            tf.TensorSpec([None, 2], tf.int32, name="Placeholder_1"),
            tf.TensorSpec([None], tf.int32, name="Placeholder"),
        ]
    )
    def toxicity(indices: tf.Tensor, values: tf.Tensor) -> dict:
        # The mean word embedding of each sentence (row of `indices`), as USE lite pools.
        pooled = tf.sparse.segment_mean(embedding, values, indices[:, 0])
        return {
            f"{label}/concat_2": tf.nn.softmax(tf.matmul(pooled, kernel))
            for label, kernel in heads.items()
        }

    return toxicity


def test_named_inputs_and_dict_outputs_round_trip(tmp_path) -> None:
    fn = _toxicity_like()
    save_graph_model(fn, tmp_path)
    model = load_graph_model(tmp_path)
    assert [(i.name, i.dtype, i.shape) for i in model.inputs] == [
        ("Placeholder_1", "int32", (None, 2)),
        ("Placeholder", "int32", (None,)),
    ]
    # The dict's own order, not tf.nest's sorted order.
    assert [o.name for o in model.outputs] == [
        "toxicity/concat_2",
        "insult/concat_2",
        "obscene/concat_2",
    ]
    indices = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]], np.int32)
    values = np.array([3, 9, 1, 30, 7], np.int32)
    expected = {k: v.numpy() for k, v in fn(indices, values).items()}
    positional = model(indices, values)
    named = model(Placeholder=values, Placeholder_1=indices)
    for name in expected:
        np.testing.assert_allclose(positional[name], expected[name], atol=1e-6)
        np.testing.assert_allclose(named[name], expected[name], atol=1e-6)
    assert positional["toxicity/concat_2"].shape == (2, 2)


def test_values_the_graph_rejects_are_bad_input(tmp_path) -> None:
    save_graph_model(_toxicity_like(), tmp_path)
    model = load_graph_model(tmp_path)
    too_big = np.array([3, 40_000], np.int32)  # the embedding table has 40 rows
    with pytest.raises(BadInput) as caught:
        model(np.array([[0, 0], [0, 1]], np.int32), too_big)
    assert caught.value.code == "tfjs_run_failed"
    assert "40000" in caught.value.params["detail"], caught.value.params["detail"]
    ok = model(np.array([[0, 0]], np.int32), np.array([3], np.int32))  # still usable
    assert ok["toxicity/concat_2"].shape == (1, 2)


def test_ops_tfjs_lacks_are_refused_unless_asked(tmp_path) -> None:
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32, name="x")])
    def segment_mean(x: tf.Tensor) -> tf.Tensor:
        return tf.math.segment_mean(x, tf.range(tf.shape(x)[0]) // 2)  # SegmentMean: not in TF.js

    with pytest.raises(ModelFormatError) as caught:
        save_graph_model(segment_mean, tmp_path / "refused")
    assert caught.value.code == "tfjs_ops_unsupported"
    assert caught.value.params["ops"] == "SegmentMean"
    assert not (tmp_path / "refused" / "model.json").exists()
    save_graph_model(segment_mean, tmp_path / "python-only", skip_op_check=True)
    model = load_graph_model(tmp_path / "python-only")
    np.testing.assert_allclose(model(np.float32([1, 3, 10, 20, 7]))["Identity"], [2, 15, 7])


def test_output_names_that_clash_with_graph_nodes(tmp_path) -> None:
    """Keys equal to names the trace already used ("Identity", "add") still work."""

    @tf.function(input_signature=[tf.TensorSpec([2], tf.float32, name="x")])
    def clash(x: tf.Tensor) -> dict:
        total = tf.add(x, 1.0, name="add")
        return {"add": total * 2.0, "Identity": total}

    save_graph_model(clash, tmp_path)
    model = load_graph_model(tmp_path)
    assert [o.name for o in model.outputs] == ["add", "Identity"]
    out = model(np.float32([1, 2]))
    np.testing.assert_allclose(out["add"], [4, 6])
    np.testing.assert_allclose(out["Identity"], [2, 3])

    @tf.function(input_signature=[tf.TensorSpec([2], tf.float32, name="x")])
    def echo(x: tf.Tensor) -> dict:
        return {"x": -x}

    with pytest.raises(ValueError, match="input names"):
        save_graph_model(echo, tmp_path / "echo")


def test_tuple_outputs_keep_the_graphs_names(tmp_path) -> None:
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
    def two(x: tf.Tensor) -> tuple:
        return x * 2.0, tf.reduce_sum(x, axis=1)

    save_graph_model(two, tmp_path)
    model = load_graph_model(tmp_path)
    x = RNG.normal(size=(4, 3)).astype(np.float32)
    names = [o.name for o in model.outputs]
    assert len(set(names)) == 2
    out = model(x)
    np.testing.assert_allclose(out[names[0]], x * 2, atol=1e-6)
    np.testing.assert_allclose(out[names[1]], x.sum(axis=1), atol=1e-6)
    assert model.outputs[1].shape == (None,)


# --- broken files ----------------------------------------------------------------------


@pytest.fixture
def movenet_copy(shared, tmp_path) -> Path:
    """A scratch copy of MoveNet Lightning to break (in a temp folder, never the repo)."""
    folder = tmp_path / "movenet"
    shutil.copytree(shared / "models" / LIGHTNING, folder)
    for file in folder.iterdir():
        file.chmod(0o644)
    return folder


def test_malformed_json_names_the_file(movenet_copy) -> None:
    path = movenet_copy / "model.json"
    path.write_text(path.read_text()[:5000])
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(movenet_copy)
    assert caught.value.code == "tfjs_bad_json"
    assert str(path) in caught.value.message


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (
            {"format": "layers-model", "modelTopology": {"class_name": "Sequential"}},
            "tfjs_not_graph",
        ),
        ({"hello": "world"}, "tfjs_not_graph"),
        ([1, 2, 3], "tfjs_bad_json"),
        (
            {"modelTopology": {"node": [{"name": "x", "op": ["Placeholder"], "attr": {}}]}},
            "tfjs_bad_topology",
        ),
    ],
)
def test_json_that_is_no_graph_model(tmp_path, content, code) -> None:
    (tmp_path / "model.json").write_text(json.dumps(content))
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(tmp_path)
    assert caught.value.code == code
    assert "model.json" in caught.value.params["file"]


def test_missing_shard(movenet_copy) -> None:
    (movenet_copy / "movenet-lightning.bin").unlink()
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(movenet_copy)
    assert caught.value.code == "tfjs_missing_shard"
    assert "movenet-lightning.bin" in caught.value.message


def test_short_shard(movenet_copy) -> None:
    shard = movenet_copy / "movenet-lightning.bin"
    shard.write_bytes(shard.read_bytes()[:-1000])
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(movenet_copy)
    assert caught.value.code == "tfjs_short_shard"
    assert "movenet-lightning.bin" in caught.value.message
    assert caught.value.params["expected"] - caught.value.params["actual"] == 1000


def test_unknown_op_is_named(movenet_copy) -> None:
    path = movenet_copy / "model.json"
    model = json.loads(path.read_text())
    node = next(n for n in model["modelTopology"]["node"] if n["op"] == "Sigmoid")
    node["op"] = "MagicSigmoid"
    path.write_text(json.dumps(model))
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(movenet_copy)
    assert caught.value.code == "tfjs_unknown_op"
    assert caught.value.params["op"] == "MagicSigmoid"
    assert "MagicSigmoid" in caught.value.message


def test_dangling_input_is_a_format_error(movenet_copy) -> None:
    path = movenet_copy / "model.json"
    model = json.loads(path.read_text())
    node = next(n for n in model["modelTopology"]["node"] if n["op"] == "Sigmoid")
    node["input"] = ["no/such/node"]
    path.write_text(json.dumps(model))
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(movenet_copy)
    assert caught.value.code == "tfjs_bad_graph"


def test_const_without_weight_is_named(movenet_copy) -> None:
    path = movenet_copy / "model.json"
    model = json.loads(path.read_text())
    entries = model["weightsManifest"][0]["weights"]
    removed = entries.pop()  # the last weight: the shard then holds extra bytes → trim them
    shard = movenet_copy / "movenet-lightning.bin"
    size = int(np.prod(removed["shape"])) * (2 if "quantization" in removed else 4)
    shard.write_bytes(shard.read_bytes()[:-size])
    path.write_text(json.dumps(model))
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(movenet_copy)
    assert caught.value.code == "tfjs_missing_weight"
    assert caught.value.params["weight"] == removed["name"]


# --- control flow --------------------------------------------------------------------------


@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
def _branchy(x: tf.Tensor) -> tf.Tensor:
    """tf.cond and tf.while_loop around constants: StatelessIf / StatelessWhile with bodies."""
    kernel = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    y = tf.cond(
        tf.reduce_sum(x) > 0,
        lambda: tf.matmul(x, kernel) + tf.constant([1.0, 2.0]),
        lambda: tf.matmul(x, kernel) * 3.0,
    )
    _, y = tf.while_loop(lambda i, _: i < 3, lambda i, acc: (i + 1, acc * 1.5), [0, y])
    return y


def test_control_flow_round_trip(tmp_path) -> None:
    save_graph_model(_branchy, tmp_path)
    model = load_graph_model(tmp_path)
    ops = model.op_histogram()
    # Kept as functional If / While with bodies (as the converter does), their Consts sharded.
    assert ops["StatelessIf"] == 1 and ops["StatelessWhile"] == 1
    assert "Switch" not in ops and "MatMul" in ops  # MatMul lives in the branch bodies
    written = json.loads((tmp_path / "model.json").read_text())
    weight_names = [w["name"] for w in written["weightsManifest"][0]["weights"]]
    functions = {f["signature"]["name"] for f in written["modelTopology"]["library"]["function"]}
    assert any(name.split("/")[0] in functions for name in weight_names)
    for sign in (1.0, -1.0):
        x = sign * np.abs(RNG.normal(size=(2, 3))).astype(np.float32)
        np.testing.assert_allclose(model(x)["Identity"], _branchy(x).numpy(), rtol=1e-6)


def _as_converter_writes(graph: tf.compat.v1.GraphDef) -> list[tuple[str, np.ndarray]]:
    """Strip every Const value into a weights list, as tensorflowjs_converter does: Consts in
    function bodies are renamed `<function>/<node>` (its rename_constants) first."""
    weights = []

    def take(node) -> None:
        weights.append((node.name, tf.make_ndarray(node.attr["value"].tensor)))
        node.attr["value"].tensor.ClearField("tensor_content")
        for field in ("float_val", "int_val"):
            node.attr["value"].tensor.ClearField(field)

    for node in graph.node:
        if node.op == "Const":
            take(node)
    for function in graph.library.function:
        prefix = function.signature.name
        consts = {n.name for n in function.node_def if n.op == "Const"}
        for node in function.node_def:
            for index, ref in enumerate(node.input):
                base, sep, rest = ref.partition(":")
                if base in consts:
                    node.input[index] = f"{prefix}/{base}{sep}{rest}"
            if node.name in consts:
                node.name = f"{prefix}/{node.name}"
                take(node)
    return weights


def test_control_flow_v2_functions_get_their_weights(tmp_path) -> None:
    """StatelessIf with branch functions whose Consts live in the shards."""

    @tf.function(input_signature=[tf.TensorSpec([3], tf.float32, name="x")])
    def pick(x: tf.Tensor) -> tf.Tensor:
        return tf.cond(
            x[0] > 0, lambda: x + tf.constant([1.0, 2.0, 3.0]), lambda: x * tf.constant(-2.5)
        )

    graph = pick.get_concrete_function().graph.as_graph_def()
    weights = _as_converter_writes(graph)
    assert any("/" in name and name.startswith("cond_") for name, _ in weights)
    topology = json_format.MessageToDict(graph)
    folder = tmp_path / "v2"
    folder.mkdir()
    manifest = write_weights(weights, folder)
    signature = {
        "inputs": {"x": {"name": "x:0", "dtype": "DT_FLOAT", "tensorShape": _shape([3])}},
        "outputs": {"Identity": {"name": "Identity:0", "dtype": "DT_FLOAT"}},
    }
    model_json = {"format": "graph-model", "modelTopology": topology, "signature": signature}
    model_json["weightsManifest"] = manifest
    (folder / "model.json").write_text(json.dumps(model_json))
    model = load_graph_model(folder)
    assert model.op_histogram()["StatelessIf"] == 1
    load_graph_model(folder)  # the same function names again in this process: no clash
    assert model.outputs[0].shape == (3,)  # the free shape filled from the graph
    positive, negative = np.float32([1, 1, 1]), np.float32([-1, 2, 3])
    np.testing.assert_allclose(model(positive)["Identity"], [2, 3, 4])
    np.testing.assert_allclose(model(negative)["Identity"], [2.5, -5, -7.5])


def test_signature_without_outputs_falls_back_to_the_graph(movenet_copy) -> None:
    path = movenet_copy / "model.json"
    model = json.loads(path.read_text())
    del model["signature"]["outputs"]
    path.write_text(json.dumps(model))
    loaded = load_graph_model(movenet_copy)
    assert [(o.name, o.shape) for o in loaded.outputs] == [("Identity", (1, 1, 17, 3))]


def test_malformed_signature(movenet_copy) -> None:
    path = movenet_copy / "model.json"
    model = json.loads(path.read_text())
    model["signature"]["inputs"] = {"input:0": {"dtype": "DT_INT32"}}  # no tensor name
    path.write_text(json.dumps(model))
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(movenet_copy)
    assert caught.value.code == "tfjs_bad_signature"
    assert "signature" in caught.value.message


def test_signature_that_leaves_an_input_unfed(movenet_copy) -> None:
    """A signature naming some other tensor as the input: the real Placeholder goes unfed."""
    path = movenet_copy / "model.json"
    model = json.loads(path.read_text())
    model["signature"]["inputs"] = {"dim": {"name": "StatefulPartitionedCall/ExpandDims_2/dim:0"}}
    path.write_text(json.dumps(model))
    with pytest.raises(ModelFormatError) as caught:
        load_graph_model(movenet_copy)
    assert caught.value.code == "tfjs_bad_graph"
