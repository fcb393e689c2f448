"""The Python and TF.js code that makes the current tensor, and the pieces the operations'
code is written with (models/tensors/operations.py holds each operation's own code).

Generated from the same recipe and operation the page computed, so the code a student
copies gives the tensor they see (random makers use TensorFlow's stateless, seeded ops in
Python; TF.js draws its own numbers for the same seed and the code says so).
"""

from __future__ import annotations

import json
import math

import numpy as np

from models.tensors.make import (
    DTYPES,
    PRESETS,
    Recipe,
    dtype_name,
    maker_call,
    parse_literal,
    parse_shape,
)
from models.tensors.ops import SliceItem, common_dtype

MAX_INLINE_VALUES = 1000


def _value(value: object, js: bool) -> str:
    """One element as source code of the language."""
    if isinstance(value, (bool, np.bool_)):
        return ("true" if value else "false") if js else str(bool(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return "NaN" if js else 'float("nan")'
        if math.isinf(value):
            text = "Infinity" if js else 'float("inf")'
            return text if value > 0 else "-" + text
        return np.format_float_positional(np.float32(value), precision=7, trim="0")
    return str(value)


def values_code(array: np.ndarray, js: bool, *, flat: bool = False) -> str:
    """Nested (or flat) list of the array's values in Python or JavaScript syntax."""
    data = array.reshape(-1) if flat else array
    if dtype_name(array) == "string":
        data = data.astype(object)
    items = data.tolist()

    def write(item: object) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(write(i) for i in item) + "]"
        if isinstance(item, complex):
            return _value(item.real, js) if js else f"({item.real:g}{item.imag:+g}j)"
        return _value(item, js)

    return write(items)


def _py_dtype(name: str) -> str:
    return f"tf.{name}"


def _py_literal_line(array: np.ndarray, shape_given: bool, dtype_given: bool) -> str:
    args = values_code(array, js=False, flat=shape_given)
    if shape_given:
        args += f", shape={list(array.shape)}"
    if dtype_given or (dtype_name(array) == "float32" and array.size and _all_whole(array)):
        args += f", dtype={_py_dtype(dtype_name(array))}"
    return f"t = tf.constant({args})"


def _all_whole(array: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(array)) and np.all(np.mod(array, 1) == 0))


def _js_literal_line(array: np.ndarray, shape_given: bool) -> str:
    dtype = dtype_name(array)
    if dtype == "complex64":
        real = values_code(array.real, js=True, flat=shape_given)
        imag = values_code(array.imag, js=True, flat=shape_given)
        line = f"const t = tf.complex({real}, {imag});"
        return line if not shape_given else line[:-1] + f".reshape({list(array.shape)});"
    dtype_arg = "" if dtype == "float32" else f"'{dtype}'"
    rank = array.ndim
    if rank == 0:
        extra = f", {dtype_arg}" if dtype_arg else ""
        return f"const t = tf.scalar({values_code(array, js=True)}{extra});"
    if shape_given and rank == 1:
        values = values_code(array, js=True)
        return f"const t = tf.tensor1d({values}{', ' + dtype_arg if dtype_arg else ''});"
    if shape_given:
        values = values_code(array, js=True, flat=True)
        extra = f", {dtype_arg}" if dtype_arg else ""
        return f"const t = tf.tensor{rank}d({values}, {list(array.shape)}{extra});"
    extra = f", undefined, {dtype_arg}" if dtype_arg else ""
    return f"const t = tf.tensor({values_code(array, js=True)}{extra});"


def _too_big(array: np.ndarray) -> bool:
    return array.size > MAX_INLINE_VALUES


def creation_code(
    recipe: Recipe | None, array: np.ndarray, image: tuple[int, int] | None = None
) -> tuple[str, str]:
    """(Python, TF.js) lines that build `array` as `t`; `image` is an upload's original size."""
    if image is not None:
        return _image_code(image, array.shape[:2])
    if recipe is not None and recipe.source.strip() in PRESETS:
        recipe = PRESETS[recipe.source.strip()].recipe
    maker = maker_call(recipe.source) if recipe is not None else None
    if maker is not None:
        return _maker_code(maker[0], maker[1], recipe, array)
    if _too_big(array):
        note = f"{list(array.shape)} {dtype_name(array)}"
        return (f"t = ...  # the {note} tensor of the previous step", f"const t = ...;  // {note}")
    shape_given = recipe is not None and bool(recipe.shape.strip())
    dtype_given = recipe is not None and bool(recipe.dtype.strip())
    return (
        _py_literal_line(array, shape_given, dtype_given),
        _js_literal_line(array, shape_given),
    )


def _image_code(original: tuple[int, int], size: tuple[int, ...]) -> tuple[str, str]:
    py = 'pixels = tf.io.decode_image(open("photo.jpg", "rb").read(), channels=3)'
    js = "const pixels = tf.browser.fromPixels(imageElement);  // int32 [height, width, 3]"
    if tuple(original) == tuple(size):
        return f"{py}\nt = tf.cast(pixels, tf.int32)", js.replace("pixels", "t", 1)
    dims = list(size)
    return (
        f"{py}\nt = tf.cast(tf.round(tf.image.resize(pixels, {dims}, method='area')), tf.int32)",
        f"{js}\nconst t = tf.image.resizeBilinear(pixels, {dims}).round().toInt();",
    )


def _maker_code(
    name: str, params: str | None, recipe: Recipe, array: np.ndarray
) -> tuple[str, str]:
    """zeros/ones/fill/range/random in both languages; TF.js is told int32 where it would not
    infer it (its `tf.fill` and `tf.range` make float32 unless asked)."""
    values = parse_literal(f"[{params}]") if params and params.strip() else []
    shape = parse_shape(recipe.shape)
    dims = list(shape) if shape is not None else []
    nums = [_value(v, js=False) for v in values]
    js_nums = [_value(v, js=True) for v in values]
    dtype = recipe.dtype.strip()
    natural = dtype_name(array) if not dtype else ""
    if name in ("zeros", "ones"):
        py, js = f"t = tf.{name}({dims})", f"tf.{name}({dims})"
    elif name == "fill":
        js_dtype = f", '{natural}'" if natural in ("int32", "bool") else ""
        py, js = f"t = tf.fill({dims}, {nums[0]})", f"tf.fill({dims}, {js_nums[0]}{js_dtype})"
    elif name == "range":
        steps = [*js_nums, "1"][:3]
        js_dtype = f", '{natural}'" if natural == "int32" else ""
        py = f"t = tf.range({', '.join(nums)})"
        js = f"tf.range({', '.join(steps)}{js_dtype})"
        if shape is not None:
            py += f"\nt = tf.reshape(t, {dims})"
            js += f".reshape({dims})"
    else:
        py, js = _random_args(name, values, dims, natural or "float32")
    if dtype:
        py += f"\nt = tf.cast(t, {_py_dtype(dtype)})"
        js += f".cast('{dtype}')"
    note = "  // TF.js draws its own numbers for this seed" if name in ("normal", "uniform") else ""
    return py, f"const t = {js};{note}"


def _random_args(name: str, values: list, dims: list[int], dtype: str) -> tuple[str, str]:
    """Seeded random makers: stateless in Python (same numbers as here), seeded in TF.js."""
    first, second, seed = [*values, *[0.0, 1.0, 42][len(values) :]]
    if name == "normal":
        py = (
            f"t = tf.random.stateless_normal({dims}, seed=[{int(seed)}, 0], "
            f"mean={first}, stddev={second})"
        )
        return py, f"tf.randomNormal({dims}, {first}, {second}, 'float32', {int(seed)})"
    py = (
        f"t = tf.random.stateless_uniform({dims}, seed=[{int(seed)}, 0], "
        f"minval={first}, maxval={second}, dtype={_py_dtype(dtype)})"
    )
    return py, f"tf.randomUniform({dims}, {first}, {second}, '{dtype}', {int(seed)})"


def shape_list(text: str) -> str:
    """A shape or permutation typed as text, as the list both languages write."""
    shape = parse_shape(text, allow_unknown=True)
    return str(list(shape or ()))


def binary_code(
    op: str, py_fn: str, js_fn: str, arg: str, array: np.ndarray, other: np.ndarray | None
) -> tuple[str, str]:
    """`b` built with the dtype both meet in, `t` cast to it in Python (TF.js casts by itself),
    then `py_fn(t, b)` / `js_fn(t, b)` printed."""
    assert other is not None
    common = common_dtype(dtype_name(array), dtype_name(other), op)
    b_values = other.astype(DTYPES[common]) if common != "string" else other
    py_b, js_b = creation_code(Recipe("b", dtype=common), b_values)
    py_b, js_b = py_b.replace("t = ", "b = ", 1), js_b.replace("const t = ", "const b = ", 1)
    py_t = f"tf.cast(t, tf.{common})" if dtype_name(array) != common else "t"
    return (
        f"{py_b}\nresult = {py_fn}({py_t}, b)\nprint(result)",
        f"{js_b}\nconst result = {js_fn}(t, b);\nresult.print();",
    )


def slice_tfjs(items: list[SliceItem], shape: tuple[int, ...]) -> str:
    """TF.js has no `t[1:4]`: `tf.slice` (+ squeeze) for plain slices, else `tf.stridedSlice`."""
    plain = all(
        item.kind == "index" or (item.kind == "slice" and item.step in (None, 1)) for item in items
    )
    if plain:
        begin, size, dropped = [], [], []
        for axis, item in enumerate(items):
            start, stop, _ = slice(item.start, item.stop).indices(shape[axis])
            if item.kind == "index":
                start, stop = item.index % shape[axis], item.index % shape[axis] + 1
                dropped.append(axis)
            begin.append(start)
            size.append(max(0, stop - start))
        squeeze = f".squeeze({dropped})" if dropped else ""
        return f"tf.slice(t, {begin}, {size}){squeeze}"
    begin, end, strides = [], [], []
    masks = {"begin": 0, "end": 0, "ellipsis": 0, "newAxis": 0, "shrinkAxis": 0}
    for i, item in enumerate(items):
        bit = 1 << i
        if item.kind == "index":
            begin.append(item.index)
            end.append(item.index + 1 if item.index != -1 else 0)
            strides.append(1)
            masks["shrinkAxis"] |= bit
            continue
        if item.kind in ("ellipsis", "newaxis"):
            masks["ellipsis" if item.kind == "ellipsis" else "newAxis"] |= bit
            begin.append(0)
            end.append(0)
            strides.append(1)
            continue
        begin.append(item.start if item.start is not None else 0)
        end.append(item.stop if item.stop is not None else 0)
        strides.append(item.step if item.step is not None else 1)
        masks["begin"] |= bit if item.start is None else 0
        masks["end"] |= bit if item.stop is None else 0
    mask_args = ", ".join(str(masks[k]) for k in masks)
    return f"tf.stridedSlice(t, {begin}, {end}, {strides}, {mask_args})"
