"""The drawings: each rank gets its figure, with the values written and big tensors tamed."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.tensor_view import (
    BATCH_SHOWN,
    IMAGE_SIDE,
    batch_figure,
    block_figure,
    block_positions,
    bytes_text,
    cell_colours,
    cell_texts,
    grid_figure,
    image_pixels,
    shared_range,
)
from models.tensors.make import Recipe, build

LABELS = ["a0", "a1", "a2", "a3"]


def test_grid_writes_every_value_in_its_cell() -> None:
    magic = build(Recipe("magic"))
    heatmap = grid_figure(magic, LABELS[:2]).data[0]
    assert isinstance(heatmap, go.Heatmap)
    assert np.asarray(heatmap.text).tolist() == magic.astype(str).tolist()
    np.testing.assert_array_equal(np.asarray(heatmap.z), magic)
    row = grid_figure(build(Recipe("vector")), LABELS[:1]).data[0]
    assert np.asarray(row.text).tolist() == [["4", "9", "2"]]
    scalar = grid_figure(build(Recipe("scalar")), []).data[0]
    assert np.asarray(scalar.text).tolist() == [["1"]]


def test_cells_show_nan_infinity_bool_and_complex_clearly() -> None:
    floats = build(Recipe("[nan, inf, -inf, 0.125]"))
    assert cell_texts(floats).tolist() == ["NaN", "∞", "-∞", "0.125"]
    colours = cell_colours(floats)
    assert np.isnan(colours[:3]).all() and colours[3] == 0.125
    assert cell_texts(build(Recipe("[true, false]"))).tolist() == ["true", "false"]
    assert cell_texts(build(Recipe("[1+2j]"))).tolist() == ["1+2j"]


def test_big_grids_are_coloured_without_writing_values() -> None:
    big = build(Recipe("range(0, 900)", "30,30"))
    heatmap = grid_figure(big, LABELS[:2]).data[0]
    assert heatmap.text is None and np.asarray(heatmap.z).shape == (30, 30)


def test_block_has_one_cube_per_value_laid_out_as_the_slides() -> None:
    stack = build(Recipe("stack"))
    mesh, labels = block_figure(stack, LABELS[:3]).data
    assert len(mesh.x) == 8 * 27 and len(mesh.i) == 12 * 27
    assert list(labels.text) == stack.astype(str).ravel().tolist()
    right, back, down = block_positions((2, 3, 4), image=False)
    assert (right.max(), back.max(), down.max()) == (3, 1, 2)
    right, back, down = block_positions((2, 3, 4), image=True)
    assert (right.max(), back.max(), down.max()) == (2, 3, 1)


def test_picture_blocks_colour_each_channel_in_its_own_colour() -> None:
    red = np.zeros((1, 1, 3), np.int32)
    red[0, 0, 0] = 255
    mesh = block_figure(red, LABELS[:3], image=True).data[0]
    colours = list(mesh.vertexcolor)
    assert colours[0] == "rgb(255,60,60)" and colours[8] == "rgb(30,30,30)"


def test_images_are_downscaled_for_display_only() -> None:
    big = np.full((1000, 600, 3), 7, np.int32)
    pixels = image_pixels(big)
    assert max(pixels.shape[:2]) <= IMAGE_SIDE and pixels.dtype == np.uint8
    gray = image_pixels(np.full((4, 4, 1), 0.5, np.float32))
    assert gray.shape == (4, 4, 3) and gray[0, 0].tolist() == [127, 127, 127]


def test_batch_grid_draws_the_first_items() -> None:
    batch = build(Recipe("batch"))
    figure = batch_figure(batch, LABELS)
    assert [type(trace) for trace in figure.data] == [go.Image] * 4
    many = build(Recipe("uniform(0, 256, 1)", "20,4,4,3"))
    assert len(batch_figure(many, LABELS).data) == BATCH_SHOWN
    blocks = batch_figure(build(Recipe("range(300, 354)", "2,3,3,3")), LABELS)
    assert [type(trace) for trace in blocks.data] == [go.Mesh3d, go.Scatter3d] * 2


def test_every_key_built_at_run_time_is_translated() -> None:
    """Keys like tensor.op.<id> are built from ids, so test_i18n's scan cannot see them."""
    from components.i18n import catalog
    from models.tensors.make import _GENERIC_AXES, _IMAGE_AXES, MAKER_PARAMS, PRESETS
    from models.tensors.operations import ARG_KIND, OPERATIONS

    keys = [f"tensor.op.{op}" for op in OPERATIONS]
    keys += [f"tensor.arg.{kind}" for kind in ARG_KIND.values()]
    keys += [f"tensor.arg_help.{kind}" for kind in ARG_KIND.values()]
    keys += [f"tensor.preset.{name}" for name in PRESETS]
    keys += [f"tensor.maker.{name}" for name in MAKER_PARAMS]
    keys += [f"tensor.mode.{mode}" for mode in ("preset", "literal", "values", "maker", "image")]
    keys += [f"tensor.note.{note}" for note in ("promoted", "int_mean", "to_float")]
    names = {n for axes in [*_GENERIC_AXES.values(), *_IMAGE_AXES.values()] for n in axes}
    keys += [f"tensor.axis.{name}" for name in names]
    keys += [f"tensor.axis.{name}" for preset in PRESETS.values() for name in preset.axes]
    assert [key for key in keys if key not in catalog()] == []


def test_small_and_large_values_fit_their_cells() -> None:
    values = np.array([0.0001234, 12345.6, 0.1234, -0.001234, 3.14159, 100000.0], np.float32)
    texts = cell_texts(values).tolist()
    assert texts == ["1.23e-4", "1.23e4", "0.1234", "-1.23e-3", "3.142", "1e5"]
    assert max(len(text.lstrip("-")) for text in texts) <= 7  # was "0.0001234" in a softmax cell


def test_memory_fits_a_metric_column() -> None:
    assert [bytes_text(n) for n in (12, 999, 4_000_000, 40_960, 3 * 1024**3)] == [
        "12 B",
        "999 B",
        "3.8 MiB",
        "40.0 KiB",
        "3.0 GiB",
    ]


def test_a_result_colours_a_value_as_its_tensor_does() -> None:
    fib = build(Recipe("fib"))
    colours = shared_range(fib, fib[1:4])
    whole = grid_figure(fib, LABELS[:1], colours).data[0]
    part = grid_figure(fib[1:4], LABELS[:1], colours).data[0]
    assert (whole.zmin, whole.zmax) == (part.zmin, part.zmax) == (0.0, 34.0)
    assert shared_range(build(Recipe("[true, false]"))) is None


def test_a_block_is_seen_from_far_enough_to_fit_its_half_width_column() -> None:
    # at an eye distance of 2.3 a 3×3×3 block overflowed the right edge of its column
    eye = block_figure(build(Recipe("stack")), LABELS[:3]).layout.scene.camera.eye
    assert np.linalg.norm([eye.x, eye.y, eye.z]) >= 3.0
