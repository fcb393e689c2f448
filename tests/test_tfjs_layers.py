"""TF.js layers models: Keras 3 → model.json + shards → Keras 3, and TF.js itself loading them.

Round trips in Python must be exact (the float32 bytes are copied, not recomputed): max
difference 0. TensorFlow.js (npm @tensorflow/tfjs, pure JS CPU backend) must predict what
Keras predicts within 1e-5 (float32 kernels summed in another order). Needs
`npm install --prefix tests/tfjs`; without it the cross-check fails and says so.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import keras
import numpy as np
import pytest

from models.errors import ModelFormatError
from models.formats.tfjs_layers import load_layers_model, save_layers_model

TFJS = Path(__file__).resolve().parent / "tfjs"
TFJS_TOLERANCE = 1e-5
RNG = np.random.default_rng(3)


def _sequential() -> keras.Model:
    keras.utils.set_random_seed(1)
    return keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu", kernel_regularizer="l2"),
            keras.layers.BatchNormalization(),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(
                6,
                activation="tanh",
                kernel_initializer="he_normal",
                kernel_regularizer=keras.regularizers.L1L2(1e-4, 1e-3),
            ),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def _functional() -> keras.Model:
    keras.utils.set_random_seed(2)
    inputs = keras.Input((12, 12, 1), name="img")
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.Conv2D(4, 3, activation="relu", padding="same")(x)
    y = keras.layers.DepthwiseConv2D(3, padding="same")(x)
    x = keras.layers.Add()([x, y])
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(4, 3, strides=2)(x)
    x = keras.layers.Concatenate()(
        [keras.layers.GlobalAveragePooling2D()(x), keras.layers.Flatten()(x)]
    )
    return keras.Model(inputs, keras.layers.Dense(5, activation="softmax")(x))


def _batch(model: keras.Model, scale: float = 1.0) -> np.ndarray:
    return (RNG.random((3, *model.inputs[0].shape[1:])) * scale).astype("float32")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict:
    """Both models written once: {name: (model, folder, x)}."""
    out = {}
    for name, build, scale in (("seq", _sequential, 1.0), ("fn", _functional, 255.0)):
        model = build()
        folder = tmp_path_factory.mktemp(name)
        save_layers_model(model, folder)
        out[name] = (model, folder, _batch(model, scale))
    return out


def test_model_json_is_what_tfjs_expects(written) -> None:
    for name, (_, folder, _) in written.items():
        document = json.loads((folder / "model.json").read_text())
        assert document["format"] == "layers-model"
        assert document["generatedBy"].startswith("keras v")
        assert document["convertedBy"]
        config = document["modelTopology"]["model_config"]
        assert config["class_name"] == ("Sequential" if name == "seq" else "Model")
        text = json.dumps(config)
        assert "Functional" not in text and "DTypePolicy" not in text
        assert '"module"' not in text and "batch_shape" not in text.replace("batch_input_shape", "")
        first = config["config"]["layers"][0]
        assert first["class_name"] == "InputLayer" and "batch_input_shape" in first["config"]
    seq_text = json.dumps(json.loads((written["seq"][1] / "model.json").read_text()))
    assert '"class_name": "L1L2"' in seq_text
    fn = json.loads((written["fn"][1] / "model.json").read_text())
    names = {w["name"] for w in fn["weightsManifest"][0]["weights"]}
    # TF.js's (Keras 2) weight name; the layer's own name carries Keras's per-process suffix.
    assert any(re.fullmatch(r"depthwise_conv2d(_\d+)?/depthwise_kernel", n) for n in names), names
    add = next(
        la
        for la in fn["modelTopology"]["model_config"]["config"]["layers"]
        if la["class_name"] == "Add"
    )
    assert len(add["inbound_nodes"][0]) == 2 and add["inbound_nodes"][0][0][1:3] == [0, 0]


def test_round_trip_predicts_exactly_the_same(written) -> None:
    for model, folder, x in written.values():
        back = load_layers_model(folder)
        assert type(back) is type(model) or isinstance(back, keras.Model)
        assert back.count_params() == model.count_params()
        np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))


def test_shards_are_at_most_the_limit(tmp_path) -> None:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(512), keras.layers.Dense(10)])
    save_layers_model(model, tmp_path, shard_bytes=40_000)
    manifest = json.loads((tmp_path / "model.json").read_text())["weightsManifest"]
    paths = manifest[0]["paths"]
    assert len(paths) == -(-(model.count_params() * 4) // 40_000) and len(paths) > 1
    assert all((tmp_path / p).stat().st_size <= 40_000 for p in paths)
    x = RNG.random((2, 64)).astype("float32")
    np.testing.assert_array_equal(
        load_layers_model(tmp_path).predict(x, verbose=0), model.predict(x, verbose=0)
    )


def _tfjs_predict(folder: Path, x: np.ndarray, scratch: Path) -> dict:
    if not (TFJS / "node_modules" / "@tensorflow" / "tfjs").is_dir():
        pytest.fail("TensorFlow.js is not installed: run `npm install --prefix tests/tfjs`")
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`) is not on PATH; install Node 18+ to run the TF.js checks")
    feeds = scratch / "inputs.json"
    feeds.write_text(
        json.dumps([{"dtype": "float32", "shape": list(x.shape), "data": x.ravel().tolist()}])
    )
    done = subprocess.run(
        [node, str(TFJS / "check_layers.js"), str(folder), str(feeds)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_tensorflow_js_loads_them_and_predicts_like_keras(written, tmp_path) -> None:
    for name, (model, folder, x) in written.items():
        report = _tfjs_predict(folder, x, tmp_path)
        assert report["className"] == ("Sequential" if name == "seq" else "Model")
        out = report["outputs"][0]
        theirs = np.array(out["data"], dtype=np.float32).reshape(out["shape"])
        ours = model.predict(x, verbose=0)
        assert theirs.shape == ours.shape
        assert np.abs(theirs - ours).max() <= TFJS_TOLERANCE


def test_float16_quantized_layers_model_loads_in_tfjs(tmp_path) -> None:
    model = _sequential()
    save_layers_model(model, tmp_path / "m", quantize="float16")
    x = _batch(model)
    report = _tfjs_predict(tmp_path / "m", x, tmp_path)
    theirs = np.array(report["outputs"][0]["data"]).reshape(report["outputs"][0]["shape"])
    ours = load_layers_model(tmp_path / "m").predict(x, verbose=0)
    assert np.abs(theirs - ours).max() <= TFJS_TOLERANCE  # both read the same float16 bytes
    assert np.abs(ours - model.predict(x, verbose=0)).max() < 1e-2


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    return target


def test_missing_and_wrong_size_shards_are_named(written, tmp_path) -> None:
    folder = _copy(written["seq"][1], tmp_path)
    shard = folder / "group1-shard1of1.bin"
    data = shard.read_bytes()
    shard.write_bytes(data[:-8])
    with pytest.raises(ModelFormatError) as short:
        load_layers_model(folder)
    assert short.value.code == "tfjs_short_shard" and "group1-shard1of1.bin" in short.value.message
    shard.unlink()
    with pytest.raises(ModelFormatError) as missing:
        load_layers_model(folder)
    assert missing.value.code == "tfjs_missing_shard"


def test_a_model_json_that_is_no_model(tmp_path) -> None:
    for text, code in (
        ('{"hello": "world"}', "tfjs_layers_not_a_model"),
        ("[1, 2]", "tfjs_layers_not_a_model"),
        ("not json", "tfjs_layers_bad_json"),
        ('{"format": "graph-model", "modelTopology": {"node": []}}', "tfjs_layers_not_layers"),
    ):
        (tmp_path / "model.json").write_text(text)
        with pytest.raises(ModelFormatError) as error:
            load_layers_model(tmp_path)
        assert error.value.code == code, text


def test_lambda_and_unknown_layers_are_refused(written, tmp_path) -> None:
    folder = _copy(written["seq"][1], tmp_path)
    document = json.loads((folder / "model.json").read_text())
    layers = document["modelTopology"]["model_config"]["config"]["layers"]
    for class_name, code in (
        ("Lambda", "tfjs_layers_lambda"),
        ("EvilLayer", "tfjs_layers_unknown_layer"),
    ):
        layers[1] = {"class_name": class_name, "config": {"name": "x", "function": "print"}}
        (folder / "model.json").write_text(json.dumps(document))
        with pytest.raises(ModelFormatError) as error:
            load_layers_model(folder)
        assert error.value.code == code


def test_reads_a_layers_model_that_tensorflow_js_wrote(tmp_path) -> None:
    """TF.js's own topology (first layer with batch_input_shape, no InputLayer; its own
    layer names and initializers) and weights: Keras must predict what TF.js predicted."""
    if not (TFJS / "node_modules" / "@tensorflow" / "tfjs").is_dir():
        pytest.fail("TensorFlow.js is not installed: run `npm install --prefix tests/tfjs`")
    x = RNG.random((2, 8, 8, 2)).astype("float32")
    feeds = tmp_path / "x.json"
    feeds.write_text(
        json.dumps({"dtype": "float32", "shape": [2, 8, 8, 2], "data": x.ravel().tolist()})
    )
    done = subprocess.run(
        [
            shutil.which("node") or "node",
            str(TFJS / "check_layers_save.js"),
            str(tmp_path / "m"),
            str(feeds),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])["outputs"][0]
    theirs = np.array(out["data"], dtype=np.float32).reshape(out["shape"])
    document = json.loads((tmp_path / "m" / "model.json").read_text())
    assert document["modelTopology"]["class_name"] == "Sequential"  # no model_config wrapper
    model = load_layers_model(tmp_path / "m")
    assert [type(la).__name__ for la in model.layers][:2] == ["Conv2D", "BatchNormalization"]
    assert np.abs(model.predict(x, verbose=0) - theirs).max() <= TFJS_TOLERANCE


def test_every_training_lab_initializer_is_written_as_tfjs_reads_it(tmp_path) -> None:
    """A Training-lab model exported with any of the deck's initializers loads in TF.js: one
    Dense layer per initializer, each kernel's initializer config in the model.json."""
    from models.training.initializers import INITIALIZERS

    keras.utils.set_random_seed(5)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            *(
                keras.layers.Dense(4, activation="tanh", kernel_initializer=spec.keras)
                for spec in INITIALIZERS.values()
            ),
        ]
    )
    save_layers_model(model, tmp_path / "m")
    x = _batch(model)
    report = _tfjs_predict(tmp_path / "m", x, tmp_path)
    out = report["outputs"][0]
    theirs = np.array(out["data"], dtype=np.float32).reshape(out["shape"])
    assert np.abs(theirs - model.predict(x, verbose=0)).max() <= TFJS_TOLERANCE
    text = (tmp_path / "m" / "model.json").read_text()
    assert '"LeCunNormal"' in text and '"LecunNormal"' not in text  # as TF.js spells it
    back = load_layers_model(tmp_path / "m")  # and read back as Keras spells it
    np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_training_lab_model_with_skip_connections_loads_in_tfjs(tmp_path) -> None:
    """The lab's functional model (Add layers, MaxNorm, L1L2) as exported from Model formats:
    TF.js builds it as a Model and predicts what Keras predicts."""
    from models.training import presets
    from models.training.build import build_layers
    from models.training.config import LayerSpec, with_changes

    keras.utils.set_random_seed(6)
    config = with_changes(
        presets.preset("blobs").config,
        residual=True,
        max_norm=2.0,
        l2=0.001,
        layers=(LayerSpec("dense", 8, "relu"), LayerSpec("dense", 8, "elu"), LayerSpec("dense", 3)),
    )
    model = build_layers(config, (2,))
    save_layers_model(model, tmp_path / "m")
    x = _batch(model, 3.0)
    report = _tfjs_predict(tmp_path / "m", x, tmp_path)
    assert report["className"] == "Model"
    out = report["outputs"][0]
    theirs = np.array(out["data"], dtype=np.float32).reshape(out["shape"])
    assert np.abs(theirs - model.predict(x, verbose=0)).max() <= TFJS_TOLERANCE
    back = load_layers_model(tmp_path / "m")
    np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("residual", [False, True])
