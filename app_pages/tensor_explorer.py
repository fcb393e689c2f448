"""Tensor explorer: build a tensor of rank 0–6, see rank/shape/size/dtype drawn, operate on it.

Shared links: `?t=` the tensor (a preset id such as `magic`, a literal such as
`[[1,2],[3,4]]`, or a maker such as `fill(7)`), `s=` its shape (`1,4`), `d=` its dtype,
`op=` the operation (`softmax`, `slice`, …) and `a=` the operation's argument (`t[1:4]`).
"""

from collections.abc import Callable
from urllib.parse import urlencode

import streamlit as st

from components.code_panel import code_panel
from components.feedback import show_error
from components.i18n import t
from components.tensor_view import (
    axis_labels,
    draw_tensor,
    show_broadcast,
    show_metrics,
    show_printed,
)
from models.errors import PlaygroundError
from models.tensors.code import full_code, values_code
from models.tensors.make import DTYPES, MAKER_PARAMS, PRESETS, Recipe, build, from_image
from models.tensors.ops import ARG_KIND, BINARY, OPERATIONS, apply, default_arg
from models.vision.images import decode_image

URL_KEYS = ("t", "s", "d", "op", "a")
MODES = ("preset", "literal", "values", "maker", "image")
MAX_LINK_CHARS = 2000  # longer literals stay out of the address bar
state = st.session_state


def _url() -> dict[str, str]:
    return {key: st.query_params.get(key, "") for key in URL_KEYS}


def _write_url() -> None:
    """Mirror the tensor and the operation into the address bar (an upload has no recipe)."""
    recipe: Recipe | None = state.get("tensor_recipe")
    if recipe is not None and len(recipe.source) > MAX_LINK_CHARS:
        recipe = None
    op, arg = state.get("tensor_op_done", ("", ""))
    wanted = {
        "t": recipe.source if recipe else "",
        "s": recipe.shape if recipe else "",
        "d": recipe.dtype if recipe else "",
        "op": op,
        "a": arg,
    }
    for key, value in wanted.items():
        if value:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]
    state["tensor_url"] = wanted


def _fail(where: str, error: Exception) -> None:
    """Keep the message for the section it belongs to; an unforeseen error is said, not thrown."""
    if not isinstance(error, PlaygroundError):
        detail = f"{type(error).__name__}: {str(error)[:200]}"
        error = PlaygroundError(t("common.unexpected_error", detail=detail))
    state["tensor_error"] = (where, error)


def _set_tensor(value, recipe: Recipe | None, hint=(), image=None) -> None:
    state.update(
        tensor_value=value,
        tensor_recipe=recipe,
        tensor_hint=hint,
        tensor_image=image,
        tensor_result=None,
        tensor_op_done=("", ""),
    )


def _create(recipe: Recipe, op: str = "", arg: str = "") -> None:
    """Build the tensor (and run `op`); on bad input keep everything as it was."""
    try:
        value = build(recipe)
    except Exception as error:  # a bug must not cost the student the page
        _fail("create", error)
        return
    preset = PRESETS.get(recipe.source.strip())
    _set_tensor(value, recipe, preset.axes if preset else ())
    if preset:
        state["tensor_preset"] = recipe.source.strip()
    if preset and not op:
        op, arg = preset.op, preset.arg
    if op:
        _choose_op(op, arg)
        _run(op, arg)
    _write_url()


def _choose_op(op: str, arg: str) -> None:
    """Put an operation into the Operate widgets (before they are drawn)."""
    if op in OPERATIONS:
        state["tensor_op_choice"] = op
        state[f"tensor_arg_{op}"] = arg


def _run(op: str, arg: str) -> None:
    try:
        result = apply(op, arg, state["tensor_value"])
    except Exception as error:  # a bug must not cost the student the page
        _fail("operate", error)
        return
    state["tensor_result"] = result
    state["tensor_op_done"] = (op, arg)


def _on_create() -> None:
    state.pop("tensor_error", None)
    mode = state.get("tensor_mode", "preset")
    dtype = state.get(f"tensor_dtype_{mode}", "")
    if mode == "preset":
        _create(Recipe(state["tensor_preset"]))
    elif mode == "literal":
        _create(Recipe(state["tensor_literal"], "", dtype))
    elif mode == "values":
        _create(Recipe(state["tensor_values"], state["tensor_shape"], dtype))
    elif mode == "maker":
        params = state.get("tensor_maker_params", "").strip()
        source = f"{state['tensor_maker']}({params})" if params else state["tensor_maker"]
        _create(Recipe(source, state["tensor_maker_shape"], dtype))
    else:
        _create_from_upload()


