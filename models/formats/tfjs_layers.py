"""TF.js layers models (`format: "layers-model"`): Keras topology in model.json + weight shards.

A layers model is what `tensorflowjs_converter --output_format tfjs_layers_model` (or
`model.save()` in TF.js) writes: `modelTopology.model_config` is a Keras model config and the
weights sit in shards described by a `weightsManifest` (models/formats/tfjs_weights.py), each named
`<layer name>/<weight name>` as TF.js's `loadWeights` looks them up.

TF.js 4.x parses Keras 2 style configs, and Keras 3 writes a newer style, so both directions
translate:

| Keras 3 (`model.get_config()`)                       | TF.js / Keras 2                          |
|------------------------------------------------------|------------------------------------------|
| class `Functional`                                   | `Model` (TF.js knows no `Functional`)    |
| `{"module", "class_name", "config", "registered_name"}` | `{"class_name", "config"}`            |
| `dtype: {"class_name": "DTypePolicy", …"name": "float32"}` | `dtype: "float32"`                 |
| InputLayer `batch_shape`                              | `batch_input_shape`                      |
| `inbound_nodes: [{"args": [keras tensors], "kwargs"}]` | `[[[layer, node, tensor, kwargs], …]]` |
| `build_config`, `quantization_config`, `optional`…   | dropped (TF.js has no such fields)       |

Augmentation layers (RandomFlip, RandomRotation, RandomZoom), which TF.js 4.x lacks and which
pass images through unchanged at inference, are left out of what is written.

Reading refuses any layer class Keras does not ship (and `Lambda`, whose config would
carry Python code): an uploaded model.json can describe layers, never run code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import keras
import numpy as np

from models.errors import ModelFormatError
from models.formats.tfjs_weights import DEFAULT_SHARD_BYTES, read_weights, write_weights

CONVERTED_BY = "Tensor Playground"
# Keras 3 config fields that TF.js's layer constructors do not know.
_KERAS3_ONLY = {"quantization_config", "optional", "lora_rank", "lora_alpha", "synchronized"}
# Layer classes refused when reading: they would run code from the file.
_REFUSED = {"Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer"}
# Weights Keras 3 renamed: TF.js (like Keras 2) still looks them up by the old name.
_TFJS_WEIGHT_NAMES = {"DepthwiseConv2D": {"kernel": "depthwise_kernel"}}
# Classes TF.js spells otherwise (its registry is case-sensitive): Keras 3 name → TF.js name.
_TFJS_CLASS_NAMES = {"LecunNormal": "LeCunNormal", "LecunUniform": "LeCunUniform"}
_KERAS_CLASS_NAMES = {tfjs: keras_name for keras_name, tfjs in _TFJS_CLASS_NAMES.items()}
# Layers that change images only while training (identity at inference) and that TF.js 4.x
# does not have: the TF.js topology leaves them out, wiring their consumers to their input.
_TRAINING_ONLY = {"RandomFlip", "RandomRotation", "RandomZoom"}
# Keras 3 regularizer classes; TF.js knows only L1L2 (with both factors).
_REGULARIZERS = {"L1": ("l1",), "L2": ("l2",), "L1L2": ("l1", "l2")}


def _bad(path: Path, message: str, code: str, **params: Any) -> ModelFormatError:
    return ModelFormatError(message, code=code, file=Path(path).name, **params)


# --- Keras 3 → TF.js (Keras 2 style) -------------------------------------------------------


def _legacy(value: Any) -> Any:
    """A Keras 3 config value in Keras 2 style: objects as {class_name, config}, dtypes named."""
    if isinstance(value, list):
        return [_legacy(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "class_name" in value and "config" in value and "module" in value:
        if value["class_name"].endswith("DTypePolicy"):
            return value["config"]["name"]
        if value["class_name"] in _REGULARIZERS:
            factors = {k: float(value["config"].get(k, 0.0)) for k in ("l1", "l2")}
            return {"class_name": "L1L2", "config": factors}
        name = _TFJS_CLASS_NAMES.get(value["class_name"], value["class_name"])
        return {"class_name": name, "config": _legacy(value["config"])}
    return {key: _legacy(item) for key, item in value.items() if key not in _KERAS3_ONLY}


def _tensor_refs(value: Any) -> list[list]:
    """The [layer, node, tensor] histories of every Keras tensor inside a node's args."""
    if isinstance(value, list | tuple):
        return [ref for item in value for ref in _tensor_refs(item)]
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return [list(value["config"]["keras_history"])]
    return []


