"""Object detection: CenterNet's COCO boxes on a photo or the webcam, NMS and IoU explained."""

import streamlit as st

from components import detect_stream as live
from components import detect_views as views
from components import photo_input, webrtc
from components.code_panel import code_panel
from components.i18n import t
from models.detection.centernet import (
    DEFAULT_IOU,
    DEFAULT_MAX_BOXES,
    DEFAULT_MODEL,
    DEFAULT_THRESHOLD,
    input_size,
)
from models.detection.centernet import Settings as Filter

st.title(t("detect.title"))
st.caption(t("detect.intro"))

loaded = views.load(DEFAULT_MODEL)
names = loaded[1] if loaded else []
with st.container(border=True):
    threshold_col, max_col, iou_col = st.columns(3)
    threshold = threshold_col.slider(
        t("detect.threshold"),
        0.05,
        0.95,
        DEFAULT_THRESHOLD,
        0.05,
        key="detect_threshold",
        help=t("detect.threshold_help"),
    )
    max_boxes = max_col.slider(
        t("detect.max"), 1, 100, DEFAULT_MAX_BOXES, key="detect_max", help=t("detect.max_help")
    )
    iou = iou_col.slider(
        t("detect.iou"), 0.05, 1.0, DEFAULT_IOU, 0.05, key="detect_iou", help=t("detect.iou_help")
    )
    classes = views.class_choice(names)
    raw_col, mirror_col = st.columns(2)
    show_raw = raw_col.toggle(
        t("detect.show_raw"), value=False, key="detect_show_raw", help=t("detect.show_raw_help")
    )
    mirror = mirror_col.toggle(t("pose.mirror"), value=True, key="detect_mirror")

settings = None
if loaded is not None:
    model, _ = loaded
    chosen = Filter(threshold, max_boxes, iou, frozenset(classes))
    settings = live.Settings(
        model, DEFAULT_MODEL, input_size(DEFAULT_MODEL), tuple(names), chosen, mirror
    )
    live.processor().configure(settings)

tab_photo, tab_snapshot, tab_live = st.tabs(
    [t("detect.tab.photo"), t("detect.tab.snapshot"), t("detect.tab.live")]
)
with tab_photo:
    photo = photo_input.photo_choice("detect")
    if photo is not None and settings is not None:
        st.caption(photo["name"])
        found = views.show_photo(photo["pixels"], settings.unmirrored(), show_raw)
        if found is not None:
            views.iou_lesson(photo["pixels"], found, iou)

with tab_snapshot:
    shot = photo_input.snapshot("detect")
    if shot is not None and settings is not None:
        views.show_photo(shot["pixels"], settings, show_raw)

with tab_live:
    st.caption(t("detect.live.hint"))
    if settings is not None:
        ctx = webrtc.streamer("detect", live.processor())
        webrtc.live_fragment(ctx, live.render_panel)

with st.expander(t("detect.how.title")):
    st.markdown(t("detect.how.body"))

code_panel(views.python_code(threshold, max_boxes, iou), views.tfjs_code(threshold, max_boxes))
