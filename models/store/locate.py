"""Where a model or data set loads from: local mirror, download cache, or its public home.

Resolution order (the in-process cache sits above this, in models/loading.py):
1. the local mirror `PLAYGROUND_MODEL_DIR/<id>/` (or `PLAYGROUND_DATA_DIR/<path>`), for
   offline classrooms and CI;
2. the download cache `PLAYGROUND_CACHE_DIR` (default: the user's cache directory);
3. a download from the public home into that cache (models/store/download.py).
Everything here only looks; models/store/files.py gives the files, downloading if needed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from models.formats.manifest import TFJS_FORMATS, read_manifest, weight_paths
from models.store.registry import ModelSpec, dataset_spec, model_spec

# progress(done_bytes, total_bytes or None, label)
Progress = Callable[[int, int | None, str], None]


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


def model_folder_complete(spec: ModelSpec, folder: Path) -> bool:
    """True when every file the model needs is in `folder` (shards included for TF.js)."""
    if not all((folder / f.name).is_file() for f in spec.files):
        return False
    if spec.format in TFJS_FORMATS:
        try:
            shards = weight_paths(read_manifest(folder / "model.json"))
        except (OSError, ValueError):
            return False
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


def offline_hint(model_id: str) -> str:
    """How to provide a model without internet, for error messages. It names the settings
    and folders, not this server's paths: students read these messages too."""
    return (
        f"Put its files in $PLAYGROUND_MODEL_DIR/{model_id}/ or run "
        f"`python -m models download {model_id}` on a connected machine and copy the download "
        "cache ($PLAYGROUND_CACHE_DIR, by default the folder tensor-playground in the user's "
        "cache)."
    )
