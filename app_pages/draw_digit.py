"""Draw a digit: the MNIST canvas, the steps from drawing to tensor, and what the CNN sees."""

import streamlit as st

from components import digit_views
from components.feedback import show_error
from components.i18n import t
from models.digits.model import predict, reference
from models.digits.preprocess import DOT, EMPTY, OK, decode_image, prepare
from models.errors import PlaygroundError

st.title(t("digit.title"))
st.caption(t("digit.intro"))

source = prepared = model = prediction = plain = None
left, right = st.columns([1, 1], gap="large")
with left:
    st.subheader(t("digit.canvas_header"))
    stroke = st.slider(t("digit.stroke_width"), 5, 40, 24, key="digit_stroke")  # the course: 24
    canvas = digit_views.drawing(stroke)
    st.caption(t("digit.toolbar_help"))
    upload = digit_views.uploaded_file()
    try:
        if upload is not None:
            source = decode_image(upload.getvalue(), upload.name)
            st.info(t("digit.using_upload", name=upload.name))
        else:
            source = canvas
        prepared = prepare(source) if source is not None else None
    except PlaygroundError as error:
        show_error(error, file=upload.name if upload is not None else None)
    try:
        model = digit_views.choose_model(needed=prepared is not None and prepared.status == OK)
        if model is not None and prepared is not None and prepared.status == OK:
            prediction = predict(model, prepared.tensor)
            plain = predict(model, prepared.plain)
            training_digits = reference()
            nearest, similarity = training_digits.nearest(prepared.tensor)
    except PlaygroundError as error:
        show_error(error)

with right:
    st.subheader(t("digit.result_header"))
    if prepared is None or prepared.status == EMPTY:
        st.info(t("digit.empty"))
    elif prepared.status == DOT:
        st.warning(t("digit.dot"))
    elif prediction is not None:
        if prepared.inverted:
            st.caption(t("digit.inverted"))
        digit_views.show_prediction(
            prediction, similarity, familiar=similarity >= training_digits.threshold
        )
        digit_views.show_nearest(
            training_digits.images[nearest], int(training_digits.labels[nearest]), similarity
        )

if prepared is not None and prepared.status != EMPTY:
    digit_views.show_pipeline(prepared, source, uploaded=upload is not None)
if prediction is not None:
    st.markdown(t("digit.plain_verdict", digit=plain.digit, confidence=f"{plain.confidence:.0%}"))
    digit_views.show_tensor(prepared.tensor)
    digit_views.show_activations(prediction.activations)

digit_views.show_code()
