"""What the Training lab keeps and shows after a run: status, charts, summary, diagnostics,
predictions, comparison of runs and the share link.

A run lives in `st.session_state["training_live"]` while `model.fit` runs and its model is
already in the session's `trained_models` (components/shared_state.py: the contract with
Draw a digit and Model formats), so a Stop — which interrupts the script with a rerun —
keeps the model trained so far: the next run finds the unfinished entry and closes it as
stopped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.feedback import show_error
from components.i18n import current_language, t
from components.live_training import (
    dataset_boundary_figure,
    live_figures,
    mark_nan,
    nan_x,
    series_labels,
)
from components.share import share_box
from components.shared_state import trained_models_for_update
from components.training_charts import compare_figure, confusion_figure
from models.errors import BadInput
from models.training import presets
from models.training.boundary import boundary
from models.training.build import metric_name
from models.training.config import TrainConfig
from models.training.data import BINARY, MULTICLASS, REGRESSION, Dataset
from models.training.diagnostics import diagnose, true_classes
from models.training.link import to_url
from models.training.predict_input import parse_rows
from models.training.runner import predict
from models.training.summary import summary_rows, summary_totals

MAX_MODELS = 4  # lab models kept per session (each holds its weights); curves are kept apart
MAX_RUNS = 20


def _runs() -> list[dict]:
    return st.session_state.setdefault("training_runs", [])


def _forget_old_models() -> None:
    """Keep the newest MAX_MODELS lab models in `trained_models`; older runs keep their curves."""
    names = st.session_state.setdefault("training_model_names", [])
    while len(names) > MAX_MODELS:
        trained_models_for_update().pop(names.pop(0), None)


def begin_run(config: TrainConfig, model, data: Dataset) -> dict:
    """Register a run before `model.fit`, model included, and return its record."""
    number = st.session_state.get("training_counter", 0) + 1
    st.session_state["training_counter"] = number
    name = f"#{number} {config.preset} · {config.optimizer} lr={config.learning_rate:g}"
    history: dict[str, list[float]] = {}
    trained_models_for_update()[name] = {
        "model": model,
        "preset": config.preset,
        "x_val": data.x_val,
        "y_val": data.y_val,
        "history": history,
    }
    st.session_state.setdefault("training_model_names", []).append(name)
    _forget_old_models()
    run = {
        "name": name,
        "preset": config.preset,
        "problem": data.problem,
        "metric": metric_name(data.problem),
        "class_names": data.class_names,
        "feature_names": data.feature_names,
        "epochs": config.epochs,
        "history": history,
        "reason": "running",
    }
    st.session_state["training_live"] = run
    return run


def end_run(reason: str) -> None:
    """Close the live run (finished, stopped or nan) and make it the one shown."""
    run = st.session_state.pop("training_live", None)
    if run is None:
        return
    run["reason"] = reason
    run["epochs_done"] = len(run["history"].get("loss", []))
    runs = _runs()
    runs.append(run)
    del runs[:-MAX_RUNS]
    st.session_state["training_last"] = run["name"]


def finish_interrupted_run() -> None:
    """A run still marked live was interrupted by Stop (or another click): keep it as stopped."""
    if "training_live" in st.session_state:
        end_run("stopped")


def _last_run() -> dict | None:
    name = st.session_state.get("training_last")
    return next((run for run in reversed(_runs()) if run["name"] == name), None)


def _status(run: dict) -> None:
    epochs = run["epochs_done"]
    if run["reason"] == "nan":
        blown = nan_x(run["history"])  # the epoch whose loss was NaN, if it was recorded
        st.error(t("training.nan", epoch=blown or epochs + 1), icon="⚠️")
    elif run["reason"] == "stopped":
        st.warning(t("training.stopped", epochs=epochs, total=run["epochs"]), icon="⏹️")
    elif run["reason"] == "early":
        st.success(
            t("training.early", epochs=epochs, total=run["epochs"], best=_best_epoch(run)),
            icon="🛑",
        )
    else:
        seconds = run["history"].get("elapsed", [0.0])[-1]
        st.success(t("training.finished", epochs=epochs, seconds=f"{seconds:.1f}"), icon="✅")


def _best_epoch(run: dict) -> int:
    """The epoch early stopping went back to: the lowest of the loss it watched."""
    history = run["history"]
    watched = history.get("val_loss") or history.get("loss") or [0.0]
    return int(np.argmin(watched)) + 1


def _final_metrics(run: dict) -> None:
    """The figures of the last epoch whose loss was finite (a NaN epoch has only NaNs), or
    of the best one when early stopping restored its weights."""
    history, metric = run["history"], run["metric"]
    blown = nan_x(history)
    epoch = len(history.get("loss", [])) if blown is None else blown - 1
    if run["reason"] == "early":
        epoch = _best_epoch(run)
    if epoch < 1:
        return
    labels = series_labels(metric)
    keys = [k for k in ("loss", "val_loss", metric, f"val_{metric}") if history.get(k)]
    st.caption(t("training.metrics_of_epoch", epoch=epoch))
    for column, key in zip(st.columns(max(len(keys), 1)), keys, strict=False):
        value = history[key][epoch - 1]
        text = f"{value:.1%}" if metric == "accuracy" and key.endswith(metric) else f"{value:.4g}"
        column.metric(labels[key], text)


def _charts(run: dict) -> None:
    figures = live_figures(run["metric"], per_batch=False)
    history = run["history"]
    for index in range(len(history.get("loss", []))):
        figures.add(index + 1, {key: values[index] for key, values in history.items()})
    if (blown := nan_x(history)) is not None:
        mark_nan(figures, blown)
    for column, figure in zip(st.columns(3), figures.refresh().values(), strict=True):
        column.plotly_chart(figure)


def _validation(run: dict) -> Dataset | None:
    entry = trained_models_for_update().get(run["name"])
    if entry is None:
        return None
    x, y = entry["x_val"], entry["y_val"]
    return Dataset(
        run["preset"], run["problem"], x, y, x, y, run["class_names"], run["feature_names"]
    )


def summary_table(model) -> None:
    """model.summary() as a table with its totals."""
    st.dataframe(
        pd.DataFrame(summary_rows(model)).rename(
            columns={
                "layer": t("training.summary.layer"),
                "type": t("training.summary.type"),
                "output_shape": t("training.summary.output_shape"),
                "params": t("training.summary.params"),
                "connected_to": t("training.summary.connected_to"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    totals = summary_totals(model)
    st.caption(
        t(
            "training.summary.totals",
            total=f"{totals['total']:,}",
            trainable=f"{totals['trainable']:,}",
            non_trainable=f"{totals['non_trainable']:,}",
        )
    )


def _diagnostics(model, data: Dataset, stopped: bool, held_out: bool) -> None:
    found = diagnose(model, data)
    left, right = st.columns([3, 2])
    left.plotly_chart(
        confusion_figure(
            found.confusion,
            data.class_names,
            t("training.confusion"),
            t("training.predicted"),
            t("training.true"),
        )
    )
    right.dataframe(
        pd.DataFrame(
            {
                t("training.class"): list(data.class_names),
                t("training.examples"): found.confusion.sum(axis=1),
                t("training.class_accuracy"): found.per_class,
            }
        ),
        hide_index=True,
        column_config={
            t("training.class_accuracy"): st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0
            )
        },
    )
    right.caption(
        t(
            "training.overall_accuracy" if held_out else "training.overall_accuracy_train",
            accuracy=f"{found.accuracy:.1%}",
            count=len(data.y_val),
        )
    )
    if stopped:
        right.caption(t("training.stopped_weights"))


def _default_rows(run: dict, data: Dataset) -> str:
    examples = presets.preset(run["preset"]).examples or data.x_val[:3].round(3).tolist()
    return "\n".join(", ".join(f"{v:g}" for v in row) for row in examples)


def _predictions(model, run: dict, data: Dataset) -> None:
    """Outputs for rows the student types (one example per line)."""
    if run["preset"] == "mnist-cnn" or data.x_val.ndim != 2:
        guess = np.argmax(predict(model, data.x_val[:10]), axis=1)
        st.dataframe(
            pd.DataFrame(
                {
                    t("training.true"): true_classes(data.y_val[:10], MULTICLASS),
                    t("training.predicted"): guess,
                }
            ).T
        )
        st.caption(t("training.digit_hint"))
        return
    features = data.x_val.shape[1]
    st.caption(t("training.predict_help", features=features, names=", ".join(data.feature_names)))
    text = st.text_area(
        t("training.predict_rows"),
        _default_rows(run, data),
        key=f"training_predict_{run['preset']}",
    )
    try:
        rows = parse_rows(text, features)
    except BadInput as error:
        show_error(error)
        return
    outputs = predict(model, rows)
    table = pd.DataFrame(rows, columns=list(data.feature_names))
    if data.problem == REGRESSION:
        table[t("training.prediction")] = outputs[:, 0]
    elif data.problem == BINARY:
        table[t("training.prediction")] = [data.class_names[int(p >= 0.5)] for p in outputs[:, 0]]
        table[t("training.probability")] = outputs[:, 0]
    else:
        table[t("training.prediction")] = [data.class_names[i] for i in outputs.argmax(axis=1)]
        table[t("training.probability")] = outputs.max(axis=1)
    st.dataframe(table, hide_index=True)


def show_last_run(live: bool) -> None:
    """The newest run: status, final metrics, (charts unless just drawn live), summary, …"""
    run = _last_run()
    if run is None:
        st.info(t("training.no_run"))
        return
    st.subheader(run["name"])
    _status(run)
    _final_metrics(run)
    data = _validation(run)
    if not live and run["history"].get("loss"):
        _charts(run)
        if data is not None and data.x_val.shape[1:] == (2,):
            model = trained_models_for_update()[run["name"]]["model"]
            plane = boundary(model, data.x_val, data.problem)
            st.plotly_chart(dataset_boundary_figure(plane, data))
    if data is None:
        st.caption(t("training.model_dropped"))
        return
    model = trained_models_for_update()[run["name"]]["model"]
    with st.expander(t("training.summary"), expanded=True):
        summary_table(model)
    if run["reason"] == "nan":  # its weights are NaN: every output, so every guess, is junk
        st.info(t("training.nan_no_predict"), icon="ℹ️")
        return
    if data.problem != REGRESSION and run["epochs_done"]:
        held_out = bool(run["history"].get("val_loss"))  # else it validated on its training data
        title = "training.diagnostics" if held_out else "training.diagnostics_train"
        with st.expander(t(title), expanded=True):
            _diagnostics(model, data, stopped=run["reason"] == "stopped", held_out=held_out)
    with st.expander(t("training.predict"), expanded=True):
        _predictions(model, run, data)


def show_comparison() -> None:
    """Overlay a chosen series of earlier runs, and a table of every run's final metrics."""
    runs = _runs()
    if len(runs) < 2:
        return
    st.subheader(t("training.compare"))
    names = [run["name"] for run in runs]
    chosen = st.multiselect(
        t("training.compare_runs"), names, default=names[-3:], key="training_compare"
    )
    keys = ["loss", "val_loss", "metric", "val_metric"]
    series = st.radio(
        t("training.compare_series"),
        keys,
        horizontal=True,
        key="training_compare_series",
        format_func={k: t(f"training.compare.{k}") for k in keys}.get,
    )
    curves = []
    for run in runs:
        key = series.replace("metric", run["metric"])
        if run["name"] in chosen and run["history"].get(key):
            curves.append((run["name"], run["history"][key]))
    st.plotly_chart(
        compare_figure(
            curves,
            t(f"training.compare.{series}"),
            t(f"training.compare.{series}"),
            t("training.axis.epoch"),
        )
    )
    rows = []
    for run in runs:
        history, metric = run["history"], run["metric"]
        rows.append(
            {
                t("training.run"): run["name"],
                t("training.epochs"): run.get("epochs_done", 0),
                t("training.series.loss"): (history.get("loss") or [None])[-1],
                t("training.series.val_loss"): (history.get("val_loss") or [None])[-1],
                t("training.compare.metric"): (history.get(metric) or [None])[-1],
                t("training.compare.val_metric"): (history.get(f"val_{metric}") or [None])[-1],
                t("training.ended"): t(f"training.reason.{run['reason']}"),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def share_link(config: TrainConfig) -> None:
    """The link that opens this page with this whole configuration."""
    st.caption(t("training.share_help"))
    share_box({"lang": current_language(), "train": to_url(config)}, "training", "training_share")
