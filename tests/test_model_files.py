"""Opening model files safely (uploads and paths) and the `convert` / `run` / `info` commands."""

import json
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from models.errors import BadInput, ModelFormatError
from models.formats.model_files import (
    MAX_FILE_BYTES,
    example_input,
    open_upload,
    run_model,
    signature,
)
from models.formats.runtime import TensorInfo
from models.formats.tfjs_layers import save_layers_model

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict:
    keras.utils.set_random_seed(4)
    model = keras.Sequential(
        [
            keras.Input((3,), name="x"),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(2),
        ]
    )
    folder = tmp_path_factory.mktemp("small")
    model.save(folder / "small.keras")
    save_layers_model(model, folder / "layers")
    return {"model": model, "folder": folder}


def _files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]


def test_upload_of_each_format_opens_in_a_temp_dir(small) -> None:
    x = np.ones((1, 3), "float32")
    expected = np.asarray(small["model"](x))
    layers = open_upload(_files(small["folder"] / "layers"))
    assert layers.format == "tfjs-layers" and layers.folder != small["folder"] / "layers"
    assert "playground-upload-" in str(layers.folder)
    np.testing.assert_array_equal(run_model(layers.model, [x])[0]["values"], expected)
    keras_file = open_upload([("small.keras", (small["folder"] / "small.keras").read_bytes())])
    assert keras_file.format == "keras"
    np.testing.assert_allclose(run_model(keras_file.model, [x])[0]["values"], expected, atol=1e-6)
    tflite = open_upload(
        [
            (
                "m.tflite",
                (
                    ROOT.parent / "shared/models/mobilenet-v1-0.25-128-quant-tflite/model.tflite"
                ).read_bytes(),
            )
        ]
    )
    inputs, outputs = signature(tflite.model)
    assert inputs[0].shape == (1, 128, 128, 3) and outputs[0].shape == (1, 1001)


def test_upload_names_are_reduced_and_checked(small) -> None:
    data = _files(small["folder"] / "layers")
    renamed = [("../../etc/" + name, blob) for name, blob in data]
    opened = open_upload(renamed)  # path parts dropped: written inside the temp dir only
    assert sorted(opened.files) == sorted(name for name, _ in data)
    for bad in ([("evil.py", b"print(1)")], [("model.pkl", b"x")], []):
        with pytest.raises(BadInput):
            open_upload(bad)
    with pytest.raises(BadInput) as mixed:  # a TF.js folder and a .keras file at once
        open_upload([*data, ("small.keras", (small["folder"] / "small.keras").read_bytes())])
    assert mixed.value.code == "formats_which_files"
    with pytest.raises(BadInput) as big:
        open_upload([("huge.tflite", b"\0" * (MAX_FILE_BYTES + 1))])
    assert big.value.code == "formats_file_too_big"


def test_missing_shard_and_garbage_tflite(small) -> None:
    only_json = [f for f in _files(small["folder"] / "layers") if f[0].endswith(".json")]
    with pytest.raises(ModelFormatError) as missing:
        open_upload(only_json)
    assert missing.value.code == "tfjs_missing_shard"
    with pytest.raises(ModelFormatError) as garbage:
        open_upload([("m.tflite", b"not a flatbuffer" * 10)])
    assert garbage.value.code == "bad_tflite"
    with pytest.raises(ModelFormatError) as no_model:
        open_upload([("model.json", b'{"weightsManifest": []}')])
    assert no_model.value.code == "formats_not_a_model"


def test_a_keras_file_with_a_lambda_layer_is_refused(tmp_path) -> None:
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Lambda(lambda v: v * 2), keras.layers.Dense(1)]
    )
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(ModelFormatError) as error:
        open_upload([("lambda.keras", (tmp_path / "lambda.keras").read_bytes())])
    assert error.value.code == "formats_lambda_refused" and "Lambda" in error.value.message
    with pytest.raises(ModelFormatError) as not_zip:
        open_upload([("fake.keras", b"PK but not really")])
    assert not_zip.value.code == "formats_bad_keras"


