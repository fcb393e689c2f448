"""The live side of a training run: progress bar, charts and decision boundary in Streamlit.

`LiveView.sink` receives the records of models/training/callbacks.LiveRecorder. Each record
is stored at once (so a Stop, which interrupts the script with a rerun, loses nothing), but
the screen is redrawn at most every `interval` seconds and at the end: redrawing a Plotly
chart costs a serialisation and a message to the browser, and a 500-epoch run of six points
would otherwise spend more time drawing than training.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from components.i18n import t
from components.training_charts import LiveFigures, boundary_figure, update_boundary
from models.training.boundary import Boundary, boundary
from models.training.data import BINARY, Dataset
from models.training.diagnostics import true_classes

REDRAW_INTERVAL = 0.5  # seconds between screen updates while training
BOUNDARY_INTERVAL = 1.5  # the boundary costs a 3,600-point prediction
MAX_BATCH_POINTS = 5000  # per-batch curves stop growing here (batch 1 × 2,000 epochs …)


def series_labels(metric: str) -> dict[str, str]:
    """Chart legend names of the logged series, translated."""
    name = t(f"training.metric.{metric}")
    return {
        "loss": t("training.series.loss"),
        "val_loss": t("training.series.val_loss"),
        metric: name,
        f"val_{metric}": t("training.series.val_metric", metric=name),
        "lr": t("training.series.lr"),
    }


def live_figures(metric: str, per_batch: bool) -> LiveFigures:
    """The three live charts: loss, the metric, and the learning rate."""
    x_title = t("training.axis.step") if per_batch else t("training.axis.epoch")
    charts = {
        "loss": (t("training.chart.loss"), t("training.series.loss"), ("loss", "val_loss")),
        "metric": (
            t(f"training.metric.{metric}"),
            t(f"training.metric.{metric}"),
            (metric, f"val_{metric}"),
        ),
        "lr": (t("training.chart.lr"), t("training.series.lr"), ("lr",)),
    }
    # A rate is never negative, and a constant one would get an axis around it (−0.5…1).
    return LiveFigures(charts, x_title, series_labels(metric), from_zero=("lr",))


def mark_nan(figures: LiveFigures, x: float) -> None:
    """A dashed red line on the loss and metric charts where the loss became NaN.

    Plotly draws no NaN point: without the line a run that blew up in its first epoch
    would leave an empty chart, and a later one a curve that just ends.
    """
    empty = not any(len(figures.series[key][0]) > 1 for key in figures.series)
    for chart in ("loss", "metric"):
        # with nothing else to give the x axis a range, the line alone would sit in −1…1
        x_range = [0, x + 1] if empty else None
        figures.figures[chart].mark(x, t("training.nan_marker"), "#d62728", x_range)


def nan_x(history: dict[str, list[float]]) -> int | None:
    """The epoch at which the stored history's loss stopped being finite, if it did."""
    losses = history.get("loss", [])
    return next((i + 1 for i, loss in enumerate(losses) if not math.isfinite(loss)), None)


