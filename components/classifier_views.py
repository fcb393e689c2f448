"""The pieces of the Image classifier page: photo input, result, steps, heatmap, code.

The last photo that decoded well is kept in the session (reduced to DISPLAY_SIDE, with its
original size noted), so a bad upload shows its message while the page keeps showing the
previous photo and its result. Teaching your own classes lives in components of its own
below (`transfer_*`), state under the TRANSFER key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components import model_cache
from components.charts import horizontal_bars
from components.code_panel import code_panel
from components.feedback import show_error
from components.heavy_slots import heavy_work
from components.i18n import current_language, option_labels, t
from components.photo_input import remember
from models.errors import PlaygroundError
from models.store.locate import mirror_model_root
from models.store.registry import model_spec
from models.vision.classify import Prepared, Result, Step, classifier_ids
from models.vision.images import decode_image, shrink
from models.vision.transfer import DEFAULT_HEAD, EPOCHS, HEADS

PHOTO = "classifier_photo"  # {"name", "digest", "pixels", "original_shape"}
MIN_MEANINGFUL_SIDE = 32  # pixels: below this a photo holds too little to classify
FAILURES = "classifier_failures"  # {model id: English reason} for models that did not load
HEATMAPS = "classifier_heatmaps"  # {(digest, model id): float32 map}
DISPLAY_SIDE = 1024  # a stored photo's longer side at most: memory per session stays small
EXAMPLES = ("cat.jpg", "dog.bmp")
STEP_TILE = 224


def example_files() -> dict[str, Path]:
    """The example photos of the data mirror that exist here ({stem: path})."""
    root = os.environ.get("PLAYGROUND_DATA_DIR")
    if not root:
        return {}
    folder = Path(root) / "images"
    return {Path(n).stem: folder / n for n in EXAMPLES if (folder / n).is_file()}


def choose_model() -> str:
    """The classifier picked in the selectbox (MobileNetV2 quantized first)."""
    ids = classifier_ids()
    return st.selectbox(
        t("classifier.model"),
        ids,
        format_func=option_labels(ids, "classifier.model_name"),
        key="classifier_model",
        help=t("classifier.model_help"),
    )


def photo_input() -> tuple[str, bytes] | None:
    """(name, bytes) of the photo chosen now by example button, upload or camera, or None."""
    sources = {
        "example": t("classifier.source.example"),
        "upload": t("classifier.source.upload"),
        "camera": t("classifier.source.camera"),
    }
    source = st.radio(
        t("classifier.source"),
        list(sources),
        format_func=sources.get,
        horizontal=True,
        key="classifier_source",
    )
    if source == "upload":
        upload = st.file_uploader(
            t("classifier.upload"), key="classifier_upload", help=t("classifier.upload_help")
        )
        return (upload.name, upload.getvalue()) if upload is not None else None
    if source == "camera":
        shot = st.camera_input(t("classifier.camera"), key="classifier_camera")
        return ("camera.jpg", shot.getvalue()) if shot is not None else None
    return _example_buttons()


def _example_buttons() -> tuple[str, bytes] | None:
    examples = example_files()
    if not examples:
        st.info(t("classifier.no_examples"))
        return None
    columns = st.columns(len(examples))
    for column, name in zip(columns, examples, strict=True):
        if column.button(t(f"classifier.example.{name}"), key=f"classifier_example_{name}"):
            st.session_state["classifier_example"] = name
    chosen = st.session_state.setdefault("classifier_example", next(iter(examples)))
    path = examples.get(chosen)
    return (path.name, path.read_bytes()) if path else None


def remember_photo(photo: tuple[str, bytes] | None) -> dict | None:
    """The photo to work on: `photo` if it decodes, else the last good one (error shown)."""
    return remember(photo, PHOTO, side=DISPLAY_SIDE)


def load_classifier(model_id: str) -> Any | None:
    """The loaded model, or None after a translated 'unavailable' notice with the offline hint.

    A failure is remembered for the session so that reruns do not retry the download each
    time; the Retry button forgets it.
    """
    failures = st.session_state.setdefault(FAILURES, {})
    if model_id not in failures:
        try:
            return model_cache.model(model_id)
        except PlaygroundError as error:
            failures[model_id] = error.message
    mirror = mirror_model_root()
    folder = f"{mirror}/{model_id}/" if mirror else f"$PLAYGROUND_MODEL_DIR/{model_id}/"
    st.warning(
        t(
            "classifier.unavailable",
            model=model_id,
            folder=folder,
            command=f"python -m models download {model_id}",
        ),
        icon="📴",
    )
    with st.expander(t("classifier.unavailable_details")):
        st.code(failures[model_id], language=None, wrap_lines=True)
    st.button(t("classifier.retry"), on_click=failures.pop, args=(model_id, None))
    return None


def probability_bars(labels: list[str], scores: list[float]) -> go.Figure:
    """One horizontal bar per label, the first on top, 44 px each, the probability axis titled."""
    return horizontal_bars(
        labels,
        scores,
        [f"{s:.1%}" for s in scores],
        {"range": [0, 1], "tickformat": ".0%", "title": t("classifier.probability")},
    )


def history_figure(history: list[dict]) -> go.Figure:
    """Loss and accuracy per epoch of the head's training, on titled axes, a few ticks."""
    epochs = [row["epoch"] for row in history]
    figure = go.Figure()
    for key, dash in (("loss", "solid"), ("accuracy", "dot")):
        figure.add_scatter(
            x=epochs,
            y=[row[key] for row in history],
            mode="lines",
            name=t(f"classifier.transfer.series.{key}"),
            line={"dash": dash},
        )
    figure.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": t("classifier.transfer.axis_epoch"), "nticks": 8},
        yaxis={"title": t("classifier.transfer.axis_value"), "rangemode": "tozero"},
        legend={"orientation": "h", "y": 1.12},
    )
    return figure


