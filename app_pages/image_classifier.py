"""Image classifier: MobileNet's top-5 for a photo, how it got there, and your own classes."""

import streamlit as st

from components import classifier_views as views
from components.feedback import show_error
from components.i18n import t
from components.transfer_camera import camera_section
from models.errors import PlaygroundError
from models.vision.classify import classifier_spec, image_probabilities, predict, preprocess
from models.vision.occlusion import sensitivity_map

st.title(t("classifier.title"))
st.caption(t("classifier.intro"))

left, right = st.columns([1, 1], gap="large")
with left:
    model_id = views.choose_model()
    photo = views.remember_photo(views.photo_input())
    if photo is not None:
        st.image(photo["pixels"], caption=photo["name"], width="stretch")

spec = classifier_spec(model_id)
prepared = result = model = None
with right:
    st.subheader(t("classifier.result_header"))
    model = views.load_classifier(model_id)
    if photo is None:
        st.info(t("classifier.no_photo"))
    elif model is not None:
        try:
            prepared = preprocess(photo["pixels"], spec, model)
            result = predict(model, spec, prepared)
            views.show_result(result, prepared.ms)
            views.warn_if_tiny(photo["original_shape"], spec.size)
        except PlaygroundError as error:
            show_error(error)

if prepared is not None and result is not None:
    views.show_steps(prepared, photo["original_shape"])
    views.show_heatmap(
        (photo["digest"], model_id),
        prepared.resized,
        result.top[0].label,
        lambda: sensitivity_map(
            prepared.resized,
            result.top[0].index,
            lambda images: image_probabilities(model, spec, images),
        ),
    )
views.show_code(model_id, spec.size)

st.divider()
st.header(t("classifier.transfer.header"))
st.caption(t("classifier.transfer.intro"))
extractor = views.get_extractor()
if extractor is not None:
    state = views.transfer_state()
    names = []
    for slot, column in enumerate(st.columns(views.class_count())):
        with column:
            names.append(views.class_column(state, slot, photo, extractor))
    camera_section(state, names, extractor)
    head = views.head_choice()
    if st.button(t("classifier.transfer.train"), type="primary", key="transfer_train"):
        views.train(state, names, head)
    views.show_training(state)
    views.show_own_prediction(state, photo, extractor)
views.show_transfer_code()
