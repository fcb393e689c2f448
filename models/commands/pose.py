"""`pose IMAGE [IMAGE …] [--model ID]`: MoveNet's 17 keypoints of the person in each photo.

Prints {"file", "width", "height", "keypoints": [{"name", "x", "y", "score"}, … 17 in COCO
order]} per image (JSON Lines with --json), x and y in the photo's pixels, through the same
decoding, letterboxing and mapping back as the Live pose page.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from models.loading import LITERT, RUNTIMES, load_model
from models.pose.movenet import DEFAULT_MODEL, POSE_MODELS, check_pose_model, estimate, input_size
from models.vision.images import decode_image_file


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("pose", parents=[common], help="MoveNet keypoints of photos")
    p.add_argument("images", nargs="+", type=Path, help="JPEG/PNG/BMP/WebP/GIF files")
    p.add_argument(
        "--model", default=DEFAULT_MODEL, help=f"one of {', '.join(POSE_MODELS)} ({DEFAULT_MODEL})"
    )
    p.add_argument(
        "--runtime",
        choices=RUNTIMES,
        default=LITERT,
        help="for the TF.js graph models: LiteRT (the graph converted to TFLite, fast) or "
        "the graph itself in TensorFlow (the reference)",
    )
    p.set_defaults(func=run_pose)


def run_pose(args: argparse.Namespace) -> Iterator[dict]:
    """Every file is checked before the model loads, so a bad one fails before any output."""
    model_id = check_pose_model(args.model)
    pictures = [(path, decode_image_file(path)) for path in args.images]
    model = load_model(model_id, runtime=args.runtime)
    for path, pixels in pictures:
        pose = estimate(model, pixels, input_size(model_id))
        yield {
            "file": str(path),
            "width": pose.width,
            "height": pose.height,
            "keypoints": pose.records(),
        }
