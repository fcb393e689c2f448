"""Streamlit pieces of the Object detection page besides the live stream: the boxes and
their counts, non-maximum suppression and IoU step by step, the code.

A photo (components/photo_input.py) goes through the same `analyse` as the live callback
(components/detect_stream.py).
"""

from __future__ import annotations

import cv2
import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components import model_cache
from components.detect_stream import Settings, analyse, count_table, detection_table
from components.feedback import show_error
from components.i18n import t
from models.detection.centernet import Detection, Detections
from models.detection.draw import class_hex, draw_detections
from models.errors import PlaygroundError
from models.vision.boxes import iou_steps


def load(model_id: str):
    """The detector and its class names through the shared cache, or None after a message."""
    try:
        return model_cache.model(model_id), model_cache.detection_labels(model_id)
    except PlaygroundError as error:
        show_error(error)
        return None


def show_photo(pixels: np.ndarray, settings: Settings, show_raw: bool) -> Detections | None:
    """The photo with its boxes, the counts per class and the table; the raw boxes beside
    the kept ones when `show_raw`. Returns the detections (None after an error)."""
    try:
        drawn, found = analyse(pixels, settings)
    except PlaygroundError as error:
        show_error(error)
        return None
    caption = t("detect.caption", kept=len(found.kept), ms=f"{found.inference_ms:.0f}")
    if show_raw:
        before, after = st.columns(2)
        raw = draw_detections(pixels.copy(), found.raw, outline_only=True)
        before.image(raw, caption=t("detect.raw_caption", count=len(found.raw)))
        after.image(drawn, caption=caption)
        st.caption(
            t(
                "detect.nms_summary",
                raw=len(found.raw),
                kept=len(found.kept),
                iou=settings.filter.iou,
            )
        )
    else:
        st.image(drawn, caption=caption)
    if not found.kept:
        st.info(t("detect.none"), icon="🔍")
        return found
    chart, table = st.columns([2, 3])
    chart.plotly_chart(count_chart(found), key="detect_counts")
    table.dataframe(detection_table(found), hide_index=True, key="detect_table")
    return found


def count_chart(found: Detections) -> go.Figure:
    """Objects per class, each bar in its class's box colour."""
    counts = count_table(found)
    first = {d.label: d.class_index for d in reversed(found.kept)}
    figure = go.Figure(
        go.Bar(
            x=counts["count"],
            y=counts["label"],
            orientation="h",
            marker_color=[class_hex(first[label]) for label in counts["label"]],
        )
    )
    figure.update_layout(
        height=80 + 28 * len(counts),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title=t("detect.counts"),
        xaxis={"title": t("detect.count_axis"), "dtick": 1},
        yaxis={"autorange": "reversed"},
    )
    return figure


def _box_name(index: int, detection: Detection) -> str:
    return f"{index + 1}. {detection.label} {detection.score:.2f}"


def iou_lesson(pixels: np.ndarray, found: Detections, threshold: float) -> None:
    """Two boxes chosen from the raw ones: their intersection, union and IoU, computed, and
    what NMS with IoU threshold `threshold` would do with the weaker one."""
    st.subheader(t("detect.iou.title"))
    if len(found.raw) < 2:
        st.caption(t("detect.iou.too_few"))
        return
    names = [_box_name(i, d) for i, d in enumerate(found.raw)]
    left, right = st.columns(2)
    a = left.selectbox(
        t("detect.iou.box_a"),
        range(len(names)),
        0,
        format_func=names.__getitem__,
        key="detect_iou_a",
    )
    b = right.selectbox(
        t("detect.iou.box_b"),
        range(len(names)),
        1,
        format_func=names.__getitem__,
        key="detect_iou_b",
    )
    box_a, box_b = np.array(found.raw[a].box), np.array(found.raw[b].box)
    steps = iou_steps(box_a, box_b)
    picture, numbers = st.columns([3, 2])
    picture.image(_iou_picture(pixels, box_a, box_b, steps.intersection_box))
    with numbers:
        if steps.intersection_box is None:
            st.markdown(t("detect.iou.apart"))
        else:
            x1, y1, x2, y2 = steps.intersection_box
            st.markdown(
                t(
                    "detect.iou.intersection",
                    w=f"{x2 - x1:.1f}",
                    h=f"{y2 - y1:.1f}",
                    area=f"{steps.intersection:,.0f}",
                )
            )
        st.markdown(t("detect.iou.areas", a=f"{steps.area_a:,.0f}", b=f"{steps.area_b:,.0f}"))
        st.markdown(
            t(
                "detect.iou.union",
                a=f"{steps.area_a:,.0f}",
                b=f"{steps.area_b:,.0f}",
                i=f"{steps.intersection:,.0f}",
                u=f"{steps.union:,.0f}",
            )
        )
        st.metric("IoU", f"{steps.iou:.3f}")
        verdict = "detect.iou.verdict_drop" if steps.iou > threshold else "detect.iou.verdict_keep"
        st.caption(t(verdict, threshold=threshold))


