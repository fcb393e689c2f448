"""Making tensors the ways the course does, from text that is safe to take from a URL.

A tensor is described by a `Recipe` of three strings — source, shape and dtype — so that the
page, a shared link (`?t=…&s=…&d=…`) and the command line all build it the same way. The
source is a preset id (`magic`), a literal (`[[1, 2], [3, 4]]`) or a maker call (`zeros`,
`fill(7)`, `range(0, 10, 2)`, `normal(0, 1, 42)`). Literals are read by walking Python's
syntax tree: numbers, strings, booleans, NaN and ∞ only, never `eval`. Every size is checked
with plain integers before anything big is allocated.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from models.errors import BadInput

MAX_RANK = 6
MAX_ELEMENTS = 1_000_000
MAX_LITERAL_CHARS = 100_000
MAX_NESTING_SCAN = 32
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

DTYPES: dict[str, type] = {
    "float32": np.float32,
    "int32": np.int32,
    "bool": np.bool_,
    "complex64": np.complex64,
    "string": np.object_,
}
_TF_DTYPES = {
    "float32": tf.float32,
    "int32": tf.int32,
    "bool": tf.bool,
    "complex64": tf.complex64,
    "string": tf.string,
}
# The order in which two dtypes meet in an operation: the later one wins (string meets nothing).
NUMERIC_ORDER = ("bool", "int32", "float32", "complex64")
_NAMED_CONSTANTS = {
    "nan": math.nan,
    "NaN": math.nan,
    "inf": math.inf,
    "Infinity": math.inf,
    "true": True,
    "false": False,
    "True": True,
    "False": False,
}
_MAKER = re.compile(r"^(zeros|ones|fill|range|normal|uniform)\s*(?:\((.*)\))?$", re.DOTALL)
# Parameters of each maker: names and defaults (None = required).
MAKER_PARAMS: dict[str, tuple[tuple[str, float | None], ...]] = {
    "zeros": (),
    "ones": (),
    "fill": (("value", None),),
    "range": (("start", None), ("stop", None), ("step", 1)),
    "normal": (("mean", 0.0), ("stddev", 1.0), ("seed", 42)),
    "uniform": (("minval", 0.0), ("maxval", 1.0), ("seed", 42)),
}


@dataclass(frozen=True)
class Recipe:
    """How a tensor is made: `source` (preset, literal or maker), `shape` and `dtype` as typed."""

    source: str
    shape: str = ""
    dtype: str = ""


@dataclass(frozen=True)
class Preset:
    """A tensor of the slides, with the axis names and the operation that goes with it."""

    recipe: Recipe
    axes: tuple[str, ...] = ()
    op: str = ""
    arg: str = ""


PRESETS: dict[str, Preset] = {
    "scalar": Preset(Recipe("1")),
    "vector": Preset(Recipe("[4, 9, 2]"), op="reduce_sum"),
    # the slides' rank-2 magic square, and its rank-3 stack of three magic squares
    "magic": Preset(Recipe("[[4, 9, 2], [3, 5, 7], [8, 1, 6]]"), op="reduce_sum", arg="0"),
    "stack": Preset(
        Recipe(
            "[[[4, 9, 2], [3, 5, 7], [8, 1, 6]], [[2, 7, 6], [9, 5, 1], [4, 3, 8]], "
            "[[6, 1, 8], [7, 5, 3], [2, 9, 4]]]"
        ),
        ("depth", "rows", "columns"),
    ),
    "rgb": Preset(
        Recipe(
            "[[[255, 0, 0], [255, 255, 0], [0, 255, 0]],"
            " [[255, 128, 0], [255, 255, 255], [0, 255, 255]],"
            " [[255, 0, 255], [0, 0, 0], [0, 0, 255]]]"
        ),
        ("height", "width", "channels"),
        op="slice",
        arg="t[:, :, 0]",
    ),
    "batch": Preset(
        Recipe("uniform(0, 256, 7)", "4,8,8,3"), ("batch", "height", "width", "channels")
    ),
    "voxel": Preset(
        Recipe("range(0, 54)", "2,3,3,3,1"), ("time", "depth", "height", "width", "channels")
    ),
    "fib": Preset(Recipe("[0, 1, 1, 2, 3, 5, 8, 13, 21, 34]"), op="slice", arg="t[1:4]"),
    "logits": Preset(Recipe("[[4.0, 5.0], [10.0, 1.0]]"), op="softmax", arg="-1"),
    "rank6": Preset(Recipe("range(0, 64)", "2,2,2,2,2,2")),
}


def dtype_name(array: np.ndarray) -> str:
    """The course's name of an array's dtype: float32, int32, bool, complex64 or string."""
    kind = array.dtype.kind
    if kind == "f":
        return "float32"
    if kind in "iu":
        return "int32"
    if kind == "b":
        return "bool"
    if kind == "c":
        return "complex64"
    return "string"


def tf_dtype(name: str) -> tf.DType:
    """The TensorFlow dtype of a course dtype name (checked)."""
    return _TF_DTYPES[check_dtype(name)]


def check_dtype(name: str) -> str:
    """`name` if it is one of the five dtypes of the course, else a clear BadInput."""
    name = name.strip()
    if name not in DTYPES:
        raise BadInput(
            f"Unknown dtype '{name}'. Use one of: {', '.join(DTYPES)}.",
            code="tensor_unknown_dtype",
            dtype=name,
            choices=", ".join(DTYPES),
        )
    return name


def shape_text(shape: tuple[int, ...] | list[int]) -> str:
    """A shape the way TF.js writes it in messages: [1,4]."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def check_rank(rank: int) -> None:
    """Ranks 0 to 6 are what the course draws and what TF.js has tensorNd makers for."""
    if rank > MAX_RANK:
        raise BadInput(
            f"Rank {rank} is above the maximum of {MAX_RANK}.",
            code="tensor_rank_too_high",
            rank=rank,
            limit=MAX_RANK,
        )


