"""`python -m bench camera`: the webcam transfer-learning stream, per 480×360 frame.

Side by side in one run: the frame callback before a head is trained (the frame is only kept
and mirrored) and with one (MobileNetV2 embedding + head + the guess drawn), the embedding
alone, and the head as the stream runs it (numpy, models/vision/transfer.head_function)
against calling the Keras head. Frames are the cat photo from PLAYGROUND_DATA_DIR/images,
slid a few pixels each, as WebRTC delivers them (yuv420p).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import cv2
import numpy as np

from bench._frames import camera_video
from components.transfer_stream import CameraSettings, TransferProcessor
from components.webrtc import CAMERA_HEIGHT, CAMERA_WIDTH
from models.vision.images import decode_image
from models.vision.transfer import (
    TRANSFER_MODELS,
    feature_extractor,
    head_function,
    head_probabilities,
    train_head,
)

WARM = 5  # first frames, not counted


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("camera", parents=[common], help="webcam transfer-learning frames")
    p.add_argument("--frames", type=int, default=100, help="timed frames per case")
    p.set_defaults(func=run)


def _ms(samples: list[float]) -> dict:
    return {
        "p50_ms": round(float(np.percentile(samples, 50)), 3),
        "p90_ms": round(float(np.percentile(samples, 90)), 3),
    }


def _timed(call, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats + WARM):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples[WARM:]


def run(args: argparse.Namespace) -> dict:
    folder = Path(os.environ.get("PLAYGROUND_DATA_DIR", "")) / "images"
    photo = decode_image((folder / "cat.jpg").read_bytes())
    photo = cv2.resize(photo, (CAMERA_WIDTH, CAMERA_HEIGHT))
    frames = camera_video([np.roll(photo, 3 * i, axis=1) for i in range(args.frames + WARM)])
    extractor = feature_extractor(TRANSFER_MODELS[0])
    embeddings = np.stack([extractor.embed_photo(np.roll(photo, s, axis=1)) for s in range(8)])
    head = train_head(embeddings, np.arange(8) % 2, 2, epochs=3)
    figures = {"frame": f"{CAMERA_WIDTH}x{CAMERA_HEIGHT}", "frames": args.frames}
    cases = {
        "callback_before_training": CameraSettings(extractor),
        "callback_with_head": CameraSettings(extractor, head_function(head), ("a", "b")),
    }
    for name, settings in cases.items():
        proc = TransferProcessor()
        proc.configure(settings)
        stream = iter(frames)
        figures[name] = _ms(_timed(lambda p=proc, s=stream: p.callback(next(s)), args.frames))
    figures["embedding"] = _ms(_timed(lambda: extractor.embed_photo(photo), args.frames))
    fast, embedding = head_function(head), embeddings[0]
    figures["head_numpy"] = _ms(_timed(lambda: fast(embedding), args.frames))
    figures["head_keras_call"] = _ms(
        _timed(lambda: head_probabilities(head, embedding), args.frames)
    )
    with_head, embed = figures["callback_with_head"], figures["embedding"]
    figures["callback_over_embedding"] = round(with_head["p50_ms"] / embed["p50_ms"], 2)
    return figures
