"""`python -m bench loaders [--json] [--repeat N]`: how long every mirrored model takes to load.

For each registered model found in the local mirror (`PLAYGROUND_MODEL_DIR`, default
../shared/models), a fresh Python process imports the playground and measures, in ms:
- `import_ms`: importing the format's loader module (TensorFlow or LiteRT with it);
- `cold_ms`: then the first `load_model(id)` in that process (files read from disk, graph
  built); `import_ms + cold_ms` is what the first student to open a page waits for;
- `warm_ms`: a second `load_model(id)` in the same process (the process-wide cache);
- `reopen_ms`: opening the same files again bypassing the cache (TF initialised, files in
  the OS cache) — the cost the cache saves on every rerun;
- `first_call_ms` / `call_ms`: the first call on zeros (tracing included) and the next one.
Each figure is the median over `--repeat` fresh processes.
"""

import pylibsrtp  # noqa: F401  (before TensorFlow, see PITFALLS.md #1)

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MIRROR = ROOT.parent / "shared" / "models"
# The module each format's loader lives in: importing it (TensorFlow or LiteRT) is timed apart.
_LOADER_MODULES = {
    "tfjs-graph": "models.formats.tfjs_graph",
    "tfjs-layers": "models.formats.tfjs_layers",
    "tflite": "models.formats.tflite",
    "saved-model": "models.formats.saved_model",
    "keras": "keras",
}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("loaders", parents=[common], help=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per model")
    parser.set_defaults(func=run)


def _mirrored_ids(mirror: Path) -> list[str]:
    from models.store.registry import MODELS

    return [model_id for model_id in MODELS if (mirror / model_id).is_dir()]


def _zeros_for(model: object) -> list:
    """One zero array per input, free dimensions set to 1."""
    import numpy as np

    return [
        np.zeros([1 if d is None else d for d in info.shape], dtype=info.dtype)
        for info in model.inputs
    ]


def _measure_in_this_process(model_id: str) -> dict:
    """The figures for one model; meant to run in a fresh process (see `run`)."""
    from models.loading import load_model, open_registered
    from models.store.files import model_dir
    from models.store.registry import model_spec

    start = time.perf_counter()
    importlib.import_module(_LOADER_MODULES[model_spec(model_id).format])
    imported = time.perf_counter()
    model = load_model(model_id)
    loaded = time.perf_counter()
    load_model(model_id)
    warm = time.perf_counter()
    open_registered(model_spec(model_id), model_dir(model_id))
    reopened = time.perf_counter()
    figures = {
        "import_ms": (imported - start) * 1000,
        "cold_ms": (loaded - imported) * 1000,
        "warm_ms": (warm - loaded) * 1000,
        "reopen_ms": (reopened - warm) * 1000,
    }
    if hasattr(model, "inputs") and not hasattr(model, "count_params"):
        inputs = _zeros_for(model)
        for key in ("first_call_ms", "call_ms"):
            before = time.perf_counter()
            model(*inputs)
            figures[key] = (time.perf_counter() - before) * 1000
    return figures


def _fresh_process(model_id: str, env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.loaders", model_id],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args: argparse.Namespace) -> dict:
    env = dict(os.environ)
    env.setdefault("PLAYGROUND_MODEL_DIR", str(DEFAULT_MIRROR))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    mirror = Path(env["PLAYGROUND_MODEL_DIR"])
    sys.path.insert(0, str(ROOT))
    load_before = os.getloadavg()[0]
    models = {}
    for model_id in _mirrored_ids(mirror):
        runs = [_fresh_process(model_id, env) for _ in range(max(1, args.repeat))]
        failures = [r["error"] for r in runs if "error" in r]
        if failures:
            models[model_id] = {"error": failures[0]}
            continue
        models[model_id] = {
            key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]
        }
    return {
        "bench": "loaders",
        "mirror": str(mirror),
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        # 1-minute load average before and after: figures taken on a busy machine are slower.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "unit": "ms (median over fresh processes)",
        "models": models,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(_measure_in_this_process(sys.argv[1])))
