"""Streamlit pieces of the pose page besides the live stream: model choice, results, code.

A snapshot, a photo and a video go through the same `analyse` as the live callback
(components/pose_stream.py), so what the student sees on a photo is what the stream does.
Video results are kept in session_state (keypoints plus small JPEG previews, never the raw
frames), so moving the frame slider or switching language does not analyse it again.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import streamlit as st

from components import model_cache
from components.feedback import show_error
from components.i18n import option_labels, t
from components.pose_stream import Found, Settings, analyse, follower, found_tables
from models.errors import PlaygroundError
from models.loading import LITERT, RUNTIMES, litert_verdict, runs_on_litert
from models.pose.movenet import (
    KEYPOINT_NAMES,
    POSE_MODELS,
    export_document,
    export_rows,
    is_multipose,
    warm_up,
)
from models.pose.multipose import MIN_PERSON_SCORE, MULTIPOSE_SIZES
from models.store.registry import model_spec
from models.vision.images import decode_image, shrink
from models.vision.video import frames, probe

VIDEO_KEY = "pose_video_result"
PREVIEW_SIDE = 480
PREVIEW_QUALITY = 80


def load(model_id: str, runtime: str, size: int):
    """The chosen pose model (for a `size` input) through the shared cache, or None after a
    clear message; says so when LiteRT was asked for and the model stayed on TensorFlow."""
    try:
        model = model_cache.model(model_id, runtime, size)
        warm_up(model, size)
    except PlaygroundError as error:
        show_error(error)
        return None
    verdict = litert_verdict(model_id, size)
    if runtime == LITERT and verdict is not None and verdict.path is None:
        st.caption(t("pose.runtime_fallback", reason=verdict.reason))
    return model


def show_pose(
    drawn: np.ndarray, found: Found, settings: Settings, name: str, angles: bool, key: str
) -> None:
    """The drawn picture beside its tables (people, keypoints, angles) and downloads."""
    picture, numbers = st.columns([3, 2])
    caption = t("pose.result.caption", width=found.width, height=found.height)
    picture.image(drawn, caption=caption)
    with numbers:
        found_tables(found, settings.draw.threshold, angles, key=key)
    downloads(name, settings.model_id, [(0, 0.0, found)], key=f"{key}_dl")


def downloads(name: str, model_id: str, poses: list[tuple[int, float, Found]], key: str) -> None:
    """CSV and JSON of the keypoints, in frame pixels."""
    stem = Path(name).stem or "pose"
    csv_col, json_col = st.columns(2)
    csv_col.download_button(
        t("pose.result.csv"),
        pd.DataFrame(export_rows(poses)).to_csv(index=False).encode(),
        file_name=f"{stem}-keypoints.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
    json_col.download_button(
        t("pose.result.json"),
        json.dumps(export_document(name, model_id, poses), ensure_ascii=False, indent=1),
        file_name=f"{stem}-keypoints.json",
        mime="application/json",
        key=f"{key}_json",
    )


def picture(data: bytes, name: str, settings: Settings, angles: bool, key: str) -> None:
    """A photo or camera snapshot: decoded safely, analysed once, shown with its numbers."""
    try:
        pixels = decode_image(data)
        drawn, found = analyse(pixels, settings)
    except PlaygroundError as error:
        show_error(error, file=name)
        return
    show_pose(drawn, found, settings, name, angles, key)


@dataclass(frozen=True)
class VideoResult:
    """What one analysed video leaves in the session: previews and keypoints per frame."""

    digest: str
    name: str
    model_id: str
    size: int
    previews: list[bytes]
    poses: list[tuple[int, float, Found]]


def _preview(drawn: np.ndarray) -> bytes:
    """A small JPEG of a drawn frame: 150 of them stay under a few megabytes."""
    drawn = shrink(drawn, PREVIEW_SIDE)
    ok, encoded = cv2.imencode(
        ".jpg", cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, PREVIEW_QUALITY]
    )
    return encoded.tobytes() if ok else b""


def analyse_video(data: bytes, name: str, settings: Settings) -> VideoResult | None:
    """Every kept frame through the pipeline (smoothed as a stream), with a progress bar."""
    try:
        info = probe(data)
    except PlaygroundError as error:
        show_error(error, file=name)
        return None
    total = max(1, -(-info.frames // info.step))
    bar = st.progress(0.0, text=t("pose.video.progress", done=0, total=total))
    follow = follower(settings)
    previews, poses = [], []
    try:
        for done, (index, seconds, pixels) in enumerate(frames(data), start=1):
            drawn, pose = analyse(pixels, settings, follow, seconds)
            previews.append(_preview(drawn))
            poses.append((index, seconds, pose))
            text = t("pose.video.progress", done=done, total=max(total, done))
            bar.progress(min(done / total, 1.0), text=text)
    except PlaygroundError as error:
        show_error(error)
        if not poses:
            return None
    finally:
        bar.empty()
    digest = hashlib.sha256(data).hexdigest()
    return VideoResult(digest, name, settings.model_id, settings.size, previews, poses)


def video(data: bytes, name: str, settings: Settings, angles: bool) -> None:
    """Analyse on request (a video takes a while), then browse its frames and download."""
    digest = hashlib.sha256(data).hexdigest()
    result: VideoResult | None = st.session_state.get(VIDEO_KEY)
    fresh = result is not None and (result.digest, result.model_id, result.size) == (
        digest,
        settings.model_id,
        settings.size,
    )
    if st.button(t("pose.video.run"), key="pose_video_run", type="primary"):
        result = analyse_video(data, name, settings)
        if result is not None:
            st.session_state[VIDEO_KEY] = result
            fresh = True
    if not fresh or result is None:
        st.caption(t("pose.video.hint"))
        return
    st.success(t("pose.video.done", frames=len(result.poses)))
    shown = 0
    if len(result.poses) > 1:
        shown = st.slider(t("pose.video.frame"), 0, len(result.poses) - 1, 0, key="pose_frame")
    index, seconds, pose = result.poses[shown]
    picture_col, numbers = st.columns([3, 2])
    caption = t("pose.video.caption", frame=index, seconds=f"{seconds:.2f}")
    picture_col.image(io.BytesIO(result.previews[shown]), caption=caption)
    with numbers:
        found_tables(pose, settings.draw.threshold, angles, key="pose_video")
    downloads(result.name, result.model_id, result.poses, key="pose_dl_video")


def model_choice() -> str:
    """The model select box; Lightning by default, Thunder loaded only when chosen."""
    return st.selectbox(
        t("pose.model"),
        POSE_MODELS,
        format_func=option_labels(POSE_MODELS, "pose.model"),
        key="pose_model",
        help=t("pose.model_help"),
    )


def runtime_choice(model_id: str) -> str:
    """LiteRT (the graph converted to TFLite) or the graph in TensorFlow, for the TF.js graph
    models, so students can compare speed and see that the keypoints agree; TFLite models
    run on LiteRT anyway."""
    if not runs_on_litert(model_spec(model_id)):
        return LITERT
    return st.radio(
        t("pose.runtime"),
        RUNTIMES,
        format_func=option_labels(RUNTIMES, "pose.runtime"),
        horizontal=True,
        key="pose_runtime",
        help=t("pose.runtime_help"),
    )


def size_choice() -> int:
    """MultiPose's input side: 256 (the model's own) or a larger multiple of 32."""
    return st.select_slider(
        t("pose.size"),
        MULTIPOSE_SIZES,
        value=MULTIPOSE_SIZES[0],
        key="pose_size",
        help=t("pose.size_help"),
    )


def size_cost(model, size: int) -> None:
    """What the chosen size costs: the pixels against 256², and the ms measured here."""
    work = (size / MULTIPOSE_SIZES[0]) ** 2
    st.caption(t("pose.size_cost", size=size, work=work, ms=warm_up(model, size)))


_PY_LOAD = {
    "tfjs-graph": """import tensorflow as tf
