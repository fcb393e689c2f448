"""`python -m bench segment --frames N`: the live person cut-out and DeepLab on a photo.

Person: the selfie model's bare inference on a 256 × 256 input vs the whole WebRTC frame
callback (components/segment_stream.PersonProcessor.callback: a new yuv420p frame of the
size the page asks the camera for, 480×360, decoded, the model, the background blurred with
a soft edge, mirrored, encoded back), and their ratio, with RSS growth over the callback
run after a warm-up; under "effects", each of the page's effects (bokeh, colour, a photo
behind, the mask) side by side. Scene: DeepLab's inference on the 513 × 513 input of a
photo. Goals: person callback p50 ≤ 66.7 ms (15 FPS answered); callback ≤ 1.15 × bare
inference; RSS growth ≤ 10 MB over 2,000 frames.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import cv2
import numpy as np

from bench._frames import (
    GOAL_RATIO,
    GOAL_RSS_MB,
    camera_video,
    frame_goals,
    percentiles,
    time_paired,
)
from components.segment_stream import PersonProcessor, Settings
from components.webrtc import CAMERA_HEIGHT, CAMERA_WIDTH
from models.loading import load_model
from models.segmentation.effects import BLUR, EFFECTS
from models.segmentation.masks import PERSON_MODEL, SCENE_MODEL, labels, segment_scene
from models.vision.images import decode_image

WIDTH, HEIGHT, WARMUP = CAMERA_WIDTH, CAMERA_HEIGHT, 10
GOAL_CALLBACK_P50_MS = 1000 / 15


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("segment", parents=[common], help="person cut-out and DeepLab")
    p.add_argument("--frames", type=int, default=300, help="timed frames for the person")
    p.set_defaults(func=run)


def _person(count: int, photo: np.ndarray, backdrop: np.ndarray) -> dict:
    """The default effect (the bokeh) with its goals, and under "effects" every effect's
    ratio side by side (the image one with `backdrop` behind the person)."""
    model = load_model(PERSON_MODEL)
    frame = np.full((HEIGHT, WIDTH, 3), 220, np.uint8)
    tall = HEIGHT * 11 // 12  # the person stands in the frame, a little space above
    small = cv2.resize(photo, (int(photo.shape[1] * tall / photo.shape[0]), tall))
    left = (WIDTH - small.shape[1]) // 2
    frame[HEIGHT - tall :, left : left + small.shape[1]] = small
    square = cv2.resize(frame, (256, 256)).astype(np.float32)[None] / 255
    video = camera_video([frame])
    measured = {}
    for effect in EFFECTS:
        processor = PersonProcessor()
        processor.configure(Settings(model, effect, background=backdrop))
        paired = time_paired(lambda i: model(square), processor, video, count, WARMUP)
        measured[effect] = paired.figures()
    figures = measured[BLUR]
    p50 = figures["callback"]["p50_ms"]
    return figures | {
        "goals": {"live_15_fps_ok": p50 <= GOAL_CALLBACK_P50_MS} | frame_goals(figures),
        "effects": {
            effect: {
                "inference_p50_ms": m["inference"]["p50_ms"],
                "callback_p50_ms": m["callback"]["p50_ms"],
                "callback_over_inference_p50": m["callback_over_inference_p50"],
            }
            for effect, m in measured.items()
        },
    }


def _scene(photo: np.ndarray, count: int = 20) -> dict:
    model, names = load_model(SCENE_MODEL), labels(SCENE_MODEL)
    times = [segment_scene(model, photo, names).inference_ms for _ in range(count + 2)][2:]
    return {"inference_p50_ms": percentiles(times)["p50_ms"], "photo": list(photo.shape)}


def run(args: argparse.Namespace) -> dict:
    data = Path(os.environ.get("PLAYGROUND_DATA_DIR", ""))
    squat = decode_image((data / "pose" / "squat.bmp").read_bytes())
    backdrop = decode_image((data / "images" / "dog.bmp").read_bytes())  # a photo behind
    return {
        "frames": args.frames,
        "cpu_count": os.cpu_count(),
        "goals": {
            "person_callback_p50_ms": round(GOAL_CALLBACK_P50_MS, 1),
            "callback_over_inference": GOAL_RATIO,
            "rss_mb": GOAL_RSS_MB,
        },
        "person": _person(args.frames, squat, backdrop),
        "scene": _scene(squat),
    }
