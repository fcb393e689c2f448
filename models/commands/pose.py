"""`pose IMAGE [IMAGE …] [--model ID]`: MoveNet's 17 keypoints of the person in each photo.

Prints {"file", "width", "height", "keypoints": [{"name", "x", "y", "score"}, … 17 in COCO
order]} per image (JSON Lines with --json), x and y in the photo's pixels, through the same
decoding, letterboxing and mapping back as the Live pose page.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from models.errors import BadInput
from models.images import MAX_BYTES, decode_image
from models.loading import load_model
from models.pose import DEFAULT_MODEL, POSE_MODELS, check_pose_model, estimate, input_size


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("pose", parents=[common], help="MoveNet keypoints of photos")
    p.add_argument("images", nargs="+", type=Path, help="JPEG/PNG/BMP/WebP/GIF files")
    p.add_argument(
        "--model", default=DEFAULT_MODEL, help=f"one of {', '.join(POSE_MODELS)} ({DEFAULT_MODEL})"
    )
    p.set_defaults(func=run_pose)


def read_picture(path: Path) -> np.ndarray:
    """The decoded photo, or a BadInput whose message names the file."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BadInput(
                f"{path} is larger than {MAX_BYTES / 1e6:.0f} MB.",
                code="image_file_too_large",
                size_mb=f"{path.stat().st_size / 1e6:.1f}",
                limit_mb=f"{MAX_BYTES / 1e6:.0f}",
            )
        data = path.read_bytes()
    except OSError as exc:
        message = f"Cannot read {path}: {exc.strerror or exc}."
        raise BadInput(message, code="pose_no_file", file=str(path)) from exc
    try:
        return decode_image(data)
    except BadInput as error:
        error.message = f"{path}: {error.message}"
        error.args = (error.message,)
        raise


def run_pose(args: argparse.Namespace) -> Iterator[dict]:
    """Every file is checked before the model loads, so a bad one fails before any output."""
    model_id = check_pose_model(args.model)
    pictures = [(path, read_picture(path)) for path in args.images]
    model = load_model(model_id)
    for path, pixels in pictures:
        pose = estimate(model, pixels, input_size(model_id))
        yield {
            "file": str(path),
            "width": pose.width,
            "height": pose.height,
            "keypoints": pose.records(),
        }
