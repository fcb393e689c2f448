"""The code panel's programs really compute what the page shows, in Python and in TF.js.

The Python program is run here; the TF.js program is run by TensorFlow.js itself (npm
@tensorflow/tfjs, pure JS CPU backend, in Node). Needs `npm install --prefix tests/tfjs`
(.ci/run does it); without it the TF.js test fails and says so: it is never skipped.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from models.tensors.make import Recipe, build, dtype_name
from models.tensors.operations import apply, full_code
from models.tensors.printing import is_summarised, python_print, tfjs_print

TFJS = Path(__file__).resolve().parent / "tfjs"

# (recipe, operation, argument): what the page can be asked, across ranks, dtypes and ops.
CASES = [
    (Recipe("[5.0, 3.3, 1.4, 0.2]", "1,4"), "add", "[[1], [2]]"),
    (Recipe("magic"), "reduce_sum", "0"),
    (Recipe("magic"), "div", "2"),
    (Recipe("magic"), "matmul", "[[1], [1], [1]]"),
    (Recipe("magic"), "argmax", "1"),
    (Recipe("magic"), "argmin", "0"),
    (Recipe("magic"), "softmax", "-1"),
    (Recipe("magic"), "reshape", "-1"),
    (Recipe("magic"), "expand_dims", "0"),
    (Recipe("magic"), "cast", "float32"),
    (Recipe("magic"), "sub", "[0.5, 1.5, 2.5]"),
    (Recipe("fib"), "slice", "t[1:4]"),
    (Recipe("stack"), "slice", "t[::-1]"),
    (Recipe("stack"), "slice", "t[1, :]"),
    (Recipe("stack"), "slice", "t[..., 0]"),
    (Recipe("stack"), "slice", "t[None, 1:3, -1]"),
    (Recipe("stack"), "slice", "t[:, ::2, 1:]"),
    (Recipe("stack"), "slice", "t[-1]"),
    (Recipe("stack"), "reduce_max", "2"),
    (Recipe("stack"), "transpose", "2,0,1"),
    (Recipe("stack"), "transpose", ""),
    (Recipe("logits"), "softmax", ""),
    (Recipe("[0, 2, 1]"), "one_hot", "3"),
    (Recipe("ones", "1,3,1"), "squeeze", ""),
    (Recipe("fill(7)", "2,2"), "pow", "2"),
    (Recipe("voxel"), "reduce_sum", ""),
    (Recipe("rank6"), "reduce_sum", "5"),
    (Recipe("scalar"), "mul", "3"),
    (Recipe("[true, false, true]"), "reduce_sum", ""),
    (Recipe("[1.7, -2.2]"), "cast", "int32"),
    (Recipe("[1, 2, 3]"), "maximum", "[[2], [0]]"),
    (Recipe("[1, 2, 3, 4, 5, 6]", "2,3", "float32"), "mul", "10"),
    (Recipe("zeros", "2,3", "int32"), "add", "1"),
    (Recipe("range(0, 1, 0.25)"), "minimum", "0.5"),
    (Recipe("rgb"), "slice", "t[:, :, 0]"),
    # the course's tf.image operations on a picture (000_…, API TFJS /4)
    (Recipe("rgb"), "flip_left_right", ""),
    (Recipe("rgb"), "rgb_to_grayscale", ""),
    (Recipe("rgb"), "resize_bilinear", "6, 6"),
    (Recipe("rgb"), "resize_nearest", "7, 5"),
    (Recipe("rgb"), "crop_and_resize", "0.25, 0.25, 0.75, 0.75"),
]
# Random makers: Python's stateless ops give exactly the page's numbers (TF.js draws its own).
PYTHON_ONLY = [
    (Recipe("normal(0, 1, 3)", "2,3"), "reduce_mean", "1"),
    (Recipe("batch"), "slice", "t[0]"),
    (Recipe("normal(2, 0.5)", "4", "int32"), "", ""),
]


def expected(recipe: Recipe, op: str, arg: str) -> tuple[np.ndarray, np.ndarray | None, object]:
    tensor = build(recipe)
    result = apply(op, arg, tensor) if op else None
    return tensor, (result.value if result else None), (result.other if result else None)


def run_python(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<code panel>", "exec"), namespace)  # our own generated code
    return namespace


@pytest.mark.parametrize(("recipe", "op", "arg"), CASES + PYTHON_ONLY)
def test_python_code_computes_what_the_page_shows(recipe: Recipe, op: str, arg: str) -> None:
    tensor, result, other = expected(recipe, op, arg)
    python, _ = full_code(recipe, tensor, op, arg, other)
    namespace = run_python(python)
    np.testing.assert_array_equal(namespace["t"].numpy(), tensor)
    assert dtype_name(namespace["t"].numpy()) == dtype_name(tensor)
    if op:
        got = namespace["result"].numpy()
        assert got.shape == result.shape
        assert dtype_name(got) == dtype_name(result)
        np.testing.assert_allclose(got, result, rtol=1e-6)


def _tfjs_script(cases: list[tuple[Recipe, str, str]]) -> str:
    parts = [
        "const tf = require('@tensorflow/tfjs');",
        "const report = (x) => ({shape: x.shape, dtype: x.dtype, values: x.arraySync()});",
        "const out = [];",
    ]
    for recipe, op, arg in cases:
        tensor, _, other = expected(recipe, op, arg)
        _, js = full_code(recipe, tensor, op, arg, other)
        body = js.replace("import * as tf from '@tensorflow/tfjs';", "")
        parts.append(f"out.push((() => {{ {body}\nreturn [report(t), report(result)]; }})());")
    parts.append("console.log(JSON.stringify(out));")
    return "\n".join(parts)


def test_tfjs_code_computes_what_the_page_shows(tmp_path: Path) -> None:
    if not (TFJS / "node_modules" / "@tensorflow" / "tfjs").is_dir():
        pytest.fail("TensorFlow.js is not installed: run `npm install --prefix tests/tfjs`")
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`) is not on PATH; install Node 18+ to run the TF.js checks")
    script = tmp_path / "code_panel.js"
    script.write_text(_tfjs_script(CASES), encoding="utf-8")
    env = {**os.environ, "NODE_PATH": str(TFJS / "node_modules")}
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    reports = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(reports) == len(CASES)
    for (recipe, op, arg), (js_t, js_result) in zip(CASES, reports, strict=True):
        tensor, result, _ = expected(recipe, op, arg)
        where = f"{recipe} {op} {arg}"
        assert js_t["shape"] == list(tensor.shape), where
        np.testing.assert_allclose(np.array(js_t["values"], dtype=float), tensor, err_msg=where)
        assert js_result["shape"] == list(result.shape), where
        assert js_result["dtype"] == dtype_name(result), where
        np.testing.assert_allclose(
            np.array(js_result["values"], dtype=float), result, rtol=1e-5, err_msg=where
        )


def test_code_shows_the_slides_forms() -> None:
    tensor = build(Recipe("[5.0, 3.3, 1.4, 0.2]", "1,4"))
    python, js = full_code(Recipe("[5.0, 3.3, 1.4, 0.2]", "1,4"), tensor)
    assert "tf.tensor2d([5.0, 3.3, 1.4, 0.2], [1, 4]);" in js
    assert "tf.constant([5.0, 3.3, 1.4, 0.2], shape=[1, 4])" in python
    logits = build(Recipe("logits"))
    _, js = full_code(Recipe("logits"), logits, "softmax", "")
    assert "tf.softmax(t, -1)" in js
    _, js = full_code(Recipe("magic"), build(Recipe("magic")), "argmax", "0")
    assert "tf.argMax(t, 0)" in js
    _, js = full_code(Recipe("scalar"), build(Recipe("scalar")))
    assert "tf.scalar(1, 'int32')" in js


def test_uploaded_image_code_uses_from_pixels_and_resize() -> None:
    small = np.zeros((4, 6, 3), np.int32)
    python, js = full_code(None, small, image=(4, 6))
    assert "tf.browser.fromPixels" in js and "resize" not in js
    assert "tf.io.decode_image" in python
    python, js = full_code(None, small, image=(400, 600))
    assert "tf.image.resizeBilinear(pixels, [4, 6])" in js
    assert "tf.image.resize(pixels, [4, 6]" in python


def test_python_print_matches_tensorflow_layout() -> None:
    assert python_print(build(Recipe("scalar"))) == "tf.Tensor(1, shape=(), dtype=int32)"
    assert python_print(build(Recipe("vector"))) == "tf.Tensor(\n[4 9 2], shape=(3,), dtype=int32)"
    text = python_print(build(Recipe("[[true, false]]")))
    assert text.endswith("shape=(1, 2), dtype=bool)") and "[[True False]]" in text


def test_big_tensors_are_summarised_with_dots() -> None:
    big = build(Recipe("range(0, 5000)"))
    assert is_summarised(big)
    assert "..." in python_print(big) and "4999" in python_print(big)
    assert python_print(big).count("\n") < 5
    js = tfjs_print(build(Recipe("range(0, 30)")))
    assert js.startswith("Tensor\n    [0, 1, 2, ..., 27, 28, 29]")
    assert "NaN" in tfjs_print(build(Recipe("[nan, 1.5]")))
