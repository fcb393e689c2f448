"""`classify IMAGE [IMAGE …] [--model ID] [--top 5]`: MobileNet's top-k for each photo.

Prints {"file": …, "predictions": [{"label": …, "score": …}, …]} per image (JSON Lines
with --json), through the same decoding and preprocessing as the Image classifier page.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from models.loading import load_model
from models.vision.classify import check_top, classifier_spec, predict, preprocess
from models.vision.images import decode_image_file

DEFAULT_MODEL = "mobilenet-v2-1.0-224-quant-tflite"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "classify", parents=[common], help="ImageNet top-k of photos with MobileNet"
    )
    p.add_argument("images", nargs="+", type=Path, help="JPEG/PNG/BMP/WebP/GIF files")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"a classifier id ({DEFAULT_MODEL})")
    p.add_argument("--top", type=int, default=5, help="how many classes to print (1–20)")
    p.set_defaults(func=run_classify)


def run_classify(args: argparse.Namespace) -> Iterator[dict]:
    """Check every input first (so a bad file fails before any output), then classify."""
    top = check_top(args.top)
    spec = classifier_spec(args.model)
    photos = [(path, decode_image_file(path)) for path in args.images]
    model = load_model(spec.model_id)
    for path, pixels in photos:
        result = predict(model, spec, preprocess(pixels, spec, model), top)
        yield {"file": str(path), "predictions": [p.as_dict() for p in result.top]}
