"""`model.summary()` as rows of a table, with the totals it prints underneath."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np


def _count(weights: list) -> int:
    return int(sum(np.prod(w.shape) for w in weights))


def _history(value: Any) -> list[str]:
    """`layer[node][tensor]` of every Keras tensor inside an inbound node's arguments."""
    if isinstance(value, list | tuple):
        return [ref for item in value for ref in _history(item)]
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        layer, node, tensor = value["config"]["keras_history"]
        return [f"{layer}[{node}][{tensor}]"]
    return []


def _connections(model: keras.Model) -> dict[str, str] | None:
    """A functional model's "Connected to" column (a Sequential has none): each layer's inputs,
    read from the model's config as summary() prints them."""
    if isinstance(model, keras.Sequential):
        return None
    return {
        entry["name"]: ", ".join(_history([node["args"] for node in entry["inbound_nodes"]])) or "-"
        for entry in model.get_config()["layers"]
    }


def summary_rows(model: keras.Model) -> list[dict]:
    """One row per layer: name, type, output shape and parameter count, as summary() shows,
    and for a functional model the layers each one is connected to."""
    connections = _connections(model)
    rows = []
    for layer in model.layers:
        row = {
            "layer": layer.name,
            "type": type(layer).__name__,
            "output_shape": str(tuple(layer.output.shape)),
            "params": layer.count_params(),
        }
        if connections is not None:
            row["connected_to"] = connections[layer.name]
        rows.append(row)
    return rows


def summary_totals(model: keras.Model) -> dict[str, int]:
    """Total, trainable and non-trainable parameters (BatchNormalization has the latter)."""
    trainable = _count(model.trainable_weights)
    frozen = _count(model.non_trainable_weights)
    return {"total": trainable + frozen, "trainable": trainable, "non_trainable": frozen}
