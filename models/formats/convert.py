"""Keras → TF.js layers, TF.js graph and TFLite (float32, dynamic range, float16, int8), compared.

The course's point: the same trained model can ship in several formats, and post-training
quantization makes it up to 4× smaller for a small loss. `convert` writes one variant;
`compare` writes them all and measures, on held-out data, what each costs and what it
changes: size on disk, load time, latency of one prediction, and accuracy (or agreement
with the original model's predictions).

TFLite variants are converted with a fixed batch of 1 (what phones and microcontrollers
run); the int8 variant is fully integer, inputs and outputs included, calibrated on a
representative sample of the training data.
"""

from __future__ import annotations

import io
import shutil
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

from models.errors import BadInput
from models.formats.manifest import TFJS_FORMATS, TFJS_GRAPH, TFJS_LAYERS
from models.formats.open import KERAS, SAVED_MODEL, TFLITE, open_model

# tensorflowjs_converter --quantize_float16 / --quantize_uint16 / --quantize_uint8 on a layers model
TFJS_QUANTIZED = {f"{TFJS_LAYERS}-{dtype}": dtype for dtype in ("float16", "uint16", "uint8")}
TFJS_TARGETS = (*TFJS_FORMATS, *TFJS_QUANTIZED)
TFLITE_TARGETS = ("tflite", "tflite-dynamic", "tflite-float16", "tflite-int8")
# The course's path (003_…): export a SavedModel, then TFLiteConverter.from_saved_model
SAVED_MODEL_TARGETS = (SAVED_MODEL, "tflite-saved-model")
TARGETS = (*TFJS_TARGETS, *TFLITE_TARGETS, *SAVED_MODEL_TARGETS)
REPRESENTATIVE_SAMPLES = 100


def _float_inputs(model: keras.Model) -> None:
    if len(model.inputs) != 1:
        raise BadInput(
            f"conversion supports models with one input; this one has {len(model.inputs)}",
            code="formats_one_input",
            count=len(model.inputs),
        )


def _representative(model: keras.Model, data: np.ndarray | None) -> Callable:
    """The calibration generator int8 needs: up to 100 single samples of real inputs."""
    if data is None or len(data) == 0:
        raise BadInput(
            "int8 quantization needs representative input data (a slice of the training set)",
            code="formats_needs_representative",
        )
    dtype = model.inputs[0].dtype
    samples = np.asarray(data)[:REPRESENTATIVE_SAMPLES]

    def generate():
        for sample in samples:
            yield [np.asarray(sample[None], dtype=dtype)]

    return generate


def tflite_bytes(
    model: keras.Model, target: str = "tflite", representative: np.ndarray | None = None
) -> bytes:
    """The TFLite flatbuffer of `model` for one of TFLITE_TARGETS (batch fixed to 1)."""
    _float_inputs(model)
    tensor = model.inputs[0]
    spec = tf.TensorSpec([1, *tensor.shape[1:]], tensor.dtype)
    function = tf.function(lambda x: model(x, training=False), input_signature=[spec])
    # Frozen first: left as variables they would become READ_VARIABLE ops int8 cannot calibrate.
    frozen = convert_variables_to_constants_v2(function.get_concrete_function())
    converter = tf.lite.TFLiteConverter.from_concrete_functions([frozen])
    if target != "tflite":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if target == "tflite-float16":
        converter.target_spec.supported_types = [tf.float16]
    elif target == "tflite-int8":
        converter.representative_dataset = _representative(model, representative)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def convert(
    model: keras.Model,
    target: str,
    out: Path,
    *,
    representative: np.ndarray | None = None,
) -> Path:
    """Write `model` as `target` into the folder `out`; return model.json or model.tflite."""
    if target not in TARGETS:
        raise BadInput(
            f"unknown target {target!r}; choose one of {', '.join(TARGETS)}",
            code="formats_unknown_target",
            target=str(target),
            targets=", ".join(TARGETS),
        )
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if target == TFJS_LAYERS or target in TFJS_QUANTIZED:
        from models.formats.tfjs_layers import save_layers_model

        return save_layers_model(model, out, quantize=TFJS_QUANTIZED.get(target))
    if target == "tfjs-graph":
        from models.formats.tfjs_graph import save_graph_model

        return save_graph_model(model, out)
    if target in SAVED_MODEL_TARGETS:
        return _via_saved_model(model, target, out)
    path = out / "model.tflite"
    path.write_bytes(tflite_bytes(model, target, representative))
    return path