def check_size(shape: tuple[int, ...] | list[int]) -> int:
    """The number of elements of `shape`, refused above MAX_ELEMENTS before any allocation."""
    size = math.prod(shape)
    if size > MAX_ELEMENTS:
        raise BadInput(
            f"A tensor of shape {shape_text(shape)} would have {size:,} elements; "
            f"the limit here is {MAX_ELEMENTS:,}.",
            code="tensor_too_big",
            shape=shape_text(shape),
            size=f"{size:,}",
            limit=f"{MAX_ELEMENTS:,}",
        )
    return size


def parse_shape(text: str, *, allow_unknown: bool = False) -> tuple[int, ...] | None:
    """`1,4`, `[1, 4]` or `(1, 4)` → (1, 4); empty → None; `[]` → () (a scalar).

    `allow_unknown` lets one dimension be -1, as `reshape` does.
    """
    stripped = text.strip()
    if not stripped:
        return None
    inner = stripped.strip("[]()").strip()
    parts = [p.strip() for p in inner.split(",")] if inner else []
    if parts and parts[-1] == "":
        parts.pop()
    dims: list[int] = []
    for part in parts:
        if not re.fullmatch(r"-?\d{1,9}", part):
            raise _bad_shape(text)
        dims.append(int(part))
    unknown = [d for d in dims if d == -1]
    if any(d < -1 for d in dims) or (unknown and not allow_unknown) or len(unknown) > 1:
        raise _bad_shape(text)
    check_rank(len(dims))
    if not unknown:
        check_size(dims)
    return tuple(dims)


def _bad_shape(text: str) -> BadInput:
    return BadInput(
        f"'{text}' is not a shape. Write whole numbers separated by commas, like 2,3.",
        code="tensor_bad_shape",
        text=text,
    )


