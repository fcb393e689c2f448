"""Segmentation: a PASCAL VOC class for every pixel of a photo (DeepLab), and the person cut
out of a photo or the live webcam (the selfie model, as the course's BodyPix does)."""

import streamlit as st

from components import photo_input, webrtc
from components import segment_stream as live
from components import segment_views as views
from components.code_panel import code_panel
from components.i18n import t
from models.segmentation.masks import PERSON_MODEL, SCENE_MODEL

st.title(t("segment.title"))
st.caption(t("segment.intro"))

tab_scene, tab_person, tab_live = st.tabs(
    [t("segment.tab.scene"), t("segment.tab.person"), t("segment.tab.live")]
)

with tab_scene:
    st.caption(t("segment.scene.hint"))
    opacity = st.slider(t("segment.opacity"), 0.0, 1.0, 0.6, 0.05, key="segment_opacity")
    scene = views.load(SCENE_MODEL)
    photo = photo_input.photo_choice("segment", first="bird", camera=True)
    if photo is not None and scene is not None:
        views.scene(photo["pixels"], scene, opacity)

person = views.load(PERSON_MODEL)
with tab_person:
    st.caption(t("segment.person.hint"))
    effect = views.effect_choice("segment_photo")
    shot = photo_input.photo_choice("segment_person", first="squat", camera=True)
    if shot is not None and person is not None:
        views.person(shot["pixels"], person[0], effect)

with tab_live:
    st.caption(t("segment.live.hint"))
    live_effect = views.effect_choice("segment_live")
    mirror = st.toggle(t("pose.mirror"), value=True, key="segment_mirror")
    if person is not None:
        processor = live.processor()
        processor.configure(live.Settings(person[0], **live_effect, mirror=mirror))
        ctx = webrtc.streamer("segment", processor)
        webrtc.live_fragment(ctx, live.render_panel)

with st.expander(t("segment.how.title")):
    st.markdown(t("segment.how.body"))

code_panel(views.python_code(), views.tfjs_code())
