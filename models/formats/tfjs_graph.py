"""TF.js graph models (`model.json` + weight shards) opened in TensorFlow, and written for TF.js.

Why our own loader: the `tensorflowjs` package would pin TF 2.19 and pull JAX, Flax and TF
Decision Forests, and `tfjs-graph-converter` fails on MoveNet (PITFALLS.md #3). The format is
simple enough: `modelTopology` is a TensorFlow GraphDef written as JSON, whose Const nodes
have their values stripped out into the weight shards (models/formats/tfjs_weights.py).

Loading (`load_graph_model`):
1. the GraphDef is parsed with protobuf's `ParseDict` (after repairing two defects found in
   the wild: string attrs as character codes, dilations [d, d, 1, 1]), the weights decoded
   and put back into their Const nodes, function bodies' included (named
   `<function>/<node>` by the converter), cast to the node's dtype (TF.js stores int64 as
   int32); library functions get names unique to the load, so two models never clash;
2. the ops only TF.js knows are rewritten into plain TF ops: `_FusedConv2D` (TF.js omits
   the `TArgs` TF requires), `FusedDepthwiseConv2dNative`, `_FusedMatMul` become
   Conv2D / DepthwiseConv2dNative / MatMul, then each of their `fused_ops` (BiasAdd, Add,
   FusedBatchNorm, Relu, Relu6, Elu, Selu, Sigmoid, Tanh, LeakyRelu, Prelu) as its own node,
   the last one keeping the fused node's name so its consumers are untouched; a standalone
   `Prelu` becomes relu(x) - alpha * relu(-x);
3. `wrap_function` + `import_graph_def` + `prune` give one concrete function from the
   inputs to the outputs. Any other op TensorFlow registers works as it is (control flow,
   sparse and segment ops included); an op it does not know is named in the error.

Names. Inputs and outputs are named by their tensor name without `:0` (`input`,
`Identity`; an output `split:1` keeps its `:1`), which is what TF.js reports as
`model.inputs[i].name` / `model.outputs[i].name`. They come from the model.json `signature`
when there is one (free dimensions there are filled from the Placeholder's shape and the
graph's own shape inference), else from the Placeholders and the nodes nothing consumes.
Calls accept the signature keys as well, positionally in input order or by name.

Writing (`save_graph_model`): a `tf.function`, concrete function, Keras model or plain
callable is traced, its variables frozen into Consts, and written as tensorflowjs_converter
does: Const values moved into `group1-shard{i}of{n}.bin` (≤ 4 MB each, optionally
quantized), `format: "graph-model"`, `generatedBy`, `convertedBy`, `modelTopology`,
`weightsManifest` and a `signature` naming every input and output. Control flow stays
If / While with function bodies (their Consts sharded too), as the converter keeps it.
A graph with an op TF.js cannot run (`unsupported_in_tfjs`) is refused, as the converter
refuses it, unless `skip_op_check=True`. Inputs are named by `tf.TensorSpec(name=...)`
(else the argument name); when the function returns a dict, its keys name the outputs, in
the dict's order (a key may not equal an input name). A stand-in for the TF.js toxicity
model::

    @tf.function(input_signature=[
        tf.TensorSpec([None, 2], tf.int32, name="Placeholder_1"),
        tf.TensorSpec([None], tf.int32, name="Placeholder"),
    ])
    def toxicity(indices, values):
        ...
        return {f"{label}/concat_2": probs for label, probs in per_label}

    save_graph_model(toxicity, folder)

loads in TF.js with `model.executeAsync({Placeholder_1: ..., Placeholder: ...})` and reports
`model.outputs[i].name == "identity_attack/concat_2"`, … like the real one.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf
from google.protobuf import json_format
from tensorflow.core.framework import attr_value_pb2, graph_pb2, node_def_pb2, types_pb2
from tensorflow.python.framework import op_def_registry
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

from models.errors import BadInput, ModelFormatError
from models.formats.manifest import summarize
from models.formats.runtime import TensorInfo
from models.formats.tfjs_weights import DEFAULT_SHARD_BYTES, read_weights, write_weights

CONVERTED_BY = "Tensor Playground"
_FUSED_BASE = {
    "_FusedConv2D": "Conv2D",
    "FusedDepthwiseConv2dNative": "DepthwiseConv2dNative",
    "_FusedMatMul": "MatMul",
}
_ACTIVATIONS = {"Relu", "Relu6", "Elu", "Selu", "Sigmoid", "Tanh"}
_LEAKY_RELU_DEFAULT_ALPHA = 0.2  # what TF and TF.js use when the attr is absent
# Ops that are no output worth naming when a model.json has no signature.
_NOT_OUTPUTS = {"Const", "Placeholder", "NoOp"}
_LOAD_IDS = itertools.count(1)  # makes each load's function names unique in the process


def _bad(folder: Path, message: str, code: str, **params: Any) -> ModelFormatError:
    return ModelFormatError(message, code=code, file=str(folder / "model.json"), **params)


# --- reading model.json ------------------------------------------------------------------


def _read_json(folder: Path) -> dict:
    """model.json as a dict, or a ModelFormatError naming the file and what is wrong."""
    path = folder / "model.json"
    if not path.is_file():
        raise _bad(folder, f"{path} is missing", code="tfjs_missing_model_json")
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(folder, f"{path} is not valid JSON: {exc}", code="tfjs_bad_json") from exc
    if not isinstance(model, dict):
        raise _bad(folder, f"{path} is not a TF.js model (no JSON object)", code="tfjs_bad_json")
    topology = model.get("modelTopology")
    if model.get("format") == "layers-model" or (
        isinstance(topology, dict) and "class_name" in topology
    ):
        raise _bad(folder, f"{path} is a TF.js layers model, not a graph model", "tfjs_not_graph")
    if not isinstance(topology, dict) or not isinstance(topology.get("node"), list):
        raise _bad(folder, f"{path} has no modelTopology with graph nodes", "tfjs_not_graph")
    if not isinstance(model.get("weightsManifest", []), list):
        raise _bad(folder, f"{path} has a weightsManifest that is not a list", "tfjs_bad_manifest")
    return model


def _ascii_strings_to_base64(value: Any) -> None:
    """Some exporters write string attrs as lists of character codes; protobuf wants base64."""
    if isinstance(value, dict):
        text = value.get("s")
        if isinstance(text, list) and text and all(isinstance(c, int) for c in text):
            value["s"] = base64.b64encode(bytes(text)).decode("ascii")
        for child in value.values():
            _ascii_strings_to_base64(child)


def _fix_quirks(topology: dict) -> None:
    """Repair two known defects of TF.js models found in the wild (as tfjs-graph-converter
    does): string attrs as character codes, and dilations [d, d, 1, 1] meant as [1, d, d, 1]."""
    for node in topology.get("node", []):
        if not isinstance(node, dict) or not isinstance(node.get("attr"), dict):
            continue
        _ascii_strings_to_base64(node["attr"])
        dilations = node["attr"].get("dilations", {}).get("list", {}).get("i")
        if isinstance(dilations, list) and len(dilations) == 4 and int(dilations[0]) > 1:
            node["attr"]["dilations"]["list"]["i"] = ["1", dilations[0], dilations[1], "1"]


def _parse_graph(folder: Path, topology: dict) -> graph_pb2.GraphDef:
    try:
        _fix_quirks(topology)
        return json_format.ParseDict(topology, graph_pb2.GraphDef(), ignore_unknown_fields=True)
    except (json_format.ParseError, TypeError, ValueError, AttributeError) as exc:
        message = f"{folder / 'model.json'} has a modelTopology that is no GraphDef: {exc}"
        raise _bad(folder, message, code="tfjs_bad_topology") from exc


# --- TF.js-only ops → plain TF ops --------------------------------------------------------


def _attr_list(node: node_def_pb2.NodeDef, name: str) -> list[str]:
    return [s.decode() for s in node.attr[name].list.s] if name in node.attr else []


def _new_node(op: str, name: str, inputs: list[str], like: node_def_pb2.NodeDef) -> Any:
    """A NodeDef for `op`, taking from `like` every attr `op` declares (T, strides, …)."""
    node = node_def_pb2.NodeDef(op=op, name=name, input=inputs)
    for attr in op_def_registry.get(op).attr:
        if attr.name in like.attr:
            node.attr[attr.name].CopyFrom(like.attr[attr.name])
    return node


def _prelu_nodes(name: str, x: str, alpha: str, like: Any) -> list[node_def_pb2.NodeDef]:
    """prelu(x) = relu(x) - alpha * relu(-x), as plain nodes, the last named `name`."""
    return [
        _new_node("Relu", f"{name}/prelu_pos", [x], like),
        _new_node("Neg", f"{name}/prelu_negx", [x], like),
        _new_node("Relu", f"{name}/prelu_neg", [f"{name}/prelu_negx"], like),
        _new_node("Mul", f"{name}/prelu_scaled", [alpha, f"{name}/prelu_neg"], like),
        _new_node("Sub", name, [f"{name}/prelu_pos", f"{name}/prelu_scaled"], like),
    ]


def _fused_step(node: Any, step: str, previous: str, name: str, args: list[str]) -> list | None:
    """The plain nodes for one entry of `fused_ops`, consuming its extra inputs from `args`."""
    if step in ("BiasAdd", "Add") and args:
        return [
            _new_node(
                "BiasAdd" if step == "BiasAdd" else "AddV2", name, [previous, args.pop(0)], node
            )
        ]
    if step == "FusedBatchNorm" and len(args) >= 4:
        batch_norm = _new_node("FusedBatchNorm", name, [previous, *args[:4]], node)
        batch_norm.attr["is_training"].b = False
        del args[:4]
        return [batch_norm]
    if step in _ACTIVATIONS:
        return [_new_node(step, name, [previous], node)]
    if step == "LeakyRelu":
        leaky = _new_node("LeakyRelu", name, [previous], node)
        alpha = node.attr["leakyrelu_alpha"].f if "leakyrelu_alpha" in node.attr else None
        leaky.attr["alpha"].f = _LEAKY_RELU_DEFAULT_ALPHA if alpha is None else alpha
        return [leaky]
    if step == "Prelu" and args:
        return _prelu_nodes(name, previous, args.pop(0), node)
    return None


def _unfuse(node: node_def_pb2.NodeDef, folder: Path) -> list[node_def_pb2.NodeDef]:
    """A TF.js fused node as plain TF nodes; the last keeps `node.name` for its consumers."""
    inputs = [i for i in node.input if not i.startswith("^")]
    controls = [i for i in node.input if i.startswith("^")]
    if len(inputs) < 2:
        message = f"{node.op} node {node.name} has {len(inputs)} inputs, needs at least 2"
        raise _bad(folder, message, code="tfjs_bad_graph", detail=message)
    x, weight, args = inputs[0], inputs[1], inputs[2:]
    steps = _attr_list(node, "fused_ops")
    nodes = [_new_node(_FUSED_BASE[node.op], f"{node.name}/unfused", [x, weight, *controls], node)]
    for index, step in enumerate(steps):
        name = node.name if index == len(steps) - 1 else f"{node.name}/{step.lower()}"
        plain = _fused_step(node, step, nodes[-1].name, name, args)
        if plain is None:
            message = f"{node.op} node {node.name} fuses {step!r}, which this loader cannot split"
            raise _bad(folder, message, code="tfjs_unknown_op", op=f"{node.op}:{step}")
        nodes.extend(plain)
    nodes[-1].name = node.name
    return nodes


# --- weights back into Const nodes --------------------------------------------------------


def _const_value(node: node_def_pb2.NodeDef, value: np.ndarray) -> None:
    """Put a weight back into its Const node, in the dtype the node declares."""
    dtype = tf.dtypes.as_dtype(node.attr["dtype"].type)
    array = value if dtype == tf.string else np.asarray(value).astype(dtype.as_numpy_dtype)
    node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(array, dtype=dtype))


def _has_value(node: node_def_pb2.NodeDef) -> bool:
    """Whether a Const carries its value inline (an empty tensor needs none)."""
    proto = node.attr["value"].tensor
    fields = ("tensor_content", "float_val", "int_val", "int64_val", "bool_val", "string_val")
    fields += ("double_val", "half_val")
    size = np.prod([d.size for d in proto.tensor_shape.dim]) if proto.tensor_shape.dim else 1
    return size == 0 or any(len(getattr(proto, f)) for f in fields)


def _fill_consts(folder: Path, nodes: Any, weights: dict) -> None:
    """Inject weights into Const nodes (function bodies' are named `function/node`)."""
    for node in nodes:
        if node.op != "Const":
            continue
        if node.name in weights:
            _const_value(node, weights[node.name])
        elif not _has_value(node):
            message = f"Const node {node.name} has no value in the weightsManifest"
            raise _bad(folder, message, code="tfjs_missing_weight", weight=node.name)


def _check_known(folder: Path, node: node_def_pb2.NodeDef, functions: set[str]) -> None:
    if op_def_registry.get(node.op) is None and node.op not in functions:
        message = f"{folder / 'model.json'} uses op {node.op!r} (node {node.name}), "
        message += "which TensorFlow does not know"
        raise _bad(folder, message, code="tfjs_unknown_op", op=node.op)


def _rename_functions(graph: graph_pb2.GraphDef) -> None:
    """Give the library's functions names unique to this load.

    TensorFlow keeps functions in one process-wide registry: two models (or one loaded
    while a traced function of the same name exists) whose `cond_true_12` differ would
    otherwise collide at import.
    """
    suffix = f"_tp{next(_LOAD_IDS)}"
    renamed = {f.signature.name: f.signature.name + suffix for f in graph.library.function}
    if not renamed:
        return
    nodes = [*graph.node, *(n for f in graph.library.function for n in f.node_def)]
    for node in nodes:
        node.op = renamed.get(node.op, node.op)
        for value in node.attr.values():
            if value.HasField("func"):
                value.func.name = renamed.get(value.func.name, value.func.name)
            for func in value.list.func:
                func.name = renamed.get(func.name, func.name)
    for function in graph.library.function:
        function.signature.name = renamed[function.signature.name]
    for gradient in graph.library.gradient:
        gradient.function_name = renamed.get(gradient.function_name, gradient.function_name)


def _rebuild(folder: Path, graph: graph_pb2.GraphDef, weights: dict) -> graph_pb2.GraphDef:
    """The GraphDef with weights injected and TF.js-only ops rewritten; unknown ops named."""
    _fill_consts(folder, graph.node, weights)
    for function in graph.library.function:
        _fill_consts(folder, function.node_def, weights)  # before renaming: names as stored
    _rename_functions(graph)
    functions = {f.signature.name for f in graph.library.function}
    for function in graph.library.function:
        for node in function.node_def:
            _check_known(folder, node, functions)
    rebuilt = graph_pb2.GraphDef(versions=graph.versions, library=graph.library)
    for node in graph.node:
        node.device = ""
        if node.op in _FUSED_BASE:
            rebuilt.node.extend(_unfuse(node, folder))
        elif node.op == "Prelu" and len(node.input) >= 2:
            rebuilt.node.extend(_prelu_nodes(node.name, node.input[0], node.input[1], node))
        else:
            _check_known(folder, node, functions)
            rebuilt.node.append(node)
    return rebuilt


# --- inputs and outputs ------------------------------------------------------------------


def _tensor_name(name: str) -> str:
    return name if ":" in name else f"{name}:0"


def _short_name(name: str) -> str:
    return name[:-2] if name.endswith(":0") else name


def _dims(shape: dict) -> tuple[int | None, ...] | None:
    """A TensorShapeProto in JSON → dims (None when free); None when the rank is unknown."""
    if shape.get("unknownRank"):
        return None
    return tuple(
        None if int(d.get("size", -1)) < 0 else int(d["size"]) for d in shape.get("dim", [])
    )


def _merge(declared: tuple | None, inferred: tf.TensorShape) -> tuple[int | None, ...] | None:
    """Declared dims, with free ones filled from a shape known elsewhere."""
    known = tuple(inferred.as_list()) if inferred.rank is not None else None
    if declared is None:
        return known
    if known is None or len(known) != len(declared):
        return declared
    return tuple(d if d is not None else k for d, k in zip(declared, known, strict=True))


def _dtype_name(enum_name: str) -> str:
    return tf.dtypes.as_dtype(types_pb2.DataType.Value(enum_name)).name


def _has_outputs(op: str) -> bool:
    op_def = op_def_registry.get(op)
    return op_def is None or len(op_def.output_arg) > 0


def _graph_ends(graph: graph_pb2.GraphDef) -> tuple[list[dict], list[dict]]:
    """Entries for the Placeholders and the nodes nothing consumes (TF.js's own choice)."""
    consumed = {i.lstrip("^").split(":")[0] for n in graph.node for i in n.input}
    inputs = [n.name for n in graph.node if n.op == "Placeholder"]
    outputs = [
        n.name
        for n in graph.node
        if n.name not in consumed and n.op not in _NOT_OUTPUTS and _has_outputs(n.op)
    ]
    as_entries = lambda names: [{"key": n, "name": _tensor_name(n)} for n in names]  # noqa: E731
    return as_entries(inputs), as_entries(outputs)


def _signature_entries(folder: Path, model: dict, graph: Any) -> tuple[list[dict], list[dict]]:
    """[{key, name, dtype?, tensorShape?}] for inputs and outputs: from the signature where
    it lists them, else (each side on its own) as TF.js picks them from the graph."""
    signature = model.get("signature") or {}
    if not isinstance(signature, dict):
        raise _bad(folder, "model.json has a signature that is no object", "tfjs_bad_signature")
    try:
        declared = [
            [
                {**entry, "key": key, "name": _tensor_name(entry["name"])}
                for key, entry in (signature.get(part) or {}).items()
            ]
            for part in ("inputs", "outputs")
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        message = f"model.json has a malformed signature: {exc!r}"
        raise _bad(folder, message, code="tfjs_bad_signature") from exc
    found = _graph_ends(graph)
    return declared[0] or found[0], declared[1] or found[1]


def _placeholder_dims(node: node_def_pb2.NodeDef | None) -> tf.TensorShape:
    if node is None or "shape" not in node.attr or node.attr["shape"].shape.unknown_rank:
        return tf.TensorShape(None)
    return tf.TensorShape([None if d.size < 0 else d.size for d in node.attr["shape"].shape.dim])


def _info(entry: dict, tensor: tf.Tensor, placeholder: Any) -> TensorInfo:
    """Name, dtype and shape of an input or output.

    TF.js checks a feed against its Placeholder's own shape, so a Placeholder that declares
    one wins over the signature: MoveNet MultiPose's signature says [1, 256, 256, 3], its
    Placeholder [1, -1, -1, 3], and TF.js runs it at 320 (checked in Node). Elsewhere the
    signature's dims hold, free ones filled from what the graph infers.
    """
    declared = _dims(entry["tensorShape"]) if "tensorShape" in entry else None
    fed = _placeholder_dims(placeholder)
    if fed.rank is not None:
        declared = tuple(fed.as_list())
    shape = _merge(declared, tensor.shape)
    dtype = _dtype_name(entry["dtype"]) if "dtype" in entry else tensor.dtype.name
    return TensorInfo(_short_name(entry["name"]), dtype, shape if shape is not None else ())


def _prune(folder: Path, graph: graph_pb2.GraphDef, inputs: list[str], outputs: list[str]) -> Any:
    """One concrete function from the named input tensors to the named output tensors."""

    def imports() -> None:
        tf.compat.v1.import_graph_def(graph, name="")

    try:
        wrapped = tf.compat.v1.wrap_function(imports, [])
        feeds = [wrapped.graph.get_tensor_by_name(name) for name in inputs]
        fetches = [wrapped.graph.get_tensor_by_name(name) for name in outputs]
        return wrapped.prune(feeds, fetches)
    except Exception as exc:  # noqa: BLE001  (any file may be fed in: TF raises many kinds)
        detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        message = f"{folder / 'model.json'} does not build a TensorFlow graph: {detail}"
        raise _bad(folder, message, code="tfjs_bad_graph", detail=detail) from exc


def _op_error_detail(exc: tf.errors.OpError) -> str:
    """The sentence of a TF run-time error that says what is wrong (e.g. "indices[0] = 9 is
    not in [0, 5)"), without the "Graph execution error:" banner and the Python stack."""
    lines = [line.strip() for line in (exc.message or "").splitlines()]
    useful = [
        line
        for line in lines
        if line
        and not line.startswith(("Graph execution error", "Detected at node", "File ", "[["))
    ]
    return (useful[-1] if useful else type(exc).__name__)[:300]


class GraphModel:
    """A TF.js graph model running in TensorFlow: `model(x)` → {output name: array}.

    `inputs` / `outputs` are `TensorInfo`s named as the module docstring says;
    `parameter_count` counts the floating-point weight values (integer constants such as
    reshape targets are not parameters); `metadata` keeps format, generatedBy, convertedBy.
    Calls run one concrete function, which TensorFlow runs safely from several threads at
    once: no lock is needed and none is taken.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        model = _read_json(self.folder)
        graph = _parse_graph(self.folder, model["modelTopology"])
        manifest = model.get("weightsManifest", [])
        weights = read_weights(self.folder, manifest)
        self._summary = summarize(self.folder, manifest)
        self.metadata = {
            k: model[k] for k in ("format", "generatedBy", "convertedBy") if k in model
        }
        bodies = (node for function in graph.library.function for node in function.node_def)
        self._ops = Counter(node.op for node in itertools.chain(graph.node, bodies))
        self.parameter_count = int(sum(w.size for w in weights.values() if w.dtype.kind == "f"))
        placeholders = {n.name: n for n in graph.node if n.op == "Placeholder"}
        rebuilt = _rebuild(self.folder, graph, weights)
        in_entries, out_entries = _signature_entries(self.folder, model, rebuilt)
        self._fn = _prune(
            self.folder, rebuilt, [e["name"] for e in in_entries], [e["name"] for e in out_entries]
        )
        self.inputs = [
            _info(entry, tensor, placeholders.get(entry["name"].split(":")[0]))
            for entry, tensor in zip(in_entries, self._fn.inputs, strict=True)
        ]
        self.outputs = [
            _info(entry, tensor, None)
            for entry, tensor in zip(out_entries, self._fn.outputs, strict=True)
        ]
        self._aliases = {e["key"]: i.name for e, i in zip(in_entries, self.inputs, strict=True)}
        self._aliases |= {_tensor_name(i.name): i.name for i in self.inputs}

    def _feeds(self, args: tuple, named: dict) -> list[tf.Tensor]:
        """Arguments in input order as tensors of the right dtype; shapes checked."""
        if len(args) > len(self.inputs):
            raise BadInput(
                f"the model takes {len(self.inputs)} inputs, got {len(args)}",
                code="tfjs_input_count",
                expected=len(self.inputs),
                actual=len(args),
            )
        feeds = {info.name: value for info, value in zip(self.inputs, args, strict=False)}
        for name, value in named.items():
            canonical = self._aliases.get(name, name)
            if canonical not in {i.name for i in self.inputs}:
                known = ", ".join(i.name for i in self.inputs)
                raise BadInput(
                    f"the model has no input {name!r} (inputs: {known})",
                    code="tfjs_unknown_input",
                    name=name,
                    inputs=known,
                )
            feeds[canonical] = value
        return [self._tensor(info, feeds) for info in self.inputs]

    @staticmethod
    def _tensor(info: TensorInfo, feeds: dict) -> tf.Tensor:
        if info.name not in feeds:
            raise BadInput(
                f"input {info.name!r} is missing", code="tfjs_missing_input", name=info.name
            )
        try:
            array = np.asarray(
                feeds[info.name], dtype=object if info.dtype == "string" else info.dtype
            )
        except (ValueError, TypeError, OverflowError) as exc:
            raise BadInput(
                f"input {info.name!r} cannot be read as {info.dtype}: {exc}",
                code="tfjs_input_dtype",
                name=info.name,
                dtype=info.dtype,
            ) from exc
        if not info.fits(array.shape):
            expected = info.shape_text()
            raise BadInput(
                f"input {info.name!r} must have shape {expected}, got {list(array.shape)}",
                code="tfjs_input_shape",
                name=info.name,
                expected=expected,
                actual=str(list(array.shape)),
            )
        return tf.convert_to_tensor(array, dtype=info.dtype)

    def __call__(self, *args: np.ndarray, **named: np.ndarray) -> dict[str, np.ndarray]:
        """Run the graph; positional arguments in input order, or by name (or signature key).

        Values the graph itself rejects (an id past the end of an embedding table, say)
        come back as BadInput with TensorFlow's first line, never as a TensorFlow error.
        """
        feeds = self._feeds(args, named)
        try:
            results = self._fn(*feeds)
        except tf.errors.OpError as exc:
            detail = _op_error_detail(exc)
            raise BadInput(
                f"the model could not run on this input: {detail}",
                code="tfjs_run_failed",
                detail=detail,
            ) from exc
        return {info.name: t.numpy() for info, t in zip(self.outputs, results, strict=True)}

    @property
    def concrete_function(self) -> Any:
        """The graph as one TF concrete function (inputs in order → list of outputs), to
        re-save with `save_graph_model` (re-quantized, say) or hand to TFLiteConverter."""
        return self._fn

    def op_histogram(self) -> dict[str, int]:
        """How many nodes of each op model.json holds, function bodies included (as stored:
        TF.js fused ops appear under their own names)."""
        return dict(self._ops.most_common())

    def manifest_summary(self) -> dict:
        """Shards with their sizes, and each weight's shape, dtype and storage (as loaded)."""
        return copy.deepcopy(self._summary)


def load_graph_model(folder: Path) -> GraphModel:
    """Open the TF.js graph model in `folder` (model.json + shards; or the model.json path)."""
    folder = Path(folder)
    return GraphModel(folder.parent if folder.is_file() else folder)


# --- writing ---------------------------------------------------------------------------

# Every op TensorFlow.js 4.22 executes (tfjs-converter's op lists; tests/tfjs/list_ops.js
# prints them, tests/test_tfjs_crosscheck_graph.py checks this copy against the installed
# TF.js). A graph with any other op would load in TF.js and fail when run.
_TFJS_OP_NAMES = """
Abs Acos Acosh Add AddN AddV2 All Any ArgMax ArgMin Asin Asinh Atan Atan2 Atanh AvgPool
AvgPool3D BatchMatMul BatchMatMulV2 BatchToSpaceND BiasAdd Bincount BitwiseAnd BroadcastArgs
BroadcastTo Cast Ceil ClipByValue Complex ComplexAbs Concat ConcatV2 Const Conv1D Conv2D
Conv2DBackpropInput Conv3D Cos Cosh CropAndResize Cumprod Cumsum DenseBincount DepthToSpace
DepthwiseConv2d DepthwiseConv2dNative Dilation2D Div DivNoNan Einsum Elu EmptyTensorList
EnsureShape Enter Equal Erf EuclideanNorm Exit Exp ExpandDims Expm1 FFT
FakeQuantWithMinMaxVars Fill Floor FloorDiv FloorMod FusedBatchNorm FusedBatchNormV2
FusedBatchNormV3 FusedDepthwiseConv2dNative Gather GatherNd GatherV2 Greater GreaterEqual
HashTable HashTableV2 IFFT IRFFT Identity IdentityN If Imag ImageProjectiveTransformV3
InitializeTable InitializeTableV2 IsFinite IsInf IsNan LRN LeakyRelu Less LessEqual LinSpace
ListDiff Log Log1p LogSoftmax LogicalAnd LogicalNot LogicalOr LookupTableFind
LookupTableFindV2 LookupTableImport LookupTableImportV2 LookupTableSize LookupTableSizeV2
LoopCond LowerBound MatMul MatrixBandPart Max MaxPool MaxPool3D MaxPoolWithArgmax Maximum
Mean Merge Min Minimum MirrorPad Mod Mul Multinomial Neg NextIteration NoOp
NonMaxSuppressionV2 NonMaxSuppressionV3 NonMaxSuppressionV4 NonMaxSuppressionV5 NotEqual
OneHot Ones OnesLike Pack Pad PadV2 Placeholder PlaceholderWithDefault Pow Prelu Print Prod
RFFT RaggedGather RaggedRange RaggedTensorToTensor RandomStandardNormal RandomUniform
RandomUniformInt Range Rank Real RealDiv Reciprocal Relu Relu6 Reshape ResizeBilinear
ResizeNearestNeighbor Reverse ReverseV2 Round Rsqrt ScatterNd Select SelectV2 Selu Shape
ShapeN Sigmoid Sign SimpleMLCreateModelResource SimpleMLInferenceOpWithHandle
SimpleMLLoadModelFromPathWithHandle Sin Sinh Size Slice Snapshot Softmax Softplus
SpaceToBatchND SparseFillEmptyRows SparseReshape SparseSegmentMean SparseSegmentSum
SparseToDense Split SplitV Sqrt Square SquaredDifference Squeeze StatelessIf StatelessWhile
StaticRegexReplace StopGradient StridedSlice StringNGrams StringSplit StringToHashBucketFast
Sub Sum Switch Tan Tanh TensorArrayCloseV3 TensorArrayConcatV3 TensorArrayGatherV3
TensorArrayReadV3 TensorArrayScatterV3 TensorArraySizeV3 TensorArraySplitV3 TensorArrayV3
TensorArrayWriteV3 TensorListConcat TensorListConcatV2 TensorListFromTensor TensorListGather
TensorListGetItem TensorListLength TensorListPopBack TensorListPushBack TensorListReserve
TensorListResize TensorListScatter TensorListScatterV2 TensorListSetItem TensorListSplit
TensorListStack TensorScatterUpdate Tile TopKV2 Transpose TruncatedNormal Unique UniqueV2
Unpack UpperBound Where While Zeros ZerosLike _FusedConv2D _FusedMatMul
"""
TFJS_OPS = frozenset(_TFJS_OP_NAMES.split())


def unsupported_in_tfjs(ops: Iterable[str]) -> list[str]:
    """The ops among `ops` that TensorFlow.js cannot execute, sorted."""
    return sorted(set(ops) - TFJS_OPS)


def _concrete(fn: Any, input_signature: list | None) -> Any:
    """A concrete function for a tf.function, Keras model, concrete function or callable."""
    if hasattr(fn, "structured_input_signature") and hasattr(fn, "graph"):
        return fn
    if hasattr(fn, "inputs") and hasattr(fn, "count_params"):  # a Keras model
        model = fn
        specs = input_signature or [
            tf.TensorSpec(t.shape, t.dtype, name=_keras_input_name(t)) for t in model.inputs
        ]

        def call(*xs: tf.Tensor) -> Any:
            return model(xs[0] if len(xs) == 1 else list(xs), training=False)

        return tf.function(call, input_signature=specs).get_concrete_function()
    if hasattr(fn, "get_concrete_function"):
        return fn.get_concrete_function(*(input_signature or []))
    return tf.function(fn, input_signature=input_signature).get_concrete_function()


def _keras_input_name(tensor: Any) -> str:
    name = getattr(tensor, "name", None) or "input"
    return re.sub(r"[^A-Za-z0-9_.\-/]", "_", name.split(":")[0])


def _rename(graph: graph_pb2.GraphDef, old: str, new: str) -> None:
    """Rename node `old` to `new` and every reference to it."""
    for node in graph.node:
        if node.name == old:
            node.name = new
        for index, ref in enumerate(node.input):
            control = ref.startswith("^")
            base, _, port = ref.lstrip("^").partition(":")
            if base == old:
                node.input[index] = ("^" if control else "") + new + (f":{port}" if port else "")


def _free_name(graph: graph_pb2.GraphDef, name: str) -> str:
    """Make `name` available by renaming a node that holds it; return that node's new name."""
    taken = {n.name for n in graph.node}
    if name not in taken:
        return name
    suffix = 1
    while f"{name}_{suffix}" in taken:
        suffix += 1
    _rename(graph, name, f"{name}_{suffix}")
    return f"{name}_{suffix}"


def _name_inputs(graph: graph_pb2.GraphDef, concrete: Any, frozen: Any) -> list[tuple]:
    """Rename each Placeholder to its TensorSpec's name; (name, dtype, shape) per input."""
    signature = concrete.structured_input_signature  # None for a pruned graph function
    specs = tf.nest.flatten(signature) if signature is not None else [None] * len(frozen.inputs)
    inputs = []
    for spec, tensor in zip(specs, frozen.inputs, strict=True):
        wanted = getattr(spec, "name", None) or tensor.op.name
        if wanted != tensor.op.name:
            _free_name(graph, wanted)
            _rename(graph, tensor.op.name, wanted)
        inputs.append((wanted, tensor.dtype, tensor.shape))
    return inputs


def _name_outputs(
    graph: graph_pb2.GraphDef, concrete: Any, frozen: Any, inputs: list[str]
) -> list[tuple]:
    """Outputs as (name, dtype, shape): a returned dict's keys, in the dict's order, become
    Identity nodes of those names; other outputs keep the names the trace gave them."""
    structured = concrete.structured_outputs
    if not isinstance(structured, dict):
        return [(_short_name(t.name), t.dtype, t.shape) for t in frozen.outputs]
    clashes = sorted({str(k) for k in structured} & set(inputs))
    if clashes:
        raise ValueError(f"output names {clashes} are input names too: rename one or the other")
    # tf.nest flattens a dict in sorted key order: that is the order of frozen.outputs.
    by_key = dict(zip(sorted(str(k) for k in structured), frozen.outputs, strict=True))
    moved: dict[str, str] = {}  # nodes renamed to free an output's name
    outputs = []
    for key in (str(k) for k in structured):
        tensor = by_key[key]
        moved[key] = _free_name(graph, key)
        node = moved.get(tensor.op.name, tensor.op.name)
        source = f"{node}:{tensor.value_index}" if tensor.value_index else node
        identity = graph.node.add(op="Identity", name=key, input=[source])
        identity.attr["T"].type = tensor.dtype.as_datatype_enum
        outputs.append((key, tensor.dtype, tensor.shape))
    return outputs


def _reachable(graph: graph_pb2.GraphDef, ends: list[str]) -> graph_pb2.GraphDef:
    """Only the nodes `ends` need: the trace's own output Identities and unused control-flow
    Placeholders drop out, the named inputs stay even when no output uses them."""
    by_name = {node.name: node for node in graph.node}
    needed, stack = set(), list(ends)
    while stack:
        name = stack.pop()
        if name not in needed:
            needed.add(name)
            stack.extend(ref.lstrip("^").split(":")[0] for ref in by_name[name].input)
    kept = graph_pb2.GraphDef(versions=graph.versions, library=graph.library)
    kept.node.extend(node for node in graph.node if node.name in needed)
    return kept


def _take_value(node: node_def_pb2.NodeDef) -> tuple[str, np.ndarray]:
    """A Const's (name, value), leaving only dtype and shape in the node."""
    proto = node.attr["value"].tensor
    weight = (node.name, tf.make_ndarray(proto))
    stripped = attr_value_pb2.AttrValue()
    stripped.tensor.dtype = proto.dtype
    stripped.tensor.tensor_shape.CopyFrom(proto.tensor_shape)
    node.attr["value"].CopyFrom(stripped)
    return weight


def _prefix_function_consts(function: Any) -> None:
    """Rename a function body's Consts `<function>/<node>`, as the converter does, so their
    weights do not clash with the graph's or another function's."""
    prefix = function.signature.name
    consts = {n.name for n in function.node_def if n.op == "Const"}

    def renamed(ref: str) -> str:
        control = ref.startswith("^")
        base, sep, rest = ref.lstrip("^").partition(":")
        if base not in consts:
            return ref
        return ("^" if control else "") + f"{prefix}/{base}{sep}{rest}"

    for node in function.node_def:
        node.input[:] = [renamed(ref) for ref in node.input]
        if node.name in consts:
            node.name = f"{prefix}/{node.name}"
    for key, ref in function.ret.items():
        function.ret[key] = renamed(ref)


def _extract_weights(graph: graph_pb2.GraphDef) -> list[tuple[str, np.ndarray]]:
    """Move every Const value (function bodies' too) into the weights list."""
    weights = [_take_value(node) for node in graph.node if node.op == "Const"]
    for function in graph.library.function:
        _prefix_function_consts(function)
        weights += [_take_value(node) for node in function.node_def if node.op == "Const"]
    return weights


def _signature_entry(name: str, dtype: tf.DType, shape: tf.TensorShape) -> dict:
    entry: dict = {
        "name": _tensor_name(name),
        "dtype": types_pb2.DataType.Name(dtype.as_datatype_enum),
    }
    if shape.rank is None:
        entry["tensorShape"] = {"unknownRank": True}
    else:
        entry["tensorShape"] = {
            "dim": [{"size": str(-1 if d is None else d)} for d in shape.as_list()]
        }
    return entry


def save_graph_model(
    fn: Callable | Any,
    folder: Path,
    *,
    input_signature: list[tf.TensorSpec] | None = None,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    quantize: str | None = None,
    skip_op_check: bool = False,
) -> Path:
    """Freeze `fn` into a TF.js graph model in `folder` (TF.js loads it); return model.json.

    `quantize` is None, "float16", "uint8" or "uint16" (float weights only, as the converter).
    Like tensorflowjs_converter, refuses (ModelFormatError `tfjs_ops_unsupported`, nothing
    written) a graph with ops TF.js cannot run, unless `skip_op_check`.
    """
    concrete = _concrete(fn, input_signature)
    # Control flow stays If/While with function bodies, as tensorflowjs_converter keeps it:
    # TF.js cannot run the lowered Switch/Merge form of every loop (Keras LSTM fails).
    frozen = convert_variables_to_constants_v2(concrete, lower_control_flow=False)
    graph = frozen.graph.as_graph_def()
    inputs = _name_inputs(graph, concrete, frozen)
    outputs = _name_outputs(graph, concrete, frozen, [name for name, _, _ in inputs])
    graph = _reachable(graph, [name.split(":")[0] for name, _, _ in inputs + outputs])
    ops = [n.op for n in graph.node] + [n.op for f in graph.library.function for n in f.node_def]
    missing = unsupported_in_tfjs(set(ops) - {f.signature.name for f in graph.library.function})
    if missing and not skip_op_check:
        raise ModelFormatError(
            f"TensorFlow.js cannot run these ops of the graph: {', '.join(missing)}",
            code="tfjs_ops_unsupported",
            ops=", ".join(missing),
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = write_weights(
        _extract_weights(graph), folder, shard_bytes=shard_bytes, quantize=quantize
    )
    model = {
        "format": "graph-model",
        "generatedBy": f"TensorFlow {tf.__version__}",
        "convertedBy": CONVERTED_BY,
        "modelTopology": json_format.MessageToDict(graph),
        "weightsManifest": manifest,
        "signature": {
            "inputs": {name: _signature_entry(name, d, s) for name, d, s in inputs},
            "outputs": {name: _signature_entry(name, d, s) for name, d, s in outputs},
        },
    }
    path = folder / "model.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    return path