def _scan_nesting(text: str) -> None:
    """Refuse text too long or nested too deep before Python's parser sees it."""
    if len(text) > MAX_LITERAL_CHARS:
        raise BadInput(
            f"The values are {len(text):,} characters long; the limit is {MAX_LITERAL_CHARS:,}.",
            code="tensor_literal_too_long",
            length=f"{len(text):,}",
            limit=f"{MAX_LITERAL_CHARS:,}",
        )
    depth = deepest = 0
    quote = ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "])":
            depth -= 1
    if deepest > MAX_NESTING_SCAN:
        check_rank(deepest)


def parse_literal(text: str) -> object:
    """A nested list of numbers, booleans or strings from text like `[[1, 2], [3, 4]]`.

    Accepts Python and JavaScript spellings (True/true, nan/NaN, inf/Infinity, 1+2j).
    """
    stripped = text.strip()
    if not stripped:
        raise BadInput("Type some values, like [1, 2, 3].", code="tensor_empty")
    _scan_nesting(stripped)
    try:
        tree = ast.parse(stripped, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise _bad_literal(stripped, getattr(error, "msg", str(error))) from None
    return _literal_value(tree.body, stripped, depth=0)


def _bad_literal(text: str, detail: str) -> BadInput:
    return BadInput(
        f"These values cannot be read as a tensor: {detail}.",
        code="tensor_bad_literal",
        detail=detail,
        text=text[:80],
    )


def _literal_value(node: ast.AST, text: str, depth: int) -> object:
    """The value of one node of the syntax tree, for the few node kinds a literal may hold."""
    if isinstance(node, (ast.List, ast.Tuple)):
        check_rank(depth + 1)
        return [_literal_value(e, text, depth + 1) for e in node.elts]
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float, complex, str)):
        return node.value
    if isinstance(node, ast.Name) and node.id in _NAMED_CONSTANTS:
        return _NAMED_CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal_value(node.operand, text, depth)
        if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        left = _literal_value(node.left, text, depth)
        right = _literal_value(node.right, text, depth)
        if _is_real(left) and isinstance(right, complex):
            return left + right if isinstance(node.op, ast.Add) else left - right
    fragment = ast.get_source_segment(text, node) or type(node).__name__
    raise _bad_literal(text, f"'{fragment[:40]}' is not a number, a string or a list")


def _is_real(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def infer_shape(values: object) -> tuple[int, ...]:
    """The shape of a nested list, with TF.js's message for a ragged one."""
    shape: list[int] = []
    level = values
    while isinstance(level, list):
        shape.append(len(level))
        check_rank(len(shape))
        if not level:
            break
        level = level[0]
    check_size(shape)
    _check_regular(values, shape, [])
    return tuple(shape)


def _check_regular(values: object, shape: list[int], index: list[int]) -> None:
    """Every element at depth k has shape[k] items; the words are TF.js's deepAssertShapesMatch."""
    where = "arr" + "".join(f"[{i}]" for i in index)
    if not shape:
        if isinstance(values, list):
            raise BadInput(
                f"Element {where} should be a primitive, but is an array of {len(values)} elements",
                code="tensor_ragged_primitive",
                where=where,
                got=len(values),
            )
        return
    if not isinstance(values, list):
        raise BadInput(
            f"Element {where} is a primitive, but should be an array/TypedArray of "
            f"{shape[0]} elements",
            code="tensor_ragged_array",
            where=where,
            expected=shape[0],
        )
    if len(values) != shape[0]:
        got = len(values)
        raise BadInput(
            f"Element {where} should have {shape[0]} elements, but has {got} elements",
            code="tensor_ragged",
            where=where,
            expected=shape[0],
            got=got,
        )
    for i, item in enumerate(values):
        _check_regular(item, shape[1:], [*index, i])


def _flatten(values: object) -> list:
    if not isinstance(values, list):
        return [values]
    flat: list = []
    stack = [values]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        else:
            flat.append(item)
    return flat


def infer_dtype(flat: list) -> str:
    """float32 if any float (as TF does for literals), int32 for whole numbers, and so on."""
    kinds = {_kind(v) for v in flat}
    if "string" in kinds and len(kinds) > 1:
        raise BadInput(
            "A tensor holds one dtype: do not mix strings with numbers or booleans.",
            code="tensor_mixed_types",
        )
    if "bool" in kinds and len(kinds) > 1:
        raise BadInput(
            "A tensor holds one dtype: do not mix booleans with numbers.",
            code="tensor_mixed_bool",
        )
    for name in ("string", "complex64", "float32", "bool"):
        if name in kinds:
            return name
    return "int32"


def _kind(value: object) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, complex):
        return "complex64"
    if isinstance(value, float):
        return "float32"
    return "int32"


