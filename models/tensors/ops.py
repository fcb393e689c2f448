"""How TensorFlow runs each operation of the tensor lesson, its argument given as text (the
table of operations, with their code, is models/tensors/operations.py).

An operation is an id and one argument string (a second tensor, an axis, a shape, a slice,
a dtype, a depth), the same string the page's widgets give and a shared link holds in
`?op=…&a=…`. Checks that TensorFlow would answer with a stack trace (shapes that cannot
broadcast, a matmul of the wrong sizes, an index out of range) are made here first, so the
student reads a sentence instead.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from models.errors import BadInput
from models.tensors.make import (
    MAX_RANK,
    NUMERIC_ORDER,
    cast,
    check_dtype,
    check_rank,
    check_size,
    dtype_name,
    parse_shape,
    shape_text,
    tf_dtype,
    to_numpy,
    to_tensor,
)


@dataclass(frozen=True)
class AxisLine:
    """One axis of a broadcast, counted from the right: both sizes and who stretches."""

    a: int | None
    b: int | None
    out: int
    stretched: str  # "", "a" or "b" (or "ab" when both are size 1 or missing)


@dataclass
class OpResult:
    """The result of one operation, the second operand if any, and what the page should say."""

    value: np.ndarray
    other: np.ndarray | None = None
    broadcast: list[AxisLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    axis: int | None = None


def broadcast_lines(a: tuple[int, ...], b: tuple[int, ...]) -> list[AxisLine]:
    """The two shapes aligned on the right, axis by axis: which one stretches, or the error."""
    lines: list[AxisLine] = []
    for k in range(max(len(a), len(b))):
        da = a[len(a) - 1 - k] if k < len(a) else None
        db = b[len(b) - 1 - k] if k < len(b) else None
        sa, sb = 1 if da is None else da, 1 if db is None else db
        if sa != sb and 1 not in (sa, sb):
            raise BadInput(
                f"Operands could not be broadcast together with shapes {shape_text(a)} and "
                f"{shape_text(b)}: sizes {sa} and {sb} meet on axis {-1 - k} and neither is 1.",
                code="tensor_broadcast",
                a=shape_text(a),
                b=shape_text(b),
                size_a=sa,
                size_b=sb,
                axis=-1 - k,
            )
        out = sb if sa == 1 else sa
        stretched = ("a" if sa != out or da is None else "") + (
            "b" if sb != out or db is None else ""
        )
        lines.append(AxisLine(da, db, out, stretched))
    lines.reverse()
    check_size([line.out for line in lines])
    return lines


def common_dtype(a: str, b: str, op: str) -> str:
    """The dtype both operands are cast to: the later of the two in bool→int32→float32→complex64."""
    if "string" in (a, b):
        if a == b == "string" and op == "add":
            return "string"
        raise BadInput(
            f"{op} cannot mix a {a} tensor with a {b} tensor.",
            code="tensor_mix_dtypes",
            op=op,
            a=a,
            b=b,
        )
    common = max(a, b, key=NUMERIC_ORDER.index)
    if op in ("div", "pow") and common in ("bool", "int32"):
        return "float32"
    return "int32" if common == "bool" else common


def binary(op: str, tf_fn, array: np.ndarray, other: np.ndarray) -> OpResult:
    """`tf_fn` (tf.add, tf.pow, …) of the two tensors, cast to the dtype both meet in, with
    the broadcast explained axis by axis."""
    lines = broadcast_lines(array.shape, other.shape)
    a_name, b_name = dtype_name(array), dtype_name(other)
    common = common_dtype(a_name, b_name, op)
    notes = ["promoted"] if common not in (a_name, b_name) or a_name != b_name else []
    a = tf.cast(to_tensor(array), tf_dtype(common))
    b = tf.cast(to_tensor(other), tf_dtype(common))
    value = to_numpy(tf_fn(a, b))
    return OpResult(value, other=other, broadcast=lines, notes=notes)


def matmul(array: np.ndarray, other: np.ndarray) -> OpResult:
    a_name, b_name = dtype_name(array), dtype_name(other)
    common = common_dtype(a_name, b_name, "matmul")
    if array.ndim < 2 or other.ndim < 2 or array.shape[-1] != other.shape[-2]:
        raise BadInput(
            f"matmul needs two tensors of rank 2 or more whose inner sizes match: "
            f"{shape_text(array.shape)} × {shape_text(other.shape)} does not.",
            code="tensor_matmul_shape",
            a=shape_text(array.shape),
            b=shape_text(other.shape),
        )
    batch = broadcast_lines(array.shape[:-2], other.shape[:-2])
    check_size([*(line.out for line in batch), array.shape[-2], other.shape[-1]])
    a = tf.cast(to_tensor(array), tf_dtype(common))
    b = tf.cast(to_tensor(other), tf_dtype(common))
    notes = ["promoted"] if a_name != b_name or common != a_name else []
    return OpResult(to_numpy(tf.matmul(a, b)), other=other, notes=notes)


def reshape(array: np.ndarray, arg: str) -> OpResult:
    shape = parse_shape(arg, allow_unknown=True)
    if shape is None:
        raise BadInput("reshape needs a shape, like 3,3 or -1.", code="tensor_reshape_needs_shape")
    known = math.prod(d for d in shape if d != -1)
    fits = known == array.size if -1 not in shape else known and array.size % known == 0
    if not fits:
        raise BadInput(
            f"Cannot reshape a tensor of {array.size} elements into shape {shape_text(shape)}.",
            code="tensor_reshape_size",
            size=array.size,
            shape=shape_text(shape),
        )
    return OpResult(to_numpy(tf.reshape(to_tensor(array), shape)))


def parse_axis(text: str, rank: int, *, optional: bool = False, extra: int = 0) -> int | None:
    """An axis in [-rank-extra, rank+extra) from text; empty means all axes when `optional`."""
    stripped = text.strip()
    if not stripped and optional:
        return None
    limit = rank + extra
    if limit == 0:  # TensorFlow itself answers a scalar's axis 0 with InvalidArgumentError
        raise BadInput(
            f"a scalar (rank 0) has no axis {stripped or 0}: leave the axis empty to use "
            "the whole tensor.",
            code="tensor_scalar_axis",
            text=stripped,
        )
    try:
        axis = int(stripped)
    except ValueError:
        axis = None
    if axis is None or not -limit <= axis < limit:
        raise BadInput(
            f"'{stripped}' is not an axis of a rank {rank} tensor: use a whole number from "
            f"{-limit} to {limit - 1}.",
            code="tensor_bad_axis",
            text=stripped,
            rank=rank,
            low=-limit,
            high=limit - 1,
        )
    return axis


def expand_dims(array: np.ndarray, arg: str) -> OpResult:
    check_rank(array.ndim + 1)
    axis = parse_axis(arg, array.ndim, extra=1)
    return OpResult(to_numpy(tf.expand_dims(to_tensor(array), axis)), axis=axis)


def squeeze(array: np.ndarray, arg: str) -> OpResult:
    axis = parse_axis(arg, array.ndim, optional=True)
    if axis is not None and array.shape[axis] != 1:
        raise BadInput(
            f"squeeze can only remove an axis of size 1; axis {axis} has size {array.shape[axis]}.",
            code="tensor_squeeze_size",
            axis=axis,
            size=array.shape[axis],
        )
    axes = None if axis is None else [axis]
    return OpResult(to_numpy(tf.squeeze(to_tensor(array), axes)), axis=axis)


def transpose(array: np.ndarray, arg: str) -> OpResult:
    perm = parse_shape(arg) if arg.strip() else None
    if perm is not None and sorted(perm) != list(range(array.ndim)):
        raise BadInput(
            f"A permutation of a rank {array.ndim} tensor lists each axis 0…{array.ndim - 1} "
            f"once; {shape_text(perm)} does not.",
            code="tensor_bad_perm",
            rank=array.ndim,
            high=array.ndim - 1,
            perm=shape_text(perm),
        )
    return OpResult(to_numpy(tf.transpose(to_tensor(array), perm)))


def cast_to(array: np.ndarray, arg: str) -> OpResult:
    return OpResult(cast(array, check_dtype(arg)))


def one_hot(array: np.ndarray, arg: str) -> OpResult:
    try:
        depth = int(arg.strip())
    except ValueError:
        depth = 0
    if depth < 1:
        raise BadInput(
            f"one_hot needs a depth: a whole number of classes, 1 or more (not '{arg}').",
            code="tensor_bad_depth",
            text=arg,
        )
    check_rank(array.ndim + 1)
    check_size([*array.shape, depth])
    return OpResult(to_numpy(tf.one_hot(to_tensor(array), depth)))


def reduce(op: str, tf_fn, array: np.ndarray, arg: str) -> OpResult:
    """`tf_fn` (tf.reduce_sum, …) along one axis, or over all of them for an empty axis."""
    axis = parse_axis(arg, array.ndim, optional=True)
    notes = ["int_mean"] if op == "reduce_mean" and dtype_name(array) == "int32" else []
    tensor = to_tensor(array)
    if dtype_name(array) == "bool":
        tensor = tf.cast(tensor, tf.int32)
    return OpResult(to_numpy(tf_fn(tensor, axis=axis)), axis=axis, notes=notes)


def _axis_of(op: str, array: np.ndarray, arg: str, default: str) -> int:
    if array.ndim == 0:
        raise BadInput(f"{op} needs a tensor of rank 1 or more.", code="tensor_needs_rank", op=op)
    return parse_axis(arg or default, array.ndim)


def softmax(array: np.ndarray, arg: str) -> OpResult:
    """Softmax along an axis (the last by default), of floats: other dtypes are cast first."""
    axis = _axis_of("softmax", array, arg, "-1")
    tensor, notes = to_tensor(array), []
    if dtype_name(array) != "float32":
        tensor, notes = tf.cast(tensor, tf.float32), ["to_float"]
    return OpResult(to_numpy(_softmax(tensor, axis)), axis=axis, notes=notes)


def arg_extreme(op: str, tf_fn, array: np.ndarray, arg: str) -> OpResult:
    """tf.argmax / tf.argmin along an axis (the first by default), booleans as 0 and 1."""
    axis = _axis_of(op, array, arg, "0")
    tensor = to_tensor(array)
    if dtype_name(array) == "bool":
        tensor = tf.cast(tensor, tf.int32)
    return OpResult(to_numpy(tf_fn(tensor, axis=axis, output_type=tf.int32)), axis=axis)


def _softmax(tensor: tf.Tensor, axis: int) -> tf.Tensor:
    """tf.nn.softmax, which takes ranks 1–5; rank 6 uses its formula exp(x − max) / Σ exp."""
    if tensor.shape.rank <= 5:
        return tf.nn.softmax(tensor, axis=axis)
    exp = tf.exp(tensor - tf.reduce_max(tensor, axis=axis, keepdims=True))
    return exp / tf.reduce_sum(exp, axis=axis, keepdims=True)


@dataclass(frozen=True)
class SliceItem:
    """One entry between the brackets of `t[...]`."""

    kind: str  # "index", "slice", "ellipsis" or "newaxis"
    index: int = 0
    start: int | None = None
    stop: int | None = None
    step: int | None = None

    def to_python(self) -> object:
        if self.kind == "index":
            return self.index
        if self.kind == "slice":
            return slice(self.start, self.stop, self.step)
        return Ellipsis if self.kind == "ellipsis" else None


def normalize_slice(text: str) -> str:
    """`1:4`, `[1:4]` and `t[1:4]` all become `t[1:4]`."""
    stripped = text.strip()
    if stripped.startswith("t["):
        return stripped
    if stripped.startswith("["):
        return "t" + stripped
    return f"t[{stripped}]"


def parse_slice(text: str) -> list[SliceItem]:
    """The items of a Python slice expression on `t`, read from its syntax tree (no eval)."""
    expression = normalize_slice(text)
    if len(expression) > 200:
        raise _bad_slice(text)
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        raise _bad_slice(text) from None
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)):
        raise _bad_slice(text)
    parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return [_slice_item(part, text) for part in parts]


def _bad_slice(text: str) -> BadInput:
    return BadInput(
        f"'{text}' is not a slice. Write it as in Python: t[1:4], t[::-1], t[1, :], t[..., 0].",
        code="tensor_bad_slice",
        text=text,
    )


def _slice_item(node: ast.AST, text: str) -> SliceItem:
    if isinstance(node, ast.Slice):
        start, stop, step = (_slice_int(p, text) for p in (node.lower, node.upper, node.step))
        if step == 0:
            raise BadInput("A slice step cannot be zero.", code="tensor_slice_step_zero")
        return SliceItem("slice", start=start, stop=stop, step=step)
    if isinstance(node, ast.Constant) and node.value is Ellipsis:
        return SliceItem("ellipsis")
    if isinstance(node, ast.Constant) and node.value is None:
        return SliceItem("newaxis")
    if isinstance(node, ast.Attribute) and node.attr == "newaxis":
        return SliceItem("newaxis")
    value = _slice_int(node, text)
    if value is None:
        raise _bad_slice(text)
    return SliceItem("index", index=value)


def _slice_int(node: ast.AST | None, text: str) -> int | None:
    if node is None:
        return None
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    raise _bad_slice(text)


def check_slice(items: list[SliceItem], shape: tuple[int, ...]) -> None:
    """Too many indices, two `...`, or an index out of range: said before TensorFlow says it."""
    if sum(item.kind == "ellipsis" for item in items) > 1:
        raise BadInput("A slice can hold only one '...'.", code="tensor_slice_ellipsis")
    used = [item for item in items if item.kind in ("index", "slice")]
    if len(used) > len(shape):
        raise BadInput(
            f"Too many indices: the tensor has rank {len(shape)} but {len(used)} were given.",
            code="tensor_slice_too_many",
            rank=len(shape),
            count=len(used),
        )
    new_rank = len(shape) + sum(item.kind == "newaxis" for item in items)
    check_rank(min(new_rank, MAX_RANK + 1))
    axis_of = _axes_of_items(items, len(shape))
    for item, axis in zip(items, axis_of, strict=True):
        if item.kind == "index" and not -shape[axis] <= item.index < shape[axis]:
            raise BadInput(
                f"Index {item.index} is out of range for axis {axis}, which has size "
                f"{shape[axis]}.",
                code="tensor_slice_out_of_range",
                index=item.index,
                axis=axis,
                size=shape[axis],
            )


def _axes_of_items(items: list[SliceItem], rank: int) -> list[int]:
    """Which axis of the input each item addresses (-1 for `...` and newaxis)."""
    used = sum(item.kind in ("index", "slice") for item in items)
    axes: list[int] = []
    axis = 0
    for item in items:
        if item.kind == "ellipsis":
            axes.append(-1)
            axis += rank - used
        elif item.kind == "newaxis":
            axes.append(-1)
        else:
            axes.append(axis)
            axis += 1
    return axes


def slice_tensor(array: np.ndarray, arg: str) -> OpResult:
    items = parse_slice(arg)
    check_slice(items, array.shape)
    key = tuple(item.to_python() for item in items)
    return OpResult(to_numpy(to_tensor(array)[key]))