def show_result(result: Result, preprocess_ms: float) -> None:
    """Top-k bar chart with probabilities, and the two timings."""
    figure = probability_bars([p.label for p in result.top], [p.score for p in result.top])
    best = result.top[0]
    st.markdown(t("classifier.verdict", label=best.label, score=f"{best.score:.1%}"))
    if current_language() != "en":
        st.caption(t("classifier.labels_language"))
    st.plotly_chart(figure, key="classifier_top_chart")
    left, right = st.columns(2)
    left.metric(t("classifier.inference_time"), f"{result.ms:.1f} ms")
    right.metric(t("classifier.preprocess_time"), f"{preprocess_ms:.1f} ms")


def warn_if_tiny(original_shape: tuple[int, ...], model_side: int) -> None:
    """A photo a few pixels wide is blown up to the model's square and still gets a top-5:
    say that such an answer means nothing."""
    height, width = original_shape[:2]
    if min(height, width) < MIN_MEANINGFUL_SIDE:
        st.warning(t("classifier.tiny", width=width, height=height, side=model_side), icon="🔍")


def _viewable(step: Step) -> np.ndarray:
    """A step's array as displayable uint8 (scaled −1..1 floats mapped back to 0..255)."""
    if step.array.dtype == np.uint8:
        return step.array
    return np.clip((step.array + 1.0) * 127.5, 0, 255).astype(np.uint8)


def show_steps(prepared: Prepared, original_shape: tuple[int, ...]) -> None:
    """original → resized (method) → scaled (→ quantized), each with shape, dtype and range."""
    st.subheader(t("classifier.steps_header"))
    columns = st.columns(len(prepared.steps))
    for column, step in zip(columns, prepared.steps, strict=True):
        low, high = step.value_range
        with column:
            st.markdown(f"**{t(f'classifier.step.{step.name}')}**")
            st.image(_viewable(step), width=STEP_TILE)
            shape = original_shape if step.name == "original" else step.shape
            st.caption(
                t(
                    "classifier.step_caption",
                    shape=str(tuple(shape)),
                    dtype=step.dtype,
                    low=f"{low:.3g}",
                    high=f"{high:.3g}",
                )
            )
            if step.detail:
                detail = (
                    t(f"classifier.method.{step.detail}") if step.name == "resized" else step.detail
                )
                st.caption(t(f"classifier.step_detail.{step.name}", detail=detail))
    if tuple(prepared.steps[0].shape) != tuple(original_shape):
        st.caption(t("classifier.reduced_note", shape=str(tuple(prepared.steps[0].shape))))