def to_array(flat: list, dtype: str) -> np.ndarray:
    """A 1-D array of `dtype` from Python values, refusing what a cast would silently spoil."""
    source = infer_dtype(flat) if flat else dtype
    if (source == "string") != (dtype == "string"):
        raise BadInput(
            f"Values of dtype {source} cannot become a {dtype} tensor.",
            code="tensor_dtype_conflict",
            source=source,
            dtype=dtype,
        )
    if source == "complex64" and dtype != "complex64":
        raise BadInput(
            f"Complex values cannot become a {dtype} tensor without losing their imaginary part.",
            code="tensor_complex_to_real",
            dtype=dtype,
        )
    if dtype in ("int32", "bool") and any(
        isinstance(v, float) and not math.isfinite(v) for v in flat
    ):
        raise BadInput(
            f"NaN and ∞ exist only in float32 and complex64 tensors, not in {dtype}.",
            code="tensor_nonfinite_int",
            dtype=dtype,
        )
    if dtype == "int32" and any(_is_real(v) and not INT32_MIN <= v <= INT32_MAX for v in flat):
        raise BadInput(
            "A value does not fit in int32 (from -2147483648 to 2147483647).",
            code="tensor_int_range",
        )
    if dtype == "string":
        return np.array(flat, dtype=object)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.array(flat, dtype=DTYPES[dtype])


def from_literal(text: str, shape: tuple[int, ...] | None, dtype: str = "") -> np.ndarray:
    """`tf.tensor(values, shape?, dtype?)`: nested values, reshaped if a shape is given."""
    values = parse_literal(text)
    inferred = infer_shape(values)
    flat = _flatten(values)
    name = check_dtype(dtype) if dtype else (infer_dtype(flat) if flat else "float32")
    if shape is not None and math.prod(shape) != len(flat):
        raise BadInput(
            f"Based on the provided shape, {shape_text(shape)}, the tensor should have "
            f"{math.prod(shape)} values but has {len(flat)}",
            code="tensor_shape_mismatch",
            shape=shape_text(shape),
            expected=math.prod(shape),
            got=len(flat),
        )
    array = to_array(flat, name)
    return array.reshape(shape if shape is not None else inferred)


def _maker_args(name: str, params_text: str | None) -> dict[str, float]:
    """The numbers inside `fill(7)` or `range(0, 10, 2)`, with defaults, read as a literal."""
    spec = MAKER_PARAMS[name]
    values: list = []
    if params_text and params_text.strip():
        parsed = parse_literal(f"[{params_text}]")
        values = parsed if isinstance(parsed, list) else [parsed]
    if len(values) > len(spec) or not all(_is_real(v) or isinstance(v, bool) for v in values):
        raise _bad_maker(name)
    args: dict[str, float] = {}
    for i, (param, default) in enumerate(spec):
        if i < len(values):
            args[param] = values[i]
        elif default is None:
            raise _bad_maker(name)
        else:
            args[param] = default
    return args


def _bad_maker(name: str) -> BadInput:
    usage = f"{name}(" + ", ".join(p for p, _ in MAKER_PARAMS[name]) + ")"
    return BadInput(f"Write {usage} with numbers.", code="tensor_bad_maker", usage=usage)


