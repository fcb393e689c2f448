"""The Convolution lab under AppTest: the formula beside TensorFlow's shape, a custom filter,
a refused one, the slow-motion sum, pooling, and the layer stack checked against Keras."""

import pytest
from pages_helper import open_page

PAGE = "app_pages/conv_lab.py"


def _markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption)


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "🔲 Convolution lab"),
        ("es", "🔲 Laboratorio de convolución"),
        ("ru", "🔲 Лаборатория свёртки"),
    ],
)
def test_the_cat_is_convolved_with_the_formula_filled_in(lang, title) -> None:
    at = open_page(PAGE, lang)
    assert not at.exception and not at.error
    assert at.title[0].value == title
    assert "⌊(288 − 3 + 2·0) / 1⌋ + 1 = 286" in _markdown(at)
    assert "[286, 510, 1]" in _captions(at)
    code = " ".join(c.value for c in at.code)
    assert "tf.nn.conv2d" in code and "tf.conv2d(x, kernel, 1, 'valid')" in code
    assert "tf.layers.conv2d" in code and "tf.layers.maxPooling2d" in code


def test_stride_padding_and_dilation_change_the_shape() -> None:
    at = open_page(PAGE, "en")
    at.number_input(key="conv_stride").set_value(2).run()
    at.selectbox(key="conv_padding").set_value("same").run()
    assert not at.exception and not at.error
    assert "[144, 256, 1]" in _captions(at)
    at.number_input(key="conv_dil").set_value(2).run()
    assert "does not combine a dilation above 1 with a stride above 1" in " ".join(
        e.value for e in at.error
    )
    at.number_input(key="conv_stride").set_value(1).run()
    assert "2·(3−1)+1" in _markdown(at) and not at.error


def test_a_custom_filter_and_a_ragged_one() -> None:
    at = open_page(PAGE, "en")
    at.selectbox(key="conv_filter").set_value("custom").run()
    at.text_area(key="conv_custom").set_value(
        "0 0 0 0 0\n0 0 0 0 0\n0 0 1 0 0\n0 0 0 0 0\n0 0 0 0 0"
    )
    at.run()
    assert not at.exception and not at.error
    assert "⌊(288 − 5 + 2·0) / 1⌋ + 1 = 284" in _markdown(at)
    at.text_area(key="conv_custom").set_value("1 2 3\n4 5").run()
    assert not at.exception
    assert "must be a square" in " ".join(e.value for e in at.error)


def test_slow_motion_sums_the_products_at_each_position() -> None:
    at = open_page(PAGE, "en")
    at.slider(key="conv_slow_position").set_value(8).run()
    assert "**Window at output (1, 1)**" in _markdown(at)
    assert "Sum of the products:" in _markdown(at)


def test_pooling_and_the_stack_calculator_agree_with_keras() -> None:
    at = open_page(PAGE, "en")
    assert "[144, 256, 1]" in _captions(at)  # max pooling, window 2, stride 2
    at.radio(key="conv_pool_kind").set_value("global_avg_pool").run()
    assert "[1, 1, 1]" in _captions(at)
    result = next(d.value for d in at.dataframe if "Keras (shape · parameters)" in d.value.columns)
    shapes = ["[64, 64, 16]", "[32, 32, 16]", "[32, 32, 32]", "[1, 1, 32]"]
    assert list(result["Output shape"]) == shapes
    assert list(result["Parameters"]) == [448, 0, 688, 0]
    assert all(
        k.endswith(f"· {p}")
        for k, p in zip(result["Keras (shape · parameters)"], result["Parameters"], strict=True)
    )
    assert "Total: 1,136 parameters by the formulas · Keras's model.summary(): 1,136." in (
        _captions(at)
    )
    values = {m.label: m.value for m in at.metric}
    assert values["Conv2D: (F·F·C + 1)·K"] == "18,496"
    assert values["SeparableConv2D: F·F·C + C·K + K"] == "2,400"


def test_feature_maps_of_mobilenet_for_the_photo() -> None:
    at = open_page(PAGE, "ru")
    assert not at.exception and not at.error
    text = _markdown(at)
    assert "**Ранний слой** — 112×112, 32 канала" in text
    assert "**Средний слой** — 28×28, 144 канала" in text
    assert "**Поздний слой** — 7×7, 576 каналов" in text
    assert "MobilenetV2/Conv/Relu6" in _captions(at)
