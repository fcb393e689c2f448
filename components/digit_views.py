"""The pieces of Draw a digit: canvas, model choice, prediction, pipeline, activations, code.

Images are enlarged with nearest-neighbour before display so that a 28×28 tensor shows its
pixels as squares instead of a browser blur: the point is to see what the network gets.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import plotly.graph_objects as go
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from components import model_cache
from components.code_panel import code_panel
from components.feedback import show_error
from components.i18n import t
from components.shared_state import trained_models
from models.digits import model as digits
from models.digits.model import Prediction, newest_lab_run
from models.digits.preprocess import MAX_SIDE, PreparedDigit, centre_of_mass
from models.vision.images import MAX_BYTES

CANVAS_SIDE = 280
LOW_CONFIDENCE = 0.6
TILE = 140  # pixels a pipeline step is drawn at
MAP_TILE = 96  # pixels an activation map is drawn at
UPLOAD_TYPES = ["png", "jpg", "jpeg", "bmp", "gif", "webp"]


def enlarge(image: np.ndarray, side: int) -> np.ndarray:
    """`image` (floats 0..1, gray or RGB) with its longer edge `side` pixels, pixels square."""
    height, width = image.shape[:2]
    scale = side / max(height, width, 1)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.clip(cv2.resize(image, size, interpolation=cv2.INTER_NEAREST), 0.0, 1.0)


def _clear_canvas() -> None:
    """A new `initial_drawing` makes the canvas reload it empty and send the empty drawing."""
    st.session_state["digit_clears"] = st.session_state.get("digit_clears", 0) + 1
    st.session_state["digit_cleared"] = True


def drawing(stroke_width: int) -> np.ndarray | None:
    """The canvas (white ink on black) as RGBA pixels; None before the first stroke.

    Besides the toolbar's undo/redo/reset (shown on hover), a Clear button is always
    visible, for touch screens and whiteboards. In the run the button starts, the old
    drawing is still the widget's value, so it is ignored until the empty one arrives.
    """
    result = st_canvas(
        stroke_width=stroke_width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        width=CANVAS_SIDE,
        height=CANVAS_SIDE,
        drawing_mode="freedraw",
        initial_drawing={"objects": [], "clears": st.session_state.get("digit_clears", 0)},
        update_streamlit=True,
        return_image_data=True,
        key="digit_canvas",
    )
    st.button(t("digit.clear"), key="digit_clear", icon="🗑️", on_click=_clear_canvas)
    if st.session_state.pop("digit_cleared", False):
        return None
    return result.image_data


def uploaded_file() -> Any:
    """The uploaded digit picture (Streamlit UploadedFile) or None."""
    return st.file_uploader(
        t("digit.upload"),
        type=UPLOAD_TYPES,
        help=t("digit.upload_help", limit=MAX_SIDE),
        max_upload_size=MAX_BYTES // 1_000_000,
        key="digit_upload",
    )


def choose_model(needed: bool) -> Any:
    """The model to classify with: the newest Training-lab mnist-cnn if picked, else the default.

    The default CNN is loaded (or trained, with a progress bar) only when `needed`, i.e. when
    there is a drawing to classify, or when a button asks: the page opens instantly even on
    a fresh server. Returns None when no model is needed yet.
    """
    st.subheader(t("digit.model_header"))
    run = newest_lab_run(trained_models())
    if run is not None:
        options = ["lab", "default"]
        labels = {"lab": t("digit.model_lab", run=run), "default": t("digit.model_default")}
        choice = st.radio(
            t("digit.model_choice"), options, format_func=labels.get, key="digit_model_choice"
        )
        if choice == "lab":
            st.caption(t("digit.using_lab", run=run))
            return trained_models()[run]["model"]
    st.caption(t("digit.using_default"))
    model = None
    if needed:
        model = model_cache.digit_model()
    elif not digits.is_ready():
        if digits.training_status().state == "idle":  # a failure waits for "Try again"
            digits.start_training()
        _background_training()
    if digits.is_ready() and st.button(t("digit.retrain"), key="digit_retrain"):
        model = model_cache.digit_model(retrain=True)
        st.toast(t("digit.retrained"))
    return model


@st.fragment(run_every=1.0)
def _background_training() -> None:
    """The default CNN's background training, followed each second; the page reruns when done.

    Nothing waits on it: the student can draw meanwhile (the first drawing then waits for
    the rest of the training with the same progress bar).
    """
    status = digits.training_status()
    if status.state == "failed":
        show_error(status.error)
        st.button(t("digit.train_again"), key="digit_train_now", on_click=digits.start_training)
    elif status.state == "training":
        st.progress(status.fraction, text=model_cache.digit_training_text(status))
        st.caption(t("digit.training_background"))
    else:
        st.rerun()


def probability_chart(probabilities: np.ndarray) -> go.Figure:
    """Ten bars, the winner highlighted."""
    winner = int(np.argmax(probabilities))
    colours = ["#ff4b4b" if i == winner else "#8ab4f8" for i in range(10)]
    figure = go.Figure(
        go.Bar(
            x=[str(i) for i in range(10)],
            y=probabilities,
            marker_color=colours,
            text=[f"{p:.0%}" for p in probabilities],
            textposition="outside",
        )
    )
    figure.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"title": t("digit.axis_digit"), "type": "category"},  # every digit labelled
        yaxis={"title": t("digit.axis_probability"), "range": [0, 1.15], "tickformat": ".0%"},
        title=t("digit.probabilities"),
    )
    return figure


def show_prediction(prediction: Prediction, similarity: float, familiar: bool) -> None:
    """The digit, how sure, a no-digit or low-confidence warning, the ten bars and the top 3."""
    st.metric(
        t("digit.prediction"),
        str(prediction.digit),
        t("digit.confidence", confidence=f"{prediction.confidence:.0%}"),
        delta_color="off",
        delta_arrow="off",
    )
    if not familiar:
        st.warning(
            t(
                "digit.unfamiliar",
                similarity=f"{similarity:.0%}",
                digit=prediction.digit,
                confidence=f"{prediction.confidence:.0%}",
            )
        )
    elif prediction.confidence < LOW_CONFIDENCE:
        st.warning(t("digit.low_confidence", confidence=f"{prediction.confidence:.0%}"))
    st.plotly_chart(probability_chart(prediction.probabilities), key="digit_probabilities")
    rows = [
        t("digit.top3_row", digit=digit, probability=f"{probability:.1%}")
        for digit, probability in prediction.top(3)
    ]
    st.markdown(f"**{t('digit.top3')}**  \n" + "  \n".join(rows))


def show_nearest(image: np.ndarray, label: int, similarity: float) -> None:
    """The training digit most like the drawing: what "looks like a digit" means here."""
    picture, text = st.columns([1, 3], vertical_alignment="center")
    with picture:
        st.image(enlarge(image.astype(np.float32) / 255.0, 84), clamp=True)
    with text:
        st.caption(t("digit.nearest", label=label, similarity=f"{similarity:.0%}"))


def _with_box(prepared: PreparedDigit) -> np.ndarray:
    """The grayscale drawing as RGB with the ink's bounding box in red."""
    picture = enlarge(prepared.gray, TILE)
    rgb = np.repeat(picture[:, :, None], 3, axis=2).astype(np.float32)
    if prepared.box is not None:
        scale = picture.shape[0] / prepared.gray.shape[0]
        box = prepared.box
        corner1 = (int(box.left * scale), int(box.top * scale))
        corner2 = (int(box.right * scale) - 1, int(box.bottom * scale) - 1)
        cv2.rectangle(rgb, corner1, corner2, (1.0, 0.2, 0.2), 2)
    return rgb