def _via_saved_model(model: keras.Model, target: str, out: Path) -> Path:
    """The SavedModel folder (Keras 3's `model.export`, what the course's
    `tf.saved_model.save` writes for a Keras 2 model), or the TFLite converted from it."""
    _float_inputs(model)
    folder = out / "saved_model" if target != SAVED_MODEL else out
    model.export(str(folder), format="tf_saved_model", verbose=False)
    if target == SAVED_MODEL:
        return folder
    path = out / "model.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_saved_model(str(folder)).convert())
    shutil.rmtree(folder)  # only the .tflite is this variant's file
    return path


def folder_bytes(path: Path) -> int:
    """Bytes on disk of a model file, or of every file in a model folder."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def zip_bytes(folder: Path) -> bytes:
    """Every file of a written variant in one zip, for a download button."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def open_converted(target: str, path: Path):
    """A callable x → first output for what `convert` wrote (batch-1 loop for TFLite)."""
    if target in (KERAS, TFJS_LAYERS) or target in TFJS_QUANTIZED:
        model = open_model(TFJS_LAYERS if target in TFJS_QUANTIZED else target, path)
        return lambda x: np.asarray(model(x, training=False))
    if target in (TFJS_GRAPH, SAVED_MODEL):
        graph = open_model(target, path)
        return lambda x: next(iter(graph(x).values()))
    lite = open_model(TFLITE, path)
    name_in, name_out = lite.inputs[0].name, lite.outputs[0].name

    def run(x: np.ndarray) -> np.ndarray:
        rows = [lite(lite.quantize(name_in, row[None]))[name_out] for row in x]
        return lite.dequantize(name_out, np.concatenate(rows))

    return run


@dataclass(frozen=True)
class VariantReport:
    """One row of the comparison table."""

    target: str
    bytes: int
    load_ms: float
    latency_ms: float
    accuracy: float | None
    agreement: float | None
    max_abs_diff: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _latency_ms(run: Callable, x: np.ndarray, repeats: int = 20) -> float:
    """Median time of one single-sample prediction (first call excluded: it traces)."""
    sample = x[:1]
    run(sample)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(sample)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _scores(outputs: np.ndarray, reference: np.ndarray, labels: np.ndarray | None) -> tuple:
    """(accuracy, agreement of argmax with the original) for class scores, else (None, None)."""
    if outputs.ndim != 2 or outputs.shape[1] < 2:
        return None, None
    predicted = outputs.argmax(axis=1)
    agreement = float(np.mean(predicted == reference.argmax(axis=1)))
    if labels is None:
        return None, agreement
    truth = np.asarray(labels)
    truth = truth.argmax(axis=1) if truth.ndim == 2 else truth.reshape(-1)
    return float(np.mean(predicted == truth)), agreement


def measure(
    target: str,
    path: Path,
    x: np.ndarray,
    labels: np.ndarray | None,
    reference: np.ndarray,
) -> VariantReport:
    """Size, load time, latency and agreement of one written variant on held-out `x`."""
    start = time.perf_counter()
    run = open_converted(target, path)
    load_ms = (time.perf_counter() - start) * 1000
    outputs = np.asarray(run(x), dtype=np.float32)
    accuracy, agreement = _scores(outputs, reference, labels)
    where = path if target in (*TFLITE_TARGETS, "keras") else path.parent
    return VariantReport(
        target=target,
        bytes=folder_bytes(where),
        load_ms=load_ms,
        latency_ms=_latency_ms(run, x),
        accuracy=accuracy,
        agreement=agreement,
        max_abs_diff=float(np.max(np.abs(outputs - reference))),
    )


def compare(
    model: keras.Model,
    x_val: np.ndarray,
    y_val: np.ndarray | None = None,
    *,
    representative: np.ndarray | None = None,
    targets: tuple[str, ...] = TARGETS,
    out: Path | None = None,
) -> list[VariantReport]:
    """The original (.keras) and every target written under `out` and measured on `x_val`."""
    _float_inputs(model)
    x = np.asarray(x_val, dtype=model.inputs[0].dtype)
    reference = np.asarray(model(x, training=False), dtype=np.float32)
    with tempfile.TemporaryDirectory(prefix="formats-") as scratch:
        root = Path(out or scratch)
        original = root / "keras" / "model.keras"
        original.parent.mkdir(parents=True, exist_ok=True)
        model.save(original)
        reports = [measure("keras", original, x, y_val, reference)]
        for target in targets:
            path = convert(model, target, root / target, representative=representative)
            reports.append(measure(target, path, x, y_val, reference))
    return reports
