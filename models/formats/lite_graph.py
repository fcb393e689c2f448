"""TF.js graph models on LiteRT: converted once to TFLite float32, checked, cached on disk.

The same graph runs 1.5–3× faster in LiteRT (XNNPACK) than in TensorFlow on this kind of
machine (PITFALLS.md #12). On first use the graph (read by models/formats/tfjs_graph.py) is
converted for one fixed input size, both are run on one fixed input, and the `.tflite` is
kept only if every output agrees within TOLERANCE; the verdict is cached beside it, keyed
by the hash of the model's files and the input size, so later processes open the `.tflite`
at once, or go straight back to the graph, without converting again. A model that does not
convert or does not agree stays on TensorFlow, and `LiteVerdict.reason` says why.

A model's registry entry may narrow the check (`LiteCheck`): CenterNet's `detections` output
is a TopK over its heat-map, whose near-tied rows come out in another order at the smallest
difference, so only the heat-map is compared, within the ~1e-3 by which TensorFlow's own
oneDNN kernels move it (with TF_ENABLE_ONEDNN_OPTS=0 the two agree within 1e-6).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.formats.manifest import read_manifest, weight_paths
from models.formats.runtime import TensorInfo
from models.formats.tflite import TFLiteModel

TOLERANCE = 1e-4  # max |TFLite − graph| on the check input, for every output
_CHECK_SEED = 0


@dataclass(frozen=True)
class LiteCheck:
    """How the conversion is checked: `outputs` compared (all when empty) within `tolerance`;
    `scale` maps the check's 0–255 pixels into a float model's range (1/255 for 0..1)."""

    tolerance: float = TOLERANCE
    outputs: tuple[str, ...] = ()
    scale: float = 1.0

    def suffix(self) -> str:
        """ "" for the default check, else a short digest: a verdict is kept per check rule."""
        if (self.tolerance, self.outputs) == (TOLERANCE, ()):
            return ""
        rule = json.dumps([self.tolerance, list(self.outputs)]).encode()
        return "-" + hashlib.sha256(rule).hexdigest()[:8]


@dataclass(frozen=True)
class LiteVerdict:
    """What the conversion gave: the `.tflite` path when it agrees, else the reason."""

    path: Path | None
    max_diff: float | None
    reason: str = ""


class LiteGraphModel:
    """A converted graph with the graph's own input and output names (LiteRT renames them),
    so callers cannot tell it from the TF.js graph model but by its speed."""

    def __init__(self, path: Path, inputs: list[TensorInfo], outputs: list[TensorInfo]) -> None:
        self._lite = TFLiteModel(path)
        self.inputs = inputs
        self.outputs = outputs
        # a wrapped function's outputs come out of the converter as Identity, Identity_1, …
        self._lite_names = sorted((i.name for i in self._lite.outputs), key=_identity_index)

    def __call__(self, *args: np.ndarray, **named: np.ndarray) -> dict[str, np.ndarray]:
        by_name = dict(zip((i.name for i in self.inputs), args, strict=False)) | named
        raw = self._lite(*(by_name[i.name] for i in self.inputs))
        pairs = zip(self.outputs, self._lite_names, strict=True)
        return {info.name: raw[name] for info, name in pairs}


def _identity_index(name: str) -> int:
    """0 for "Identity", k for "Identity_k": the position of a converted output."""
    _, _, index = name.rpartition("_")
    return int(index) if index.isdigit() else 0


def files_hash(folder: Path) -> str:
    """SHA-256 of model.json and its shards: a changed model is converted afresh."""
    digest = hashlib.sha256()
    model_json = Path(folder) / "model.json"
    for path in [model_json, *(Path(folder) / p for p in weight_paths(read_manifest(model_json)))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _fixed_inputs(graph, size: int) -> list[TensorInfo]:
    """The graph's inputs with the batch fixed to 1 and free spatial sides set to `size`."""
    fixed = []
    for info in graph.inputs:
        shape = [1, *(size if d is None or d < 0 else d for d in info.shape[1:])]
        fixed.append(TensorInfo(info.name, info.dtype, tuple(shape)))
    return fixed