def overlay(image: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """The photo with the positive part of `heat` drawn on it in a jet colour map.

    The map is blurred for display only, so the patch grid does not draw squares.
    """
    sigma = max(1.0, image.shape[0] / 32)
    positive = cv2.GaussianBlur(np.clip(heat, 0, None).astype(np.float32), (0, 0), sigma)
    top = float(positive.max())
    norm = (positive / top * 255).astype(np.uint8) if top > 0 else np.zeros_like(positive, np.uint8)
    colours = cv2.cvtColor(cv2.applyColorMap(norm, cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)
    alpha = (norm.astype(np.float32) / 255 * 0.6)[:, :, None]
    blended = image.astype(np.float32) * (1 - alpha) + colours.astype(np.float32) * alpha
    return blended.astype(np.uint8)


def show_heatmap(key: tuple, resized: np.ndarray, label: str, compute: Any) -> None:
    """The occlusion map for the top class, computed on request and kept for this photo."""
    st.subheader(t("classifier.heatmap_header"))
    st.caption(t("classifier.heatmap_intro", label=label))
    maps = st.session_state.setdefault(HEATMAPS, {})
    if st.button(t("classifier.heatmap_button"), key="classifier_heatmap"):
        with st.spinner(t("classifier.heatmap_running")):
            maps.clear()  # one map per session: the newest photo and model
            maps[key] = compute()
    heat = maps.get(key)
    if heat is None:
        return
    left, right = st.columns(2)
    left.image(resized, caption=t("classifier.heatmap_photo"), width="stretch")
    right.image(overlay(resized, heat), caption=t("classifier.heatmap_map"), width="stretch")
    st.caption(t("classifier.heatmap_max_drop", drop=f"{float(heat.max()):.1%}"))


def python_code(model_id: str, size: int) -> str:
    """LiteRT (quantized) or Keras applications code for the chosen model."""
    if model_spec(model_id).format == "keras":
        return f"""
import numpy as np
from PIL import Image
from keras.applications.mobilenet_v2 import MobileNetV2, decode_predictions, preprocess_input

model = MobileNetV2(weights="imagenet")               # float, 1000 classes
image = Image.open("cat.jpg").convert("RGB").resize(({size}, {size}), Image.BILINEAR)
x = preprocess_input(np.asarray(image, np.float32)[None])  # x / 127.5 − 1 → [−1, 1]
probs = model.predict(x)                              # [1, 1000]
for _, label, p in decode_predictions(probs, top=5)[0]:
    print(label, f"{{p:.1%}}")
"""
    return f'''
import numpy as np
from PIL import Image
from ai_edge_litert.interpreter import Interpreter

interpreter = Interpreter(model_path="{model_id}/model.tflite")
interpreter.allocate_tensors()
inp = interpreter.get_input_details()[0]              # uint8 [1, {size}, {size}, 3]
out = interpreter.get_output_details()[0]             # uint8 [1, 1001]

image = Image.open("cat.jpg").convert("RGB").resize(({size}, {size}), Image.BILINEAR)
x = np.asarray(image, np.uint8)[None]  # quantized input: scale 1/128, zero point 128 ≈ x/127.5 − 1
interpreter.set_tensor(inp["index"], x)
interpreter.invoke()
scale, zero = out["quantization"]
probs = (interpreter.get_tensor(out["index"])[0].astype(np.float32) - zero) * scale
labels = open("{model_id}/labels.txt").read().splitlines()  # 1001: 0 = background
for i in np.argsort(-probs)[:5]:
    print(labels[i], f"{{probs[i]:.1%}}")
'''


TFJS_CODE = """
import * as tf from '@tensorflow/tfjs';
import * as mobilenet from '@tensorflow-models/mobilenet';

// The course's page loads @tensorflow-models/mobilenet@1.0.0: load() is MobileNet version 1
const img = document.getElementById('img');
mobilenet.load().then(model => {
  model.classify(img).then(predictions => {  // the top 3: [{className, probability}, …]
    predictions.forEach(p => console.log(p.className, p.probability.toFixed(3)));
  });
});
// This page's model and top 5: mobilenet.load({version: 2, alpha: 1.0}), classify(img, 5)

// The same by hand: resize, scale to [-1, 1], add the batch axis
const x = tf.tidy(() => tf.browser.fromPixels(img)
  .resizeBilinear([224, 224]).toFloat().div(127.5).sub(1).expandDims(0));
"""


def show_code(model_id: str, size: int) -> None:
    code_panel(python_code(model_id, size), TFJS_CODE)


# ---- Teach it your own classes -------------------------------------------------------

TRANSFER = "classifier_transfer"
THUMB_SIDE = 96


def transfer_state() -> dict:
    """The session's examples (embeddings and thumbnails per class slot) and trained head."""
    return st.session_state.setdefault(
        TRANSFER,
        {
            "examples": {},
            "thumbs": {},
            "seen": set(),
            "head": None,
            "head_bytes": None,
            "head_fn": None,  # the head as numpy, for every camera frame
            "head_names": [],
            "history": [],
        },
    )


def get_extractor() -> Any | None:
    """MobileNetV2 read up to its 1280-value pool (one per process), or None after a message."""
    from models.vision.transfer import TRANSFER_MODELS, feature_extractor

    try:
        return feature_extractor(TRANSFER_MODELS[0])
    except PlaygroundError as error:
        show_error(error)
        return None


def class_count() -> int:
    """How many classes the student wants (2–5)."""
    count = st.number_input(
        t("classifier.transfer.count"), min_value=2, max_value=5, value=2, key="transfer_count"
    )
    return int(count)


def add_example(state: dict, slot: int, pixels: np.ndarray, extractor: Any) -> bool:
    """The photo and its mirror image as two embeddings of class `slot`, plus a thumbnail;
    False, after a message, when the class is full."""
    from models.vision.transfer import MAX_EXAMPLES

    embeddings = state["examples"].setdefault(slot, [])
    if len(embeddings) >= 2 * MAX_EXAMPLES:
        st.warning(t("classifier.transfer.full", limit=MAX_EXAMPLES))
        return False
    embeddings.append(extractor.embed_photo(pixels))
    embeddings.append(extractor.embed_photo(pixels, flip=True))
    state["thumbs"].setdefault(slot, []).append(shrink(pixels, THUMB_SIDE))
    return True


def class_column(state: dict, slot: int, photo: dict | None, extractor: Any) -> str:
    """One class: its name, add the photo above, upload several, thumbnails, clear. → name."""
    default = t("classifier.transfer.default_name", n=slot + 1)
    name = st.text_input(t("classifier.transfer.name"), default, key=f"transfer_name_{slot}")
    if st.button(
        t("classifier.transfer.add_photo"),
        key=f"transfer_add_{slot}",
        disabled=photo is None,
        help=t("classifier.transfer.add_photo_help"),
    ):
        add_example(state, slot, photo["pixels"], extractor)
    uploads = st.file_uploader(
        t("classifier.transfer.upload"), accept_multiple_files=True, key=f"transfer_upload_{slot}"
    )
    for upload in uploads or []:
        if (slot, upload.file_id) in state["seen"]:
            continue
        state["seen"].add((slot, upload.file_id))
        try:
            add_example(state, slot, decode_image(upload.getvalue()), extractor)
        except PlaygroundError as error:
            show_error(error, file=upload.name)
    thumbs = state["thumbs"].get(slot, [])
    st.caption(t("classifier.transfer.examples", count=len(thumbs)))
    if thumbs:
        st.image(thumbs[-8:], width=48)
        if st.button(t("classifier.transfer.clear"), key=f"transfer_clear_{slot}"):
            state["examples"].pop(slot, None)
            state["thumbs"].pop(slot, None)
            st.rerun()
    return name


def head_choice() -> str:
    """Which head to train: the course's Dense(100) by default, or a smaller one with dropout."""
    return st.selectbox(
        t("classifier.transfer.head"),
        list(HEADS),
        format_func=option_labels(HEADS, "classifier.transfer.head"),
        key="transfer_head_choice",
    )


def train(state: dict, names: list[str], choice: str) -> None:
    """Check the classes, train the head with a live loss/accuracy chart, keep it."""
    from models.vision.transfer import check_classes, head_function, head_to_bytes, train_head

    counts = [len(state["thumbs"].get(i, [])) for i in range(len(names))]
    try:
        check_classes(names, counts)
    except PlaygroundError as error:
        show_error(error)
        return
    features = np.concatenate([np.stack(state["examples"][i]) for i in range(len(names))])
    targets = np.concatenate([np.full(len(state["examples"][i]), i) for i in range(len(names))])
    bar = st.progress(0.0, text=t("classifier.transfer.training"))
    chart = st.empty()
    history: list[dict] = []

    def report(epoch: int, epochs: int, logs: dict) -> None:
        history.append({"epoch": epoch, "loss": logs["loss"], "accuracy": logs["accuracy"]})
        bar.progress(
            epoch / epochs, text=t("classifier.transfer.epoch", epoch=epoch, epochs=epochs)
        )
        chart.plotly_chart(history_figure(history), key=f"transfer_live_{epoch}")

    with heavy_work():
        head = train_head(
            features, targets, len(names), head=choice, epochs=EPOCHS, on_epoch=report
        )
    bar.empty()
    chart.empty()  # show_training draws the finished curves once
    state.update(
        head=head,
        head_bytes=head_to_bytes(head),
        head_fn=head_function(head),
        head_names=[n.strip() for n in names],
        history=history,
    )


def show_training(state: dict) -> None:
    """The last training's loss and accuracy per epoch, and the download of the head."""
    if not state["history"]:
        return
    last = state["history"][-1]
    st.plotly_chart(history_figure(state["history"]), key="transfer_history")
    st.caption(
        t(
            "classifier.transfer.trained",
            classes=", ".join(state["head_names"]),
            loss=f"{last['loss']:.4f}",
            accuracy=f"{last['accuracy']:.0%}",
        )
    )
    st.download_button(
        t("classifier.transfer.download"),
        data=state["head_bytes"],
        file_name="transfer_head.keras",
        mime="application/octet-stream",
        key="transfer_download",
    )


def show_own_prediction(state: dict, photo: dict | None, extractor: Any) -> None:
    """The trained head's per-class probabilities for the photo at the top of the page."""
    from models.vision.transfer import head_probabilities

    if state["head"] is None or photo is None:
        return
    probs = head_probabilities(state["head"], extractor.embed_photo(photo["pixels"]))
    names = state["head_names"]
    best = int(np.argmax(probs))
    st.markdown(
        t(
            "classifier.transfer.verdict",
            name=photo["name"],
            label=names[best],
            score=f"{probs[best]:.1%}",
        )
    )
    st.plotly_chart(
        probability_bars(list(names), [float(p) for p in probs]), key="transfer_own_chart"
    )


def show_transfer_code() -> None:
    """Both tabs for the head chosen above (the course's by default)."""
    from models.vision.transfer_code import python_code, tfjs_code

    head = st.session_state.get("transfer_head_choice", DEFAULT_HEAD)
    code_panel(python_code(head), tfjs_code(head))
