"""Tensor explorer: build a tensor of rank 0–6, see rank/shape/size/dtype drawn, operate on it.

The state (tensor, operation, result, the shared link) lives in components/tensor_state.py,
the widgets in components/tensor_controls.py; this page lays them out.
"""

import streamlit as st

from components import tensor_controls, tensor_state
from components.code_panel import code_panel
from components.i18n import current_language, option_labels, t
from components.share import share_box
from components.tensor_memory import memory_section
from components.tensor_state import state
from components.tensor_view import draw_tensor, shared_range, show_metrics, show_printed
from models.tensors.operations import full_code

st.title(t("tensor.title"))
st.caption(t("tensor.intro"))
tensor_state.sync_from_url()

with st.container(border=True):
    st.subheader(t("tensor.create_header"))
    mode = st.radio(
        t("tensor.mode_label"),
        tensor_controls.MODES,
        format_func=option_labels(tensor_controls.MODES, "tensor.mode"),
        horizontal=True,
        key="tensor_mode",
    )
    tensor_controls.create_inputs(mode)
    st.button(
        t("tensor.create"), type="primary", key="tensor_create", on_click=tensor_state.on_create
    )
    tensor_state.show_section_error("create")

value = state["tensor_value"]
hint = state.get("tensor_hint", ())
st.subheader(t("tensor.current_header"))
show_metrics(value, hint)
result = state.get("tensor_result")
colours = shared_range(value, result.value if result is not None else None)
draw_tensor(value, "tensor_main", hint, colours)
show_printed(value, "tensor_printed")

with st.container(border=True):
    st.subheader(t("tensor.operate_header"))
    tensor_controls.operate_inputs(value)
    st.button(t("tensor.run"), type="primary", key="tensor_run", on_click=tensor_state.on_run)
    tensor_state.show_section_error("operate")
    tensor_controls.show_result(value, colours)

done_op, done_arg = state.get("tensor_op_done", ("", ""))
result = state.get("tensor_result")
code_panel(
    *full_code(
        state.get("tensor_recipe"),
        value,
        done_op,
        done_arg,
        result.other if result else None,
        state.get("tensor_image"),
    ),
    expanded=True,
)
memory_section()

shared = {key: v for key, v in state.get("tensor_url", {}).items() if v}
if shared:
    st.caption(t("tensor.share"))
    share_box({"lang": current_language(), **shared}, "tensors", key="tensor_share")
else:
    st.caption(t("tensor.share_none"))