def _iou_picture(pixels: np.ndarray, a: np.ndarray, b: np.ndarray, overlap) -> np.ndarray:
    """Box A orange, box B blue, their intersection filled."""
    frame = pixels.copy()
    side = max(frame.shape[:2])
    thickness = max(2, side // 250)
    if overlap is not None:
        x1, y1, x2, y2 = (int(round(v)) for v in overlap)
        layer = frame.copy()
        cv2.rectangle(layer, (x1, y1), (x2, y2), (255, 255, 0), -1)
        frame = cv2.addWeighted(layer, 0.45, frame, 0.55, 0)
    for box, colour in ((a, (255, 138, 0)), (b, (0, 120, 255))):
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        cv2.rectangle(frame, (x1, y1), (x2, y2), colour, thickness, cv2.LINE_AA)
    return frame


def class_choice(names: list[str]) -> list[str]:
    """The classes to show; none chosen means every class."""
    return st.multiselect(
        t("detect.classes"),
        names,
        key="detect_classes",
        help=t("detect.classes_help"),
        placeholder=t("detect.classes_all"),
    )


_PYTHON = """import numpy as np
import tensorflow as tf

# CenterNet (MobileNetV3, COCO) as a TF.js graph model, read by this project's loader;
# with TF Hub's SSD the steps are the same.
from models.loading import load_model

model = load_model("centernet-mobilenetv3-coco")
labels = open("labels.txt").read().split()  # the 80 COCO classes


def detect(photo, min_score={threshold}, max_boxes={max_boxes}, iou={iou}):  # uint8 [H, W, 3]
    h, w = photo.shape[:2]
    square = tf.image.resize(photo, (512, 512))[None]  # float32 0–255, stretched
    rows = model(square.numpy())["tower_0/detections"][0]  # [100, 6]
    x1, y1, x2, y2, score, cls = rows.T
    sx, sy = w / 512, h / 512  # back to the photo's pixels
    boxes = np.stack([y1 * sy, x1 * sx, y2 * sy, x2 * sx], axis=1)  # TF's [y1, x1, y2, x2]
    keep = tf.image.non_max_suppression(
        boxes, score, max_output_size=max_boxes, iou_threshold=iou, score_threshold=min_score
    ).numpy()
    return [
        {{"bbox": [x1[i] * sx, y1[i] * sy, (x2[i] - x1[i]) * sx, (y2[i] - y1[i]) * sy],
          "class": labels[int(cls[i])], "score": float(score[i])}}
        for i in keep
    ]
"""

_TFJS = """import '@tensorflow/tfjs';
import * as cocoSsd from '@tensorflow-models/coco-ssd';

const video = document.querySelector('video');
const canvas = document.querySelector('canvas');  // laid over the video
const ctx = canvas.getContext('2d');

const model = await cocoSsd.load();  // may take a while: load once

async function detectFrame() {{
  // maxNumBoxes {max_boxes}, minScore {threshold}; NMS inside detect() (IoU 0.5)
  const objects = await model.detect(video, {max_boxes}, {threshold});
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (const {{bbox: [x, y, width, height], class: label, score}} of objects) {{
    ctx.strokeRect(x, y, width, height);
    ctx.fillText(`${{label}} ${{score.toFixed(2)}}`, x, y - 4);
  }}
  requestAnimationFrame(detectFrame);
}}
detectFrame();
"""


def python_code(threshold: float, max_boxes: int, iou: float) -> str:
    return _PYTHON.format(threshold=threshold, max_boxes=max_boxes, iou=iou)


def tfjs_code(threshold: float, max_boxes: int) -> str:
    return _TFJS.format(threshold=threshold, max_boxes=max_boxes)
