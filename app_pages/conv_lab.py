"""Convolution lab: a filter sliding over an image, stride, padding, dilation, pooling, and
the arithmetic of a stack of conv layers, as the deck's CNN slides draw them."""

import cv2
import numpy as np
import streamlit as st

from components import conv_views as views
from components import photo_input
from components.code_panel import code_panel
from components.feedback import show_error
from components.i18n import t
from models.conv import arithmetic as ar
from models.conv.code import python_code, tfjs_code
from models.conv.filters import convolve, pool, shrink, to_picture
from models.errors import PlaygroundError

st.title(t("conv.title"))
st.caption(t("conv.intro"))

photo = photo_input.photo_choice("conv", first="cat")
gray = st.toggle(t("conv.gray"), value=True, key="conv_gray")
image = None
if photo is not None:
    image, shrunk = shrink(photo["pixels"])
    if shrunk:
        st.caption(t("conv.shrunk", width=image.shape[1], height=image.shape[0]))
    if gray:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)[..., None]

tab_conv, tab_pool, tab_stack, tab_maps = st.tabs(
    [t("conv.tab.conv"), t("conv.tab.pool"), t("conv.tab.stack"), t("conv.tab.maps")]
)
with tab_conv:
    filter_col, settings_col = st.columns([1, 2])
    with filter_col:
        kernel = views.filter_choice()
        if kernel is not None:
            st.dataframe(views.matrix_table(kernel), key="conv_kernel_table")
    with settings_col:
        layer = views.layer_controls("conv", ar.CONV)
        relu = st.toggle(t("conv.relu"), value=False, key="conv_relu", help=t("conv.relu_help"))
    if image is not None and kernel is not None and layer is not None:
        try:
            out = convolve(image.astype(np.float32), kernel, layer)
        except PlaygroundError as error:
            show_error(error)
        else:
            if relu:
                out = np.maximum(out, 0)
            before, after, numbers = st.columns([2, 2, 2])
            before.image(
                image[..., 0] if gray else image,
                caption=t("conv.input", shape=str(list(image.shape))),
            )
            after.image(
                to_picture(out)[..., 0] if gray else to_picture(out),
                caption=t("conv.output", shape=str(list(out.shape))),
            )
            with numbers:
                views.formula_lines(
                    ar.Layer(
                        ar.CONV, 1, kernel.shape[0], layer.stride, layer.padding, layer.dilation
                    ),
                    image.shape,
                    out.shape,
                )
                st.caption(t("conv.range", low=f"{out.min():.1f}", high=f"{out.max():.1f}"))
            views.slow_motion(
                image[..., 0] if gray else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), kernel, layer
            )

with tab_pool:
    kinds = {k: t(f"conv.pool.{k}") for k in (ar.MAX_POOL, ar.AVG_POOL, ar.GLOBAL_AVG)}
    kind_col, window_col = st.columns(2)
    kind = kind_col.radio(
        t("conv.pool.kind"),
        list(kinds),
        format_func=kinds.get,
        horizontal=True,
        key="conv_pool_kind",
    )
    window = int(window_col.number_input(t("conv.pool.window"), 1, 16, 2, key="conv_pool_win"))
    pooling = views.layer_controls("conv_pool", kind, window=window)
    if image is not None and pooling is not None:
        try:
            pooled = pool(image.astype(np.float32), pooling)
        except PlaygroundError as error:
            show_error(error)
        else:
            before, after, numbers = st.columns([2, 2, 2])
            before.image(
                image[..., 0] if gray else image,
                caption=t("conv.input", shape=str(list(image.shape))),
            )
            picture = np.clip(pooled, 0, 255).astype(np.uint8)
            after.image(
                picture[..., 0] if gray else picture,
                width=260,
                caption=t("conv.output", shape=str(list(pooled.shape))),
            )
            with numbers:
                views.formula_lines(pooling, image.shape, pooled.shape)
                st.caption(t("conv.pool.params"))

with tab_stack:
    views.stack_calculator()
    views.separable_comparison()

with tab_maps:
    if photo is not None:
        views.feature_maps(photo["pixels"])

code_panel(python_code(), tfjs_code())
