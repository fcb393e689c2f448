"""The operations of the tensor lesson, one table: each entry says everything about one
operation — its argument's kind, the dtypes it takes, how TensorFlow runs it, a sensible
default argument, and its Python and TF.js code. Adding an operation is one entry here
(its run function in models/tensors/ops.py if it needs checks of its own) plus its
translations (`tensor.op.<name>`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import tensorflow as tf

from models.errors import BadInput
from models.tensors import image_ops, ops
from models.tensors.code import binary_code, creation_code, shape_list, slice_tfjs
from models.tensors.make import NUMERIC_ORDER, dtype_name, from_literal
from models.tensors.ops import OpResult, common_dtype, normalize_slice, parse_slice

# What the code functions receive: the argument text (stripped), the tensor, the other operand.
Code = Callable[[str, np.ndarray, np.ndarray | None], tuple[str, str]]
ORDERED = ("bool", "int32", "float32")  # no order on complex numbers, no sum of strings
PICTURE_DTYPES = ("int32", "float32")  # what tf.image takes


@dataclass(frozen=True)
class Operation:
    """One operation: `run(array, arg)` by TensorFlow, `code(arg, array, other)` as
    (Python, TF.js) source that computes `result` from `t` (and `b` for two tensors)."""

    arg_kind: str  # tensor | shape | axis | axis_or_all | perm | dtype | slice | depth |
    # none | size | box (the tf.image ones)
    run: Callable[[np.ndarray, str], OpResult]  # (array, the other tensor) for kind "tensor"
    default: Callable[[np.ndarray], str]
    code: Code
    dtypes: tuple[str, ...] = NUMERIC_ORDER
    strings: bool = False  # also takes string tensors
    binary: bool = False  # element-wise on two tensors, with broadcasting


def _expression(py: Callable[[str], str], js: Callable[[str], str]) -> Code:
    """Code for a one-tensor operation given as two expressions of the argument."""
    return lambda arg, array, other: (py(arg), js(arg))


def _counting(py: Callable[[str], str], js: Callable[[str], str]) -> Code:
    """Like `_expression`, with booleans counted as integers first (TensorFlow cannot sum
    or compare bools; TF.js does it by itself)."""

    def code(arg: str, array: np.ndarray, other: np.ndarray | None) -> tuple[str, str]:
        python = py(arg)
        if dtype_name(array) == "bool":
            python = python.replace("(t", "(tf.cast(t, tf.int32)", 1)
        return python, js(arg)

    return code


def _softmax_code(arg: str, array: np.ndarray, other: np.ndarray | None) -> tuple[str, str]:
    as_float = dtype_name(array) == "float32"
    py_t, js_t = ("t", "t") if as_float else ("tf.cast(t, tf.float32)", "t.toFloat()")
    return f"tf.nn.softmax({py_t}, axis={arg or -1})", f"tf.softmax({js_t}, {arg or -1})"


def _slice_code(arg: str, array: np.ndarray, other: np.ndarray | None) -> tuple[str, str]:
    return normalize_slice(arg), slice_tfjs(parse_slice(arg), array.shape)


def _binary(name: str, py_fn: str, js_fn: str, tf_fn, dtypes=NUMERIC_ORDER, **extra) -> Operation:
    return Operation(
        "tensor",
        partial(ops.binary, name, tf_fn),
        lambda array: "2" if name == "pow" else "10",
        partial(binary_code, name, py_fn, js_fn),
        dtypes,
        binary=True,
        **extra,
    )


def _matmul_default(array: np.ndarray) -> str:
    inner = array.shape[-1] if array.ndim >= 1 else 1
    return "[" + ", ".join(["[1]"] * inner) + "]"


def _reduction(name: str, tf_fn, js_fn: str, dtypes=NUMERIC_ORDER) -> Operation:
    return Operation(
        "axis_or_all",
        partial(ops.reduce, name, tf_fn),
        lambda array: "",
        _counting(
            lambda a: f"tf.{name}(t{f', axis={a}' if a else ''})",
            lambda a: f"{js_fn}(t{f', {a}' if a else ''})",
        ),
        dtypes,
    )


def _arg_extreme(name: str, tf_fn, js_name: str) -> Operation:
    return Operation(
        "axis",
        partial(ops.arg_extreme, name, tf_fn),
        lambda array: "0",
        _counting(
            lambda a: f"tf.{name}(t, axis={a or 0}, output_type=tf.int32)",
            lambda a: f"tf.{js_name}(t, {a or 0})",
        ),
        ORDERED,
    )


TABLE: dict[str, Operation] = {
    "add": _binary("add", "tf.add", "tf.add", tf.add, strings=True),
    "sub": _binary("sub", "tf.subtract", "tf.sub", tf.subtract),
    "mul": _binary("mul", "tf.multiply", "tf.mul", tf.multiply),
    "div": _binary("div", "tf.divide", "tf.div", tf.divide),
    "pow": _binary("pow", "tf.pow", "tf.pow", tf.pow),
    "maximum": _binary("maximum", "tf.maximum", "tf.maximum", tf.maximum, ORDERED),
    "minimum": _binary("minimum", "tf.minimum", "tf.minimum", tf.minimum, ORDERED),
    "matmul": Operation(
        "tensor",
        ops.matmul,
        _matmul_default,
        partial(binary_code, "matmul", "tf.matmul", "tf.matMul"),
    ),
    "reshape": Operation(
        "shape",
        ops.reshape,
        lambda array: "-1",
        _expression(
            lambda a: f"tf.reshape(t, {shape_list(a)})", lambda a: f"tf.reshape(t, {shape_list(a)})"
        ),
        strings=True,
    ),
    "expand_dims": Operation(
        "axis",
        ops.expand_dims,
        lambda array: "-1",
        _expression(lambda a: f"tf.expand_dims(t, axis={a})", lambda a: f"tf.expandDims(t, {a})"),
        strings=True,
    ),
    "squeeze": Operation(
        "axis_or_all",
        ops.squeeze,
        lambda array: "",
        _expression(
            lambda a: f"tf.squeeze(t{f', axis=[{a}]' if a else ''})",
            lambda a: f"tf.squeeze(t{f', [{a}]' if a else ''})",
        ),
        strings=True,
    ),
    "transpose": Operation(
        "perm",
        ops.transpose,
        lambda array: "",
        _expression(
            lambda a: f"tf.transpose(t{f', perm={shape_list(a)}' if a else ''})",
            lambda a: f"tf.transpose(t{f', {shape_list(a)}' if a else ''})",
        ),
        strings=True,
    ),
    "cast": Operation(
        "dtype",
        ops.cast_to,
        lambda array: "float32" if dtype_name(array) != "float32" else "int32",
        _expression(lambda a: f"tf.cast(t, tf.{a})", lambda a: f"tf.cast(t, '{a}')"),
        (*NUMERIC_ORDER, "string"),
    ),
    "slice": Operation(
        "slice",
        ops.slice_tensor,
        lambda array: "t[0]" if array.ndim else "t[...]",
        _slice_code,
        strings=True,
    ),
    "softmax": Operation("axis", ops.softmax, lambda array: "-1", _softmax_code, ORDERED),
    "argmax": _arg_extreme("argmax", tf.argmax, "argMax"),
    "argmin": _arg_extreme("argmin", tf.argmin, "argMin"),
    "reduce_sum": _reduction("reduce_sum", tf.reduce_sum, "tf.sum"),
    "reduce_mean": _reduction("reduce_mean", tf.reduce_mean, "tf.mean"),
    "reduce_max": _reduction("reduce_max", tf.reduce_max, "tf.max", ORDERED),
    "one_hot": Operation(
        "depth",
        ops.one_hot,
        lambda array: (
            str(int(array.max()) + 1) if array.size and dtype_name(array) == "int32" else "3"
        ),
        _expression(
            lambda a: f"tf.one_hot(t, {a})", lambda a: f"tf.oneHot(t, {a}, 1, 0, 'float32')"
        ),
        ("int32",),
    ),
}


def _picture_size(array: np.ndarray) -> str:
    """Twice the picture's height and width, within the limit: an enlargement shows the
    difference between bilinear and nearest best."""
    if array.ndim != 3:
        return "4, 4"
    return ", ".join(str(min(2 * side, image_ops.MAX_SIDE)) for side in array.shape[:2])


def _resize(method: str, js: str) -> Operation:
    return Operation(
        "size",
        partial(image_ops.resize, method),
        _picture_size,
        _expression(
            lambda a: f"tf.image.resize(t, [{a}], method='{method}')",
            lambda a: f"tf.image.{js}(t, [{a}], false, true)",
        ),
        PICTURE_DTYPES,
    )


TABLE |= {
    "flip_left_right": Operation(
        "none",
        image_ops.flip_left_right,
        lambda array: "",
        _expression(
            lambda a: "tf.image.flip_left_right(tf.cast(t, tf.float32))",
            lambda a: "tf.image.flipLeftRight(t.toFloat().expandDims(0)).squeeze([0])",
        ),
        PICTURE_DTYPES,
    ),
    "rgb_to_grayscale": Operation(
        "none",
        image_ops.grayscale,
        lambda array: "",
        _expression(
            lambda a: "tf.image.rgb_to_grayscale(tf.cast(t, tf.float32))",
            lambda a: "tf.image.rgbToGrayscale(t.toFloat())",
        ),
        PICTURE_DTYPES,
    ),
    "resize_bilinear": _resize("bilinear", "resizeBilinear"),
    "resize_nearest": _resize("nearest", "resizeNearestNeighbor"),
    "crop_and_resize": Operation(
        "box",
        image_ops.crop_and_resize,
        lambda array: "0.25, 0.25, 0.75, 0.75",
        lambda a, array, other: (
            f"tf.image.crop_and_resize(tf.cast(t, tf.float32)[None], [[{a}]], [0], "
            f"{list(array.shape[:2])})[0]",
            f"tf.image.cropAndResize(t.toFloat().expandDims(0), [[{a}]], [0], "
            f"[{', '.join(str(d) for d in array.shape[:2])}]).squeeze([0])",
        ),
        PICTURE_DTYPES,
    ),
}
OPERATIONS = tuple(TABLE)
BINARY = tuple(name for name, entry in TABLE.items() if entry.binary)
ARG_KIND = {name: entry.arg_kind for name, entry in TABLE.items()}


def operation(op: str) -> Operation:
    if op not in TABLE:
        raise BadInput(f"Unknown operation '{op}'.", code="tensor_unknown_op", op=op)
    return TABLE[op]


def default_arg(op: str, array: np.ndarray) -> str:
    """A sensible argument for `op` on this tensor, so every operation runs at once."""
    return operation(op).default(array)


def apply(op: str, arg: str, array: np.ndarray) -> OpResult:
    """`op` with its argument text applied to `array`, by TensorFlow.

    The checks in models/tensors/ops.py answer what we know TensorFlow refuses; anything
    else it refuses at run time still reaches the student as a sentence (with TensorFlow's
    own first line).
    """
    entry = operation(op)
    _check_dtype(op, entry, dtype_name(array))
    try:
        if entry.arg_kind != "tensor":
            return entry.run(array, arg)
        other = from_literal(arg, None)
        common_dtype(dtype_name(array), dtype_name(other), op)  # strings with numbers: refused
        _check_dtype(op, entry, dtype_name(other))
        return entry.run(array, other)
    except tf.errors.OpError as error:
        detail = (error.message or str(error)).splitlines()[0][:200]
        raise BadInput(
            f"TensorFlow refused {op}: {detail}", code="tensor_tf_refused", op=op, detail=detail
        ) from None


def _check_dtype(op: str, entry: Operation, dtype: str) -> None:
    if dtype not in entry.dtypes and not (dtype == "string" and entry.strings):
        raise BadInput(
            f"{op} does not work on {dtype} tensors.", code="tensor_op_dtype", op=op, dtype=dtype
        )


def operation_code(
    op: str, arg: str, array: np.ndarray, other: np.ndarray | None
) -> tuple[str, str]:
    """(Python, TF.js) lines that compute `result` from `t` for the operation."""
    entry = operation(op)
    py, js = entry.code(arg.strip(), array, other)
    if entry.arg_kind == "tensor":  # two tensors: the code builds `b` and prints itself
        return py, js
    return f"result = {py}\nprint(result)", f"const result = {js};\nresult.print();"


def full_code(
    recipe,
    array: np.ndarray,
    op: str = "",
    arg: str = "",
    other: np.ndarray | None = None,
    image: tuple[int, int] | None = None,
) -> tuple[str, str]:
    """The whole program for the code panel: imports, the tensor, the operation."""
    py_make, js_make = creation_code(recipe, array, image)
    py = ["import tensorflow as tf", "", py_make, "print(t)"]
    js = ["import * as tf from '@tensorflow/tfjs';", "", js_make, "t.print();"]
    if op:
        py_op, js_op = operation_code(op, arg, array, other)
        py += ["", py_op]
        js += ["", js_op]
    return "\n".join(py), "\n".join(js)
