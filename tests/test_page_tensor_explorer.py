"""The Tensor explorer page under AppTest: create, operate, errors that keep the tensor, links."""

from __future__ import annotations

import numpy as np
from pages_helper import open_page
from streamlit.testing.v1 import AppTest

PAGE = "app_pages/tensor_explorer.py"


def metrics(at: AppTest) -> dict[str, str]:
    """The first five metrics: the current tensor's rank, shape, size, dtype and memory."""
    return {m.label: m.value for m in at.metric[:5]}


def codes(at: AppTest) -> str:
    return "\n".join(block.value for block in at.code)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def create(at: AppTest, mode: str, **fields: str) -> None:
    """Fill the Create form and press the button."""
    at.radio(key="tensor_mode").set_value(mode).run()
    for key, value in fields.items():
        if key in ("tensor_preset", "tensor_maker"):
            at.selectbox(key=key).set_value(value)
        elif key == "tensor_literal":
            at.text_area(key=key).set_value(value)
        else:
            at.text_input(key=key).set_value(value)
    at.button(key="tensor_create").click().run()
    no_exception(at)


def operate(at: AppTest, op: str, arg: str) -> None:
    at.selectbox(key="tensor_op_choice").set_value(op).run()
    at.text_input(key=f"tensor_arg_{op}").set_value(arg)
    at.button(key="tensor_run").click().run()
    no_exception(at)


def test_create_draw_operate_and_keep_state_on_errors_in_english() -> None:
    at = open_page(PAGE, "en")
    no_exception(at)
    assert at.title[0].value == "🧊 Tensor explorer"
    assert metrics(at) == {
        "Rank": "2",
        "Shape": "[3, 3]",
        "Size": "9",
        "dtype": "int32",
        "Memory": "36 B",
    }
    assert at.query_params["t"] == "magic"
    assert "tf.Tensor(" not in codes(at)  # the printed tensors wait until opened
    at.session_state["tensor_result_printed"] = True
    at.run()
    assert "tf.Tensor(\n[15 15 15], shape=(3,), dtype=int32)" in codes(at)
    assert "Summed along axis 0 · rows" in " ".join(c.value for c in at.caption)

    create(at, "preset", tensor_preset="logits")
    assert at.query_params["op"] == "softmax"
    assert "tf.softmax(t, -1)" in codes(at) and "tf.nn.softmax(t, axis=-1)" in codes(at)
    np.testing.assert_allclose(
        at.session_state["tensor_result"].value, [[0.26894, 0.73106], [0.99988, 0.00012]], atol=1e-4
    )

    create(at, "literal", tensor_literal="[[1, 2, 3]]")
    assert metrics(at)["Shape"] == "[1, 3]"
    assert at.query_params["t"] == "[[1, 2, 3]]"
    assert "const t = tf.tensor([[1, 2, 3]], undefined, 'int32');" in codes(at)

    operate(at, "add", "[[10], [20]]")
    assert at.session_state["tensor_result"].value.tolist() == [[11, 12, 13], [21, 22, 23]]
    table = " ".join(m.value for m in at.markdown)
    assert "**1 → 2**" in table and "**1 → 3**" in table  # t stretches rows, b columns
    assert at.query_params["op"] == "add" and at.query_params["a"] == "[[10], [20]]"

    # An operation that cannot run: the message, and the tensor and last result stay.
    operate(at, "reshape", "4,2")
    assert "Cannot reshape a tensor of 3 elements into shape [4,2]." in at.error[0].value
    assert at.session_state["tensor_result"].value.shape == (2, 3)
    assert metrics(at)["Shape"] == "[1, 3]"

    # Values that do not fit the shape: TF.js's words; the previous tensor is kept.
    create(at, "values", tensor_values="[5.0, 3.3, 1.4]", tensor_shape="1,4")
    assert at.error[0].value == (
        "Based on the provided shape, [1,4], the tensor should have 4 values but has 3"
    )
    assert metrics(at)["Shape"] == "[1, 3]"
    assert at.query_params["t"] == "[[1, 2, 3]]"

    create(at, "values", tensor_values="[5.0, 3.3, 1.4, 0.2]", tensor_shape="1,4")
    assert not at.error
    assert "tf.tensor2d([5.0, 3.3, 1.4, 0.2], [1, 4]);" in codes(at)

    create(at, "maker", tensor_maker="fill", tensor_maker_params="7", tensor_maker_shape="2,3")
    assert metrics(at)["dtype"] == "int32" and metrics(at)["Shape"] == "[2, 3]"
    assert at.query_params["t"] == "fill(7)" and at.query_params["s"] == "2,3"

    create(at, "maker", tensor_maker="zeros", tensor_maker_shape="2000,2000")
    assert "the limit here is 1,000,000" in at.error[0].value
    assert metrics(at)["Shape"] == "[2, 3]"


def test_spanish_messages_and_a_result_used_as_the_tensor() -> None:
    at = open_page(PAGE, "es")
    no_exception(at)
    assert at.title[0].value == "🧊 Explorador de tensores"
    assert [m.label for m in at.metric[:3]] == ["Rango", "Forma", "Tamaño"]
    create(at, "values", tensor_values="[5.0, 3.3, 1.4]", tensor_shape="1,4")
    assert at.error[0].value == (
        "Según la forma indicada, [1,4], el tensor debería tener 4 valores pero tiene 3"
    )
    assert "Se conserva el tensor anterior" in " ".join(c.value for c in at.caption)
    assert metrics(at)["Forma"] == "[3, 3]"

    operate(at, "transpose", "1,0")
    at.button(key="tensor_use_result").click().run()
    no_exception(at)
    np.testing.assert_array_equal(
        at.session_state["tensor_value"], [[4, 3, 8], [9, 5, 1], [2, 7, 6]]
    )
    assert at.query_params["t"] == "[[4, 3, 8], [9, 5, 1], [2, 7, 6]]"

    operate(at, "add", "[1, 2]")
    assert "no se pueden combinar (broadcast)" in at.error[0].value


