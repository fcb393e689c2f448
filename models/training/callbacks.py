"""A pure Keras callback that reports training to any sink and stops it cleanly.

The page's charts, the command line's JSON lines and the tests all read the same records:
- `{"event": "begin", "epochs", "steps"}` once;
- `{"event": "batch", "epoch", "batch", "step", "loss", <metric>}` after each batch if asked;
- `{"event": "epoch", "epoch", "loss", "val_loss", <metric>, "val_<metric>", "lr",
  "elapsed", "eta"}` after each epoch (`epoch` counts from 1);
- `{"event": "end", "reason": "finished" | "stopped" | "nan" | "early", "epochs_done", "elapsed"}`.
Training stops at the next batch (or, on the fast engine, at the end of the epoch) when
`stop` is set, and at once when the loss becomes NaN or infinite: the weights would be
garbage from there on.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import keras
import numpy as np

Sink = Callable[[dict], None]
FINISHED, STOPPED, NAN = "finished", "stopped", "nan"
EARLY = "early"  # EarlyStopping ended it: no better loss for its patience


def current_learning_rate(optimizer: keras.optimizers.Optimizer) -> float:
    """The rate the optimizer uses now (a schedule evaluated at the current step)."""
    return float(np.asarray(keras.ops.convert_to_numpy(optimizer.learning_rate)))


def _plain(logs: dict | None) -> dict[str, float]:
    return {key: float(value) for key, value in (logs or {}).items()}


class LiveRecorder(keras.callbacks.Callback):
    """Sends one record per epoch (and per batch if `per_batch`) to `sink`; keeps a history."""

    def __init__(
        self, sink: Sink, stop: threading.Event | None = None, per_batch: bool = False
    ) -> None:
        super().__init__()
        self.sink = sink
        self.stop = stop or threading.Event()
        self.per_batch = per_batch
        self.history: dict[str, list[float]] = {}
        self.reason = FINISHED
        self.epochs_done = 0
        self._epochs = 0
        self._steps = 0
        self._start = 0.0
        self._epoch = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._epochs = int(self.params.get("epochs") or 0)
        self._steps = int(self.params.get("steps") or 0)
        self._start = time.perf_counter()
        self.sink({"event": "begin", "epochs": self._epochs, "steps": self._steps})

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch + 1

    def _stop_if_needed(self, logs: dict[str, float]) -> None:
        """End training on a NaN or infinite loss, or when Stop was pressed (checked after
        each batch by `fit`, after each epoch by the fast engine, which has no batch hook)."""
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss):
            self.reason = NAN
            self.model.stop_training = True
        elif self.stop.is_set():
            self.reason = STOPPED
            self.model.stop_training = True

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        values = _plain(logs)
        if self.per_batch:
            step = (self._epoch - 1) * self._steps + batch + 1
            where = {"event": "batch", "epoch": self._epoch, "batch": batch + 1, "step": step}
            self.sink(where | values)
        self._stop_if_needed(values)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        values = _plain(logs)
        values.pop("learning_rate", None)  # the schedule callbacks' copy, maybe already updated
        if "lr" not in values:  # the fast engine logs the rate each epoch ended with
            values["lr"] = current_learning_rate(self.model.optimizer)
        elapsed = time.perf_counter() - self._start
        self.epochs_done = epoch + 1
        remaining = max(self._epochs - self.epochs_done, 0)
        for key, value in values.items():
            self.history.setdefault(key, []).append(value)
        self.sink(
            {"event": "epoch", "epoch": epoch + 1}
            | values
            | {"elapsed": elapsed, "eta": elapsed / self.epochs_done * remaining}
        )
        self._stop_if_needed(values)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.reason == FINISHED and self.epochs_done < self._epochs:
            self.reason = EARLY
        self.sink(
            {
                "event": "end",
                "reason": self.reason,
                "epochs_done": self.epochs_done,
                "elapsed": time.perf_counter() - self._start,
            }
        )
