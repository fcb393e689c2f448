"""The Convolution lab's arithmetic against Keras, the filters against hand-made sums, the
slow-motion steps against tf.nn.conv2d, pooling, and `python -m models conv`."""

import json

import cv2
import numpy as np
import pytest

from models.cli import main
from models.conv import arithmetic as ar
from models.conv.filters import (
    FILTERS,
    convolve,
    named_filter,
    parse_filter,
    pool,
    shrink,
    window_steps,
)
from models.errors import BadInput

CASES = [
    (ar.Layer(ar.CONV, 8, 5), (28, 28, 1)),
    (ar.Layer(ar.CONV, 16, 3, 2, ar.SAME), (65, 64, 3)),
    (ar.Layer(ar.CONV, 4, 3, 1, ar.VALID, 2), (20, 17, 2)),
    (ar.Layer(ar.CONV, 4, 3, 2, 2), (20, 17, 2)),
    (ar.Layer(ar.SEPARABLE, 32, 3, 1, ar.SAME), (16, 16, 8)),
    (ar.Layer(ar.DEPTHWISE, 1, 3, 2, ar.VALID), (16, 15, 8)),
    (ar.Layer(ar.MAX_POOL, 1, 2, 2), (33, 32, 4)),
    (ar.Layer(ar.AVG_POOL, 1, 3, 2, ar.SAME), (33, 32, 4)),
    (ar.Layer(ar.GLOBAL_AVG), (7, 7, 5)),
]


@pytest.mark.parametrize(("layer", "shape"), CASES)
def test_shapes_and_parameters_equal_keras(layer, shape) -> None:
    model = ar.keras_stack([layer], shape)
    built = model.layers[-1]
    assert ar.output_shape(layer, shape) == tuple(built.output.shape[1:])
    assert ar.params(layer, shape[2]) == model.count_params()


def test_a_stack_matches_model_summary() -> None:
    layers = [
        ar.Layer(ar.CONV, 16, 3, 1, ar.SAME),
        ar.Layer(ar.MAX_POOL, 1, 2, 2),
        ar.Layer(ar.SEPARABLE, 32, 3, 2, 1),
        ar.Layer(ar.DEPTHWISE, 1, 5),
        ar.Layer(ar.GLOBAL_AVG),
    ]
    rows = ar.stack(layers, (64, 64, 3))
    assert [r.output_shape for r in rows] == [
        (64, 64, 16),
        (32, 32, 16),
        (16, 16, 32),
        (12, 12, 32),
        (1, 1, 32),
    ]
    assert sum(r.params for r in rows) == ar.keras_stack(layers, (64, 64, 3)).count_params()


def test_the_formula_reads_as_the_deck_writes_it() -> None:
    assert ar.formula(ar.Layer(ar.CONV, 1, 5), 28) == "⌊(28 − 5 + 2·0) / 1⌋ + 1 = 24"
    assert ar.formula(ar.Layer(ar.CONV, 1, 3, 2, ar.SAME), 8) == "⌊(8 − 3 + 0+1) / 2⌋ + 1 = 4"
    assert "2·(3−1)+1" in ar.formula(ar.Layer(ar.CONV, 1, 3, 1, ar.VALID, 2), 9)


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": ar.CONV, "stride": 0},
        {"kind": ar.CONV, "kernel": 0},
        {"kind": ar.CONV, "padding": "full"},
        {"kind": ar.CONV, "padding": -1},
        {"kind": ar.CONV, "stride": 2, "dilation": 2},
        {"kind": "dense"},
    ],
)
def test_bad_layers_are_refused(bad) -> None:
    with pytest.raises(BadInput):
        ar.Layer(**bad)


def test_a_kernel_larger_than_the_padded_input_is_refused() -> None:
    with pytest.raises(BadInput, match="does not fit"):
        ar.output_shape(ar.Layer(ar.CONV, 1, 7), (5, 5, 1))
    assert ar.output_shape(ar.Layer(ar.CONV, 1, 7, 1, 1), (5, 5, 1)) == (1, 1, 1)


def test_custom_filters_parse_or_say_why() -> None:
    np.testing.assert_allclose(parse_filter("1 2 3\n4 5 6\n7 8 1/2")[2, 2], 0.5)
    np.testing.assert_array_equal(parse_filter("[1, 0; 0, 1]"), np.eye(2))
    with pytest.raises(BadInput, match="square"):
        parse_filter("1 2 3\n4 5")
    with pytest.raises(BadInput, match="not a row of numbers"):
        parse_filter("1 a 3\n4 5 6\n7 8 9")
    with pytest.raises(BadInput):
        parse_filter("")
    with pytest.raises(BadInput):
        named_filter("nope")