def test_a_shared_link_restores_tensor_and_operation() -> None:
    at = open_page(PAGE, "en", t="fib", op="slice", a="t[1:4]")
    no_exception(at)
    assert metrics(at)["Shape"] == "[10]"
    assert at.session_state["tensor_result"].value.tolist() == [1, 1, 2]
    assert at.text_input(key="tensor_arg_slice").value == "t[1:4]"
    assert "const result = tf.slice(t, [1], [3]);" in codes(at)
    assert "http://localhost:8501/tensors?lang=en&t=fib&op=slice&a=t[1:4]" in codes(at)
    assert not [i for i in at.get("image") if "Scan it" in str(i.proto)]  # drawn when asked
    at.session_state["tensor_share_qr"] = True  # a student opens the QR popover
    at.run()
    assert [i for i in at.get("image") if "Scan it" in str(i.proto)], "the QR code"


def test_a_broken_link_explains_and_the_page_still_works() -> None:
    at = open_page(PAGE, "en", t="[[1, 2], [3]]", op="softmax")
    no_exception(at)
    assert "Element arr[1] should have 2 elements, but has 1 elements" in at.error[0].value
    assert metrics(at)["Shape"] == "[3, 3]"  # the default example instead
    create(at, "preset", tensor_preset="vector")
    assert metrics(at)["Shape"] == "[3]"


def test_rank5_is_drawn_one_block_at_a_time_with_sliders() -> None:
    at = open_page(PAGE, "en", t="voxel")
    no_exception(at)
    assert metrics(at)["Shape"] == "[2, 3, 3, 3, 1]"
    badges = " ".join(m.value for m in at.markdown)
    assert "axis 0 · time = 2" in badges and "axis 4 · channels = 1" in badges
    sliders = [s for s in at.slider if s.key.startswith("tensor_main")]
    assert [s.key for s in sliders] == ["tensor_main_axis0", "tensor_main_axis1"]
    sliders[0].set_value(1).run()
    no_exception(at)
    assert "t[1, 0]" in " ".join(c.value for c in at.caption)
    # A rank-3 block too big for cubes: one matrix at a time, chosen with a slider.
    create(
        at,
        "maker",
        tensor_maker="normal",
        tensor_maker_params="0, 1, 5",
        tensor_maker_shape="40,30,30",
    )
    assert metrics(at)["Size"] == "36,000"
    at.slider(key="tensor_main_matrix").set_value(39).run()
    no_exception(at)
    assert "Drawing t[39]" in " ".join(c.value for c in at.caption)


def test_an_uploaded_photo_becomes_an_int32_image_tensor(shared) -> None:
    at = open_page(PAGE, "en")
    at.radio(key="tensor_mode").set_value("image").run()
    photo = (shared / "data" / "images" / "cat.jpg").read_bytes()
    at.file_uploader(key="tensor_upload").set_value(("cat.jpg", photo, "image/jpeg")).run()
    no_exception(at)
    tensor = at.session_state["tensor_value"]
    assert tensor.dtype == np.int32 and tensor.ndim == 3 and tensor.shape[-1] == 3
    assert metrics(at)["Rank"] == "3" and metrics(at)["dtype"] == "int32"
    assert "tf.browser.fromPixels(imageElement)" in codes(at)
    assert "t" not in at.query_params
    assert "cannot go in a link" in " ".join(c.value for c in at.caption)

    at.file_uploader(key="tensor_upload").set_value(("fake.png", b"not a picture", "image/png"))
    at.run()
    no_exception(at)
    assert at.error, "a broken file gets a message"
    np.testing.assert_array_equal(at.session_state["tensor_value"], tensor)


def test_rank6_axes_without_a_name_are_not_named_twice() -> None:
    at = open_page(PAGE, "en", t="rank6")
    no_exception(at)
    badges = " ".join(m.value for m in at.markdown)
    assert "axis 0 · axis 0" not in badges and "axis 0 = " in badges
    assert not [s.label for s in at.slider if "· axis" in s.label]


def test_the_course_s_image_operations_work_on_a_picture_and_refuse_a_matrix() -> None:
    at = open_page(PAGE, "en", t="rgb")
    operate(at, "resize_nearest", "6, 6")
    no_exception(at)
    assert at.session_state["tensor_result"].value.shape == (6, 6, 3)
    assert "Nearest neighbour: each new pixel copies" in " ".join(i.value for i in at.info)
    assert "tf.image.resizeNearestNeighbor(t, [6, 6], false, true)" in codes(at)
    at.selectbox(key="tensor_op_choice").set_value("flip_left_right").run()
    assert at.text_input(key="tensor_arg_flip_left_right").disabled  # no argument to give
    create(at, "preset", tensor_preset="magic")
    at.selectbox(key="tensor_op_choice").set_value("rgb_to_grayscale").run()
    at.button(key="tensor_run").click().run()
    no_exception(at)
    assert "works on a picture tensor [height, width, 3]; this one has shape [3,3]" in (
        at.error[0].value
    )