def _legacy_nodes(nodes: list[dict]) -> list[list]:
    """Keras 3 inbound nodes → Keras 2's [[layer, node_index, tensor_index, kwargs], …]."""
    legacy = []
    for node in nodes:
        kwargs = {k: v for k, v in node.get("kwargs", {}).items() if not _tensor_refs(v)}
        legacy.append([[*ref, kwargs] for ref in _tensor_refs(node.get("args", []))])
    return legacy


def _ends(value: list) -> list[list]:
    """input_layers / output_layers as a list of [layer, node, tensor] (Keras 3 drops a level)."""
    return [list(value)] if value and isinstance(value[0], str) else [list(v) for v in value]


def _legacy_layer(entry: dict, functional: bool) -> dict:
    config = _legacy(entry["config"])
    if entry["class_name"] == "InputLayer" and "batch_shape" in config:
        config["batch_input_shape"] = config.pop("batch_shape")
    layer: dict = {"class_name": entry["class_name"], "config": config}
    if functional:
        layer["name"] = entry.get("name", config.get("name"))
        layer["inbound_nodes"] = _legacy_nodes(entry.get("inbound_nodes", []))
    return layer


def _check_flat(model: keras.Model) -> None:
    """Nested models are refused: their weight names would not match what TF.js looks up."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            raise ModelFormatError(
                f"layer {layer.name} is a whole model inside the model; "
                "TF.js layers export supports flat models only",
                code="tfjs_layers_nested",
                layer=layer.name,
            )


def _bypassed(layers: list[dict], outputs: list[list]) -> tuple[list[dict], list[list]]:
    """The functional layers and outputs without the training-only layers: whatever read
    one of them reads that layer's own input instead."""
    source = {
        layer["name"]: layer["inbound_nodes"][0][0][:3]
        for layer in layers
        if layer["class_name"] in _TRAINING_ONLY
    }

    def origin(ref: list) -> list:
        while ref[0] in source:
            ref = source[ref[0]]
        return ref

    kept = [
        {
            **layer,
            "inbound_nodes": [
                [[*origin(ref[:3]), *ref[3:]] for ref in node] for node in layer["inbound_nodes"]
            ],
        }
        for layer in layers
        if layer["class_name"] not in _TRAINING_ONLY
    ]
    return kept, [origin(ref) for ref in outputs]


def tfjs_model_config(model: keras.Model) -> dict:
    """`modelTopology.model_config` for `model`, in the Keras 2 style TF.js parses."""
    _check_flat(model)
    config = model.get_config()
    functional = not isinstance(model, keras.Sequential)
    layers = [_legacy_layer(entry, functional) for entry in config["layers"]]
    if not functional:
        layers = [layer for layer in layers if layer["class_name"] not in _TRAINING_ONLY]
        return {"class_name": "Sequential", "config": {"name": config["name"], "layers": layers}}
    layers, outputs = _bypassed(layers, _ends(config["output_layers"]))
    body = {
        "name": config["name"],
        "layers": layers,
        "input_layers": _ends(config["input_layers"]),
        "output_layers": outputs,
    }
    return {"class_name": "Model", "config": body}


def tfjs_weight_name(layer: keras.layers.Layer, variable: keras.Variable) -> str:
    """`layer/weight` as TF.js's loadWeights looks it up (Keras 2 weight names)."""
    renamed = _TFJS_WEIGHT_NAMES.get(type(layer).__name__, {})
    return f"{layer.name}/{renamed.get(variable.name, variable.name)}"