import tensorflow_hub as hub

movenet = hub.load("https://tfhub.dev/google/movenet/singlepose/{variant}/4")
infer = movenet.signatures["serving_default"]


def run(square):  # int32 [1, {size}, {size}, 3]
    return infer(tf.cast(square, tf.int32))["output_0"].numpy()[0, 0]
""",
    "tflite": """import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

interpreter = Interpreter(model_path="movenet_single_pose_lightning_ptq.tflite")
interpreter.allocate_tensors()
inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]


def run(square):  # uint8 [1, {size}, {size}, 3]
    interpreter.set_tensor(inp["index"], tf.cast(square, tf.uint8).numpy())
    interpreter.invoke()
    return interpreter.get_tensor(out["index"])[0, 0]
""",
}

_PY_FRAME = """

NAMES = {names}


def pose(frame, threshold={threshold}):  # frame: uint8 RGB [H, W, 3]
    h, w = frame.shape[:2]
    # Pad to a square (no stretching), then resize: what the model was trained on.
    square = tf.image.resize_with_pad(frame[None], {size}, {size})
    y, x, score = run(square).T  # normalised to the padded square
    side = max(h, w)
    x = x * side - (side - w) / 2  # back to frame pixels
    y = y * side - (side - h) / 2
    return [(n, float(a), float(b), float(s))
            for n, a, b, s in zip(NAMES, x, y, score) if s >= threshold]
"""

_TFJS = """import * as tf from '@tensorflow/tfjs';

const model = await tf.loadGraphModel(
  'https://tfhub.dev/google/tfjs-model/movenet/singlepose/{variant}/4', {{fromTFHub: true}});
const webcamEl = document.querySelector('video');  // the webcam, 1–2 m away
const SIZE = {size};

// The course's loop: tf.data.webcam crops the centre square and resizes it to SIZE × SIZE.
const webcam = await tf.data.webcam(webcamEl, {{
  centerCrop: true,
  resizeWidth: SIZE,
  resizeHeight: SIZE,
}});

