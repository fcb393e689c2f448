"""`train PRESET [--epochs N] [--batch-size B] [--lr X] [--optimizer NAME]`: one record per epoch.

Training runs in a worker thread so each epoch's record is printed as soon as it exists;
the last record holds the final metrics, why training ended and the preset's predictions.
"""

from __future__ import annotations

import argparse
import queue
import threading
from collections.abc import Iterator

from models.errors import BadInput
from models.training import presets
from models.training.config import OPTIMIZERS, with_changes
from models.training.data import make_dataset
from models.training.runner import TrainResult, predict, prepare
from models.training.runner import fit as fit_model

_KEYS = ("loss", "val_loss", "accuracy", "val_accuracy", "mae", "val_mae", "lr")
_DONE = object()


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "train", parents=[common], help="train a Training lab preset, one line per epoch"
    )
    p.add_argument("preset", help=f"one of: {', '.join(presets.PRESETS)}")
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float, help="learning rate")
    p.add_argument("--optimizer", help=f"one of: {', '.join(OPTIMIZERS)}")
    p.add_argument("--train-size", type=int, help="training examples to use (0 = all)")
    p.add_argument(
        "--validation-split",
        type=float,
        help="share of the examples held out to validate (iris: the course uses 0, all 150)",
    )
    p.set_defaults(func=run_train)


def _changes(args: argparse.Namespace) -> dict:
    flags = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "learning_rate": args.lr,
        "optimizer": args.optimizer,
        "train_size": args.train_size,
        "validation_split": args.validation_split,
    }
    return {name: value for name, value in flags.items() if value is not None}


def _epoch_record(record: dict) -> dict:
    return {"epoch": record["epoch"]} | {k: round(record[k], 6) for k in _KEYS if k in record}


def run_train(args: argparse.Namespace) -> Iterator[dict]:
    """Yields each epoch's metrics while the worker trains, then the final record."""
    chosen = presets.preset(args.preset)
    config = with_changes(chosen.config, **_changes(args))
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    model = prepare(config, data)
    records: queue.Queue = queue.Queue()
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["result"] = fit_model(model, config, data, records.put)
        except Exception as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc
        finally:
            records.put(_DONE)

    worker = threading.Thread(target=work, name="train-cli", daemon=True)
    worker.start()
    train_seconds = 0.0
    while (record := records.get()) is not _DONE:
        if record["event"] == "epoch":
            yield _epoch_record(record)
        elif record["event"] == "end":
            train_seconds = record["elapsed"]
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    yield _final_record(args.preset, outcome["result"], chosen.examples, train_seconds)


def _final_record(
    preset_id: str, result: TrainResult, examples: tuple, train_seconds: float
) -> dict:
    final = {k: round(v, 6) for k, v in result.final().items() if k in _KEYS}
    record = {
        "final": True,
        "preset": preset_id,
        "epochs_done": result.epochs_done,
        "ended": result.reason,
        "train_seconds": round(train_seconds, 3),  # wall time of training alone
    } | final
    if examples:
        record["predictions"] = predict(result.model, examples).round(4).tolist()
    if result.reason == "nan":
        raise BadInput(
            "the loss became NaN or infinite: the learning rate is too large for this problem; "
            "try one 10 times smaller",
            code="training_nan",
            epoch=result.epochs_done,
        )
    return record
