"""`python -m bench detect --frames N`: CenterNet, bare inference vs the whole frame callback.

Bare inference is one model call on an already resized 512 × 512 input. The callback is what
the WebRTC worker runs per webcam frame (components/detect_stream.DetectProcessor.callback):
a 640×480 yuv420p `av.VideoFrame` decoded to RGB, resized, run through the model, filtered
(threshold, NMS), mirrored, drawn and encoded back, with the page's default settings.
Frames are the street photo at a few offsets on a 640×480 canvas. Both runtimes (LiteRT,
the default, and the graph in TensorFlow) side by side; RSS growth over the callback run
after a warm-up. Goals: live ≥ 10 FPS answered (callback p50 ≤ 100 ms); RSS growth ≤ 10 MB
over 2,000 frames.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import av
import cv2
import numpy as np
import psutil

from bench._frames import decoded
from components.detect_stream import DetectProcessor, Settings
from models.detection import centernet
from models.detection.centernet import DEFAULT_MODEL, input_size, labels
from models.loading import RUNTIMES, load_model
from models.vision.images import decode_image

WIDTH, HEIGHT, WARMUP = 640, 480, 10
GOAL_CALLBACK_P50_MS, GOAL_RSS_MB = 100.0, 10.0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("detect", parents=[common], help="CenterNet inference vs callback")
    p.add_argument("--frames", type=int, default=300, help="timed frames per runtime")
    p.set_defaults(func=run)


def _frames() -> list[np.ndarray]:
    photo = Path(os.environ.get("PLAYGROUND_DATA_DIR", "")) / "images" / "traffic.bmp"
    street = cv2.resize(decode_image(photo.read_bytes()), (420, 420))
    frames = []
    for left in np.linspace(0, WIDTH - 420, 6).astype(int):
        frame = np.full((HEIGHT, WIDTH, 3), 200, np.uint8)
        frame[30:450, left : left + 420] = street
        frames.append(frame)
    return frames


def _percentiles(samples: list[float]) -> dict:
    return {
        "p50_ms": round(float(np.percentile(samples, 50)), 2),
        "p90_ms": round(float(np.percentile(samples, 90)), 2),
    }


def _measure(runtime: str, frames: list[np.ndarray], count: int) -> dict:
    model, size = load_model(DEFAULT_MODEL, runtime=runtime), input_size(DEFAULT_MODEL)
    names = tuple(labels(DEFAULT_MODEL))
    squares = [cv2.resize(f, (size, size))[None].astype(np.float32) for f in frames]
    video = [
        av.VideoFrame.from_ndarray(f, format="rgb24").reformat(format="yuv420p") for f in frames
    ]
    processor = DetectProcessor()
    processor.configure(Settings(model, DEFAULT_MODEL, size, names, centernet.Settings()))
    process = psutil.Process()
    bare, callback, rss_start = [], [], 0
    for i in range(count + WARMUP):
        if i == WARMUP:
            rss_start = process.memory_info().rss
        start = time.perf_counter()
        model(squares[i % len(squares)])
        bare_ms = (time.perf_counter() - start) * 1000
        frame = decoded(video[i % len(video)])
        start = time.perf_counter()
        processor.callback(frame)
        if i >= WARMUP:
            bare.append(bare_ms)
            callback.append((time.perf_counter() - start) * 1000)
    if processor.failure:
        raise RuntimeError(processor.failure)
    rss_mb = (process.memory_info().rss - rss_start) / 2**20
    inference, whole = _percentiles(bare), _percentiles(callback)
    return {
        "inference": inference,
        "callback": whole,
        "callback_over_inference_p50": round(whole["p50_ms"] / inference["p50_ms"], 3),
        "answered_fps_p50": round(1000 / whole["p50_ms"], 1),
        "rss_growth_mb": round(rss_mb, 2),
        "goals": {
            "live_10_fps_ok": whole["p50_ms"] <= GOAL_CALLBACK_P50_MS,
            "rss_ok": rss_mb <= GOAL_RSS_MB,
        },
    }


def run(args: argparse.Namespace) -> dict:
    frames = _frames()
    return {
        "model": DEFAULT_MODEL,
        "frames": args.frames,
        "frame_size": [WIDTH, HEIGHT],
        "cpu_count": os.cpu_count(),
        "goals": {"callback_p50_ms": GOAL_CALLBACK_P50_MS, "rss_growth_mb": GOAL_RSS_MB},
        "runtimes": {runtime: _measure(runtime, frames, args.frames) for runtime in RUNTIMES},
    }