while (true) {{
  const img = await webcam.capture();                                     // int32 [S, S, 3]
  const output = tf.tidy(() => model.predict(img.toInt().expandDims(0)));  // [1, 1, 17, 3]
  const keypoints = await output.array();  // (y, x, score), normalised to the square
  img.dispose();  // without dispose() memory grows every frame
  output.dispose();
  draw(keypoints[0][0].filter(([y, x, score]) => score >= {threshold}));
  await tf.nextFrame();
}}

// This page pads the frame to a square instead of cropping it, so arms stretched to the
// sides are not cut off: tf.browser.fromPixels(video), then resizeWithPad before predict.
function resizeWithPad(image, size) {{
  const [h, w] = image.shape.slice(0, 2);
  const side = Math.max(h, w);
  const top = Math.floor((side - h) / 2), left = Math.floor((side - w) / 2);
  const square = tf.pad(image, [[top, side - h - top], [left, side - w - left], [0, 0]]);
  return tf.image.resizeBilinear(square, [size, size]);
}}
"""


_PY_MULTI = """import numpy as np
import tensorflow as tf
import tensorflow_hub as hub

movenet = hub.load("https://tfhub.dev/google/movenet/multipose/lightning/1")
infer = movenet.signatures["serving_default"]
SIZE = {size}  # any multiple of 32: larger finds people further away


def people(frame, threshold={threshold}):  # frame: uint8 RGB [H, W, 3]
    h, w = frame.shape[:2]
    square = tf.cast(tf.image.resize_with_pad(frame[None], SIZE, SIZE), tf.int32)
    rows = infer(square)["output_0"].numpy()[0]  # [6, 56]: up to six people
    side = max(h, w)
    to_x = lambda v: v * side - (side - w) / 2  # normalised square → frame pixels
    to_y = lambda v: v * side - (side - h) / 2
    found = []
    for row in rows:
        if row[55] < {min_score}:  # the person's score
            continue
        y, x, score = row[:51].reshape(17, 3).T
        ymin, xmin, ymax, xmax = row[51:55]
        found.append({{
            "score": float(row[55]),
            "box": [to_x(xmin), to_y(ymin), to_x(xmax), to_y(ymax)],
            "keypoints": [(a, b, s) for a, b, s in zip(to_x(x), to_y(y), score) if s >= threshold],
        }})
    return found


def iou(a, b):  # boxes [x1, y1, x2, y2]
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union if union else 0.0


tracks, next_id = {{}}, 1  # id → last box: who is who from frame to frame


def track(found):
    global next_id
    free = dict(tracks)
    for person in found:  # best person first takes the track it overlaps most
        best = max(free, key=lambda i: iou(free[i], person["box"]), default=None)
        if best is not None and iou(free[best], person["box"]) >= 0.15:
            person["id"] = best
            del free[best]
        else:
            person["id"], next_id = next_id, next_id + 1
        tracks[person["id"]] = person["box"]
    return found
"""

_TFJS_MULTI = """import * as poseDetection from '@tensorflow-models/pose-detection';
import '@tensorflow/tfjs-backend-webgl';

const detector = await poseDetection.createDetector(poseDetection.SupportedModels.MoveNet, {{
  modelType: poseDetection.movenet.modelType.MULTIPOSE_LIGHTNING,
  enableTracking: true,                            // a stable pose.id per person
  trackerType: poseDetection.TrackerType.BoundingBox,
  multiPoseMaxDimension: {size},                       // a multiple of 32
  minPoseScore: {min_score},
}});
const video = document.querySelector('video');

async function loop() {{
  const poses = await detector.estimatePoses(video);  // up to 6 people, keypoints in pixels
  for (const pose of poses) {{
    const visible = pose.keypoints.filter(k => k.score >= {threshold});
    draw(visible, pose.box, colourOf(pose.id));       // pose.id stays while they stay in view
  }}
  requestAnimationFrame(loop);
}}
loop();
"""


def python_code(model_id: str, threshold: float, size: int) -> str:
    """What the page does for `model_id`, as a student would write it with TF Hub / LiteRT."""
    if is_multipose(model_id):
        return _PY_MULTI.format(size=size, threshold=threshold, min_score=MIN_PERSON_SCORE)
    kind = "tflite" if model_id.endswith("tflite") else "tfjs-graph"
    variant = "thunder" if "thunder" in model_id else "lightning"
    load_part = _PY_LOAD[kind].format(variant=variant, size=size)
    frame_part = _PY_FRAME.format(names=list(KEYPOINT_NAMES), threshold=threshold, size=size)
    return load_part + frame_part


def tfjs_code(model_id: str, threshold: float, size: int) -> str:
    """The course's TF.js webcam loop for the chosen variant (TF.js has no int8 MoveNet);
    MultiPose through pose-detection, whose tracker this page's follows."""
    if is_multipose(model_id):
        return _TFJS_MULTI.format(size=size, threshold=threshold, min_score=MIN_PERSON_SCORE)
    variant = "thunder" if "thunder" in model_id else "lightning"
    size = 256 if variant == "thunder" else 192
    return _TFJS.format(variant=variant, size=size, threshold=threshold)