def _create_from_upload() -> None:
    upload = state.get("tensor_upload")
    if upload is None:
        return
    try:
        pixels = decode_image(upload.getvalue())
        _set_tensor(from_image(pixels), None, image=pixels.shape[:2])
    except PlaygroundError as error:
        _fail("create", error)
        return
    _write_url()


def _on_run() -> None:
    state.pop("tensor_error", None)
    op = state["tensor_op_choice"]
    _run(op, state.get(f"tensor_arg_{op}", ""))
    _write_url()


def _on_use_result() -> None:
    """The result becomes the tensor; its values go in the link when they are few."""
    value = state["tensor_result"].value
    recipe = (
        Recipe(values_code(value, js=False))
        if value.size <= 64 and value.dtype.kind != "c"
        else None
    )
    _set_tensor(value, recipe)
    _write_url()


def _sync_from_url() -> None:
    """A new link (or the first visit) rebuilds the tensor; otherwise the session keeps its own."""
    url = _url()
    if state.get("tensor_url") == url and "tensor_value" in state:
        return
    if url["t"]:
        _create(Recipe(url["t"], url["s"], url["d"]), url["op"], url["a"])
    if "tensor_value" not in state:
        _create(Recipe("magic"))
    _write_url()


def _show_error(where: str) -> None:
    stored = state.get("tensor_error")
    if stored and stored[0] == where:
        show_error(stored[1])
        st.caption(t("tensor.kept"))


def _labels(options, label) -> Callable[[str], str]:
    """A format_func whose labels are translated now, while the session's language is known.

    (AppTest formats choices again outside the session, where `t` would give English.)
    """
    return {option: label(option) for option in options}.__getitem__


def _dtype_choice(mode: str, column) -> None:
    column.selectbox(
        t("tensor.dtype"),
        ["", *DTYPES],
        format_func=_labels(["", *DTYPES], lambda d: d or t("tensor.dtype_auto")),
        key=f"tensor_dtype_{mode}",
    )


def _create_inputs(mode: str) -> None:
    if mode == "preset":
        st.selectbox(
            t("tensor.preset_label"),
            list(PRESETS),
            format_func=_labels(PRESETS, lambda p: t(f"tensor.preset.{p}")),
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
            format_func=_labels(MAKER_PARAMS, lambda m: t(f"tensor.maker.{m}")),
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
            on_change=_on_create,
        )


def _operate_inputs(value) -> None:
    left, right = st.columns([1, 2])
    op = left.selectbox(
        t("tensor.op_label"),
        OPERATIONS,
        format_func=_labels(OPERATIONS, lambda o: t(f"tensor.op.{o}")),
        key="tensor_op_choice",
    )
    kind = ARG_KIND[op]
    state.setdefault(f"tensor_arg_{op}", default_arg(op, value))
    right.text_input(
        t(f"tensor.arg.{kind}"),
        key=f"tensor_arg_{op}",
        help=t(f"tensor.arg_help.{kind}"),
    )


def _show_result(value) -> None:
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
    draw_tensor(result.value, "tensor_result")
    with st.expander(t("tensor.printed")):
        show_printed(result.value)
    st.button(t("tensor.use_result"), key="tensor_use_result", on_click=_on_use_result)


st.title(t("tensor.title"))
st.caption(t("tensor.intro"))
_sync_from_url()

with st.container(border=True):
    st.subheader(t("tensor.create_header"))
    mode = st.radio(
        t("tensor.mode_label"),
        MODES,
        format_func=_labels(MODES, lambda m: t(f"tensor.mode.{m}")),
        horizontal=True,
        key="tensor_mode",
    )
    _create_inputs(mode)
    st.button(t("tensor.create"), type="primary", key="tensor_create", on_click=_on_create)
    _show_error("create")

value = state["tensor_value"]
hint = state.get("tensor_hint", ())
st.subheader(t("tensor.current_header"))
show_metrics(value, hint)
draw_tensor(value, "tensor_main", hint)
with st.expander(t("tensor.printed")):
    show_printed(value)

with st.container(border=True):
    st.subheader(t("tensor.operate_header"))
    _operate_inputs(value)
    st.button(t("tensor.run"), type="primary", key="tensor_run", on_click=_on_run)
    _show_error("operate")
    _show_result(value)

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
shared = {key: v for key, v in state.get("tensor_url", {}).items() if v}
if shared:
    st.caption(t("tensor.share"))
    st.code("/tensors?" + urlencode(shared), language="text")
else:
    st.caption(t("tensor.share_none"))
