"""The Tensor explorer's widgets: how to make a tensor (preset, literal, values + shape, maker,
photo), which operation to run with which argument, and the result drawn."""

from __future__ import annotations

import streamlit as st

from components.i18n import option_labels, t
from components.tensor_state import on_create, on_use_result, state
from components.tensor_view import (
    axis_labels,
    draw_tensor,
    show_broadcast,
    show_metrics,
    show_printed,
)
from models.tensors.make import DTYPES, MAKER_PARAMS, PRESETS
from models.tensors.operations import ARG_KIND, BINARY, OPERATIONS, default_arg

MODES = ("preset", "literal", "values", "maker", "image")


def _dtype_choice(mode: str, column) -> None:
    column.selectbox(
        t("tensor.dtype"),
        ["", *DTYPES],
        format_func=option_labels(["", *DTYPES], lambda d: d or t("tensor.dtype_auto")),
        key=f"tensor_dtype_{mode}",
    )


def create_inputs(mode: str) -> None:
    if mode == "preset":
        st.selectbox(
            t("tensor.preset_label"),
            list(PRESETS),
            format_func=option_labels(PRESETS, "tensor.preset"),
            key="tensor_preset",
        )
    elif mode == "literal":
        left, right = st.columns([4, 1])
        state.setdefault("tensor_literal", "[[1, 2], [3, 4]]")
        left.text_area(t("tensor.literal_label"), key="tensor_literal")
        _dtype_choice(mode, right)
    elif mode == "values":
        left, middle, right = st.columns([3, 1, 1])
        state.setdefault("tensor_values", "[5.0, 3.3, 1.4, 0.2]")
        state.setdefault("tensor_shape", "1,4")
        left.text_input(t("tensor.values_label"), key="tensor_values")
        middle.text_input(t("tensor.shape"), key="tensor_shape")
        _dtype_choice(mode, right)
    elif mode == "maker":
        cols = st.columns([1.2, 1.5, 1, 1])
        maker = cols[0].selectbox(
            t("tensor.maker_label"),
            list(MAKER_PARAMS),
            format_func=option_labels(MAKER_PARAMS, "tensor.maker"),
            key="tensor_maker",
        )
        names = ", ".join(name for name, _ in MAKER_PARAMS[maker]) or "—"
        cols[1].text_input(t("tensor.maker_params", names=names), key="tensor_maker_params")
        state.setdefault("tensor_maker_shape", "2,3")
        cols[2].text_input(t("tensor.shape"), key="tensor_maker_shape")
        _dtype_choice(mode, cols[3])
    else:
        st.file_uploader(
            t("tensor.upload_label"),
            type=["jpg", "jpeg", "png", "bmp", "webp", "gif"],
            key="tensor_upload",
            on_change=on_create,
        )


def operate_inputs(value) -> None:
    left, right = st.columns([1, 2])
    op = left.selectbox(
        t("tensor.op_label"),
        OPERATIONS,
        format_func=option_labels(OPERATIONS, "tensor.op"),
        key="tensor_op_choice",
    )
    kind = ARG_KIND[op]
    state.setdefault(f"tensor_arg_{op}", default_arg(op, value))
    right.text_input(
        t(f"tensor.arg.{kind}"),
        key=f"tensor_arg_{op}",
        help=t(f"tensor.arg_help.{kind}"),
        disabled=kind == "none",
    )


def show_result(value, colour_range: tuple[float, float] | None = None) -> None:
    """The last operation's result, coloured over `colour_range` like the tensor it came from."""
    result = state.get("tensor_result")
    if result is None:
        return
    op, arg = state["tensor_op_done"]
    st.markdown(f"#### {t('tensor.result')}: `{t(f'tensor.op.{op}')}` {f'`{arg}`' if arg else ''}")
    if op in BINARY and result.broadcast:
        show_broadcast(result.broadcast, value.shape, result.other.shape)
    if result.axis is not None and value.ndim:
        labels = axis_labels(value.shape, state.get("tensor_hint", ()))
        name = str(result.axis) if op == "expand_dims" else labels[result.axis]
        st.caption(t(f"tensor.along.{op}", axis=name))
    for note in result.notes:
        st.info(t(f"tensor.note.{note}"), icon="💡")
    show_metrics(result.value)
    draw_tensor(result.value, "tensor_result", colour_range=colour_range)
    show_printed(result.value, "tensor_result_printed")
    st.button(t("tensor.use_result"), key="tensor_use_result", on_click=on_use_result)
