"""`python -m bench detect --frames N`: CenterNet, bare inference vs the whole frame callback.

Bare inference is one model call on an already resized 512 × 512 input. The callback is what
the WebRTC worker runs per webcam frame (components/detect_stream.DetectProcessor.callback):
a yuv420p `av.VideoFrame` of the size the page asks the camera for (480×360) decoded to RGB,
resized, run through the model, filtered (threshold, NMS), mirrored, drawn and encoded
back, with the page's default settings. Frames are the street photo at a few offsets on
such a canvas. Both runtimes (LiteRT, the default, and the graph in TensorFlow) side by
side; RSS growth over the callback run after a warm-up. Goals: live ≥ 10 FPS answered
(callback p50 ≤ 100 ms); callback ≤ 1.15 × bare inference; RSS growth ≤ 10 MB over 2,000
frames.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import cv2
import numpy as np

from bench._frames import GOAL_RATIO, GOAL_RSS_MB, camera_video, frame_goals, time_paired
from components.detect_stream import DetectProcessor, Settings
from components.webrtc import CAMERA_HEIGHT, CAMERA_WIDTH
from models.detection import centernet
from models.detection.centernet import DEFAULT_MODEL, input_size, labels
from models.loading import RUNTIMES, load_model
from models.vision.images import decode_image

WIDTH, HEIGHT, WARMUP = CAMERA_WIDTH, CAMERA_HEIGHT, 10  # what the page asks the camera for
GOAL_CALLBACK_P50_MS = 100.0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("detect", parents=[common], help="CenterNet inference vs callback")
    p.add_argument("--frames", type=int, default=300, help="timed frames per runtime")
    p.set_defaults(func=run)


def _frames() -> list[np.ndarray]:
    """The street photo at six places on a camera-sized canvas."""
    photo = Path(os.environ.get("PLAYGROUND_DATA_DIR", "")) / "images" / "traffic.bmp"
    side = HEIGHT * 7 // 8
    street = cv2.resize(decode_image(photo.read_bytes()), (side, side))
    frames = []
    for left in np.linspace(0, WIDTH - side, 6).astype(int):
        frame = np.full((HEIGHT, WIDTH, 3), 200, np.uint8)
        frame[HEIGHT - side :, left : left + side] = street
        frames.append(frame)
    return frames


def _measure(runtime: str, frames: list[np.ndarray], count: int) -> dict:
    model, size = load_model(DEFAULT_MODEL, runtime=runtime), input_size(DEFAULT_MODEL)
    names = tuple(labels(DEFAULT_MODEL))
    squares = [cv2.resize(f, (size, size))[None].astype(np.float32) for f in frames]
    processor = DetectProcessor()
    processor.configure(Settings(model, DEFAULT_MODEL, size, names, centernet.Settings()))
    figures = time_paired(
        lambda i: model(squares[i % len(squares)]), processor, camera_video(frames), count, WARMUP
    ).figures()
    p50 = figures["callback"]["p50_ms"]
    return figures | {
        "goals": {"live_10_fps_ok": p50 <= GOAL_CALLBACK_P50_MS} | frame_goals(figures),
    }


def run(args: argparse.Namespace) -> dict:
    frames = _frames()
    return {
        "model": DEFAULT_MODEL,
        "frames": args.frames,
        "frame_size": [WIDTH, HEIGHT],
        "cpu_count": os.cpu_count(),
        "goals": {
            "callback_p50_ms": GOAL_CALLBACK_P50_MS,
            "callback_over_inference": GOAL_RATIO,
            "rss_growth_mb": GOAL_RSS_MB,
        },
        "runtimes": {runtime: _measure(runtime, frames, args.frames) for runtime in RUNTIMES},
    }
