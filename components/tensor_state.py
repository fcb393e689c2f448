"""The Tensor explorer's state: the tensor, the operation and its result in session state,
kept in step with the address bar so that a link rebuilds the same example.

Shared links: `?t=` the tensor (a preset id such as `magic`, a literal such as
`[[1,2],[3,4]]`, or a maker such as `fill(7)`), `s=` its shape (`1,4`), `d=` its dtype,
`op=` the operation (`softmax`, `slice`, …) and `a=` the operation's argument (`t[1:4]`).
A bad input leaves its message for the section it belongs to and changes nothing else.
"""

from __future__ import annotations

import streamlit as st

from components.feedback import show_error
from components.i18n import t
from models.errors import PlaygroundError
from models.tensors.code import values_code
from models.tensors.make import PRESETS, Recipe, build, from_image
from models.tensors.operations import OPERATIONS, apply
from models.vision.images import decode_image

URL_KEYS = ("t", "s", "d", "op", "a")
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


def on_create() -> None:
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


def on_run() -> None:
    state.pop("tensor_error", None)
    op = state["tensor_op_choice"]
    _run(op, state.get(f"tensor_arg_{op}", ""))
    _write_url()


def on_use_result() -> None:
    """The result becomes the tensor; its values go in the link when they are few."""
    value = state["tensor_result"].value
    recipe = (
        Recipe(values_code(value, js=False))
        if value.size <= 64 and value.dtype.kind != "c"
        else None
    )
    _set_tensor(value, recipe)
    _write_url()


def sync_from_url() -> None:
    """A new link (or the first visit) rebuilds the tensor; otherwise the session keeps its own."""
    url = _url()
    if state.get("tensor_url") == url and "tensor_value" in state:
        return
    if url["t"]:
        _create(Recipe(url["t"], url["s"], url["d"]), url["op"], url["a"])
    if "tensor_value" not in state:
        _create(Recipe("magic"))
    _write_url()


def show_section_error(where: str) -> None:
    stored = state.get("tensor_error")
    if stored and stored[0] == where:
        show_error(stored[1])
        st.caption(t("tensor.kept"))
