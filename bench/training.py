"""`python -m bench training [--json] [--epochs N] [--repeat R]`: what live charts cost.

Trains the `mnist-cnn` preset on the mirror's digits for the same epochs, alternately
- `plain`: `model.fit(..., verbose=0)` with exactly the page's fit arguments, and
- `live`: the page's path — LiveRecorder feeding components/live_training.LiveView, whose
  Plotly figures are updated and serialised by `st.plotly_chart` (Streamlit in bare mode:
  every element is built and marshalled; only the browser is missing);
a fresh model each time (same seed), and prints the median wall times and `ratio` =
live / plain. Goal: ratio ≤ 1.05.
"""

import pylibsrtp  # noqa: F401  (before TensorFlow, see PITFALLS.md #1)

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("training", parents=[common], help=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind, alternated")
    parser.add_argument("--train-size", type=int, default=0, help="0 = all 6,000 digits")
    parser.set_defaults(func=run)


def _plain(config, data) -> float:
    from models.training.build import targets
    from models.training.runner import prepare

    model = prepare(config, data)
    start = time.perf_counter()
    model.fit(
        data.x_train,
        targets(config.loss, data.y_train),
        epochs=config.epochs,
        batch_size=config.batch_size,
        validation_data=(data.x_val, targets(config.loss, data.y_val)),
        shuffle=True,
        verbose=0,
    )
    return time.perf_counter() - start


def _live(config, data) -> tuple[float, int]:
    from components.live_training import LiveView
    from models.training.build import metric_name
    from models.training.runner import fit, prepare

    model = prepare(config, data)
    start = time.perf_counter()
    view = LiveView(metric_name(data.problem), {}, data=data, model_getter=lambda: model)
    fit(model, config, data, view.sink)
    return time.perf_counter() - start, view._draws


def run(args: argparse.Namespace) -> dict:
    os.environ.setdefault("PLAYGROUND_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.path.insert(0, str(ROOT))
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # bare mode warns on every element
    from models.training import presets
    from models.training.config import with_changes
    from models.training.data import make_dataset

    config = with_changes(presets.preset("mnist-cnn").config, epochs=args.epochs)
    data = make_dataset("mnist", train_size=args.train_size)
    _plain(with_changes(config, epochs=1), data)  # warm-up: TF and Keras set-up, page cache
    plain, live, draws = [], [], []
    for _ in range(max(1, args.repeat)):
        plain.append(_plain(config, data))
        seconds, redraws = _live(config, data)
        live.append(seconds)
        draws.append(redraws)
    plain_s, live_s = statistics.median(plain), statistics.median(live)
    return {
        "bench": "training",
        "preset": "mnist-cnn",
        "epochs": args.epochs,
        "train_examples": len(data.x_train),
        "validation_examples": len(data.x_val),
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "plain_s": round(plain_s, 3),
        "live_s": round(live_s, 3),
        "ratio": round(live_s / plain_s, 3),
        "plain_runs_s": [round(s, 3) for s in plain],
        "live_runs_s": [round(s, 3) for s in live],
        "redraws_per_run": draws,
    }
