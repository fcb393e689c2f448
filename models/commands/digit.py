"""`digit IMAGE [IMAGE …]`: which digit each drawing is, with the ten probabilities."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from models.digits import model as digit_model
from models.digits.preprocess import decode_image, prepare
from models.vision.images import read_image_file


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "digit",
        parents=[common],
        help="classify drawings of digits (white ink on black, any size, RGBA or L)",
    )
    p.add_argument("images", nargs="+", type=Path, help="PNG/JPEG/BMP files")
    p.set_defaults(func=run_digit)


def _stderr_epochs(done: int, total: int, logs: dict) -> None:
    accuracy = logs.get("val_accuracy", 0.0)
    print(
        f"\rtraining the default digit model: epoch {done}/{total}, "
        f"validation accuracy {accuracy:.3f}",
        end="\n" if done == total else "",
        file=sys.stderr,
        flush=True,
    )


def run_digit(args: argparse.Namespace) -> Iterator[dict]:
    """One record per image: file, digit, probabilities, and the ink status of the drawing."""
    images = [(path, decode_image(read_image_file(path), str(path))) for path in args.images]
    model = digit_model.default_model(_stderr_epochs)
    for path, pixels in images:
        prepared = prepare(pixels)
        prediction = digit_model.predict(model, prepared.tensor)
        yield {
            "file": str(path),
            "digit": prediction.digit,
            "probabilities": [round(float(p), 6) for p in prediction.probabilities],
            "ink": prepared.status,
        }