def _with_centre(tensor: np.ndarray) -> np.ndarray:
    """The 28×28 tensor as RGB with a red cross on its centre of mass."""
    picture = enlarge(tensor, TILE)
    rgb = np.repeat(picture[:, :, None], 3, axis=2).astype(np.float32)
    scale = TILE / tensor.shape[0]
    row, col = centre_of_mass(tensor)
    point = (int((col + 0.5) * scale), int((row + 0.5) * scale))
    cv2.drawMarker(rgb, point, (1.0, 0.2, 0.2), cv2.MARKER_CROSS, 16, 2)
    return rgb


def show_pipeline(prepared: PreparedDigit, source: np.ndarray, uploaded: bool = False) -> None:
    """The steps side by side, then the seed's plain resize beside the final tensor; the first
    is the canvas, or the `uploaded` picture."""
    st.subheader(t("digit.pipeline_header"))
    st.caption(t("digit.pipeline_intro"))
    steps = [
        (
            source.astype(np.float32) / 255.0 if source.dtype == np.uint8 else source,
            "upload" if uploaded else "canvas",
        ),
        (_with_box(prepared), "gray"),
        (prepared.cropped, "crop"),
        (prepared.fitted, "fit"),
        (_with_centre(prepared.tensor), "place"),
        (prepared.plain, "plain"),
    ]
    height, width = source.shape[:2]
    sizes = {
        "canvas": {"width": width, "height": height},
        "upload": {"width": width, "height": height},
        "crop": {"width": prepared.cropped.shape[1], "height": prepared.cropped.shape[0]},
        "fit": {"width": prepared.fitted.shape[1], "height": prepared.fitted.shape[0]},
    }
    for column, (image, step) in zip(st.columns(len(steps)), steps, strict=True):
        with column:
            if image.size:
                shown = image if image.shape[0] == TILE else enlarge(image, TILE)
                st.image(shown, clamp=True)
            st.caption(t(f"digit.step_{step}", **sizes.get(step, {})))


