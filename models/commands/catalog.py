"""`list`, `info ID` and `download [ID …]`: what is registered, what it is, fill the cache."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from models.formats.describe import describe
from models.loading import TENSORFLOW, is_loaded, load_model
from models.store.files import dataset_path, model_dir
from models.store.locate import locate_dataset, locate_model
from models.store.registry import DATASETS, MODELS, model_spec


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "list", parents=[common], help="every model and data set, and where each loads from now"
    )
    p.set_defaults(func=run_list)
    p = subparsers.add_parser(
        "info", parents=[common], help="format, inputs, outputs, parameters and source of a model"
    )
    p.add_argument("model", help="a registered model id, or a model file or folder")
    p.set_defaults(func=run_info)
    p = subparsers.add_parser(
        "download", parents=[common], help="fill the download cache for an offline classroom"
    )
    p.add_argument("ids", nargs="*", help="model or data set ids (default: all)")
    p.set_defaults(func=run_download)


def run_list(args: argparse.Namespace) -> Iterator[dict]:
    for spec in MODELS.values():
        where = "loaded" if is_loaded(spec.id) else None
        location = locate_model(spec.id)
        yield {
            "kind": "model",
            "id": spec.id,
            "format": spec.format,
            "task": spec.task,
            "source": where or location.source,
            "path": str(location.path) if location.path else None,
            "url": spec.files[0].url,
        }
    for spec in DATASETS.values():
        location = locate_dataset(spec.id)
        yield {
            "kind": "dataset",
            "id": spec.id,
            "source": location.source,
            "path": str(location.path) if location.path else None,
            "url": spec.url,
        }


def _info_path(path: Path) -> dict:
    """`info` for a model file or folder on disk (any format the playground opens)."""
    from models.formats.model_files import open_path

    opened = open_path(path)
    return {
        "id": None,
        "title": path.name,
        "format": opened.format,
        "source": str(path),
        "loaded_from": str(path),
        "license": None,
        **describe(opened.model),
    }


def run_info(args: argparse.Namespace) -> Iterator[dict]:
    if args.model not in MODELS and Path(args.model).exists():
        yield _info_path(Path(args.model))
        return
    spec = model_spec(args.model)
    model = load_model(spec.id, runtime=TENSORFLOW)  # the files as they are
    yield {
        "id": spec.id,
        "title": spec.title,
        "format": spec.format,
        "source": spec.home,
        "loaded_from": str(locate_model(spec.id).path),
        "license": spec.license,
        **describe(model),
    }


def _stderr_progress(done: int, total: int | None, name: str) -> None:
    share = f" / {total / 1e6:.1f}" if total else ""
    print(f"\r{name}: {done / 1e6:.1f}{share} MB", end="", file=sys.stderr, flush=True)


def run_download(args: argparse.Namespace) -> Iterator[dict]:
    ids = args.ids or [*MODELS, *DATASETS]
    for item in ids:
        if item in DATASETS:
            path = dataset_path(item, _stderr_progress)
            yield {"id": item, "kind": "dataset", "path": str(path) if path else "bundled"}
        else:
            path = model_dir(item, _stderr_progress)
            yield {"id": item, "kind": "model", "path": str(path)}