def test_example_inputs_follow_the_signature() -> None:
    info = TensorInfo("input", "int32", (1, 192, 192, 3))
    zeros = example_input(info, "zeros")
    assert zeros.shape == (1, 192, 192, 3) and zeros.dtype == np.int32 and not zeros.any()
    rand = example_input(TensorInfo("x", "uint8", (None, 4)), "random")
    assert rand.shape == (1, 4) and rand.dtype == np.uint8
    assert example_input(TensorInfo("x", "float32", (2,)), "random").max() < 1


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "models", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_convert_run_and_info_commands(small, tmp_path) -> None:
    x = np.full((1, 3), 0.5, "float32")
    np.save(tmp_path / "x.npy", x)
    done = _cli(
        "convert",
        str(small["folder"] / "small.keras"),
        "--to",
        "tfjs-layers",
        "--out",
        str(tmp_path / "out"),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.splitlines()[-1])
    assert record["to"] == "tfjs-layers" and "model.json" in record["files"]
    done = _cli("run", str(tmp_path / "out"), "--input", str(tmp_path / "x.npy"), "--json")
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout.splitlines()[-1])["outputs"][0]
    assert output["shape"] == [1, 2] and output["dtype"] == "float32"
    np.testing.assert_allclose(output["values"], np.asarray(small["model"](x)), atol=1e-6)
    done = _cli("info", str(tmp_path / "out"), "--json")
    info = json.loads(done.stdout.splitlines()[-1])
    assert info["format"] == "tfjs-layers" and info["parameters"] == small["model"].count_params()
    np.save(tmp_path / "z.npy", np.zeros((1, 192, 192, 3), np.int32))
    done = _cli("run", "movenet-singlepose-lightning", "--input", str(tmp_path / "z.npy"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["outputs"][0]["shape"] == [1, 1, 17, 3]


def test_commands_reject_bad_input(small, tmp_path) -> None:
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    done = _cli("run", str(small["folder"] / "small.keras"), "--input", str(tmp_path / "obj.npy"))
    assert done.returncode == 2 and "npy" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "model.json").write_text('{"hello": 1}')
    done = _cli("convert", str(tmp_path / "bad"), "--to", "tflite", "--out", str(tmp_path / "o"))
    assert done.returncode == 3 and "no TF.js model" in done.stderr


def test_an_image_feeds_an_image_input(shared) -> None:
    from models.formats.model_files import image_input, takes_image
    from models.loading import load_model
    from models.vision.images import decode_image

    pixels = decode_image((shared / "data" / "pose" / "squat.bmp").read_bytes())
    movenet = load_model("movenet-singlepose-lightning")
    info = signature(movenet)[0][0]
    assert takes_image(info) and not takes_image(TensorInfo("x", "float32", (None, 4)))
    x = image_input(pixels, info)
    assert x.shape == (1, 192, 192, 3) and x.dtype == np.int32 and x.max() > 100
    keypoints = np.asarray(run_model(movenet, [x])[0]["values"])
    assert keypoints.shape == (1, 1, 17, 3) and np.median(keypoints[..., 2]) > 0.3
    gray = image_input(pixels, TensorInfo("digit", "float32", (None, 28, 28, 1)))
    assert gray.shape == (1, 28, 28, 1) and gray.min() >= 0.0 and gray.max() <= 1.0
    with pytest.raises(BadInput):
        image_input(pixels, TensorInfo("x", "float32", (None, 4)))


def test_a_graph_op_the_loader_does_not_know_is_named(tmp_path) -> None:
    import tensorflow as tf

    from models.formats.tfjs_graph import save_graph_model

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
    def double(x):
        return tf.nn.relu(x) * 2.0

    save_graph_model(double, tmp_path / "g")
    document = json.loads((tmp_path / "g" / "model.json").read_text())
    node = next(n for n in document["modelTopology"]["node"] if n["op"] == "Relu")
    node["op"] = "MadeUpOp"
    (tmp_path / "g" / "model.json").write_text(json.dumps(document))
    with pytest.raises(ModelFormatError) as error:
        open_upload(_files(tmp_path / "g"))
    assert error.value.code == "tfjs_unknown_op" and "MadeUpOp" in error.value.message