def test_augmentation_layers_are_left_out_of_the_tfjs_model(residual, tmp_path) -> None:
    """TF.js 4.x has no RandomFlip, RandomRotation or RandomZoom: the written model has none,
    its first real layer reads the input, and TF.js predicts what Keras predicts at inference
    (where those layers change nothing), Sequential or functional alike."""
    from models.training import presets
    from models.training.build import build_layers
    from models.training.config import LayerSpec, with_changes

    keras.utils.set_random_seed(7)
    layers = (
        LayerSpec("randomflip"),
        LayerSpec("randomrotation", rate=0.1),
        LayerSpec("randomzoom", rate=0.2),
        LayerSpec("conv2d", 4, "relu", size=3),
        LayerSpec("maxpool", size=2),
        LayerSpec("flatten"),
        LayerSpec("dense", 16, "relu"),
        LayerSpec("dense", 16, "relu"),
        LayerSpec("dense", 10, "softmax"),
    )
    config = with_changes(presets.preset("mnist-cnn").config, layers=layers, residual=residual)
    model = build_layers(config, (28, 28, 1))
    save_layers_model(model, tmp_path / "m")
    text = (tmp_path / "m" / "model.json").read_text()
    assert "Random" not in text and ('"Add"' in text) == residual
    x = _batch(model)
    report = _tfjs_predict(tmp_path / "m", x, tmp_path)
    out = report["outputs"][0]
    theirs = np.array(out["data"], dtype=np.float32).reshape(out["shape"])
    assert np.abs(theirs - model.predict(x, verbose=0)).max() <= TFJS_TOLERANCE
