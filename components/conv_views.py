"""Streamlit pieces of the Convolution lab: the filter and its settings, the result beside
the formula, the filter stepping over a patch, pooling, and the layer-stack calculator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.feedback import show_error
from components.i18n import t
from models.conv import arithmetic as ar
from models.conv.filters import FILTERS, named_filter, parse_filter, window_steps
from models.errors import PlaygroundError

CUSTOM = "custom"
PADDINGS = (ar.VALID, ar.SAME, "pixels")
PATCH = 8


def filter_choice() -> np.ndarray | None:
    """A named filter or the student's own matrix (None after a message if it is wrong)."""
    names = [*FILTERS, CUSTOM]
    labels = {n: t(f"conv.filter.{n}") for n in names}
    name = st.selectbox(t("conv.filter"), names, format_func=labels.get, key="conv_filter")
    if name != CUSTOM:
        return named_filter(name)
    text = st.text_area(
        t("conv.custom"), "1 0 -1\n1 0 -1\n1 0 -1", key="conv_custom", help=t("conv.custom_help")
    )
    try:
        return parse_filter(text)
    except PlaygroundError as error:
        show_error(error)
        return None


def layer_controls(prefix: str, kind: str, window: int | None = None) -> ar.Layer | None:
    """Stride, padding (valid, same or pixels) and dilation, as one Layer (None on error).
    A pooling `window` has no dilation, and its stride starts equal to it, as in Keras."""
    stride_col, padding_col, pixels_col, dilation_col = st.columns(4)
    stride = stride_col.number_input(
        t("conv.stride"), 1, 8, min(window or 1, 8), key=f"{prefix}_stride"
    )
    labels = {p: t(f"conv.padding.{p}") for p in PADDINGS}
    padding = padding_col.selectbox(
        t("conv.padding"),
        PADDINGS,
        format_func=labels.get,
        key=f"{prefix}_padding",
        help=t("conv.padding_help"),
    )
    pixels = pixels_col.number_input(
        t("conv.padding_pixels"), 0, 16, 1, key=f"{prefix}_pixels", disabled=padding != "pixels"
    )
    dilation = 1
    if window is None:
        dilation = dilation_col.number_input(
            t("conv.dilation"), 1, 4, 1, key=f"{prefix}_dil", help=t("conv.dilation_help")
        )
    try:
        return ar.Layer(
            kind,
            1,
            window or 3,
            int(stride),
            int(pixels) if padding == "pixels" else padding,
            int(dilation),
        )
    except PlaygroundError as error:
        show_error(error)
        return None


def matrix_table(matrix: np.ndarray, decimals: int = 3) -> pd.DataFrame:
    return pd.DataFrame(np.round(matrix, decimals)).rename(columns=str)


def formula_lines(layer: ar.Layer, shape: tuple[int, ...], got: tuple[int, ...]) -> None:
    """The deck's formula with these numbers, beside the shape TensorFlow returned."""
    st.markdown(t("conv.formula_h", formula=ar.formula(layer, shape[0])))
    st.markdown(t("conv.formula_w", formula=ar.formula(layer, shape[1])))
    st.caption(t("conv.tf_shape", shape=str(list(got))))