def from_maker(name: str, params_text: str | None, shape: tuple[int, ...] | None) -> np.ndarray:
    """zeros / ones / fill / range / random normal / random uniform, computed by TensorFlow."""
    args = _maker_args(name, params_text)
    if name == "range":
        return _range(args, shape)
    if shape is None:
        raise BadInput(f"{name} needs a shape, like 2,3.", code="tensor_needs_shape", maker=name)
    if name == "zeros":
        return tf.zeros(shape, tf.float32).numpy()
    if name == "ones":
        return tf.ones(shape, tf.float32).numpy()
    if name == "fill":
        value = args["value"]
        return tf.fill(shape, tf.constant(value)).numpy()
    seed = [int(args["seed"]), 0]
    if name == "normal":
        mean, stddev = float(args["mean"]), float(args["stddev"])
        return tf.random.stateless_normal(shape, seed, mean, stddev).numpy()
    low, high = args["minval"], args["maxval"]
    if not low < high:
        raise _bad_maker(name)
    if _is_int(low) and _is_int(high):
        return tf.random.stateless_uniform(shape, seed, int(low), int(high), tf.int32).numpy()
    return tf.random.stateless_uniform(shape, seed, float(low), float(high)).numpy()


def _is_int(value: float) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _range(args: dict[str, float], shape: tuple[int, ...] | None) -> np.ndarray:
    start, stop, step = args["start"], args["stop"], args["step"]
    if step == 0 or not all(math.isfinite(v) for v in (start, stop, step)):
        raise _bad_maker("range")
    count = max(0, math.ceil((stop - start) / step))
    check_size([count])
    as_int = all(_is_int(v) for v in (start, stop, step))
    dtype = tf.int32 if as_int else tf.float32
    values = tf.range(start, stop, step, dtype=dtype)
    if shape is None:
        return values.numpy()
    if math.prod(shape) != count:
        raise BadInput(
            f"range gives {count} values, but shape {shape_text(shape)} needs {math.prod(shape)}.",
            code="tensor_range_shape",
            got=count,
            shape=shape_text(shape),
            expected=math.prod(shape),
        )
    return tf.reshape(values, shape).numpy()


def maker_call(source: str) -> tuple[str, str | None] | None:
    """(maker, parameters text) if `source` is a maker call like `fill(7)`, else None."""
    match = _MAKER.match(source.strip())
    return (match.group(1), match.group(2)) if match else None


def build(recipe: Recipe) -> np.ndarray:
    """The tensor a recipe describes, as a NumPy array (what the page keeps and draws)."""
    if recipe.source.strip() in PRESETS:
        recipe = PRESETS[recipe.source.strip()].recipe
    dtype = check_dtype(recipe.dtype) if recipe.dtype.strip() else ""
    shape = parse_shape(recipe.shape)
    maker = maker_call(recipe.source)
    if maker is None:
        return from_literal(recipe.source, shape, dtype)
    array = from_maker(maker[0], maker[1], shape)
    return cast(array, dtype) if dtype else array


def cast(array: np.ndarray, dtype: str) -> np.ndarray:
    """`tf.cast`, refusing the casts TensorFlow refuses (strings ↔ numbers) with a message."""
    source = dtype_name(array)
    if source == dtype:
        return array
    if "string" in (source, dtype):
        raise BadInput(
            f"Values of dtype {source} cannot become a {dtype} tensor.",
            code="tensor_dtype_conflict",
            source=source,
            dtype=dtype,
        )
    return tf.cast(tf.constant(array), tf_dtype(dtype)).numpy()


def image_size_within_limit(height: int, width: int) -> tuple[int, int]:
    """The largest (height, width) with the same proportions whose RGB tensor fits the limit."""
    pixels = MAX_ELEMENTS // 3
    if height * width <= pixels:
        return height, width
    scale = math.sqrt(pixels / (height * width))
    return max(1, math.floor(height * scale)), max(1, math.floor(width * scale))


