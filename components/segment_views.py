"""Streamlit pieces of the Segmentation page: the scene's colour mask with its legend and
tensor steps, the person's effects on a photo, the "how it works" panel and the code."""

from __future__ import annotations

import cv2
import numpy as np
import pandas as pd
import streamlit as st

from components import model_cache
from components.feedback import show_error
from components.i18n import t
from models.errors import PlaygroundError
from models.segmentation.effects import EFFECTS, VOC_COLOURS, class_hex, overlay, person_effect
from models.segmentation.masks import Segmentation, segment_person, segment_scene
from models.vision.images import decode_image

STEP_TILE = 200


def load(model_id: str):
    """The model and its class names through the shared cache, or None after a message."""
    try:
        return model_cache.model(model_id), model_cache.segmentation_labels(model_id)
    except PlaygroundError as error:
        show_error(error)
        return None


def scene(pixels: np.ndarray, loaded, opacity: float) -> None:
    """DeepLab on a photo: the mask over it, the legend with shares, one class on its own,
    and the tensor steps."""
    model, names = loaded
    try:
        found = segment_scene(model, pixels, names)
    except PlaygroundError as error:
        show_error(error)
        return
    shares = found.shares()
    present = [names.index(label) for label in shares if label != "background"]
    if not present:
        st.image(pixels, caption=t("segment.caption", ms=f"{found.inference_ms:.0f}"))
        st.info(t("segment.only_background"), icon="🔍")
        return
    options = [None, *present]
    only = st.selectbox(
        t("segment.only"),
        options,
        format_func={None: t("segment.all"), **{i: names[i] for i in present}}.get,
        key="segment_only",
    )
    picture, legend = st.columns([3, 2])
    caption = t("segment.caption", ms=f"{found.inference_ms:.0f}")
    picture.image(overlay(pixels, found.classes, opacity, only), caption=caption)
    legend.dataframe(legend_table(shares, names), hide_index=True, key="segment_legend")
    steps(pixels, found)


def legend_table(shares: dict[str, float], names: tuple[str, ...]) -> pd.DataFrame:
    """class, colour, share of pixels — one row per class found, largest first."""
    rows = [
        {"class": label, "colour": class_hex(names.index(label)), "share": f"{share:.1%}"}
        for label, share in shares.items()
    ]
    return pd.DataFrame(rows, columns=["class", "colour", "share"])


def steps(pixels: np.ndarray, found: Segmentation) -> None:
    """photo → uint8 [1, 513, 513, 3] → int64 [1, 513, 513] class indices → mask [H, W]."""
    st.subheader(t("segment.steps"))
    size = found.model_output.shape[0]
    square = cv2.resize(pixels, (size, size), interpolation=cv2.INTER_LINEAR)
    tiles = [
        (t("segment.step.photo"), pixels, f"uint8 {list(pixels.shape)}"),
        (t("segment.step.input"), square, f"uint8 [1, {size}, {size}, 3]"),
        (
            t("segment.step.output"),
            VOC_COLOURS[found.model_output.astype(np.intp)],
            f"int64 [1, {size}, {size}]",
        ),
        (t("segment.step.mask"), VOC_COLOURS[found.classes], f"uint8 {list(found.classes.shape)}"),
    ]
    for column, (title, image, caption) in zip(st.columns(4), tiles, strict=True):
        column.markdown(f"**{title}**")
        column.image(image, width=STEP_TILE)
        column.caption(caption)


def effect_choice(prefix: str) -> dict:
    """BodyPix's controls: the effect, edge softness, the colour or image behind the person."""
    effect_col, soft_col = st.columns(2)
    effects = {e: t(f"segment.effect.{e}") for e in EFFECTS}
    effect = effect_col.radio(
        t("segment.effect"),
        list(effects),
        format_func=effects.get,
        horizontal=True,
        key=f"{prefix}_effect",
    )
    softness = soft_col.slider(
        t("segment.softness"), 0, 15, 3, key=f"{prefix}_softness", help=t("segment.softness_help")
    )
    colour, background = (0, 177, 64), None
    if effect == "colour":
        hex_colour = st.color_picker(t("segment.colour"), "#00b140", key=f"{prefix}_colour")
        colour = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    elif effect == "image":
        upload = st.file_uploader(t("segment.background"), key=f"{prefix}_background")
        if upload is not None:
            try:
                background = decode_image(upload.getvalue())
            except PlaygroundError as error:
                show_error(error, file=upload.name)
        if background is None:
            st.caption(t("segment.background_missing"))
    return {"effect": effect, "softness": softness, "colour": colour, "background": background}


