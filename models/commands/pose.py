"""`pose IMAGE [IMAGE …] [--model ID] [--size S]`: MoveNet's keypoints of the people in photos.

Prints {"file", "width", "height", "keypoints": [{"name", "x", "y", "score"}, … 17 in COCO
order]} per image (JSON Lines with --json) for the single-pose models, and {"file", "width",
"height", "people": [{"id", "score", "box": [x1, y1, x2, y2], "keypoints": [...]}, …]} for
MultiPose, best person first; x, y and boxes in the photo's pixels, through the same
decoding, letterboxing and mapping back as the Live pose page.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from models.errors import BadInput
from models.loading import LITERT, RUNTIMES, load_model
from models.pose.movenet import (
    DEFAULT_MODEL,
    POSE_MODELS,
    check_pose_model,
    estimate,
    input_size,
    is_multipose,
)
from models.pose.multipose import MULTIPOSE_SIZES, estimate_crowd
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
    p.add_argument(
        "--size",
        type=int,
        help="MultiPose's input side, a multiple of 32: larger finds people further away "
        f"({', '.join(map(str, MULTIPOSE_SIZES))}; default {MULTIPOSE_SIZES[0]})",
    )
    p.set_defaults(func=run_pose)


def _size(model_id: str, asked: int | None) -> int:
    """The input side: the model's own, or for MultiPose a chosen multiple of 32."""
    if asked is None:
        return input_size(model_id)
    if not is_multipose(model_id) or asked % 32 or not 128 <= asked <= 1024:
        raise BadInput(
            f"--size {asked}: only MultiPose takes a size, a multiple of 32 from 128 to 1024.",
            code="pose_bad_size",
            size=asked,
        )
    return asked


def run_pose(args: argparse.Namespace) -> Iterator[dict]:
    """Every file is checked before the model loads, so a bad one fails before any output."""
    model_id = check_pose_model(args.model)
    size = _size(model_id, args.size)
    pictures = [(path, decode_image_file(path)) for path in args.images]
    model = load_model(model_id, runtime=args.runtime, size=size)
    find = estimate_crowd if is_multipose(model_id) else estimate
    for path, pixels in pictures:
        found = find(model, pixels, size)
        yield {"file": str(path), "width": found.width, "height": found.height, **found.document()}