def _fits_size(info: TensorInfo, size: int) -> bool:
    """True when a saved image input is `size` × `size` (a conversion made for another size,
    e.g. by an older loader that kept a signature's fixed side, is made again)."""
    return len(info.shape) != 4 or tuple(info.shape[1:3]) == (size, size)


def _check_input(info: TensorInfo) -> np.ndarray:
    """A fixed input like a photo: 0–255 values in the input's dtype."""
    values = np.random.default_rng(_CHECK_SEED).integers(0, 256, info.shape)
    return values.astype(info.dtype)


def _convert(graph, inputs: list[TensorInfo]) -> bytes:
    import tensorflow as tf

    function = graph.concrete_function
    specs = [tf.TensorSpec(info.shape, info.dtype) for info in inputs]
    fixed = tf.function(lambda *xs: function(*xs), input_signature=specs)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fixed.get_concrete_function()])
    return converter.convert()


def _max_diff(graph, lite: LiteGraphModel, inputs: list[TensorInfo], check: LiteCheck) -> float:
    """The largest difference between the two on one fixed input, over the checked outputs."""
    feeds = [(_check_input(info) * check.scale).astype(info.dtype) for info in inputs]
    reference, converted = graph(*feeds), lite(*feeds)
    names = check.outputs or tuple(reference)
    return max(
        float(np.max(np.abs(np.asarray(reference[name], np.float64) - converted[name])))
        for name in names
    )


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):  # a failed write leaves no half file behind
            os.remove(temp)


def _record(verdict: LiteVerdict, inputs: list[TensorInfo], outputs: list[TensorInfo]) -> bytes:
    return json.dumps(
        {
            "tflite": verdict.path.name if verdict.path else None,
            "max_diff": verdict.max_diff,
            "reason": verdict.reason,
            "inputs": [info.as_dict() for info in inputs],
            "outputs": [info.as_dict() for info in outputs],
        }
    ).encode()


def _infos(entries: list[dict]) -> list[TensorInfo]:
    return [TensorInfo(e["name"], e["dtype"], tuple(e["shape"])) for e in entries]


def open_on_litert(
    folder: Path,
    cache: Path,
    size: int,
    load_graph: Callable[[], Any],
    check: LiteCheck = LiteCheck(),
) -> tuple[Any, LiteVerdict]:
    """The TF.js graph model in `folder` on LiteRT for a `size` × `size` input, or the graph
    itself (from `load_graph()`) when it does not convert or agree with `check`; and the
    verdict. The graph is loaded only when the verdict is not cached yet, or is "stay on
    the graph".
    """
    stem = cache / f"{files_hash(folder)}-{size}{check.suffix()}"
    tflite, record = stem.with_suffix(".tflite"), stem.with_suffix(".json")
    if record.is_file():
        saved = json.loads(record.read_text(encoding="utf-8"))
        verdict = LiteVerdict(
            tflite if saved["tflite"] else None, saved["max_diff"], saved["reason"]
        )
        if verdict.path is None:
            return load_graph(), verdict
        inputs = _infos(saved["inputs"])
        if tflite.is_file() and all(_fits_size(info, size) for info in inputs):
            return LiteGraphModel(tflite, inputs, _infos(saved["outputs"])), verdict
    graph = load_graph()
    inputs = _fixed_inputs(graph, size)
    try:
        data = _convert(graph, inputs)
    except Exception as exc:  # noqa: BLE001  (any converter failure: the graph stays)
        text = str(exc).strip()
        first_line = text.splitlines()[0][:200] if text else type(exc).__name__
        verdict = LiteVerdict(None, None, f"TFLite conversion failed: {first_line}")
        model: Any = graph
    else:
        _write_atomically(tflite, data)
        lite = LiteGraphModel(tflite, inputs, graph.outputs)
        try:
            diff = _max_diff(graph, lite, inputs, check)
        except (ValueError, KeyError):  # outputs of other shapes or names: no match at all
            diff = float("inf")
        if diff <= check.tolerance:
            verdict, model = LiteVerdict(tflite, diff), lite
        else:
            tflite.unlink()
            verdict = LiteVerdict(None, diff, f"TFLite differs from the graph by {diff:.2g}")
            model = graph
    _write_atomically(record, _record(verdict, inputs, graph.outputs))
    return model, verdict
