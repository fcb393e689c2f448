"""TFLite quantized I/O through LiteRT, thread safety, and the SavedModel loader."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from models.errors import ModelFormatError
from models.formats.saved_model import SavedModel
from models.formats.tflite import TFLiteModel


@pytest.fixture(scope="module")
def mobilenet(shared: Path) -> TFLiteModel:
    return TFLiteModel(shared / "models" / "mobilenet-v2-1.0-224-quant-tflite" / "model.tflite")


def test_quantized_io_is_described_and_round_trips(mobilenet: TFLiteModel):
    (inp,), (out,) = mobilenet.inputs, mobilenet.outputs
    assert (inp.dtype, inp.shape) == ("uint8", (1, 224, 224, 3))
    assert (out.dtype, out.shape) == ("uint8", (1, 1001))
    scale, zero_point = mobilenet.quantization(out.name)
    assert scale == pytest.approx(1 / 256) and zero_point == 0
    probabilities = mobilenet.dequantize(out.name, np.array([0, 128, 255], np.uint8))
    assert np.allclose(probabilities, [0, 0.5, 255 / 256])


def test_input_quantization_uses_scale_and_zero_point(mobilenet: TFLiteModel):
    name = mobilenet.inputs[0].name
    scale, zero_point = mobilenet.quantization(name)
    real = np.array([-1.0, 0.0, 1.0], np.float32)
    expected = np.clip(np.round(real / scale + zero_point), 0, 255).astype(np.uint8)
    assert np.array_equal(mobilenet.quantize(name, real), expected)


def test_probabilities_sum_to_one_on_a_real_photo(mobilenet: TFLiteModel, shared: Path):
    from PIL import Image

    image = Image.open(shared / "data" / "images" / "cat.jpg").convert("RGB").resize((224, 224))
    out = mobilenet(np.asarray(image, np.uint8)[None])
    probabilities = mobilenet.dequantize(mobilenet.outputs[0].name, next(iter(out.values())))
    assert probabilities.sum() == pytest.approx(1.0, abs=0.1)


def test_concurrent_calls_equal_serial_calls(mobilenet: TFLiteModel):
    rng = np.random.default_rng(1)
    images = [rng.integers(0, 255, (1, 224, 224, 3), dtype=np.uint8) for _ in range(8)]
    serial = [next(iter(mobilenet(x).values())) for x in images]
    parallel: list = [None] * len(images)

    def work(i: int) -> None:
        parallel[i] = next(iter(mobilenet(images[i]).values()))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(images))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(np.array_equal(a, b) for a, b in zip(serial, parallel, strict=True))


def test_bad_tflite_bytes_are_a_clear_error():
    with pytest.raises(ModelFormatError, match="not a TFLite model"):
        TFLiteModel(b"definitely not a flatbuffer")


def test_saved_model_runs_its_serving_signature(tmp_path: Path):
    class Doubler(tf.Module):
        def __init__(self) -> None:
            self.w = tf.Variable([[2.0]])

        @tf.function(input_signature=[tf.TensorSpec([None, 1], tf.float32, name="x")])
        def __call__(self, x):
            return {"y": tf.matmul(x, self.w)}

    module = Doubler()
    tf.saved_model.save(module, str(tmp_path), signatures=module.__call__)
    model = SavedModel(tmp_path)
    assert [i.name for i in model.inputs] == ["x"]
    assert [o.name for o in model.outputs] == ["y"]
    assert model.parameter_count == 1
    assert np.allclose(model(np.array([[1.5], [-2.0]], np.float32))["y"], [[3.0], [-4.0]])


def test_saved_model_folder_that_is_not_one(tmp_path: Path):
    with pytest.raises(ModelFormatError):
        SavedModel(tmp_path)