def person(pixels: np.ndarray, model, effect: dict) -> None:
    """The selfie model on a photo: the effect, and how much of it is the person."""
    try:
        found = segment_person(model, pixels)
    except PlaygroundError as error:
        show_error(error)
        return
    drawn = person_effect(pixels, found.probability, **effect)
    share = found.shares().get("person", 0.0)
    caption = t("segment.person_caption", share=f"{share:.0%}", ms=f"{found.inference_ms:.0f}")
    st.image(drawn, caption=caption)
    if found.only_background():
        st.info(t("segment.no_person"), icon="🔍")


_PYTHON_SCENE = """import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

interpreter = Interpreter(model_path="deeplabv3_mnv2_pascal_quant.tflite")
interpreter.allocate_tensors()
inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
labels = open("pascal_voc_segmentation_labels.txt").read().splitlines()


def segment(photo):  # uint8 [H, W, 3]
    h, w = photo.shape[:2]
    square = tf.cast(tf.image.resize(photo, (513, 513)), tf.uint8)[None]  # [1, 513, 513, 3]
    interpreter.set_tensor(inp["index"], square.numpy())
    interpreter.invoke()
    classes = interpreter.get_tensor(out["index"])[0]  # int64 [513, 513]: ArgMax of a softmax
    mask = tf.image.resize(classes[..., None], (h, w), method="nearest")[..., 0].numpy()
    counts = np.bincount(mask.ravel(), minlength=len(labels))
    return mask, {labels[i]: n / mask.size for i, n in enumerate(counts) if n}
"""

_PYTHON_PERSON = """import numpy as np
import tensorflow as tf

# MediaPipe selfie segmentation as a TF.js graph model, read by this project's loader
from models.loading import load_model

model = load_model("selfie-segmentation")  # float32 [1, 256, 256, 3] in 0..1


def blur_background(frame, softness=3):  # uint8 [H, W, 3]
    h, w = frame.shape[:2]
    x = tf.image.resize(frame, (256, 256))[None] / 255
    person = next(iter(model(x.numpy()).values()))[0]  # [256, 256, 1] probability
    alpha = tf.image.resize(person, (h, w)).numpy()  # soft edge, 0..1
    if softness:
        alpha = tf.nn.avg_pool2d(alpha[None], 2 * softness + 1, 1, "SAME")[0].numpy()
    blurred = tf.nn.avg_pool2d(tf.cast(frame[None], tf.float32), 31, 1, "SAME")[0].numpy()
    return (alpha * frame + (1 - alpha) * blurred).astype(np.uint8)
"""

_TFJS = """import '@tensorflow/tfjs';
import * as bodyPix from '@tensorflow-models/body-pix';
import * as deeplab from '@tensorflow-models/deeplab';

// The person: BodyPix, a mask of the body on every webcam frame
const net = await bodyPix.load();
const video = document.querySelector('video');
const canvas = document.querySelector('canvas');
async function loop() {
  const segmentation = await net.segmentPerson(video);         // 1 person, 0 background
  // the background blurred behind the person (bokeh), the edge softened
  bodyPix.drawBokehEffect(canvas, video, segmentation, 15 /* backgroundBlur */,
                          3 /* edgeBlurAmount */, true /* flipHorizontal */);
  // or the mask itself: bodyPix.toMask(segmentation) → ImageData, drawn with drawMask
  requestAnimationFrame(loop);
}
loop();

// The scene: DeepLab, a PASCAL VOC class for every pixel
const model = await deeplab.load({base: 'pascal', quantizationBytes: 2});
const {legend, segmentationMap} = await model.segment(document.querySelector('img'));
// legend: {person: [r, g, b], dog: [...]}; segmentationMap: RGBA colours, one per pixel
"""


def python_code() -> str:
    """The scene (DeepLab on LiteRT) and the person (the selfie model), as a student would
    write them."""
    return _PYTHON_SCENE + "\n\n" + _PYTHON_PERSON


def tfjs_code() -> str:
    return _TFJS
