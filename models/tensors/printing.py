"""Printing a tensor the way the two libraries do, with `...` where a big one is summarised.

`print(t)` in Python shows NumPy's layout (summarised above 1,000 values, 3 at each edge);
`t.print()` in TF.js summarises above 20 values per axis. Showing both lets students match
what they see here with what their own notebook or browser console prints.
"""

from __future__ import annotations

import textwrap

import numpy as np

from models.tensors.make import dtype_name

PY_THRESHOLD = 1000
JS_THRESHOLD = 20
EDGE_ITEMS = 3


def _body(array: np.ndarray, separator: str, threshold: int, js: bool) -> str:
    def number(value: object) -> str:
        if isinstance(value, (bool, np.bool_)):
            return ("true" if value else "false") if js else str(bool(value))
        if isinstance(value, str):
            return f"'{value}'"
        if js and isinstance(value, (float, np.floating)) and not np.isfinite(value):
            return "NaN" if np.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        if isinstance(value, (float, np.floating)):
            trim = "-" if js else "."
            return np.format_float_positional(np.float32(value), precision=4, trim=trim)
        return str(value)

    return np.array2string(
        array,
        separator=separator,
        threshold=threshold,
        edgeitems=EDGE_ITEMS,
        max_line_width=88,
        formatter={"all": number} if dtype_name(array) != "complex64" else None,
    )


def python_print(array: np.ndarray) -> str:
    """What `print(t)` shows for a TensorFlow tensor: tf.Tensor(values, shape=…, dtype=…)."""
    shape = "(" + ", ".join(str(d) for d in array.shape) + ("," if array.ndim == 1 else "") + ")"
    body = _body(array, " ", PY_THRESHOLD, js=False)
    opening = "tf.Tensor(" if array.ndim == 0 else "tf.Tensor(\n"
    return f"{opening}{body}, shape={shape}, dtype={dtype_name(array)})"


def tfjs_print(array: np.ndarray) -> str:
    """What `t.print()` shows in TF.js: "Tensor" and the values, indented, with commas."""
    body = _body(array, ", ", JS_THRESHOLD, js=True)
    return "Tensor\n" + textwrap.indent(body, "    ")


def is_summarised(array: np.ndarray) -> bool:
    """True when Python's print would hide values behind `...`."""
    return array.size > PY_THRESHOLD
