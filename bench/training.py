"""`python -m bench training [--json] [--presets P …] [--mnist-epochs N] [--repeat N] [--vs-tfjs]`.

For each preset, side by side in one run, a fresh model each time (same seed); the engine
and live figures are medians of `--repeat` interleaved runs:
- `keras_fit_s`: `model.fit(..., verbose=0)` with the page's fit arguments (the old path);
- `engine_s`: the fast engine alone (models/training/engine.py, as the page runs it: many
  epochs per compiled call when no callback acts between epochs);
- `live_s`: the page's path — engine + LiveRecorder feeding components/live_training.LiveView,
  whose Plotly figures are updated and serialised by `st.plotly_chart` (Streamlit in bare
  mode: every element is built and marshalled; only the browser is missing);
- `charting_s`: the time the last live run spent in the view's sink (storing records,
  redrawing), and `live_over_own_training` each live run's time over its time less that
  (median): the charts' cost within one run, free of the tracing's run-to-run spread;
- `tfjs_s` (with --vs-tfjs, dense presets): TensorFlow.js itself in Node (tests/tfjs/train.js,
  pure-JS CPU backend) fitting the same model with an `onEpochEnd` callback.
Goals: `live_over_engine` and `live_over_own_training` ≤ 1.05; `linear` `live_over_tfjs` ≤
1.0 with the same answer (≈ 19 for x = 10); iris and mnist-cnn no slower than `keras_fit`.
"""

import pylibsrtp  # noqa: F401  (before TensorFlow, see PITFALLS.md #1)

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TFJS = ROOT / "tests" / "tfjs"
TFJS_LOSSES = {
    "mean_squared_error": "meanSquaredError",
    "categorical_crossentropy": "categoricalCrossentropy",
}
PREDICT = {"linear": [[10.0]]}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("training", parents=[common], help=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["linear", "iris", "mnist-cnn"])
    parser.add_argument("--mnist-epochs", type=int, default=3, help="epochs for mnist-cnn")
    parser.add_argument("--repeat", type=int, default=3, help="engine and live runs (median)")
    parser.add_argument("--vs-tfjs", action="store_true", help="also time TF.js in Node")
    parser.set_defaults(func=run)


def _keras_fit(config, data) -> float:
    from models.training.runner import prepare, training_arrays

    model = prepare(config, data)
    x, y, validation = training_arrays(config, data)
    start = time.perf_counter()
    model.fit(
        x,
        y,
        epochs=config.epochs,
        batch_size=config.batch_size,
        validation_data=validation,
        shuffle=True,
        verbose=0,
    )
    return time.perf_counter() - start


def _engine(config, data) -> float:
    from models.training.engine import fit_epochs
    from models.training.runner import acting_callbacks, prepare, training_arrays

    model = prepare(config, data)
    x, y, validation = training_arrays(config, data)
    acting = acting_callbacks(config, validation is not None)
    start = time.perf_counter()
    fit_epochs(
        model,
        x,
        y,
        epochs=config.epochs,
        batch_size=config.batch_size,
        validation=validation,
        callbacks=acting,
        chunked=not acting,
    )
    return time.perf_counter() - start


def _live(config, data) -> tuple[float, float, list[float] | None, int]:
    """The page's path: its seconds, the seconds of those spent in the view's sink (storing
    records, redrawing), the prediction asked for, the number of redraws."""
    from components.live_training import LiveView
    from models.training.build import metric_name
    from models.training.runner import fit, prepare

    model = prepare(config, data)
    charting = 0.0

    def timed_sink(record: dict) -> None:
        nonlocal charting
        begin = time.perf_counter()
        view.sink(record)
        charting += time.perf_counter() - begin

    start = time.perf_counter()
    view = LiveView(metric_name(data.problem), {}, data=data, model_getter=lambda: model)
    fit(model, config, data, timed_sink)
    seconds = time.perf_counter() - start
    asked = PREDICT.get(config.preset)
    prediction = None if asked is None else np.asarray(model(np.array(asked, np.float32))).ravel()
    prediction = None if prediction is None else prediction.round(3).tolist()
    return seconds, charting, prediction, view._draws