def _named_weights(model: keras.Model) -> list[tuple[str, np.ndarray]]:
    return [
        (tfjs_weight_name(layer, variable), np.asarray(variable.numpy()))
        for layer in model.layers
        for variable in layer.weights
    ]


def save_layers_model(
    model: keras.Model,
    folder: Path,
    *,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    quantize: str | None = None,
) -> Path:
    """Write `model` as a TF.js layers model (model.json + shards ≤ `shard_bytes`).

    Returns the path of model.json. `quantize` ("float16", "uint8", "uint16") stores float
    weights smaller, as `tensorflowjs_converter --quantize_*` does."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    topology = {
        "keras_version": f"keras {keras.__version__}",
        "backend": keras.backend.backend(),
        "model_config": tfjs_model_config(model),
    }
    manifest = write_weights(
        _named_weights(model), folder, shard_bytes=shard_bytes, quantize=quantize
    )
    document = {
        "format": "layers-model",
        "generatedBy": f"keras v{keras.__version__}",
        "convertedBy": CONVERTED_BY,
        "modelTopology": topology,
        "weightsManifest": manifest,
    }
    path = folder / "model.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# --- TF.js (Keras 2 style) → Keras 3 -------------------------------------------------------


def _layer_class(path: Path, name: Any) -> str:
    """`name` if Keras ships a layer of that class and it runs no code from the file."""
    if not isinstance(name, str) or name in _REFUSED or not hasattr(keras.layers, name):
        shown = str(name)[:60]
        code = "tfjs_layers_lambda" if name == "Lambda" else "tfjs_layers_unknown_layer"
        raise _bad(
            path, f"{path} uses a layer this loader will not build: {shown}", code, layer=shown
        )
    return name


def _keras_spelling(value: Any) -> Any:
    """A layer's config with the objects inside it (initializers) named as Keras names them."""
    if isinstance(value, list):
        return [_keras_spelling(item) for item in value]
    if not isinstance(value, dict):
        return value
    renamed = {key: _keras_spelling(item) for key, item in value.items()}
    if isinstance(renamed.get("class_name"), str) and "config" in renamed:
        renamed["class_name"] = _KERAS_CLASS_NAMES.get(renamed["class_name"], renamed["class_name"])
    return renamed


def _keras3_layer(path: Path, entry: Any, functional: bool) -> dict:
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        raise _bad(
            path, f"{path} has a layer entry that is no layer config", "tfjs_layers_bad_topology"
        )
    class_name = _layer_class(path, entry.get("class_name"))
    layer = {
        "module": "keras.layers",
        "class_name": class_name,
        "config": _keras_spelling(entry["config"]),
        "registered_name": None,
    }
    if functional:
        layer["name"] = entry.get("name", entry["config"].get("name"))
        layer["inbound_nodes"] = entry.get("inbound_nodes", [])
    return layer


def _input_first(layers: list[dict]) -> list[dict]:
    """A Sequential whose first layer carries `batch_input_shape` (what TF.js and Keras 2
    write) gets an explicit InputLayer: Keras 3 layers no longer take that argument."""
    if not layers or layers[0]["class_name"] == "InputLayer":
        return layers
    first = layers[0]["config"]
    shape = first.pop("batch_input_shape", None)
    if shape is None:
        return layers
    dtype = first.get("dtype") if isinstance(first.get("dtype"), str) else "float32"
    name = f"{first.get('name', 'layer')}_input"
    entry = {"batch_shape": shape, "dtype": dtype, "name": name}
    head = {"module": "keras.layers", "class_name": "InputLayer", "config": entry}
    return [{**head, "registered_name": None}, *layers]


