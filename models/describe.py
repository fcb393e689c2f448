"""Inputs, outputs and parameter count of any loaded model, for `info` and the pages."""

from __future__ import annotations

from typing import Any

from models.runtime import TensorInfo


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
