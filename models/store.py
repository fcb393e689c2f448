"""Where a model or data set loads from: local mirror, download cache, or its public home.

Resolution order (the in-process cache sits above this, in models/loading.py):
1. the local mirror `PLAYGROUND_MODEL_DIR/<id>/` (or `PLAYGROUND_DATA_DIR/<path>`), for
   offline classrooms and CI;
2. the download cache `PLAYGROUND_CACHE_DIR` (default: the user's cache directory);
3. a download from the public home into that cache (models/download.py).
`locate_*` only looks; `model_dir` / `dataset_path` may download.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from models.registry import DatasetSpec, ModelSpec, dataset_spec, model_spec

# progress(done_bytes, total_bytes or None, label)
Progress = Callable[[int, int | None, str], None]

TFJS_FORMATS = ("tfjs-graph", "tfjs-layers")


@dataclass(frozen=True)
class Location:
    """Where something would load from now: source is mirror | cache | download | unavailable."""

    source: str
    path: Path | None
    reason: str = ""


def mirror_model_root() -> Path | None:
    value = os.environ.get("PLAYGROUND_MODEL_DIR")
    return Path(value).expanduser() if value else None


def mirror_data_root() -> Path | None:
    value = os.environ.get("PLAYGROUND_DATA_DIR")
    return Path(value).expanduser() if value else None


def cache_root() -> Path:
    value = os.environ.get("PLAYGROUND_CACHE_DIR")
    if value:
        return Path(value).expanduser()
    return Path(platformdirs.user_cache_dir("tensor-playground"))


def tfjs_weight_files(model_json: Path) -> list[str]:
    """The shard file names a TF.js model.json names in its weightsManifest."""
    try:
        manifest = json.loads(model_json.read_text(encoding="utf-8"))["weightsManifest"]
        return [path for group in manifest for path in group["paths"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def model_folder_complete(spec: ModelSpec, folder: Path) -> bool:
    """True when every file the model needs is in `folder` (shards included for TF.js)."""
    if not all((folder / f.name).is_file() for f in spec.files):
        return False
    if spec.format in TFJS_FORMATS:
        shards = tfjs_weight_files(folder / "model.json")
        return bool(shards) and all((folder / name).is_file() for name in shards)
    return True


def locate_model(model_id: str) -> Location:
    """Where `model_id` would load from now, without touching the network."""
    spec = model_spec(model_id)
    mirror = mirror_model_root()
    if mirror and model_folder_complete(spec, mirror / spec.id):
        return Location("mirror", mirror / spec.id)
    cached = cache_root() / "models" / spec.id
    if model_folder_complete(spec, cached):
        return Location("cache", cached)
    return Location("download", None, spec.files[0].url)


def model_dir(model_id: str, progress: Progress | None = None) -> Path:
    """A folder holding all of the model's files, downloading them into the cache if needed."""
    location = locate_model(model_id)
    if location.path is not None:
        return location.path
    from models.download import download_model

    return download_model(model_spec(model_id), cache_root() / "models" / model_id, progress)


def locate_dataset(dataset_id: str) -> Location:
    """Where `dataset_id` would load from now, without touching the network."""
    spec = dataset_spec(dataset_id)
    mirror = mirror_data_root()
    if mirror and (mirror / spec.path).is_file():
        return Location("mirror", mirror / spec.path)
    cached = cache_root() / "data" / spec.path
    if cached.is_file():
        return Location("cache", cached)
    if spec.url is None:
        return Location("bundled", None, "bundled with scikit-learn")
    return Location("download", None, spec.url)


def dataset_path(dataset_id: str, progress: Progress | None = None) -> Path | None:
    """The data set's file, downloaded into the cache if needed; None for a bundled fallback."""
    location = locate_dataset(dataset_id)
    if location.path is not None or location.source == "bundled":
        return location.path
    from models.download import download_dataset

    spec: DatasetSpec = dataset_spec(dataset_id)
    return download_dataset(spec, cache_root() / "data" / spec.path, progress)


def offline_hint(model_id: str) -> str:
    """How to provide a model without internet, for error messages."""
    return (
        f"Put its files in $PLAYGROUND_MODEL_DIR/{model_id}/ or run "
        f"`python -m models download {model_id}` on a connected machine and copy the cache "
        f"({cache_root()})."
    )
