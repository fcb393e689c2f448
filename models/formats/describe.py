"""Inputs, outputs and parameter count of any loaded model, for `info` and the pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.formats.manifest import read_manifest, summarize
from models.formats.runtime import TensorInfo


def _keras_infos(tensors: list[Any], names: list[str]) -> list[TensorInfo]:
    return [
        TensorInfo(name, str(tensor.dtype), tuple(tensor.shape))
        for name, tensor in zip(names, tensors, strict=True)
    ]


def describe(model: Any) -> dict:
    """{"inputs": [...], "outputs": [...], "parameters": int | None} for any model we load."""
    if hasattr(model, "count_params"):  # a Keras model
        inputs = _keras_infos(model.inputs, [t.name for t in model.inputs])
        outputs = _keras_infos(model.outputs, [t.name for t in model.outputs])
        parameters = int(model.count_params())
    else:
        inputs, outputs = model.inputs, model.outputs
        parameters = getattr(model, "parameter_count", None)
    return {
        "inputs": [i.as_dict() for i in inputs],
        "outputs": [o.as_dict() for o in outputs],
        "parameters": parameters,
    }


def layer_table(model: Any) -> list[dict]:
    """A Keras model's `summary()` as rows: layer name, class, output shape, parameters."""
    rows = []
    for layer in model.layers:
        try:
            shape = str(tuple(layer.output.shape))
        except (AttributeError, ValueError):
            shape = "?"
        rows.append(
            {
                "layer": layer.name,
                "type": type(layer).__name__,
                "output_shape": shape,
                "parameters": int(layer.count_params()) if layer.built else 0,
            }
        )
    return rows


def manifest_summary(folder: Path) -> dict | None:
    """The weightsManifest of the TF.js model.json in `folder`: shards with sizes, weights
    with shape, dtype and how each is stored (quantization). None without a model.json."""
    path = Path(folder) / "model.json"
    if not path.is_file():
        return None
    return summarize(folder, read_manifest(path))