def test_convolution_equals_the_sum_of_products_by_hand() -> None:
    image = np.arange(25, dtype=np.float32).reshape(5, 5, 1)
    kernel = named_filter("sobel_x")
    out = convolve(image, kernel, ar.Layer(ar.CONV))
    # at the top-left position: the window rows 0–2, cols 0–2 times Sobel x
    window = image[:3, :3, 0]
    assert out.shape == (3, 3, 1) and out[0, 0, 0] == pytest.approx((window * kernel).sum())
    assert np.allclose(out, 8.0)  # a ramp rising by 1 per column: every Sobel x response is 8
    identity = convolve(image, named_filter("identity"), ar.Layer(ar.CONV, 1, 3, 1, ar.SAME))
    np.testing.assert_allclose(identity, image)


@pytest.mark.parametrize(
    "layer",
    [
        ar.Layer(ar.CONV),
        ar.Layer(ar.CONV, 1, 3, 2, ar.SAME),
        ar.Layer(ar.CONV, 1, 3, 1, 2),
        ar.Layer(ar.CONV, 1, 3, 1, ar.VALID, 2),
    ],
)
def test_slow_motion_steps_add_up_to_tensorflow_s_output(layer) -> None:
    patch = np.random.default_rng(1).integers(0, 10, (8, 8)).astype(np.float32)
    kernel = named_filter("laplacian")
    steps = window_steps(patch, kernel, layer)
    out = convolve(patch[..., None], kernel, layer)[..., 0]
    assert [(s.row, s.col) for s in steps][:2] == [(0, 0), (0, 1)]  # left to right first
    np.testing.assert_allclose([s.total for s in steps], out.ravel(), atol=1e-4)


def test_pooling_max_average_and_global() -> None:
    image = np.arange(16, dtype=np.float32).reshape(4, 4, 1)
    np.testing.assert_array_equal(
        pool(image, ar.Layer(ar.MAX_POOL, 1, 2, 2))[..., 0], [[5, 7], [13, 15]]
    )
    np.testing.assert_array_equal(
        pool(image, ar.Layer(ar.AVG_POOL, 1, 2, 2))[..., 0], [[2.5, 4.5], [10.5, 12.5]]
    )
    assert pool(image, ar.Layer(ar.GLOBAL_AVG)).ravel().tolist() == [7.5]


def test_every_named_filter_keeps_a_flat_image_flat_or_zero() -> None:
    flat = np.full((10, 10, 1), 100, np.float32)
    for name in FILTERS:
        out = convolve(flat, named_filter(name), ar.Layer(ar.CONV))
        assert np.allclose(out, out[0, 0]), name  # the same response everywhere
    big = np.zeros((2000, 1000, 3), np.uint8)
    small, shrunk = shrink(big)
    assert shrunk and max(small.shape[:2]) == 512


def test_cli_arithmetic_equals_keras(capsys) -> None:
    args = ["conv", "--input", "28", "28", "1", "--filters", "8", "--kernel", "5", "--json"]
    assert main(args) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["output_shape"] == [24, 24, 8] and record["params"] == 208
    assert record["formula"].startswith("H: ⌊(28 − 5 + 2·0) / 1⌋ + 1 = 24")
    args = [
        "conv",
        "--input",
        "32",
        "32",
        "3",
        "--pool",
        "max",
        "--kernel",
        "2",
        "--stride",
        "2",
        "--padding",
        "same",
        "--json",
    ]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["output_shape"] == [16, 16, 3]
    assert main(["conv", "--input", "8", "8", "1", "--filters", "1", "--stride", "0"]) == 2
    assert "stride" in capsys.readouterr().err
    assert main(["conv", "--input", "8", "8", "1"]) == 2


def test_cli_filters_an_image_into_a_png(shared, tmp_path, capsys) -> None:
    cat = shared / "data" / "images" / "cat.jpg"
    out = tmp_path / "edges.png"
    assert (
        main(["conv", str(cat), "--filter", "sobel_x", "--relu", "--out", str(out), "--json"]) == 0
    )
    record = json.loads(capsys.readouterr().out)
    assert record["shrunk"] is True and record["output_shape"][:2] == [286, 510]
    written = cv2.imread(str(out))
    assert written.shape[:2] == (286, 510)
    assert main(["conv", str(cat), "--filter", "1 2\n3", "--out", str(out)]) == 2
    assert "square" in capsys.readouterr().err


def test_feature_maps_get_smaller_and_deeper(shared) -> None:
    from models.conv.feature_maps import MODEL_ID, FeatureMapModel, tile
    from models.store.files import model_dir
    from models.vision.images import decode_image

    model = FeatureMapModel(model_dir(MODEL_ID) / "model.tflite")
    cat = decode_image((shared / "data" / "images" / "cat.jpg").read_bytes())
    maps = model(cat)
    assert [m.values.shape for m in maps] == [(112, 112, 32), (28, 28, 144), (7, 7, 576)]
    assert all(m.values.min() >= 0 and m.values.max() <= 6.01 for m in maps)  # ReLU6
    pictures = tile(maps[0].values)
    assert len(pictures) == 8 and pictures[0].dtype == np.uint8 and pictures[0].max() == 255
    blank = model(np.zeros((50, 50, 3), np.uint8))
    assert not np.allclose(maps[2].values, blank[2].values)  # the photo changes what it sees