def tensor_heatmap(tensor: np.ndarray) -> go.Figure:
    """The 28×28 input as a gray heatmap, each inked cell's value written in it (zeros blank)."""
    figure = go.Figure(
        go.Heatmap(
            z=tensor,
            colorscale="gray",
            zmin=0,
            zmax=1,
            text=[[f"{v:.1f}" if v >= 0.05 else "" for v in row] for row in tensor],
            texttemplate="%{text}",
            textfont={"size": 9},
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
        )
    )
    figure.update_layout(
        height=720,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed", "scaleanchor": "x", "constrain": "domain"},
        xaxis={"constrain": "domain"},
    )
    return figure


def show_tensor(tensor: np.ndarray) -> None:
    """The heatmap of values under its heading."""
    st.subheader(t("digit.tensor_header"))
    st.plotly_chart(tensor_heatmap(tensor), key="digit_tensor")


def show_activations(activations: dict[str, np.ndarray]) -> None:
    """Every filter's map for each conv layer, each scaled to its own 0..max range."""
    st.subheader(t("digit.activations_header"))
    st.caption(t("digit.activations_intro"))
    for name, maps in activations.items():
        height, width, channels = maps.shape
        st.markdown(t("digit.layer", layer=name, channels=channels, height=height, width=width))
        peak = max(float(maps.max()), 1e-6)
        tiles = [enlarge(maps[:, :, c] / peak, MAP_TILE) for c in range(channels)]
        captions = [t("digit.filter", index=c + 1) for c in range(channels)]
        st.image(tiles, caption=captions, width=MAP_TILE, clamp=True)


PYTHON_CODE = """
import cv2
import numpy as np

gray = image[..., :3].mean(axis=-1) / 255.0          # canvas RGBA → [280, 280] in 0..1
rows = np.flatnonzero((gray > 0.1).any(axis=1))       # ink's bounding box
cols = np.flatnonzero((gray > 0.1).any(axis=0))
crop = gray[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]

scale = 20 / max(crop.shape)                          # fit 20×20, keep the aspect ratio
h, w = round(crop.shape[0] * scale), round(crop.shape[1] * scale)
fitted = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA)

ys, xs = np.indices(fitted.shape)                     # centre of mass → (14, 14)
cy, cx = (ys * fitted).sum() / fitted.sum(), (xs * fitted).sum() / fitted.sum()
top, left = int(14 - cy + 0.5), int(14 - cx + 0.5)    # halves round up
top, left = min(max(top, 0), 28 - h), min(max(left, 0), 28 - w)
x = np.zeros((28, 28), np.float32)
x[top:top + h, left:left + w] = fitted
x /= x.max()                                          # normalise: brightest pixel = 1

import keras

model = keras.saving.load_model("mnist-cnn.keras", safe_mode=True)
probabilities = model.predict(x[None, :, :, None])[0]  # [1, 28, 28, 1] → [10]
digit = int(probabilities.argmax())
"""

TFJS_CODE = """
// The slides' version: the whole canvas resized to 28×28
const input = tf.tidy(() => {
  const img = tf.browser.fromPixels(canvas, 1);           // [280, 280, 1] int32
  const small = tf.image.resizeBilinear(img, [28, 28]);   // [28, 28, 1]
  return small.toFloat().div(255).expandDims(0);          // [1, 28, 28, 1]
});
const probabilities = model.predict(input);
const digit = (await probabilities.argMax(-1).data())[0];

// As MNIST was made: crop to the ink, fit 20×20, centre by mass
const gray = tf.tidy(() => tf.browser.fromPixels(canvas, 1).toFloat().div(255).squeeze());
const ink = gray.greater(0.1);
const rows = await ink.any(1).data(), cols = await ink.any(0).data();
const top = rows.indexOf(1), bottom = rows.lastIndexOf(1);
const left = cols.indexOf(1), right = cols.lastIndexOf(1);
const [h0, w0] = [bottom - top + 1, right - left + 1];
const scale = 20 / Math.max(h0, w0);
const [h, w] = [Math.round(h0 * scale), Math.round(w0 * scale)];
const k = Math.max(1, Math.ceil(Math.max(h0, w0) / 20));  // shrink factor
const x = tf.tidy(() => {
  const crop = gray.slice([top, left], [h0, w0]).expandDims(-1);
  const near = tf.image.resizeBilinear(crop, [h * k, w * k]); // k times the target…
  const fitted = tf.avgPool(near, k, k, 'valid').squeeze();   // …averaged: anti-aliased
  const mass = fitted.sum();
  const cy = fitted.mul(tf.range(0, h).expandDims(1)).sum().div(mass).arraySync();
  const cx = fitted.mul(tf.range(0, w).expandDims(0)).sum().div(mass).arraySync();
  const y0 = Math.min(Math.max(Math.round(14 - cy), 0), 28 - h);
  const x0 = Math.min(Math.max(Math.round(14 - cx), 0), 28 - w);
  const field = fitted.pad([[y0, 28 - h - y0], [x0, 28 - w - x0]]);
  return field.div(field.max()).expandDims(0).expandDims(-1);   // [1, 28, 28, 1]
});
const centred = model.predict(x);
"""


def show_code() -> None:
    """The Python and TF.js code of the preprocessing and the prediction."""
    code_panel(PYTHON_CODE, TFJS_CODE)
