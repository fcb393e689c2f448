"""`python -m bench classify`: per model and image, p50/p90 ms of preprocessing and inference.

Preprocessing is decode + resize + scale (+ quantize) from the file's bytes, as the page
does it; inference is one model call with labelling of the top 5; occlusion_map_ms is one
occlusion-sensitivity map (about 100 runs), timed once. Images come from
PLAYGROUND_DATA_DIR/images (cat.jpg, dog.bmp) and models from the local mirror; a model
that cannot be loaded is reported with its reason instead of figures.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from models.errors import PlaygroundError
from models.loading import load_model
from models.vision.classify import (
    classifier_ids,
    classifier_spec,
    image_probabilities,
    predict,
    preprocess,
)
from models.vision.images import decode_image
from models.vision.occlusion import sensitivity_map


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("classify", parents=[common], help="MobileNet classifier speed")
    p.add_argument("--repeats", type=int, default=30, help="timed runs per model and image")
    p.set_defaults(func=run)


def _percentiles(samples: list[float]) -> dict:
    return {
        "p50_ms": round(float(np.percentile(samples, 50)), 2),
        "p90_ms": round(float(np.percentile(samples, 90)), 2),
    }


def _images() -> dict[str, bytes]:
    folder = Path(os.environ.get("PLAYGROUND_DATA_DIR", "")) / "images"
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*")) if path.is_file()}


def _time_model(model_id: str, images: dict[str, bytes], repeats: int) -> dict:
    spec = classifier_spec(model_id)
    model = load_model(model_id)
    figures = {}
    for name, data in images.items():
        prep_ms, infer_ms = [], []
        for run in range(repeats + 1):  # the first run warms caches and is not counted
            start = time.perf_counter()
            prepared = preprocess(decode_image(data), spec, model)
            middle = time.perf_counter()
            predict(model, spec, prepared)
            end = time.perf_counter()
            if run:
                prep_ms.append((middle - start) * 1000)
                infer_ms.append((end - middle) * 1000)
        figures[name] = {
            "preprocess": _percentiles(prep_ms),
            "inference": _percentiles(infer_ms),
            "occlusion_map_ms": _occlusion_ms(model, spec, prepared),
        }
    return figures


def _occlusion_ms(model, spec, prepared) -> float:
    """One heatmap as the page computes it (about 100 model runs)."""
    start = time.perf_counter()
    sensitivity_map(prepared.resized, 0, lambda images: image_probabilities(model, spec, images))
    return round((time.perf_counter() - start) * 1000, 1)


def run(args: argparse.Namespace) -> dict:
    images = _images()
    results: dict = {"repeats": args.repeats, "images": list(images), "models": {}}
    for model_id in classifier_ids():
        try:
            results["models"][model_id] = _time_model(model_id, images, args.repeats)
        except PlaygroundError as error:
            results["models"][model_id] = {"unavailable": error.message}
    return results