def patch_of(gray: np.ndarray) -> np.ndarray:
    """An 8×8 patch of small whole numbers (0–9) from the middle of the image."""
    import cv2

    h, w = gray.shape
    side = min(h, w)
    crop = gray[(h - side) // 2 : (h + side) // 2, (w - side) // 2 : (w + side) // 2]
    small = cv2.resize(crop, (PATCH, PATCH), interpolation=cv2.INTER_AREA).astype(np.float32)
    return np.round(small / 255 * 9)


def slow_motion(gray: np.ndarray, kernel: np.ndarray, layer: ar.Layer) -> None:
    """The filter over an 8×8 patch, one position at a time: window × filter, then the sum."""
    st.subheader(t("conv.slow.title"))
    st.caption(t("conv.slow.hint"))
    patch = patch_of(gray)
    try:
        steps = window_steps(patch, kernel, layer)
    except PlaygroundError as error:
        show_error(error)
        return
    cols = max(s.col for s in steps) + 1
    rows = max(s.row for s in steps) + 1
    position = st.slider(t("conv.slow.position"), 1, len(steps), 1, key="conv_slow_position")
    step = steps[position - 1]
    patch_col, window_col, product_col, out_col = st.columns(4)
    patch_col.markdown(f"**{t('conv.slow.patch')}**")
    patch_col.dataframe(matrix_table(patch, 0), key="conv_slow_patch")
    window_col.markdown(f"**{t('conv.slow.window', row=step.row, col=step.col)}**")
    window_col.dataframe(matrix_table(step.window, 0), key="conv_slow_window")
    product_col.markdown(f"**{t('conv.slow.products')}**")
    product_col.dataframe(matrix_table(step.products, 2), key="conv_slow_products")
    output = np.full((rows, cols), np.nan)
    for done in steps[:position]:
        output[done.row, done.col] = done.total
    out_col.markdown(f"**{t('conv.slow.output', rows=rows, cols=cols)}**")
    out_col.dataframe(matrix_table(output, 2), key="conv_slow_output")
    terms = " + ".join(f"{v:g}" for v in step.products.ravel()[:9])
    more = " + …" if step.products.size > 9 else ""
    st.markdown(t("conv.slow.sum", terms=terms + more, total=f"{step.total:g}"))


STACK_DEFAULT = [
    {"kind": ar.CONV, "filters": 16, "kernel": 3, "stride": 1, "padding": ar.SAME},
    {"kind": ar.MAX_POOL, "filters": 0, "kernel": 2, "stride": 2, "padding": ar.VALID},
    {"kind": ar.SEPARABLE, "filters": 32, "kernel": 3, "stride": 1, "padding": ar.SAME},
    {"kind": ar.GLOBAL_AVG, "filters": 0, "kernel": 1, "stride": 1, "padding": ar.VALID},
]


def stack_calculator() -> None:
    """A few layers → each output shape and parameter count, checked against Keras."""
    st.subheader(t("conv.stack.title"))
    st.caption(t("conv.stack.hint"))
    h_col, w_col, c_col = st.columns(3)
    shape = (
        int(h_col.number_input("H", 1, 1024, 64, key="conv_stack_h")),
        int(w_col.number_input("W", 1, 1024, 64, key="conv_stack_w")),
        int(c_col.number_input("C", 1, 512, 3, key="conv_stack_c")),
    )
    table = st.data_editor(
        pd.DataFrame(STACK_DEFAULT),
        num_rows="dynamic",
        key="conv_stack_layers",
        column_config={
            "kind": st.column_config.SelectboxColumn(
                t("conv.stack.kind"), options=ar.LAYER_KINDS, required=True
            ),
            "filters": st.column_config.NumberColumn(t("conv.stack.filters"), min_value=0),
            "kernel": st.column_config.NumberColumn(t("conv.stack.kernel"), min_value=1),
            "stride": st.column_config.NumberColumn(t("conv.stack.stride"), min_value=1),
            "padding": st.column_config.SelectboxColumn(
                t("conv.padding"), options=[ar.VALID, ar.SAME], required=True
            ),
        },
    )
    try:
        layers = [
            ar.Layer(r.kind, max(1, int(r.filters or 0)), int(r.kernel), int(r.stride), r.padding)
            for r in table.dropna(subset=["kind"]).itertuples()
        ]
        rows = ar.stack(layers, shape)
        keras_model = ar.keras_stack(layers, shape)
    except (PlaygroundError, ValueError, TypeError) as error:
        if isinstance(error, PlaygroundError):
            show_error(error)
        else:
            st.error(t("conv.stack.bad_row"), icon="⚠️")
        return
    built = [layer for layer in keras_model.layers if layer.__class__.__name__ != "ZeroPadding2D"]
    result = pd.DataFrame(
        {
            t("conv.stack.kind"): [r.layer.kind for r in rows],
            t("conv.stack.output"): [str(list(r.output_shape)) for r in rows],
            t("conv.stack.params"): [r.params for r in rows],
            t("conv.stack.keras"): [
                f"{list(b.output.shape[1:])} · {b.count_params()}" for b in built
            ],
        }
    )
    st.dataframe(result, hide_index=True, key="conv_stack_result")
    total = sum(r.params for r in rows)
    st.caption(t("conv.stack.total", total=f"{total:,}", keras=f"{keras_model.count_params():,}"))


def separable_comparison() -> None:
    """Conv2D vs depthwise separable parameters for the same C, K and F (MobileNet's trick)."""
    st.subheader(t("conv.separable.title"))
    c_col, k_col, f_col = st.columns(3)
    c = int(c_col.number_input("C", 1, 2048, 32, key="conv_sep_c"))
    k = int(k_col.number_input("K", 1, 2048, 64, key="conv_sep_k"))
    f = int(f_col.number_input("F", 1, 7, 3, key="conv_sep_f"))
    standard = ar.params(ar.Layer(ar.CONV, k, f), c)
    separable = ar.params(ar.Layer(ar.SEPARABLE, k, f), c)
    left, right, ratio = st.columns(3)
    left.metric(t("conv.separable.standard"), f"{standard:,}", help=f"({f}·{f}·{c} + 1)·{k}")
    right.metric(
        t("conv.separable.separable"), f"{separable:,}", help=f"{f}·{f}·{c} + {c}·{k} + {k}"
    )
    ratio.metric(t("conv.separable.ratio"), f"{standard / separable:.1f}×")


def feature_maps(photo: np.ndarray) -> None:
    """MobileNetV2's early, middle and late activation maps for the student's photo."""
    from components import model_cache
    from models.conv.feature_maps import tile

    st.subheader(t("conv.maps.title"))
    st.caption(t("conv.maps.hint"))
    try:
        model = model_cache.feature_map_model()
        maps = model(photo)
    except PlaygroundError as error:
        show_error(error)
        return
    for found in maps:
        height, width, channels = found.values.shape
        st.markdown(t(f"conv.maps.{found.stage}", height=height, width=width, channels=channels))
        st.caption(found.name)
        for column, picture in zip(st.columns(8), tile(found.values), strict=False):
            column.image(picture, width="stretch")
