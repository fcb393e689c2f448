"""`convert SRC --to TARGET --out DIR` and `run ID_OR_PATH --input FILE.npy`: formats on the
command line, with the code the Model formats page uses."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import BadInput
from models.formats.convert import TARGETS, convert, folder_bytes


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "convert", parents=[common], help="write a Keras or TF.js layers model in another format"
    )
    p.add_argument("src", help="a .keras / .h5 file or a TF.js layers model folder")
    p.add_argument("--to", required=True, choices=TARGETS, help="the format to write")
    p.add_argument("--out", required=True, help="folder to write into")
    p.add_argument(
        "--representative", help="a .npy of training inputs (needed by --to tflite-int8)"
    )
    p.set_defaults(func=run_convert)
    p = subparsers.add_parser(
        "run", parents=[common], help="run a model (registry id or path) on an input .npy"
    )
    p.add_argument("model", help="a registered model id, or a model file or folder")
    p.add_argument("--input", required=True, action="append", help=".npy file (one per input)")
    p.set_defaults(func=run_run)


def load_npy(path: str) -> np.ndarray:
    """An array from a .npy file, never unpickling objects."""
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise BadInput(
            f"{path} is not a readable .npy array of numbers: {exc}",
            code="formats_bad_npy",
            file=path,
        ) from exc


def open_any(model: str) -> Any:
    """A registry id's model, or a model file or folder on disk."""
    from models.formats.model_files import open_path
    from models.store.registry import MODELS

    if model in MODELS and not Path(model).exists():
        from models.loading import TENSORFLOW, load_model

        return load_model(model, runtime=TENSORFLOW)  # the files as they are
    return open_path(Path(model)).model


def run_convert(args: argparse.Namespace) -> Iterator[dict]:
    from models.formats.model_files import open_path

    opened = open_path(Path(args.src))
    if opened.format not in ("keras", "tfjs-layers"):
        raise BadInput(
            f"{args.src} is a {opened.format} model; convert needs a Keras or TF.js layers model",
            code="formats_not_keras",
            format=opened.format,
        )
    representative = load_npy(args.representative) if args.representative else None
    path = convert(opened.model, args.to, Path(args.out), representative=representative)
    yield {
        "source": args.src,
        "from": opened.format,
        "to": args.to,
        "path": str(path),
        "files": sorted(p.name for p in path.parent.iterdir()),
        "bytes": folder_bytes(path if path.suffix == ".tflite" else path.parent),
    }


def run_run(args: argparse.Namespace) -> Iterator[dict]:
    from models.formats.model_files import run_model

    arrays = [load_npy(path) for path in args.input]
    yield {"model": args.model, "outputs": run_model(open_any(args.model), arrays)}
