"""The files of a model or data set on this disk: found where they are (models/store/locate.py),
else downloaded from their public home into the cache (models/store/download.py)."""

from __future__ import annotations

from pathlib import Path

from models.store.download import download_dataset, download_model
from models.store.locate import Progress, cache_root, locate_dataset, locate_model
from models.store.registry import DatasetSpec, dataset_spec, model_spec


def model_dir(model_id: str, progress: Progress | None = None) -> Path:
    """A folder holding all of the model's files, downloading them into the cache if needed."""
    location = locate_model(model_id)
    if location.path is not None:
        return location.path
    return download_model(model_spec(model_id), cache_root() / "models" / model_id, progress)


def dataset_path(dataset_id: str, progress: Progress | None = None) -> Path | None:
    """The data set's file, downloaded into the cache if needed; None for a bundled fallback."""
    location = locate_dataset(dataset_id)
    if location.path is not None or location.source == "bundled":
        return location.path
    spec: DatasetSpec = dataset_spec(dataset_id)
    return download_dataset(spec, cache_root() / "data" / spec.path, progress)
