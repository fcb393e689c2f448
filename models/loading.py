"""Open a registered model by id, once per process.

`load_model(id)` resolves the files (models/store/locate.py) and opens them with the loader for
the model's format. Results are kept in a process-wide cache shared by the command line,
the benchmarks and Streamlit (whose `st.cache_resource` wrappers in
components/model_cache.py sit on top), so a second load costs nothing. Each id has its own
lock: loading Thunder never blocks a session that needs MobileNet. TF.js graph models of an
image run on LiteRT by default (models/formats/lite_graph.py), their graph in TensorFlow on
request (`runtime=TENSORFLOW`, "TensorFlow (reference)" on the pages).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from models.errors import PlaygroundError
from models.formats.lite_graph import TOLERANCE, LiteCheck, LiteVerdict, open_on_litert
from models.formats.manifest import TFJS_GRAPH
from models.formats.open import KERAS, SAVED_MODEL, open_model
from models.store.files import arrivals, model_dir
from models.store.locate import Progress, cache_root
from models.store.registry import ModelSpec, model_spec

LITERT = "litert"
TENSORFLOW = "tensorflow"
RUNTIMES = (LITERT, TENSORFLOW)  # LiteRT by default; the TF graph stays as the reference

_cache: dict[tuple[str, str, int | None], Any] = {}
_failures: dict[str, str] = {}
_verdicts: dict[tuple[str, int], LiteVerdict] = {}
_locks: dict[tuple[str, str, int | None], threading.Lock] = {}
_locks_guard = threading.Lock()
_changes = 0  # loads, failures and forgets in this process


def status_generation() -> tuple[int, int]:
    """Changes whenever a model's status can have: a load succeeded, failed or was forgotten,
    or a download finished. Views of the models' status (the sidebar's panel) are kept until
    it changes instead of looking at the disk on every rerun."""
    return _changes, arrivals()


def is_loaded(model_id: str) -> bool:
    return any(key[0] == model_id for key in _cache)


def last_failure(model_id: str) -> str | None:
    """Why the last attempt to load `model_id` in this process failed, if it did."""
    return _failures.get(model_id)


def forget(model_id: str) -> None:
    """Drop `model_id` from this process (every runtime, its failure and LiteRT verdict), so
    the next load reads the files again: after the mirror changed, or between tests."""
    for key in [key for key in _cache if key[0] == model_id]:
        del _cache[key]
    _failures.pop(model_id, None)
    for key in [key for key in _verdicts if key[0] == model_id]:
        del _verdicts[key]
    _changed()


def _changed() -> None:
    global _changes
    _changes += 1


def runs_on_litert(spec: ModelSpec) -> bool:
    """TF.js graph models of one image input (their registry entry names its size) can be
    converted to TFLite; the others (the toxicity model's ragged text inputs) cannot."""
    return spec.format == TFJS_GRAPH and "input_size" in spec.extra


def litert_verdict(model_id: str, size: int | None = None) -> LiteVerdict | None:
    """How the LiteRT conversion of `model_id` (for a `size` input, by default the registry's)
    went in this process, once it was loaded."""
    return _verdicts.get((model_id, size or model_spec(model_id).extra.get("input_size")))


def load_model(
    model_id: str,
    progress: Progress | None = None,
    runtime: str = LITERT,
    size: int | None = None,
) -> Any:
    """The model `model_id`, loaded from mirror, cache or download; cached for the process.

    `runtime` matters for TF.js graph models only: LiteRT runs their TFLite conversion (or
    the graph, when it did not convert or agree: `litert_verdict` says why), TENSORFLOW the
    graph itself. A TFLite conversion has one fixed input side: `size` (by default the
    registry's `input_size`) picks it; the graph in TensorFlow takes any size."""
    spec = model_spec(model_id)
    on_litert = runs_on_litert(spec) and runtime == LITERT
    side = (size or spec.extra["input_size"]) if on_litert else None
    key = (model_id, LITERT if on_litert else TENSORFLOW, side)
    if key in _cache:
        return _cache[key]
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _cache:
            try:
                folder = model_dir(model_id, progress)
                if on_litert:
                    _cache[key] = _open_on_litert(spec, folder, side)
                else:
                    _cache[key] = open_registered(spec, folder)
            except PlaygroundError as error:
                _failures[model_id] = error.message
                _changed()
                raise
            _failures.pop(model_id, None)
            _changed()
    return _cache[key]


def litert_check(spec: ModelSpec) -> LiteCheck:
    """How the conversion of `spec` is checked: every output within TOLERANCE, unless its
    registry entry names the outputs to compare (`litert_outputs`) and a tolerance."""
    return LiteCheck(
        spec.extra.get("litert_tolerance", TOLERANCE),
        tuple(spec.extra.get("litert_outputs", ())),
        spec.extra.get("pixel_scale", 1.0),
    )


def _open_on_litert(spec: ModelSpec, folder: Path, size: int) -> Any:
    """The converted model, checked against the graph once and cached on disk."""
    model, verdict = open_on_litert(
        folder,
        cache_root() / "litert" / spec.id,
        size,
        lambda: open_registered(spec, folder),
        litert_check(spec),
    )
    _verdicts[(spec.id, size)] = verdict
    if verdict.path is None:  # it stayed on the graph: the reference runtime is that model
        _cache.setdefault((spec.id, TENSORFLOW, None), model)
    return model


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
