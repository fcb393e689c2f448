"""`python -m bench pose --frames N`: per pose model, bare inference vs the whole frame callback.

Bare inference is one model call on an already letterboxed input. The callback is what the
WebRTC worker runs per webcam frame (components/pose_stream.PoseProcessor.callback): a
yuv420p `av.VideoFrame` of the size the page asks the camera for (components/webrtc.py,
480×360) decoded to RGB, letterboxed, run through the model,
smoothed, mirrored, drawn and encoded back into a VideoFrame, with the page's default
settings. Frames are squat.bmp placed at a few offsets on such a canvas (for MultiPose,
two of him, walking past each other, so the tracker has work to do). RSS growth is
measured over the callback run after a warm-up, so a per-frame leak shows as megabytes.
Every TF.js graph model is measured on both runtimes (LiteRT, the default, and the graph in
TensorFlow), side by side in one run. Goals: callback ≤ 1.15 × bare inference for every
model; the default Lightning path's callback ≤ 1.3 × the fastest bare Lightning runtime
(float LiteRT, TF graph or int8); Lightning callback p50 ≤ 15 ms on two cores; MultiPose
callback p50 ≤ 66.7 ms (15 FPS answered); RSS growth ≤ 10 MB over 2,000 frames. With
Lightning on LiteRT in the run, `lightning_without_smoothing_or_drawing` also times its
callback with nothing smoothed or drawn: the frame work alone, apart from what is drawn.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import cv2
import numpy as np

from bench._frames import GOAL_RATIO, GOAL_RSS_MB, camera_video, frame_goals, time_paired
from components.pose_stream import PoseProcessor, Settings
from components.webrtc import CAMERA_HEIGHT, CAMERA_WIDTH
from models.errors import PlaygroundError
from models.loading import LITERT, RUNTIMES, load_model, runs_on_litert
from models.pose.draw import DrawOptions
from models.pose.movenet import POSE_MODELS, feed, input_size, is_multipose
from models.store.registry import model_spec
from models.vision.images import decode_image
from models.vision.letterbox import letterbox

WIDTH, HEIGHT = CAMERA_WIDTH, CAMERA_HEIGHT  # what the page asks the browser's camera for
WARMUP = 20
GOAL_LIGHTNING_P50_MS = 15.0
GOAL_DEFAULT_OVER_FASTEST = 1.3
GOAL_MULTIPOSE_P50_MS = 1000 / 15
LIGHTNING = ("movenet-singlepose-lightning", "movenet-singlepose-lightning-int8-tflite")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("pose", parents=[common], help="MoveNet inference vs frame callback")
    p.add_argument("--frames", type=int, default=300, help="timed frames per model and measure")
    p.add_argument("--models", nargs="+", default=list(POSE_MODELS), help="pose model ids")
    p.set_defaults(func=run)


def _frames(people: int = 1) -> list[np.ndarray]:
    """Eight camera-sized RGB frames with the person at different places (a moving subject); with
    `people` = 2 a second, mirrored copy of him walks the other way."""
    photo = Path(os.environ.get("PLAYGROUND_DATA_DIR", "")) / "pose" / "squat.bmp"
    person = decode_image(photo.read_bytes())
    scale = HEIGHT * 0.95 / person.shape[0]
    person = cv2.resize(
        person, None, fx=scale / people, fy=scale / people, interpolation=cv2.INTER_AREA
    )
    h, w = person.shape[:2]
    frames = []
    for left in np.linspace(0, WIDTH - w, 8).astype(int):
        frame = np.full((HEIGHT, WIDTH, 3), 230, np.uint8)
        frame[HEIGHT - h :, left : left + w] = person
        if people == 2:
            right = WIDTH - w - left
            frame[HEIGHT - h :, right : right + w] = person[:, ::-1]
        frames.append(frame)
    return frames


def _measure(
    model_id: str, runtime: str, frames: list[np.ndarray], count: int, plain: bool = False
) -> dict:
    """Bare inference against the callback with the page's defaults, or with `plain` the
    callback without smoothing or drawing (every keypoint under a threshold of 2)."""
    model, size = load_model(model_id, runtime=runtime), input_size(model_id)
    squares = [letterbox(frame, size)[0] for frame in frames]
    processor = PoseProcessor()
    options = DrawOptions(threshold=2.0) if plain else DrawOptions()
    processor.configure(Settings(model, model_id, size, options, smooth=not plain))
    figures = time_paired(
        lambda i: feed(model, squares[i % len(squares)]),
        processor,
        camera_video(frames),
        count,
        WARMUP,
    ).figures()
    p50 = figures["callback"]["p50_ms"]
    goals = frame_goals(figures)
    if model_id == "movenet-singlepose-lightning" and runtime == LITERT:
        goals["lightning_p50_ok"] = p50 <= GOAL_LIGHTNING_P50_MS
    if is_multipose(model_id):
        goals["live_15_fps_ok"] = p50 <= GOAL_MULTIPOSE_P50_MS
    return figures | {"goals": goals}


def run(args: argparse.Namespace) -> dict:
    crowd, frames = _frames(people=2), _frames()
    results: dict = {
        "frames": args.frames,
        "frame_size": [WIDTH, HEIGHT],
        "cpu_count": os.cpu_count(),
        "goals": {
            "callback_over_inference": GOAL_RATIO,
            "lightning_callback_p50_ms": GOAL_LIGHTNING_P50_MS,
            "rss_growth_mb_per_2000_frames": GOAL_RSS_MB,
            "default_lightning_callback_over_fastest_bare_lightning": GOAL_DEFAULT_OVER_FASTEST,
            "multipose_callback_p50_ms": round(GOAL_MULTIPOSE_P50_MS, 1),
        },
        "models": {},
    }
    for model_id in args.models:
        runtimes = RUNTIMES if runs_on_litert(model_spec(model_id)) else (LITERT,)
        for runtime in runtimes:
            name = f"{model_id}@{runtime}" if len(runtimes) > 1 else model_id
            try:
                shown = crowd if is_multipose(model_id) else frames
                results["models"][name] = _measure(model_id, runtime, shown, args.frames)
            except PlaygroundError as error:
                results["models"][name] = {"unavailable": error.message}
    results["default_over_fastest"] = _default_over_fastest(results["models"])
    if f"{LIGHTNING[0]}@{LITERT}" in results["models"]:
        # What the frame work alone adds: decode, letterbox, mirror, keypoints, result.
        plain = _measure(LIGHTNING[0], LITERT, frames, args.frames, plain=True)
        results["lightning_without_smoothing_or_drawing"] = {
            key: plain[key] for key in ("inference", "callback", "callback_over_inference_p50")
        }
    return results


def _default_over_fastest(measured: dict) -> dict | None:
    """The default live path (Lightning on LiteRT, whole callback) over the fastest bare
    Lightning runtime measured in this run."""
    default = measured.get(f"{LIGHTNING[0]}@{LITERT}", {}).get("callback")
    bare = {
        name: m["inference"]["p50_ms"]
        for name, m in measured.items()
        if name.split("@")[0] in LIGHTNING and "inference" in m
    }
    if default is None or not bare:
        return None
    fastest = min(bare, key=bare.get)
    ratio = round(default["p50_ms"] / bare[fastest], 3)
    return {
        "default_callback_p50_ms": default["p50_ms"],
        "fastest_bare": fastest,
        "fastest_bare_p50_ms": bare[fastest],
        "ratio": ratio,
        "ok": ratio <= GOAL_DEFAULT_OVER_FASTEST,
    }