def from_image(pixels: np.ndarray) -> np.ndarray:
    """`tf.browser.fromPixels`: uint8 RGB [H, W, 3] → int32 [H, W, 3], shrunk to fit the limit.

    A phone photo is 12 megapixels (36 million values); `tf.image.resize` (area averaging)
    brings it under MAX_ELEMENTS with the same proportions, so the student still gets it.
    """
    height, width = image_size_within_limit(*pixels.shape[:2])
    image = tf.constant(pixels)
    if (height, width) != pixels.shape[:2]:
        image = tf.round(tf.image.resize(image, (height, width), method="area"))
    return tf.cast(image, tf.int32).numpy()


def to_numpy(tensor: tf.Tensor) -> np.ndarray:
    """A TensorFlow result as the array the page keeps; strings come back as str, not bytes."""
    array = tensor.numpy()
    if isinstance(array, bytes) or array.dtype.kind in "OS":
        array = np.vectorize(lambda b: b.decode("utf-8", "replace"), otypes=[object])(array)
        return np.asarray(array, dtype=object)
    if array.dtype == np.int64:
        return array.astype(np.int32)
    if array.dtype == np.float64:
        return array.astype(np.float32)
    return np.asarray(array)


def to_tensor(array: np.ndarray) -> tf.Tensor:
    """The array as a TensorFlow constant of the matching course dtype."""
    return tf.constant(array, dtype=tf_dtype(dtype_name(array)))


def nbytes(array: np.ndarray) -> int:
    """Bytes the values take in memory; strings count their UTF-8 bytes, as TF.js does."""
    if dtype_name(array) == "string":
        return sum(len(str(s).encode("utf-8")) for s in array.flat)
    return int(array.size * array.dtype.itemsize)


def describe(array: np.ndarray) -> dict:
    """Rank, shape, size and dtype: the four numbers of the first lesson."""
    return {
        "rank": array.ndim,
        "shape": list(array.shape),
        "size": int(array.size),
        "dtype": dtype_name(array),
    }


def count_nonfinite(array: np.ndarray) -> tuple[int, int]:
    """(NaN count, ∞ count) of a float or complex tensor, so the page can point them out."""
    if dtype_name(array) not in ("float32", "complex64"):
        return 0, 0
    return int(np.isnan(array).sum()), int(np.isinf(array).sum())


_IMAGE_CHANNELS = (1, 3, 4)
_GENERIC_AXES = {
    1: ("elements",),
    2: ("rows", "columns"),
    3: ("depth", "rows", "columns"),
    4: ("batch", "depth", "rows", "columns"),
}
_IMAGE_AXES = {
    3: ("height", "width", "channels"),
    4: ("batch", "height", "width", "channels"),
    5: ("time", "depth", "height", "width", "channels"),
    6: ("batch", "time", "depth", "height", "width", "channels"),
}


def axis_names(shape: tuple[int, ...], hint: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Names of the axes (ids to translate): the preset's, else from the usual layouts."""
    if len(hint) == len(shape):
        return hint
    rank = len(shape)
    if rank >= 3 and shape[-1] in _IMAGE_CHANNELS and rank in _IMAGE_AXES:
        return _IMAGE_AXES[rank]
    return _GENERIC_AXES.get(rank, tuple(f"axis{i}" for i in range(rank)))


def is_image(array: np.ndarray) -> bool:
    """[H, W, 1|3] with values a picture can show (0–255 integers or 0–1 floats)."""
    if array.ndim != 3 or array.shape[-1] not in (1, 3) or array.size == 0:
        return False
    if dtype_name(array) == "int32":
        return bool(array.min() >= 0 and array.max() <= 255)
    if dtype_name(array) == "float32":
        return bool(np.isfinite(array).all() and array.min() >= 0 and array.max() <= 1)
    return False
