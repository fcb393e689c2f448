"""Making tensors: literals, values + shape, makers, presets, images, and every error path."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from components.i18n import catalog, translate
from models.errors import BadInput
from models.tensors.make import (
    MAX_ELEMENTS,
    PRESETS,
    Recipe,
    axis_names,
    build,
    count_nonfinite,
    describe,
    from_image,
    is_image,
    nbytes,
    parse_literal,
    parse_shape,
)
from models.vision.images import decode_image

ROOT = Path(__file__).resolve().parent.parent


def bad(recipe: Recipe) -> BadInput:
    """The BadInput that building `recipe` raises, checked to be translated in both languages."""
    with pytest.raises(BadInput) as caught:
        build(recipe)
    return translated(caught.value)


def translated(error: BadInput) -> BadInput:
    key = f"error.{error.code}"
    assert key in catalog(), key
    assert translate(key, "en", **error.params) == error.message
    spanish = translate(key, "es", **error.params)
    assert spanish != error.message and "{" not in spanish
    return error


@pytest.mark.parametrize(
    ("text", "dtype", "shape"),
    [
        ("1", "int32", []),
        ("[4, 9, 2]", "int32", [3]),
        ("[[1.5, 2], [3, 4]]", "float32", [2, 2]),
        ("[true, false, True]", "bool", [3]),
        ("['a', \"bé\"]", "string", [2]),
        ("[1+2j, 3]", "complex64", [2]),
        ("(1, 2, 3)", "int32", [3]),
        ("[]", "float32", [0]),
        ("[[[[[[1]]]]]]", "int32", [1, 1, 1, 1, 1, 1]),
    ],
)
def test_literals_get_tf_dtype_and_shape(text: str, dtype: str, shape: list[int]) -> None:
    array = build(Recipe(text))
    assert describe(array)["dtype"] == dtype
    assert list(array.shape) == shape
    if dtype in ("int32", "float32", "bool"):
        expected = tf.constant(parse_literal(text), dtype=getattr(tf, dtype)).numpy()
        np.testing.assert_array_equal(array, expected)


def test_values_and_shape_like_tensor2d() -> None:
    array = build(Recipe("[5.0, 3.3, 1.4, 0.2]", "1,4"))
    assert describe(array) == {"rank": 2, "shape": [1, 4], "size": 4, "dtype": "float32"}
    np.testing.assert_allclose(array, [[5.0, 3.3, 1.4, 0.2]], rtol=1e-6)
    assert build(Recipe("[[1, 2], [3, 4]]", "[4]")).tolist() == [1, 2, 3, 4]


def test_explicit_dtype_converts_like_tf() -> None:
    assert build(Recipe("[1, 2]", "", "float32")).dtype == np.float32
    assert build(Recipe("[1.7, -1.7]", "", "int32")).tolist() == [1, -1]
    assert build(Recipe("[0, 2]", "", "bool")).tolist() == [False, True]
    assert build(Recipe("[1, 2]", "", "complex64")).tolist() == [1 + 0j, 2 + 0j]


def test_nan_and_infinity_are_allowed_in_floats_and_counted() -> None:
    array = build(Recipe("[NaN, Infinity, -inf, 1.0, nan]"))
    assert array.dtype == np.float32
    assert count_nonfinite(array) == (2, 2)
    assert count_nonfinite(build(Recipe("[1, 2]"))) == (0, 0)


def test_shape_mismatch_uses_tfjs_words_in_both_languages() -> None:
    error = bad(Recipe("[5.0, 3.3, 1.4]", "1,4"))
    assert error.message == (
        "Based on the provided shape, [1,4], the tensor should have 4 values but has 3"
    )
    assert error.code == "tensor_shape_mismatch"
    assert translate("error.tensor_shape_mismatch", "es", **error.params) == (
        "Según la forma indicada, [1,4], el tensor debería tener 4 valores pero tiene 3"
    )


@pytest.mark.parametrize(
    ("recipe", "code", "words"),
    [
        (
            Recipe("[[1, 2], [3]]"),
            "tensor_ragged",
            "Element arr[1] should have 2 elements, but has 1",
        ),
        (Recipe("[[1, 2], 3]"), "tensor_ragged_array", "Element arr[1] is a primitive"),
        (Recipe("[1, [2, 3]]"), "tensor_ragged_primitive", "Element arr[1] should be a primitive"),
        (Recipe("[[[[[[[1]]]]]]]"), "tensor_rank_too_high", "Rank 7 is above the maximum of 6"),
        (Recipe("[" * 5000 + "]" * 5000), "tensor_rank_too_high", "Rank 5000"),
        (Recipe("[1, 2]", "", "int64"), "tensor_unknown_dtype", "Unknown dtype 'int64'"),
        (Recipe("zeros", "1001,1000"), "tensor_too_big", "1,001,000 elements"),
        (Recipe("ones", "100000,100000,100"), "tensor_too_big", "the limit here is 1,000,000"),
        (Recipe("range(0, 2000000)"), "tensor_too_big", "2,000,000"),
        (Recipe("[" + "1, " * 60000 + "1]"), "tensor_literal_too_long", "the limit is 100,000"),
        (Recipe("   "), "tensor_empty", "Type some values"),
        (Recipe("[1, 2"), "tensor_bad_literal", "cannot be read"),
        (Recipe("__import__('os').system('echo hacked')"), "tensor_bad_literal", "is not a number"),
        (Recipe("[1, x]"), "tensor_bad_literal", "'x' is not a number"),
        (Recipe("[1, 'a']"), "tensor_mixed_types", "do not mix strings"),
        (Recipe("[1, True]"), "tensor_mixed_bool", "do not mix booleans"),
        (Recipe("[1, 2]", "", "string"), "tensor_dtype_conflict", "int32 cannot become a string"),
        (Recipe("[1+2j]", "", "float32"), "tensor_complex_to_real", "imaginary part"),
        (Recipe("[1.0, nan]", "", "int32"), "tensor_nonfinite_int", "not in int32"),
        (Recipe("[3000000000]"), "tensor_int_range", "does not fit in int32"),
        (Recipe("[1, 2]", "a,b"), "tensor_bad_shape", "'a,b' is not a shape"),
        (Recipe("[1, 2]", "-1,2"), "tensor_bad_shape", "is not a shape"),
        (Recipe("[1]", "1,1,1,1,1,1,1"), "tensor_rank_too_high", "Rank 7"),
        (Recipe("fill()", "2,2"), "tensor_bad_maker", "fill(value)"),
        (Recipe("fill('x')", "2,2"), "tensor_bad_maker", "with numbers"),
        (Recipe("range(0, 10, 0)"), "tensor_bad_maker", "range(start, stop, step)"),
        (Recipe("uniform(5, 1)", "2"), "tensor_bad_maker", "uniform(minval, maxval, seed)"),
        (Recipe("zeros"), "tensor_needs_shape", "zeros needs a shape"),
        (Recipe("range(0, 10)", "3,3"), "tensor_range_shape", "range gives 10 values"),
    ],
)
def test_every_bad_input_has_a_clear_translated_message(
    recipe: Recipe, code: str, words: str
) -> None:
    error = bad(recipe)
    assert error.code == code
    assert words in error.message


def test_size_is_refused_before_anything_is_allocated() -> None:
    # 10^15 float32 values would need 4 PB: only plain-integer arithmetic may run.
    error = bad(Recipe("normal(0, 1, 1)", "100000,100000,100000"))
    assert error.params["size"] == f"{10**15:,}"
    assert math.prod(parse_shape(f"{MAX_ELEMENTS}")) == MAX_ELEMENTS


def test_parse_shape_forms() -> None:
    assert parse_shape("") is None
    assert parse_shape("[]") == ()
    assert parse_shape("1,4") == parse_shape("[1, 4]") == parse_shape("(1, 4)") == (1, 4)
    assert parse_shape("-1, 3", allow_unknown=True) == (-1, 3)
    with pytest.raises(BadInput):
        parse_shape("-1,-1", allow_unknown=True)


def test_makers_match_tensorflow() -> None:
    np.testing.assert_array_equal(build(Recipe("zeros", "2,3")), tf.zeros([2, 3]).numpy())
    np.testing.assert_array_equal(build(Recipe("ones", "4")), tf.ones([4]).numpy())
    filled = build(Recipe("fill(7)", "2,2"))
    assert filled.dtype == np.int32 and filled.tolist() == [[7, 7], [7, 7]]
    assert build(Recipe("fill(2.5)", "3")).tolist() == [2.5, 2.5, 2.5]
    assert build(Recipe("range(0, 10, 2)")).tolist() == tf.range(0, 10, 2).numpy().tolist()
    np.testing.assert_allclose(build(Recipe("range(0, 1, 0.25)")), [0, 0.25, 0.5, 0.75])
    assert build(Recipe("range(1, 28)", "3,3,3"))[2, 2, 2] == 27
    normal = build(Recipe("normal(5, 2, 3)", "1000"))
    np.testing.assert_array_equal(
        normal, tf.random.stateless_normal([1000], [3, 0], 5.0, 2.0).numpy()
    )
    assert 4.5 < normal.mean() < 5.5 and 1.7 < normal.std() < 2.3
    uniform = build(Recipe("uniform(0, 256, 7)", "4,8,8,3"))
    assert uniform.dtype == np.int32 and uniform.min() >= 0 and uniform.max() < 256
    assert build(Recipe("uniform", "50")).dtype == np.float32
    assert build(Recipe("zeros", "2", "int32")).dtype == np.int32


def test_presets_cover_every_rank_and_the_slides_examples() -> None:
    ranks = {build(Recipe(name)).ndim for name in PRESETS}
    assert ranks == {0, 1, 2, 3, 4, 5, 6}
    assert build(Recipe("scalar")).item() == 1
    assert build(Recipe("vector")).tolist() == [4, 9, 2]
    magic = build(Recipe("magic"))
    assert set(magic.sum(axis=0)) == set(magic.sum(axis=1)) == {15}
    assert build(Recipe("stack")).shape == (3, 3, 3)
    assert is_image(build(Recipe("rgb")))
    assert build(Recipe("batch")).shape == (4, 8, 8, 3)
    assert build(Recipe("voxel")).shape == (2, 3, 3, 3, 1)
    fib = build(Recipe("fib")).tolist()
    assert all(fib[i] == fib[i - 1] + fib[i - 2] for i in range(2, len(fib)))
    assert build(Recipe("logits")).tolist() == [[4.0, 5.0], [10.0, 1.0]]


def test_axis_names() -> None:
    assert axis_names((3, 3)) == ("rows", "columns")
    assert axis_names((224, 224, 3)) == ("height", "width", "channels")
    assert axis_names((8, 28, 28, 1)) == ("batch", "height", "width", "channels")
    assert axis_names((2, 3, 3, 3, 1)) == ("time", "depth", "height", "width", "channels")
    assert axis_names((2, 2, 2, 2, 2)) == tuple(f"axis{i}" for i in range(5))
    assert axis_names((3, 3, 3), ("depth", "rows", "columns")) == ("depth", "rows", "columns")


def test_bytes_in_memory() -> None:
    assert nbytes(build(Recipe("magic"))) == 36
    assert nbytes(build(Recipe("[true, false]"))) == 2
    assert nbytes(build(Recipe("[1+1j]"))) == 8
    assert nbytes(build(Recipe("['ab', 'ñ']"))) == 4  # UTF-8 bytes, as TF.js counts them


def test_uploaded_photo_becomes_an_int32_rank3_tensor(shared: Path) -> None:
    pixels = decode_image((shared / "data" / "images" / "cat.jpg").read_bytes())
    tensor = from_image(pixels)
    assert tensor.dtype == np.int32 and tensor.ndim == 3 and tensor.shape[-1] == 3
    assert tensor.size <= MAX_ELEMENTS
    if pixels.size <= MAX_ELEMENTS:
        np.testing.assert_array_equal(tensor, pixels)


def test_big_photo_is_shrunk_with_its_proportions() -> None:
    pixels = np.zeros((3000, 2000, 3), np.uint8)
    pixels[:, 1000:] = (200, 100, 50)
    tensor = from_image(pixels)
    assert tensor.size <= MAX_ELEMENTS
    height, width = tensor.shape[:2]
    assert abs(height / width - 1.5) < 0.01
    assert tensor[:, : width // 2 - 2].max() == 0
    assert tensor[:, width // 2 + 2 :].tolist()[0][0] == [200, 100, 50]


def test_every_error_code_raised_is_translated() -> None:
    codes = set()
    for path in (ROOT / "models" / "tensors").glob("*.py"):
        codes |= set(re.findall(r'code="(tensor_[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(codes) > 30
    missing = [code for code in codes if f"error.{code}" not in catalog()]
    assert not missing