class LiveView:
    """Placeholders laid out once; `sink` feeds them from the training records."""

    def __init__(
        self,
        metric: str,
        history: dict[str, list[float]],
        per_batch: bool = False,
        data: Dataset | None = None,
        model_getter: Callable | None = None,
        interval: float = REDRAW_INTERVAL,
    ) -> None:
        self.history = history
        self.per_batch = per_batch
        self.interval = interval
        self.figures = live_figures(metric, per_batch)
        self.progress = st.progress(0.0, text=t("training.starting"))
        columns = st.columns(3)
        self.slots = {
            chart: column.empty()
            for chart, column in zip(self.figures.figures, columns, strict=True)
        }
        self.data = data if data is not None and data.x_val.shape[1:] == (2,) else None
        self.model_getter = model_getter
        self.boundary_slot = st.empty() if self.data is not None else None
        self._boundary_figure = None
        self._epochs = self._steps = self._draws = 0
        self._status: dict | None = None
        self._nan_x: float | None = None
        # The first redraw comes one interval after the view appears, not at the first
        # epoch: a run shorter than that (the linear preset's 500 epochs take 0.13 s) is
        # drawn once, at its end, instead of twice.
        self._last_draw = time.perf_counter()
        self._last_boundary = 0.0

    def sink(self, record: dict) -> None:
        """Store the record; redraw if the last redraw is older than the interval."""
        event = record["event"]
        if event == "begin":
            self._epochs, self._steps = record["epochs"], record["steps"]
            return
        if event == "batch":
            if self.per_batch and len(self.figures.series["loss"][0]) < MAX_BATCH_POINTS:
                self.figures.add(record["step"], record)
            self._note_nan(record, record.get("step"))
        elif event == "epoch":
            self._store(record)
        now = time.perf_counter()
        if event == "end" or now - self._last_draw >= self.interval:
            self._last_draw = now
            self.draw(record)

    def _store(self, record: dict) -> None:
        for key, value in record.items():
            if key not in ("event", "epoch", "eta"):
                self.history.setdefault(key, []).append(value)
        if self.per_batch:  # batch points carry the training curves, epochs the validation
            x = record["epoch"] * self._steps
            values = {k: v for k, v in record.items() if k.startswith("val_") or k == "lr"}
        else:
            x, values = record["epoch"], record
        self.figures.add(x, values)
        self._status = record
        self._note_nan(record, x)

    def _note_nan(self, record: dict, x: float | None) -> None:
        if self._nan_x is None and not math.isfinite(record.get("loss", 0.0)):
            self._nan_x = x

    def draw(self, record: dict) -> None:
        """Progress text with epoch, elapsed time and ETA; charts; boundary now and then."""
        status = self._status
        self._draws += 1  # a fresh key per draw: two identical charts in one run would clash
        if status is not None:
            done = status["epoch"]
            self.progress.progress(
                min(done / max(self._epochs, 1), 1.0),
                text=t(
                    "training.progress",
                    epoch=done,
                    epochs=self._epochs,
                    elapsed=f"{status['elapsed']:.1f}",
                    eta=f"{status['eta']:.1f}",
                ),
            )
        for chart, figure in self.figures.refresh().items():
            self.slots[chart].plotly_chart(figure, key=f"training_live_{chart}_{self._draws}")
        now = time.perf_counter()
        if self.boundary_slot is not None and (
            record["event"] == "end" or now - self._last_boundary >= BOUNDARY_INTERVAL
        ):
            self._last_boundary = now
            self.draw_boundary()

    def finish(self) -> None:
        """Remove the progress line: the run's status box below says how it ended, and an
        "about 9 s left" after a NaN stop would say the opposite. A NaN is marked on the
        charts, which are drawn once more."""
        self.progress.empty()
        if self._nan_x is not None:
            mark_nan(self.figures, self._nan_x)
            self._draws += 1
            for chart, figure in self.figures.refresh().items():
                self.slots[chart].plotly_chart(figure, key=f"training_live_{chart}_{self._draws}")

    def draw_boundary(self) -> None:
        """The decision boundary of the model as it is now, over the validation points."""
        data = self.data
        plane = boundary(self.model_getter(), data.x_val, data.problem)
        if self._boundary_figure is None:
            self._boundary_figure = dataset_boundary_figure(plane, data)
        else:
            update_boundary(self._boundary_figure, plane)
        self.boundary_slot.plotly_chart(
            self._boundary_figure, key=f"training_live_boundary_{self._draws}"
        )


def dataset_boundary_figure(plane: Boundary, data: Dataset) -> go.Figure:
    """The decision boundary `plane` over `data`'s validation points, titled for the page."""
    return boundary_figure(
        plane,
        data.x_val,
        true_classes(data.y_val, data.problem),
        data.class_names,
        data.problem == BINARY,
        t("training.boundary_title"),
    )
