"""`detect IMAGE [IMAGE …] [--model ID] [--threshold T] [--max N] [--iou I]`: COCO objects.

Prints {"file", "width", "height", "detections": [{"label", "score", "box": [x1, y1, x2, y2]},
…]} per image (JSON Lines with --json), best first, boxes in the photo's pixels, through the
same decoding, threshold and non-maximum suppression as the Object detection page.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from models.detection.centernet import (
    DEFAULT_IOU,
    DEFAULT_MAX_BOXES,
    DEFAULT_MODEL,
    DEFAULT_THRESHOLD,
    DETECT_MODELS,
    Settings,
    check_detect_model,
    detect,
    input_size,
    labels,
)
from models.loading import LITERT, RUNTIMES, load_model
from models.vision.images import decode_image_file


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("detect", parents=[common], help="objects (COCO) in photos")
    p.add_argument("images", nargs="+", type=Path, help="JPEG/PNG/BMP/WebP/GIF files")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"one of {', '.join(DETECT_MODELS)}")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="minimum score (0.3)")
    p.add_argument("--max", type=int, default=DEFAULT_MAX_BOXES, help="at most N boxes (20)")
    p.add_argument(
        "--iou", type=float, default=DEFAULT_IOU, help="NMS: drop boxes overlapping more (0.5)"
    )
    p.add_argument("--runtime", choices=RUNTIMES, default=LITERT, help="LiteRT or TensorFlow")
    p.set_defaults(func=run_detect)


def run_detect(args: argparse.Namespace) -> Iterator[dict]:
    """Arguments and every file are checked before the model loads."""
    model_id = check_detect_model(args.model)
    settings = Settings(args.threshold, args.max, args.iou)
    pictures = [(path, decode_image_file(path)) for path in args.images]
    model = load_model(model_id, runtime=args.runtime)
    names, size = labels(model_id), input_size(model_id)
    for path, pixels in pictures:
        found = detect(model, pixels, size, names, settings)
        yield {"file": str(path), "width": found.width, "height": found.height, **found.document()}