def _tfjs(config, data) -> dict | None:
    """TF.js fitting the same dense model on the same training data, or None when the preset
    has layers other than Dense."""
    from models.training.runner import training_arrays

    if any(layer.kind != "dense" for layer in config.layers):
        return None
    x, y, _ = training_arrays(config, data)
    spec = {
        "layers": [{"units": s.units, "activation": s.activation} for s in config.layers],
        "inputDim": int(data.x_train.shape[1]),
        "loss": TFJS_LOSSES[config.loss],
        "optimizer": config.optimizer,
        "learningRate": config.learning_rate,
        "epochs": config.epochs,
        "batchSize": config.batch_size,
        "x": np.asarray(x, float).tolist(),
        "y": np.asarray(y, float).reshape(len(x), -1).tolist(),
        "predict": PREDICT.get(config.preset),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    try:
        command = ["node", str(TFJS / "train.js"), handle.name]
        out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    finally:
        os.unlink(handle.name)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _preset(name: str, args: argparse.Namespace) -> dict:
    from models.store.datasets import load_iris, load_mnist
    from models.training import presets
    from models.training.config import with_changes
    from models.training.data import make_dataset

    config = presets.preset(name).config
    if name == "mnist-cnn":
        config = with_changes(config, epochs=args.mnist_epochs)
    data = make_dataset(
        config.dataset,
        config.validation_split,
        config.train_size,
        mnist_raw=load_mnist() if config.dataset == "mnist" else None,
        iris_frame=load_iris() if config.dataset == "iris" else None,
    )
    # Warm-up: TF and Keras set-up, and the live path's first Plotly figures and Streamlit
    # elements (imports and validators a running page has loaded long before).
    _engine(with_changes(config, epochs=1), data)
    _live(with_changes(config, epochs=1), data)
    keras_s = _keras_fit(config, data)
    engine_runs, live_runs = [], []
    for _ in range(args.repeat):  # interleaved, so that load from elsewhere hits both alike
        engine_runs.append(_engine(config, data))
        live_runs.append(_live(config, data))
    engine_s = float(np.median(engine_runs))
    live_s = float(np.median([run[0] for run in live_runs]))
    over_own = float(np.median([run[0] / (run[0] - run[1]) for run in live_runs]))
    _, charting_s, prediction, draws = live_runs[-1]
    result = {
        "epochs": config.epochs,
        "train_examples": len(data.x_train),
        "keras_fit_s": round(keras_s, 3),
        "engine_s": round(engine_s, 3),
        "live_s": round(live_s, 3),
        "engine_over_keras_fit": round(engine_s / keras_s, 3),
        "live_over_engine": round(live_s / engine_s, 3),
        "charting_s": round(charting_s, 4),
        "live_over_own_training": round(over_own, 4),
        "redraws": draws,
    }
    if prediction is not None:
        result["prediction"] = prediction
    if args.vs_tfjs and (tfjs := _tfjs(config, data)) is not None:
        result |= {
            "tfjs_s": round(tfjs["seconds"], 3),
            "tfjs_prediction": tfjs["prediction"] and [round(v, 3) for v in tfjs["prediction"]],
            "live_over_tfjs": round(live_s / tfjs["seconds"], 3),
        }
    return result


def run(args: argparse.Namespace) -> dict:
    os.environ.setdefault("PLAYGROUND_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.path.insert(0, str(ROOT))
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # bare mode warns on every element
    return {
        "bench": "training",
        "cpus": os.cpu_count(),
        "goals": {
            "live_over_engine": 1.05,
            "live_over_own_training": 1.05,
            "linear_live_over_tfjs": 1.0,
        },
        "presets": {name: _preset(name, args) for name in args.presets},
    }
