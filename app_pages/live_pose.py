"""Live pose: MoveNet on the webcam over WebRTC, on a camera snapshot, a photo or a video."""

import streamlit as st

from components import pose_stream as live
from components import pose_views as views
from components import webrtc
from components.code_panel import code_panel
from components.i18n import t
from models.pose.draw import DrawOptions
from models.pose.movenet import DEFAULT_THRESHOLD, input_size, is_multipose
from models.vision.images import FORMATS
from models.vision.video import MAX_FRAMES, VIDEO_TYPES

st.title(t("pose.title"))
st.caption(t("pose.intro"))

with st.container(border=True):
    model_col, threshold_col = st.columns(2)
    with model_col:
        model_id = views.model_choice()
        runtime = views.runtime_choice(model_id)
        multi = is_multipose(model_id)
        size = views.size_choice() if multi else input_size(model_id)
    threshold = threshold_col.slider(
        t("pose.threshold"),
        0.0,
        1.0,
        DEFAULT_THRESHOLD,
        0.05,
        key="pose_threshold",
        help=t("pose.threshold_help"),
    )
    mirror_col, skeleton_col, labels_col, smooth_col, angles_col = st.columns(5)
    mirror = mirror_col.toggle(t("pose.mirror"), value=True, key="pose_mirror")
    skeleton = skeleton_col.toggle(t("pose.skeleton"), value=True, key="pose_skeleton")
    labels = labels_col.toggle(t("pose.labels"), value=False, key="pose_labels")
    smooth = smooth_col.toggle(
        t("pose.smooth"), value=True, key="pose_smooth", help=t("pose.smooth_help")
    )
    show_angles = angles_col.toggle(t("pose.angles"), value=True, key="pose_angles")
    st.caption(t("pose.legend_multi" if multi else "pose.legend"))

model = views.load(model_id, runtime, size)
settings = None
if model is not None:
    if multi:
        views.size_cost(model, size)
    draw = DrawOptions(threshold, skeleton, labels)
    settings = live.Settings(model, model_id, size, draw, mirror, smooth)
    live.processor().configure(settings)

tab_live, tab_snapshot, tab_photo, tab_video = st.tabs(
    [t("pose.tab.live"), t("pose.tab.snapshot"), t("pose.tab.photo"), t("pose.tab.video")]
)
with tab_live:
    st.caption(t("pose.live.hint"))
    if settings is not None:
        ctx = webrtc.streamer("pose", live.processor())
        st.subheader(t("pose.live.panel"))
        webrtc.live_fragment(
            ctx,
            lambda playing, signalling: live.render_panel(
                playing, signalling, show_angles, threshold
            ),
        )

with tab_snapshot:
    st.caption(t("pose.snapshot.hint"))
    shot = st.camera_input(t("pose.snapshot.label"), key="pose_camera")
    if shot is not None and settings is not None:
        views.picture(shot.getvalue(), "snapshot.jpg", settings, show_angles, "pose_shot")

with tab_photo:
    photo = st.file_uploader(
        t("pose.photo.label"), type=[f.lower() for f in FORMATS] + ["jpg"], key="pose_photo"
    )
    if photo is not None and settings is not None:
        views.picture(
            photo.getvalue(), photo.name, settings.unmirrored(), show_angles, "pose_photo"
        )

with tab_video:
    clip = st.file_uploader(
        t("pose.video.label", frames=MAX_FRAMES), type=list(VIDEO_TYPES), key="pose_video"
    )
    if clip is not None and settings is not None:
        views.video(clip.getvalue(), clip.name, settings.unmirrored(), show_angles)

code_panel(views.python_code(model_id, threshold, size), views.tfjs_code(model_id, threshold, size))
