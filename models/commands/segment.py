"""`segment IMAGE [IMAGE …] [--model ID] [--masks DIR]`: a class for every pixel of photos.

Prints {"file", "width", "height", "mask", "classes": {label: share of pixels}} per image
(JSON Lines with --json), largest class first. With --masks, each mask is written to
DIR/<image name>.png: a grayscale PNG of the photo's own size holding each pixel's class
index (the scene model: PASCAL VOC's 0–20, 0 = background; the person model: 1 person,
0 background), and "mask" is its path; without --masks, "mask" is null.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import cv2

from models.errors import BadInput
from models.loading import load_model
from models.segmentation.masks import (
    SCENE_MODEL,
    SEGMENT_MODELS,
    check_segment_model,
    labels,
    segment,
)
from models.vision.images import decode_image_file


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("segment", parents=[common], help="a class for every pixel")
    p.add_argument("images", nargs="+", type=Path, help="JPEG/PNG/BMP/WebP/GIF files")
    p.add_argument("--model", default=SCENE_MODEL, help=f"one of {', '.join(SEGMENT_MODELS)}")
    p.add_argument("--masks", type=Path, help="write each mask as DIR/<name>.png")
    p.set_defaults(func=run_segment)


def _mask_path(folder: Path, image: Path) -> Path:
    return folder / f"{image.stem}.png"


def run_segment(args: argparse.Namespace) -> Iterator[dict]:
    """Every file and the mask folder are checked before the model loads."""
    model_id = check_segment_model(args.model)
    pictures = [(path, decode_image_file(path)) for path in args.images]
    if args.masks is not None:
        if args.masks.exists() and not args.masks.is_dir():
            raise BadInput(
                f"--masks {args.masks} is a file, not a folder.", code="segment_bad_masks"
            )
        args.masks.mkdir(parents=True, exist_ok=True)
    model, names = load_model(model_id), labels(model_id)
    for path, pixels in pictures:
        found = segment(model, model_id, pixels, names)
        mask = None
        if args.masks is not None:
            mask = _mask_path(args.masks, path)
            cv2.imwrite(str(mask), found.classes)
        yield {
            "file": str(path),
            "width": int(pixels.shape[1]),
            "height": int(pixels.shape[0]),
            "mask": None if mask is None else str(mask),
            "classes": found.shares(),
        }
