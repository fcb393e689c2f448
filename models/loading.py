"""Open a registered model by id, once per process.

`load_model(id)` resolves the files (models/store/locate.py) and opens them with the loader for
the model's format. Results are kept in a process-wide cache shared by the command line,
the benchmarks and Streamlit (whose `st.cache_resource` wrappers in
components/model_cache.py sit on top), so a second load costs nothing. Each id has its own
lock: loading Thunder never blocks a session that needs MobileNet.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from models.errors import PlaygroundError
from models.formats.open import KERAS, SAVED_MODEL, open_model
from models.store.files import model_dir
from models.store.locate import Progress
from models.store.registry import ModelSpec, model_spec

_cache: dict[str, Any] = {}
_failures: dict[str, str] = {}
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def is_loaded(model_id: str) -> bool:
    return model_id in _cache


def last_failure(model_id: str) -> str | None:
    """Why the last attempt to load `model_id` in this process failed, if it did."""
    return _failures.get(model_id)


def load_model(model_id: str, progress: Progress | None = None) -> Any:
    """The model `model_id`, loaded from mirror, cache or download; cached for the process."""
    if model_id in _cache:
        return _cache[model_id]
    spec = model_spec(model_id)
    with _locks_guard:
        lock = _locks.setdefault(model_id, threading.Lock())
    with lock:
        if model_id not in _cache:
            try:
                _cache[model_id] = open_registered(spec, model_dir(model_id, progress))
            except PlaygroundError as error:
                _failures[model_id] = error.message
                raise
            _failures.pop(model_id, None)
    return _cache[model_id]


def open_registered(spec: ModelSpec, folder: Path) -> Any:
    """Open a registered model's files in `folder`: a Keras application is built in code
    around its weights file; every other format opens its first file (or, for a SavedModel,
    the folder) with models/formats/open.py."""
    if spec.format == KERAS:
        return _keras_application(spec, folder)
    target = folder if spec.format == SAVED_MODEL else folder / spec.files[0].name
    return open_model(spec.format, target)


def _keras_application(spec: ModelSpec, folder: Path) -> Any:
    """A Keras application (e.g. MobileNetV2) built in code, its weights read from `folder`."""
    import keras

    builder = getattr(keras.applications, spec.extra["application"])
    return builder(weights=str(folder / spec.files[0].name))
