"""Every operation against TensorFlow (or NumPy) directly, broadcasting explained, every error."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from components.i18n import catalog, translate
from models.errors import BadInput
from models.tensors.make import Recipe, build
from models.tensors.operations import OPERATIONS, apply, default_arg
from models.tensors.ops import broadcast_lines, parse_slice

MAGIC = build(Recipe("magic"))
STACK = build(Recipe("stack"))
FIB = build(Recipe("fib"))
LOGITS = build(Recipe("logits"))
FLOATS = build(Recipe("[[0.5, -1.25, 3.0], [2.0, 0.0, -4.5]]"))


def fails(op: str, arg: str, array: np.ndarray) -> BadInput:
    with pytest.raises(BadInput) as caught:
        apply(op, arg, array)
    error = caught.value
    assert f"error.{error.code}" in catalog(), error.code
    assert translate(f"error.{error.code}", "en", **error.params) == error.message
    assert "{" not in translate(f"error.{error.code}", "es", **error.params)
    return error


@pytest.mark.parametrize(
    ("op", "tf_fn"),
    [
        ("add", tf.add),
        ("sub", tf.subtract),
        ("mul", tf.multiply),
        ("maximum", tf.maximum),
        ("minimum", tf.minimum),
    ],
)
def test_elementwise_with_broadcasting_matches_tf(op: str, tf_fn) -> None:
    result = apply(op, "[[10], [20], [30]]", MAGIC)
    expected = tf_fn(tf.constant(MAGIC), tf.constant([[10], [20], [30]])).numpy()
    assert result.value.dtype == np.int32
    np.testing.assert_array_equal(result.value, expected)
    floats = apply(op, "[1.5, -2.0, 0.25]", FLOATS).value
    expected = tf_fn(tf.constant(FLOATS), tf.constant([1.5, -2.0, 0.25])).numpy()
    np.testing.assert_allclose(floats, expected, rtol=1e-6)


def test_div_and_pow_of_integers_give_float32_as_true_division() -> None:
    result = apply("div", "2", MAGIC)
    assert result.value.dtype == np.float32 and "promoted" in result.notes
    np.testing.assert_allclose(result.value, MAGIC / 2)
    powered = apply("pow", "2", MAGIC).value
    np.testing.assert_allclose(powered, tf.pow(tf.cast(MAGIC, tf.float32), 2.0).numpy())
    np.testing.assert_allclose(apply("pow", "0.5", FLOATS[:, [0, 2]]).value[0], [0.5**0.5, 3**0.5])


def test_int_plus_float_is_promoted_and_said() -> None:
    result = apply("add", "0.5", MAGIC)
    assert result.value.dtype == np.float32 and result.notes == ["promoted"]
    np.testing.assert_allclose(result.value, MAGIC + 0.5)
    assert apply("add", "1", MAGIC).notes == []


def test_strings_concatenate_with_add_only() -> None:
    words = build(Recipe("['ten', 'sor']"))
    assert apply("add", "'!'", words).value.tolist() == ["ten!", "sor!"]
    assert fails("mul", "2", words).code == "tensor_op_dtype"
    assert fails("add", "1", words).code == "tensor_mix_dtypes"


def test_broadcast_explanation_aligns_shapes_on_the_right() -> None:
    lines = broadcast_lines((2, 3), (3,))
    assert [(line.a, line.b, line.out, line.stretched) for line in lines] == [
        (2, None, 2, "b"),
        (3, 3, 3, ""),
    ]
    lines = broadcast_lines((3, 1), (1, 4))
    assert [line.stretched for line in lines] == ["b", "a"]
    assert [line.out for line in lines] == [3, 4]


def test_shapes_that_cannot_broadcast_say_which_axis() -> None:
    error = fails("add", "[1, 2]", MAGIC)
    assert error.code == "tensor_broadcast"
    assert error.message.startswith(
        "Operands could not be broadcast together with shapes [3,3] and [2]"
    )
    assert error.params["axis"] == -1


def test_broadcast_result_above_the_limit_is_refused() -> None:
    column = build(Recipe("zeros", "2000,1"))
    assert fails("add", "[" + ", ".join(["1"] * 1000) + "]", column).code == "tensor_too_big"


def test_matmul_matches_tf_and_checks_inner_sizes() -> None:
    result = apply("matmul", "[[1], [2], [3]]", MAGIC)
    np.testing.assert_array_equal(
        result.value, tf.matmul(tf.constant(MAGIC), tf.constant([[1], [2], [3]])).numpy()
    )
    error = fails("matmul", "[[1, 2]]", MAGIC)
    assert error.code == "tensor_matmul_shape" and "[3,3] × [1,2]" in error.message
    assert fails("matmul", "[[1]]", FIB).code == "tensor_matmul_shape"
    batched = apply("matmul", "[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]", STACK).value
    np.testing.assert_allclose(
        batched, tf.matmul(tf.cast(STACK, tf.float32), [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    )


def test_reshape_expand_squeeze_transpose() -> None:
    assert apply("reshape", "-1", MAGIC).value.tolist() == MAGIC.ravel().tolist()
    assert apply("reshape", "9,1", MAGIC).value.shape == (9, 1)
    assert apply("reshape", "[3, -1]", FIB[:9]).value.shape == (3, 3)
    assert fails("reshape", "4,2", MAGIC).code == "tensor_reshape_size"
    assert fails("reshape", "-1,4", MAGIC).code == "tensor_reshape_size"
    assert fails("reshape", "", MAGIC).code == "tensor_reshape_needs_shape"
    assert apply("expand_dims", "0", MAGIC).value.shape == (1, 3, 3)
    assert apply("expand_dims", "-1", MAGIC).value.shape == (3, 3, 1)
    assert fails("expand_dims", "5", MAGIC).code == "tensor_bad_axis"
    assert fails("expand_dims", "0", build(Recipe("rank6"))).code == "tensor_rank_too_high"
    ones = build(Recipe("ones", "1,3,1"))
    assert apply("squeeze", "", ones).value.shape == (3,)
    assert apply("squeeze", "2", ones).value.shape == (1, 3)
    assert fails("squeeze", "1", ones).code == "tensor_squeeze_size"
    np.testing.assert_array_equal(apply("transpose", "", MAGIC).value, MAGIC.T)
    np.testing.assert_array_equal(
        apply("transpose", "2,0,1", STACK).value, tf.transpose(STACK, [2, 0, 1]).numpy()
    )
    assert fails("transpose", "0,0,1", STACK).code == "tensor_bad_perm"


def test_cast_like_tf() -> None:
    np.testing.assert_array_equal(
        apply("cast", "int32", FLOATS).value, tf.cast(FLOATS, tf.int32).numpy()
    )
    assert apply("cast", "bool", MAGIC - 5).value.tolist()[1] == [True, False, True]
    assert apply("cast", "complex64", MAGIC).value.dtype == np.complex64
    assert fails("cast", "float64", MAGIC).code == "tensor_unknown_dtype"
    assert fails("cast", "string", MAGIC).code == "tensor_dtype_conflict"


@pytest.mark.parametrize(
    "expression",
    ["t[1:4]", "t[::-1]", "t[1, :]", "t[..., 0]", "t[-1]", "t[None, 1:3, -1]", "t[:, ::2]", "1"],
)
def test_slices_match_tensorflow(expression: str) -> None:
    tensor = STACK if expression not in ("t[1:4]",) else FIB
    result = apply("slice", expression, tensor).value
    key = tuple(item.to_python() for item in parse_slice(expression))
    np.testing.assert_array_equal(result, tf.constant(tensor)[key].numpy())
    np.testing.assert_array_equal(result, tensor[key])


def test_fibonacci_slice_of_the_slides() -> None:
    assert apply("slice", "t[1:4]", FIB).value.tolist() == [1, 1, 2]
    assert apply("slice", "t[::-1]", FIB).value.tolist()[0] == 34


@pytest.mark.parametrize(
    ("expression", "code"),
    [
        ("t[10]", "tensor_slice_out_of_range"),
        ("t[-11]", "tensor_slice_out_of_range"),
        ("t[1, 2]", "tensor_slice_too_many"),
        ("t[::0]", "tensor_slice_step_zero"),
        ("t[..., ...]", "tensor_slice_ellipsis"),
        ("t[1:x]", "tensor_bad_slice"),
        ("t[__import__('os')]", "tensor_bad_slice"),
        ("t[1.5]", "tensor_bad_slice"),
        ("t[", "tensor_bad_slice"),
    ],
)
def test_bad_slices_are_explained(expression: str, code: str) -> None:
    assert fails("slice", expression, FIB).code == code


def test_softmax_turns_the_slides_logits_into_probabilities() -> None:
    result = apply("softmax", "", LOGITS)
    np.testing.assert_allclose(result.value, tf.nn.softmax(LOGITS).numpy(), rtol=1e-6)
    np.testing.assert_allclose(result.value.sum(axis=-1), [1.0, 1.0], rtol=1e-6)
    assert result.value[1, 0] > 0.999
    by_column = apply("softmax", "0", LOGITS).value
    np.testing.assert_allclose(by_column.sum(axis=0), [1.0, 1.0], rtol=1e-6)
    ints = apply("softmax", "-1", MAGIC)
    assert ints.notes == ["to_float"] and ints.value.dtype == np.float32
    assert fails("softmax", "", build(Recipe("1"))).code == "tensor_needs_rank"
    assert fails("softmax", "2", LOGITS).code == "tensor_bad_axis"


def test_argmax_argmin() -> None:
    for axis in ("0", "1", "-1"):
        np.testing.assert_array_equal(
            apply("argmax", axis, MAGIC).value, tf.argmax(MAGIC, int(axis)).numpy()
        )
        np.testing.assert_array_equal(
            apply("argmin", axis, MAGIC).value, tf.argmin(MAGIC, int(axis)).numpy()
        )
    assert apply("argmax", "", FIB).value.dtype == np.int32
    assert apply("argmax", "", LOGITS).value.tolist() == [1, 0]


@pytest.mark.parametrize(
    ("op", "tf_fn"),
    [("reduce_sum", tf.reduce_sum), ("reduce_mean", tf.reduce_mean), ("reduce_max", tf.reduce_max)],
)
def test_reductions_along_an_axis_or_all(op: str, tf_fn) -> None:
    for axis in ("", "0", "1", "2", "-1"):
        expected = tf_fn(STACK, axis=int(axis) if axis else None).numpy()
        np.testing.assert_array_equal(apply(op, axis, STACK).value, expected)
    assert fails(op, "3", STACK).code == "tensor_bad_axis"
    assert fails(op, "x", STACK).code == "tensor_bad_axis"


@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_max", "squeeze"])
def test_a_scalar_has_no_axis_to_reduce_along(op: str) -> None:
    """The axis left from another tensor (the scalar preset after reduce_sum(axis=0)) is
    refused as TensorFlow refuses it; an empty axis uses the whole scalar, as in TF."""
    scalar = build(Recipe("scalar"))
    error = fails(op, "0", scalar)
    assert error.code == "tensor_scalar_axis" and "leave the axis empty" in error.message
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.reduce_sum(scalar, axis=0)
    assert apply(op, "", scalar).value.shape == ()


def test_int_mean_truncates_and_says_so() -> None:
    result = apply("reduce_mean", "", build(Recipe("[1, 2]")))
    assert result.value.item() == 1 and result.notes == ["int_mean"]
    assert apply("reduce_mean", "", build(Recipe("[1.0, 2.0]"))).value.item() == 1.5


def test_bool_reductions_count_trues() -> None:
    flags = build(Recipe("[true, false, true]"))
    assert apply("reduce_sum", "", flags).value.item() == 2
    assert apply("argmax", "", flags).value.item() == 0


def test_one_hot_like_tf() -> None:
    labels = build(Recipe("[0, 2, 1, 5]"))
    result = apply("one_hot", "3", labels).value
    np.testing.assert_array_equal(result, tf.one_hot(labels, 3).numpy())
    assert result[3].tolist() == [0, 0, 0]  # out of range → all zeros, as in TensorFlow
    assert fails("one_hot", "0", labels).code == "tensor_bad_depth"
    assert fails("one_hot", "3", FLOATS).code == "tensor_op_dtype"
    assert fails("one_hot", "2000000", labels).code == "tensor_too_big"


def test_every_operation_runs_on_every_preset_with_its_default_argument() -> None:
    from models.tensors.make import PRESETS

    ran = 0
    for name in PRESETS:
        tensor = build(Recipe(name))
        for op in OPERATIONS:
            try:
                apply(op, default_arg(op, tensor), tensor)
                ran += 1
            except BadInput as error:  # only refusals that explain themselves
                assert f"error.{error.code}" in catalog()
    assert ran > len(PRESETS) * len(OPERATIONS) * 0.8


def test_unknown_operation() -> None:
    assert fails("conv2d", "", MAGIC).code == "tensor_unknown_op"


def test_softmax_of_rank_6_uses_the_formula() -> None:
    tensor = build(Recipe("normal(0, 1, 4)", "2,2,2,2,2,3"))
    result = apply("softmax", "-1", tensor).value
    flat = tf.nn.softmax(tensor.reshape(-1, 3)).numpy().reshape(tensor.shape)
    np.testing.assert_allclose(result, flat, rtol=1e-5)
    np.testing.assert_allclose(apply("softmax", "0", tensor).value.sum(axis=0), 1.0, rtol=1e-5)
