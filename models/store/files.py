"""The files of a model or data set on this disk: found where they are (models/store/locate.py),
else downloaded from their public home into the cache (models/store/download.py)."""

from __future__ import annotations

from pathlib import Path

from models.store.download import download_dataset, download_model
from models.store.locate import Progress, cache_root, locate_dataset, locate_model
from models.store.registry import DatasetSpec, dataset_spec, model_spec

_arrivals = 0  # downloads finished in this process


def arrivals() -> int:
    """How many downloads finished in this process: where things load from changes only then
    (or when a load fails or succeeds, models/loading.status_generation)."""
    return _arrivals


def model_dir(model_id: str, progress: Progress | None = None) -> Path:
    """A folder holding all of the model's files, downloading them into the cache if needed."""
    global _arrivals
    location = locate_model(model_id)
    if location.path is not None:
        return location.path
    folder = download_model(model_spec(model_id), cache_root() / "models" / model_id, progress)
    _arrivals += 1
    return folder


def dataset_path(dataset_id: str, progress: Progress | None = None) -> Path | None:
    """The data set's file, downloaded into the cache if needed; None for a bundled fallback."""
    location = locate_dataset(dataset_id)
    if location.path is not None or location.source == "bundled":
        return location.path
    global _arrivals
    spec: DatasetSpec = dataset_spec(dataset_id)
    path = download_dataset(spec, cache_root() / "data" / spec.path, progress)
    _arrivals += 1
    return path
