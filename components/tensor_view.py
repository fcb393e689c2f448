"""Drawing a tensor of any rank 0–6 so a class can see its shape at a glance.

Rank 0 is one big cell, rank 1 a row of cells, rank 2 a heatmap grid with the values, rank
3 a 3-D block of cells (and the picture when it is [H, W, 1|3]), rank 4 a grid of its rank-3
items (a batch), ranks 5 and 6 one rank-3 block chosen with sliders. Tensors too big to draw
cell by cell are shown as the libraries print them, with `...`. The figure builders are
plain functions of an array so that the tests can check them without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from components.figure_cache import cached_figure
from components.i18n import t
from components.lazy_expander import opened
from models.tensors.make import axis_names, count_nonfinite, describe, dtype_name, is_image, nbytes
from models.tensors.ops import AxisLine
from models.tensors.printing import is_summarised, python_print, tfjs_print

TEXT_LIMIT = 400  # cells up to which each value is written in its cell
GRID_LIMIT = 40_000  # cells up to which a heatmap is drawn at all
BLOCK_LIMIT = 1_000  # cells up to which a 3-D block is drawn
BATCH_SHOWN = 12  # items of a batch drawn in the grid
IMAGE_SIDE = 256  # longest side an image is drawn at (larger ones are downscaled)
DIM_LEVEL = 64  # a picture whose brightest value is under this (of 255) reads as black
COLORSCALE = "Viridis"
AXIS_COLOURS = ("blue", "green", "orange", "violet", "red", "gray")


def axis_labels(shape: tuple[int, ...], hint: tuple[str, ...] = ()) -> list[str]:
    """'axis 0 · batch' style labels, translated; just 'axis 4' for an axis with no name."""
    names = axis_names(shape, hint)
    return [
        t("tensor.axis.generic", index=i)
        if _generic(n)
        else t("tensor.axis_label", index=i, name=_axis_name(n))
        for i, n in enumerate(names)
    ]


def _generic(name: str) -> bool:
    """True for the placeholder name of an axis nothing names ("axis4")."""
    return name.startswith("axis") and name[4:].isdigit()


def _axis_name(name: str) -> str:
    if _generic(name):
        return t("tensor.axis.generic", index=name[4:])
    return t(f"tensor.axis.{name}")


def cell_texts(array: np.ndarray) -> np.ndarray:
    """The value written in each cell: 7, 0.25, true, 'a', 1+2j, NaN, ∞."""
    kind = dtype_name(array)
    if kind == "bool":
        return np.where(array, "true", "false")
    if kind == "string":
        return np.vectorize(lambda s: str(s)[:12], otypes=[object])(array).astype(str)
    if kind == "complex64":
        return np.vectorize(lambda z: f"{z.real:.3g}{z.imag:+.3g}j", otypes=[str])(array)
    if kind == "int32":
        return array.astype(str)
    return np.vectorize(_float_text, otypes=[str])(array)


def _float_text(value: float) -> str:
    """Four significant digits, in scientific form when that is shorter than 7 characters
    would allow (0.0001234 → 1.23e-4), so a value fits its cell."""
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = f"{value:.4g}"
    if len(text.lstrip("-")) <= 6 and "e" not in text:
        return text
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def shared_range(*arrays: np.ndarray | None) -> tuple[float, float] | None:
    """The finite (low, high) over the numeric arrays given, so that a tensor and the result
    of an operation on it colour the same value alike; None when there is nothing numeric."""
    values = [
        cell_colours(a)
        for a in arrays
        if a is not None and a.size and dtype_name(a) not in ("string", "bool")
    ]
    finite = np.concatenate([v[np.isfinite(v)].ravel() for v in values]) if values else []
    if not len(finite):
        return None
    return float(finite.min()), float(finite.max())


def cell_colours(array: np.ndarray) -> np.ndarray:
    """Numbers to colour cells by: |z| for complex, 0/1 for bool, NaN where ∞/NaN or text."""
    kind = dtype_name(array)
    if kind == "string":
        return np.zeros(array.shape, dtype=float)
    values = np.abs(array) if kind == "complex64" else array.astype(float)
    return np.where(np.isfinite(values), values, np.nan)


def _heatmap(
    array2d: np.ndarray,
    x_title: str,
    y_title: str,
    show_scale: bool = True,
    colour_range: tuple[float, float] | None = None,
) -> go.Heatmap:
    with_text = array2d.size <= TEXT_LIMIT
    low, high = colour_range or (None, None)
    return go.Heatmap(
        z=cell_colours(array2d),
        zmin=low,
        zmax=high,
        text=cell_texts(array2d) if with_text else None,
        texttemplate="%{text}" if with_text else None,
        textfont={"size": 22 if array2d.size <= 36 else 14},
        colorscale=COLORSCALE,
        showscale=show_scale and dtype_name(array2d) != "string",
        xgap=3,
        ygap=3,
        hovertemplate=f"{y_title}=%{{y}}<br>{x_title}=%{{x}}<br>%{{z}}<extra></extra>",
    )


@cached_figure
def grid_figure(
    array: np.ndarray,
    labels: Sequence[str],
    colour_range: tuple[float, float] | None = None,
) -> go.Figure:
    """Rank 0, 1 or 2 as a heatmap of cells with their values: one cell, a row, a grid;
    colours over `colour_range` when given (else the array's own range)."""
    grid = array.reshape(1, -1) if array.ndim < 2 else array
    x_title = labels[-1] if labels else ""
    y_title = labels[0] if array.ndim == 2 else ""
    fig = go.Figure(_heatmap(grid, x_title, y_title, colour_range=colour_range))
    rows, cols = grid.shape
    fig.update_yaxes(
        autorange="reversed", title=y_title, showticklabels=array.ndim == 2, dtick=1, showgrid=False
    )
    fig.update_xaxes(
        title=x_title, side="top", showticklabels=array.ndim >= 1, dtick=1, showgrid=False
    )
    if array.ndim == 0:
        fig.update_traces(textfont={"size": 64}, showscale=False)
    if cols <= 40:
        fig.update_yaxes(scaleanchor="x", constrain="domain")
        fig.update_xaxes(constrain="domain")
    cell = 80 if cols <= 12 else max(14, 840 // cols)
    fig.update_layout(
        height=min(640, 100 + rows * cell), margin={"l": 10, "r": 10, "t": 50, "b": 10}
    )
    return fig


# The 8 corners of a unit cube and its 12 triangles (two per face), for Mesh3d.
_CORNERS = np.array(
    [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]]
)
_TRIANGLES = np.array(
    [
        [0, 1, 2], [0, 2, 3], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
        [2, 3, 7], [2, 7, 6], [1, 2, 6], [1, 6, 5], [0, 3, 7], [0, 7, 4],
    ]
)  # fmt: skip
_CHANNEL_RGB = ((255, 60, 60), (60, 200, 60), (70, 110, 255))
CUBE = 0.8  # side of a cube; the rest of each unit is the gap between cells


def block_positions(shape: tuple[int, int, int], image: bool) -> tuple[np.ndarray, ...]:
    """(right, back, down) position of every cell of a rank-3 tensor, in C order.

    A stack [depth, rows, columns] puts axis 0 going back; a picture [height, width,
    channels] lies flat with its channels stacked going back, as the slides draw them.
    """
    a0, a1, a2 = (i.ravel() for i in np.indices(shape))
    return (a1, a2, a0) if image else (a2, a0, a1)


def cell_rgb(array3d: np.ndarray, image: bool) -> list[str]:
    """Each cell's colour: the colour scale for numbers, the channel's own colour for pictures."""
    values = cell_colours(array3d).ravel()
    finite = values[np.isfinite(values)]
    low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    scaled = np.where(np.isfinite(values), (values - low) / ((high - low) or 1.0), np.nan)
    if image and array3d.shape[2] == 3:
        channel = np.indices(array3d.shape)[2].ravel()
        return [
            "rgb(200,200,200)" if np.isnan(v) else _channel_colour(int(c) % 3, float(v))
            for v, c in zip(scaled, channel, strict=True)
        ]
    samples = sample_colorscale(COLORSCALE, np.nan_to_num(scaled, nan=0.0).tolist())
    return [
        ("rgb(200,200,200)" if np.isnan(v) else c) for v, c in zip(scaled, samples, strict=True)
    ]


def _channel_colour(channel: int, level: float) -> str:
    r, g, b = (int(30 + (c - 30) * level) for c in _CHANNEL_RGB[channel])
    return f"rgb({r},{g},{b})"


def block_traces(array3d: np.ndarray, image: bool = False) -> list[go.BaseTraceType]:
    """A rank-3 tensor as a block of coloured cubes, with each value written when few."""
    right, back, down = block_positions(array3d.shape, image)
    count = right.size
    corners = _CORNERS * CUBE
    x = (right[:, None] + corners[None, :, 0]).ravel()
    y = (back[:, None] + corners[None, :, 1]).ravel()
    z = (-down[:, None] - corners[None, :, 2]).ravel()
    faces = (_TRIANGLES[None, :, :] + 8 * np.arange(count)[:, None, None]).reshape(-1, 3)
    colours = np.repeat(cell_rgb(array3d, image), 8).tolist()
    texts = cell_texts(array3d).ravel()
    traces: list[go.BaseTraceType] = [
        go.Mesh3d(
            x=x,
            y=y,
            z=z,
            i=faces[:, 0],
            j=faces[:, 1],
            k=faces[:, 2],
            vertexcolor=colours,
            opacity=0.55 if max(array3d.shape) > 2 else 0.8,
            flatshading=True,
            hoverinfo="skip",
        )
    ]
    centre = CUBE / 2
    traces.append(
        go.Scatter3d(
            x=right + centre,
            y=back + centre,
            z=-down - centre,
            mode="text" if count <= 125 else "markers",
            text=texts,
            textfont={"size": 14, "color": "black"},
            marker={"size": 2, "color": "rgba(0,0,0,0.3)"},
            customdata=np.stack(np.indices(array3d.shape), axis=-1).reshape(-1, 3),
            hovertemplate="t[%{customdata[0]}, %{customdata[1]}, %{customdata[2]}] = "
            "%{text}<extra></extra>",
        )
    )
    return traces


@cached_figure
def block_figure(array3d: np.ndarray, labels: Sequence[str], image: bool = False) -> go.Figure:
    """One rank-3 block, axes titled with their names."""
    fig = go.Figure(block_traces(array3d, image))
    fig.update_layout(
        height=520,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        scene=_scene(labels, image),
        showlegend=False,
    )
    return fig


def _scene(labels: list[str], image: bool) -> dict:
    order = (1, 2, 0) if image else (2, 0, 1)
    right, back, down = (labels[i] for i in order)
    hidden = {
        "showticklabels": False,
        "showgrid": False,
        "zeroline": False,
        "showbackground": False,
    }
    return {
        "xaxis": {"title": right, **hidden},
        "yaxis": {"title": back, **hidden},
        "zaxis": {"title": down, **hidden},
        # far enough that a 3×3×3 block fits a half-width column whole (at 2.3 it was clipped)
        "camera": {"eye": {"x": 1.6, "y": -2.4, "z": 1.2}},
        "aspectmode": "data",
    }


def is_dim(array3d: np.ndarray) -> bool:
    """True for a picture-like tensor whose brightest value is under DIM_LEVEL of 255 (e.g.
    [[[1, 2, 3], …]]): drawn as it is, it would be a black square."""
    top = float(array3d.max()) * (255.0 if dtype_name(array3d) == "float32" else 1.0)
    return top < DIM_LEVEL


def image_pixels(array3d: np.ndarray, stretch: bool = False) -> np.ndarray:
    """[H, W, 1|3] as uint8 RGB, downscaled (nearest) so the longest side is ≤ IMAGE_SIDE;
    with `stretch`, its own range mapped to 0–255 (a contrast stretch) so dim values show."""
    step = max(1, int(np.ceil(max(array3d.shape[:2]) / IMAGE_SIDE)))
    small = array3d[::step, ::step].astype(np.float64)
    if stretch:
        low, high = float(small.min()), float(small.max())
        small = (small - low) / (high - low) * 255.0 if high > low else small * 0.0
    elif dtype_name(array3d) == "float32":
        small = small * 255.0
    pixels = np.clip(small, 0, 255).astype(np.uint8)
    return np.repeat(pixels, 3, axis=-1) if pixels.shape[-1] == 1 else pixels


@cached_figure
def image_figure(array3d: np.ndarray, stretch: bool = False) -> go.Figure:
    """The picture a [H, W, 1|3] tensor holds; hovering shows each pixel's values."""
    fig = go.Figure(go.Image(z=image_pixels(array3d, stretch)))
    fig.update_layout(height=420, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return fig


@cached_figure
def batch_figure(array4d: np.ndarray, labels: Sequence[str]) -> go.Figure:
    """A rank-4 batch as a grid of its first items: pictures when they are, else blocks."""
    shown = array4d[:BATCH_SHOWN]
    images = all(is_image(item) for item in shown)
    cols = min(4, len(shown))
    rows = int(np.ceil(len(shown) / cols))
    spec_type = "xy" if images else "scene"
    fig = make_subplots(
        rows=rows,
        cols=cols,
        specs=[[{"type": spec_type}] * cols for _ in range(rows)],
        subplot_titles=[f"{labels[0]} = {i}" for i in range(len(shown))],
    )
    for i, item in enumerate(shown):
        traces = [go.Image(z=image_pixels(item))] if images else block_traces(item)
        for trace in traces:
            fig.add_trace(trace, row=i // cols + 1, col=i % cols + 1)
    if images:
        fig.update_xaxes(showticklabels=False)
        fig.update_yaxes(showticklabels=False)
    else:
        fig.update_scenes(_scene(labels[1:], image=False))
    fig.update_layout(height=260 * rows + 40, margin={"l": 0, "r": 0, "t": 40, "b": 0})
    return fig


def show_metrics(array: np.ndarray, hint: tuple[str, ...] = ()) -> None:
    """Rank, shape, size, dtype and bytes in big numbers, then the axes named and coloured."""
    info = describe(array)
    # one row that wraps on a phone, each number as wide as it is (a long shape is not cut);
    # one block instead of six columns, on every rerun of every session
    row = st.container(horizontal=True, gap="large")
    row.metric(t("tensor.rank"), info["rank"], width="content")
    row.metric(t("tensor.shape"), str(info["shape"]), width="content")
    row.metric(t("tensor.size"), f"{info['size']:,}", width="content")
    row.metric(t("tensor.dtype"), info["dtype"], width="content")
    row.metric(t("tensor.bytes"), bytes_text(nbytes(array)), width="content")
    if array.ndim:
        names = axis_names(array.shape, hint)
        texts = [
            t("tensor.axis_badge_plain", index=i, size=d)
            if _generic(n)
            else t("tensor.axis_badge", index=i, name=_axis_name(n), size=d)
            for i, (n, d) in enumerate(zip(names, array.shape, strict=True))
        ]
        badges = " ".join(f":{AXIS_COLOURS[i]}-badge[{text}]" for i, text in enumerate(texts))
        st.markdown(badges)
    nans, infs = count_nonfinite(array)
    if nans or infs:
        st.warning(t("tensor.nonfinite", nans=nans, infs=infs), icon="⚠️")


def bytes_text(count: int) -> str:
    """At most three digits before the unit ("999 B", "3.8 MiB"): a metric column is narrow."""
    value, unit = float(count), "B"
    for bigger in ("KiB", "MiB", "GiB"):
        if value < 1000:
            break
        value, unit = value / 1024, bigger
    return f"{value:.0f} {unit}" if unit == "B" or value >= 100 else f"{value:.1f} {unit}"


def show_printed(array: np.ndarray, key: str) -> None:
    """The tensor as Python's print and TF.js's t.print() show it, in an expander `key`
    that prints only while open: most reruns of a class never open it."""
    box = opened(t("tensor.printed"), key)
    if box is not None:
        with box:
            _printed(array)


def _printed(array: np.ndarray) -> None:
    if is_summarised(array):
        st.caption(t("tensor.summarised"))
    tab_py, tab_js = st.tabs(["print(t)", "t.print()"])
    tab_py.code(python_print(array), language="python")
    tab_js.code(tfjs_print(array), language="javascript")


def draw_tensor(
    array: np.ndarray,
    key: str,
    hint: tuple[str, ...] = (),
    colour_range: tuple[float, float] | None = None,
) -> None:
    """The drawing that suits the rank; sliders pick a rank-3 block of a rank-5 or -6 tensor.
    `colour_range` (see shared_range) keeps a value's colour the same across drawings."""
    labels = axis_labels(array.shape, hint)
    if array.size == 0:
        st.info(t("tensor.empty"))
        return
    if array.ndim >= 5:
        index = []
        for axis in range(array.ndim - 3):
            index.append(
                st.slider(labels[axis], 0, array.shape[axis] - 1, 0, key=f"{key}_axis{axis}")
                if array.shape[axis] > 1
                else 0
            )
        st.caption(t("tensor.slice_shown", index=", ".join(map(str, index))))
        array, labels = array[tuple(index)], labels[-3:]
    if array.ndim <= 2 and dtype_name(array) == "string" and array.size <= GRID_LIMIT:
        st.dataframe(array.reshape(1, -1) if array.ndim < 2 else array)
    elif array.ndim <= 2 and array.size <= GRID_LIMIT:
        st.plotly_chart(grid_figure(array, labels, colour_range), key=f"{key}_grid")
    elif array.ndim == 3:
        _draw_rank3(array, labels, key)
    elif array.ndim == 4 and array[0].size <= BLOCK_LIMIT or array.ndim == 4 and is_image(array[0]):
        if len(array) > BATCH_SHOWN:
            st.caption(t("tensor.batch_first", shown=BATCH_SHOWN, total=len(array)))
        st.plotly_chart(batch_figure(array, labels), key=f"{key}_batch")
    else:
        _too_big(array)


def _plain(value: np.generic) -> str:
    return f"{float(value):g}"


def _too_big(array: np.ndarray) -> None:
    st.info(t("tensor.too_big_to_draw"))
    st.code(python_print(array), language="python")


def _draw_rank3(array: np.ndarray, labels: list[str], key: str) -> None:
    """A picture and/or a block of cubes; a single channel as a grid; else a slider over axis 0."""
    block = array.size <= BLOCK_LIMIT and dtype_name(array) != "string"
    single_channel = array.shape[-1] == 1 and array[..., 0].size <= GRID_LIMIT
    if is_image(array) and array.shape[-1] == 3 and is_dim(array) and block:
        # small numbers first (as the slides draw them), the picture only contrast-stretched
        left, right = st.columns(2)
        left.plotly_chart(block_figure(array, labels, image=True), key=f"{key}_3d")
        right.plotly_chart(image_figure(array, stretch=True), key=f"{key}_image")
        st.caption(t("tensor.stretched", low=_plain(array.min()), high=_plain(array.max())))
    elif is_image(array) and array.shape[-1] == 3:
        if max(array.shape[:2]) > IMAGE_SIDE:
            st.caption(t("tensor.downscaled", side=IMAGE_SIDE))
        left, right = st.columns(2) if block else (st.container(), None)
        left.plotly_chart(image_figure(array), key=f"{key}_image")
        if right is not None:
            right.plotly_chart(block_figure(array, labels, image=True), key=f"{key}_3d")
    elif single_channel and dtype_name(array) != "string":
        left, right = st.columns(2) if block else (st.container(), None)
        left.plotly_chart(grid_figure(array[..., 0], labels[:2]), key=f"{key}_grid")
        if right is not None:
            right.plotly_chart(block_figure(array, labels, image=True), key=f"{key}_3d")
    elif block:
        st.plotly_chart(block_figure(array, labels), key=f"{key}_3d")
    elif array[0].size <= GRID_LIMIT and dtype_name(array) != "string":
        index = st.slider(labels[0], 0, array.shape[0] - 1, 0, key=f"{key}_matrix")
        st.caption(t("tensor.slice_shown_2d", index=index))
        st.plotly_chart(grid_figure(array[index], labels[1:]), key=f"{key}_grid")
    else:
        _too_big(array)


def show_broadcast(lines: list[AxisLine], a_shape: tuple, b_shape: tuple) -> None:
    """The two shapes aligned on the right, with the axes that stretch highlighted."""
    if not lines:
        return
    header = "| | " + " | ".join(f"{t('tensor.axis')} {-len(lines) + i}" for i in range(len(lines)))
    rule = "|---" * (len(lines) + 1) + "|"

    def row(name: str, dims: list[int | None], who: str) -> str:
        cells = []
        for line, dim in zip(lines, dims, strict=True):
            shown = "·" if dim is None else str(dim)
            cells.append(f":orange[**{shown} → {line.out}**]" if who in line.stretched else shown)
        return f"| {name} | " + " | ".join(cells) + " |"

    st.markdown(
        "\n".join(
            [
                header,
                rule,
                row(f"t {list(a_shape)}", [line.a for line in lines], "a"),
                row(f"b {list(b_shape)}", [line.b for line in lines], "b"),
                row(f"**{t('tensor.result')}**", [line.out for line in lines], "-"),
            ]
        )
    )
    stretched = [i - len(lines) for i, line in enumerate(lines) if line.stretched]
    if stretched:
        st.caption(t("tensor.broadcast_explain", axes=", ".join(map(str, stretched))))
    else:
        st.caption(t("tensor.broadcast_none"))
