"""`python -m bench soak`: memory over long runs, the way a class uses the app for an hour.

Two loops, each with RSS (psutil) sampled as it goes:

- the live-pose frame callback (components/pose_stream.PoseProcessor.callback, what the
  WebRTC worker runs per webcam frame) over `--frames` 640×480 frames of squat.bmp moving
  across the picture, with the page's default settings;
- the image classifier (decode → preprocess → predict top 5, as the page does) over
  `--images` photos, cycling through ../shared/data/images with small crops so that each
  decode differs.

Growth is measured from the end of a warm-up (TensorFlow and LiteRT allocate their arenas
on the first calls) to the end; the goal is ≤ 10 MB for each loop. Memory, not time, is the
figure; the timings are only for orientation.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from bench._frames import camera_video, decoded
from bench.pose import _frames
from components.pose_stream import PoseProcessor, Settings
from models.loading import load_model
from models.pose.draw import DrawOptions
from models.pose.movenet import input_size
from models.vision.classify import classifier_spec, predict, preprocess
from models.vision.images import decode_image

GOAL_MB = 10.0
POSE_MODEL = "movenet-singlepose-lightning"
CLASSIFIER = "mobilenet-v2-1.0-224-quant-tflite"
SAMPLES = 20  # RSS samples per loop after the warm-up


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("soak", parents=[common], help="RSS growth over long runs")
    p.add_argument("--frames", type=int, default=10_000, help="pose frame callbacks")
    p.add_argument("--images", type=int, default=2_000, help="classified images")
    p.add_argument("--warmup", type=int, default=100, help="calls before the baseline")
    p.set_defaults(func=run)


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def soak(step: Callable[[int], None], count: int, warmup: int) -> dict:
    """Run `step(i)` warmup + count times; RSS at the baseline, sampled, peak and growth."""
    for i in range(warmup):
        step(i)
    start_mb = rss_mb()
    every = max(count // SAMPLES, 1)
    samples, began = [], time.perf_counter()
    for i in range(count):
        step(warmup + i)
        if (i + 1) % every == 0 or i + 1 == count:
            samples.append(round(rss_mb(), 1))
    seconds = time.perf_counter() - began
    return {
        "count": count,
        "rss_start_mb": round(start_mb, 1),
        "rss_end_mb": samples[-1],
        "rss_peak_mb": max(samples),
        "growth_mb": round(samples[-1] - start_mb, 2),
        "rss_samples_mb": samples,
        "per_call_ms": round(seconds * 1000 / count, 2),
        "ok": samples[-1] - start_mb <= GOAL_MB,
    }


def pose_step() -> Callable[[int], None]:
    """One WebRTC frame through the pose callback, as the live page configures it."""
    video = camera_video(_frames())
    processor = PoseProcessor()
    model = load_model(POSE_MODEL)
    processor.configure(Settings(model, POSE_MODEL, input_size(POSE_MODEL), DrawOptions()))

    def step(i: int) -> None:
        processor.callback(decoded(video[i % len(video)]))
        if processor.failure:
            raise RuntimeError(processor.failure)

    return step


def classify_step() -> Callable[[int], None]:
    """One photo from its bytes to the top 5, as the Image classifier page does it."""
    folder = Path(os.environ.get("PLAYGROUND_DATA_DIR", "")) / "images"
    photos = [decode_image(p.read_bytes()) for p in sorted(folder.glob("*")) if p.is_file()]
    spec, model = classifier_spec(CLASSIFIER), load_model(CLASSIFIER)

    def step(i: int) -> None:
        pixels = photos[i % len(photos)]
        crop = i % 17  # a slightly different picture each time
        result = predict(model, spec, preprocess(pixels[crop:, crop:], spec, model))
        assert len(result.top) == 5

    return step


def run(args: argparse.Namespace) -> dict:
    pose = soak(pose_step(), args.frames, args.warmup)
    classifier = soak(classify_step(), args.images, args.warmup)
    return {
        "pose_callback": {"model": POSE_MODEL, **pose},
        "classifier": {"model": CLASSIFIER, **classifier},
        "goal_growth_mb": GOAL_MB,
        "ok": pose["ok"] and classifier["ok"],
    }