def _model_config(path: Path, document: Any) -> dict:
    """The model_config of a layers-model model.json, or a ModelFormatError saying why not."""
    topology = document.get("modelTopology") if isinstance(document, dict) else None
    if not isinstance(topology, dict):
        raise _bad(
            path, f"{path} has no modelTopology: it is no TF.js model", "tfjs_layers_not_a_model"
        )
    if "node" in topology or document.get("format") == "graph-model":
        raise _bad(
            path, f"{path} is a TF.js graph model, not a layers model", "tfjs_layers_not_layers"
        )
    config = topology.get("model_config", topology)
    if not isinstance(config, dict) or config.get("class_name") not in (
        "Sequential",
        "Model",
        "Functional",
    ):
        raise _bad(path, f"{path} has no Sequential or Model config", "tfjs_layers_not_a_model")
    return config


def _build(path: Path, config: dict) -> keras.Model:
    """A Keras 3 model from a Keras 2 style config, in Keras's safe mode."""
    body = config.get("config")
    if isinstance(body, list):  # very old Sequential configs: a bare list of layers
        body = {"name": "sequential", "layers": body}
    if not isinstance(body, dict) or not isinstance(body.get("layers"), list):
        raise _bad(path, f"{path} has a model config without layers", "tfjs_layers_bad_topology")
    functional = config["class_name"] != "Sequential"
    layers = [_keras3_layer(path, entry, functional) for entry in body["layers"]]
    if not functional:
        layers = _input_first(layers)
    rebuilt = {**body, "layers": layers, "name": body.get("name", "model")}
    try:
        if functional:
            return keras.Model.from_config(rebuilt)
        return keras.Sequential.from_config(rebuilt)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise _bad(
            path,
            f"{path} describes a model Keras cannot build: {exc}",
            "tfjs_layers_bad_topology",
            detail=str(exc)[:200],
        ) from exc


def _assign(path: Path, model: keras.Model, weights: dict[str, np.ndarray]) -> None:
    """Put each stored weight into the layer weight of the same `layer/name`, shapes checked."""
    stored = {name.removesuffix(":0"): value for name, value in weights.items()}
    for layer in model.layers:
        values = []
        for variable in layer.weights:
            name = tfjs_weight_name(layer, variable)
            if name not in stored:
                raise _bad(
                    path,
                    f"{path}: weight {name} is not in the weightsManifest",
                    "tfjs_layers_missing_weight",
                    weight=name,
                )
            value = stored[name]
            if tuple(value.shape) != tuple(variable.shape):
                raise _bad(
                    path,
                    f"{path}: weight {name} has shape {list(value.shape)}, "
                    f"the layer needs {list(variable.shape)}",
                    "tfjs_layers_weight_shape",
                    weight=name,
                    expected=str(list(variable.shape)),
                    actual=str(list(value.shape)),
                )
            values.append(value)
        if values:
            layer.set_weights(values)


def read_model_json(folder: Path) -> dict:
    """model.json of `folder` as a dict, or a ModelFormatError naming the file."""
    path = Path(folder) / "model.json"
    if not path.is_file():
        raise _bad(path, f"{path} is missing", "tfjs_layers_missing_model_json")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, f"{path} is not valid JSON: {exc}", "tfjs_layers_bad_json") from exc
    if not isinstance(document, dict):
        raise _bad(path, f"{path} is not a TF.js model (no JSON object)", "tfjs_layers_not_a_model")
    return document


def load_layers_model(folder: Path) -> keras.Model:
    """The TF.js layers model in `folder` (model.json + shards) as a Keras 3 model."""
    folder = Path(folder)
    path = folder / "model.json"
    document = read_model_json(folder)
    config = _model_config(path, document)
    manifest = document.get("weightsManifest", [])
    if not isinstance(manifest, list):
        raise _bad(
            path, f"{path} has a weightsManifest that is not a list", "tfjs_layers_bad_manifest"
        )
    weights = read_weights(folder, manifest)
    model = _build(path, config)
    _assign(path, model, weights)
    return model
