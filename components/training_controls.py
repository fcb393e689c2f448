"""The Training lab's controls: widgets that hold a TrainConfig, and the link that restores one.

Every widget has a `training_*` key in session state; `apply_config` writes a whole
configuration into those keys (a preset, or a shared `?train=` link), and `read_config`
turns the keys back into a TrainConfig. Values are checked later by models/training/
validate.py, so a typed NaN or a zero batch reaches the student as a sentence.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from components import model_cache
from components.i18n import option_labels, t
from models.errors import BadInput, PlaygroundError
from models.training import presets
from models.training.build import LOSSES
from models.training.config import (
    ACTIVATIONS,
    INITIALIZERS,
    LAYER_KINDS,
    MONITORS,
    OPTIMIZERS,
    SCHEDULES,
    LayerSpec,
    TrainConfig,
)
from models.training.data import PROBLEMS, Dataset, make_dataset
from models.training.link import from_url

LAYER_COLUMNS = ["kind", "units", "activation", "size", "rate"]
_EDITOR = "training_layers_editor"
# widget key → TrainConfig field, for the fields that are stored as they are
_FIELDS = {
    "training_optimizer": "optimizer",
    "training_momentum": "momentum",
    "training_nesterov": "nesterov",
    "training_initializer": "initializer",
    "training_l1": "l1",
    "training_l2": "l2",
    "training_max_norm": "max_norm",
    "training_residual": "residual",
    "training_loss": "loss",
    "training_schedule": "schedule",
    "training_decay": "decay",
    "training_factor": "factor",
    "training_patience": "patience",
    "training_monitor": "monitor",
    "training_epochs": "epochs",
    "training_batch": "batch_size",
    "training_val_split": "validation_split",
    "training_train_size": "train_size",
    "training_per_batch": "per_batch",
    "training_early_stopping": "early_stopping",
}

# TrainConfig field → its control's label: a translation key, or the name the control shows
_LABEL_KEYS = {
    "learning_rate": "training.learning_rate",
    "momentum": "training.momentum",
    "decay": "training.decay",
    "factor": "training.factor",
    "patience": "training.patience",
    "early_stopping": "training.early_stopping",
    "validation_split": "training.val_split",
}
_NAMES = {"l1": "L1", "l2": "L2", "max_norm": "MaxNorm"}


def labelled(error: PlaygroundError) -> PlaygroundError:
    """`error` naming the control a student sees ("Tasa de aprendizaje", "MaxNorm") instead of
    the configuration field it checked (`learning_rate`, `max_norm`)."""
    name = error.params.get("name")
    if error.code != "training_parameter" or not isinstance(name, str):
        return error
    label = t(_LABEL_KEYS[name]) if name in _LABEL_KEYS else _NAMES.get(name, name)
    return type(error)(error.message, code=error.code, **{**error.params, "name": label})


def layers_frame(layers: tuple[LayerSpec, ...]) -> pd.DataFrame:
    """The layers as the editable table's rows."""
    rows = [[s.kind, s.units, s.activation, s.size, s.rate] for s in layers]
    return pd.DataFrame(rows, columns=LAYER_COLUMNS)


def apply_config(config: TrainConfig) -> None:
    """Write `config` into the widgets' keys (before they are drawn on this run)."""
    state = st.session_state
    state["training_preset"] = config.preset
    for key, name in _FIELDS.items():
        state[key] = getattr(config, name)
    state["training_lr"] = f"{config.learning_rate:g}"
    state["training_layers"] = layers_frame(config.layers)
    state.pop(_EDITOR, None)  # forget edits made to the previous table


def keep_hidden_settings() -> None:
    """Keep the settings of controls this run may not draw (momentum once Adam is chosen,
    the decay once the schedule changes…): Streamlit forgets the state of a widget that a
    run does not draw, so each run hands every setting back to session state as its own."""
    state = st.session_state
    for key in (*_FIELDS, "training_lr"):
        if key in state:
            state[key] = state[key]


def _on_preset_change() -> None:
    apply_config(presets.preset(st.session_state["training_preset"]).config)


def apply_link_once() -> None:
    """Restore `?train=` once per distinct link; a garbled link leaves a message, not a crash."""
    text = st.query_params.get("train")
    state = st.session_state
    if text and state.get("training_link_applied") != text:
        state["training_link_applied"] = text
        try:
            config = from_url(text)
            presets.preset(config.preset)
            apply_config(config)
            state["training_link_status"] = None
        except BadInput as error:
            state["training_link_status"] = labelled(error)
    if "training_preset" not in state:
        apply_config(presets.preset("linear").config)
    keep_hidden_settings()


def _number(value: object) -> float:
    """A cell of the layer table as a number; blank cells are 0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def _layer(row: pd.Series) -> LayerSpec:
    kind = row["kind"] if isinstance(row["kind"], str) else ""
    activation = row["activation"] if isinstance(row["activation"], str) else "linear"
    units, size = _number(row["units"]), _number(row["size"])
    return LayerSpec(kind, int(units), activation, int(size), _number(row["rate"]))


def parse_rate(text: str) -> float:
    """The typed learning rate; BadInput if it is not a number at all ("nan" is, and is refused
    later with the same message as 0 or ∞)."""
    try:
        return float(str(text).strip().replace(",", "."))
    except ValueError as exc:
        raise BadInput(
            f"the learning rate must be a number, not {text!r}",
            code="training_learning_rate",
            value=text,
        ) from exc


def read_config(layers: pd.DataFrame) -> TrainConfig:
    """The configuration the widgets show now (the layer table as edited)."""
    state = st.session_state
    preset = presets.preset(state["training_preset"]).config
    values = {name: state[key] for key, name in _FIELDS.items()}
    for name in ("epochs", "batch_size", "patience", "train_size", "early_stopping"):
        values[name] = int(values[name]) if _number(values[name]) == values[name] else -1
    rows = layers.dropna(how="all")
    return TrainConfig(
        preset=preset.preset,
        dataset=preset.dataset,
        layers=tuple(_layer(row) for _, row in rows.iterrows()),
        learning_rate=parse_rate(state["training_lr"]),
        **values,
    )


def preset_picker() -> str:
    """The preset select box; changing it loads that preset's whole configuration."""
    return st.selectbox(
        t("training.preset"),
        list(presets.PRESETS),
        format_func=option_labels(presets.PRESETS, "training.preset"),
        key="training_preset",
        on_change=_on_preset_change,
    )


def layer_editor() -> pd.DataFrame:
    """The layers as an editable table (add or delete rows, change kinds and units), and
    whether hidden Dense layers get skip connections."""
    st.caption(t("training.layers_help"))
    edited = st.data_editor(
        st.session_state["training_layers"],
        key=_EDITOR,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        # the names first: in the narrow controls column the numbers scroll, not the names
        column_order=("kind", "activation", "units", "size", "rate"),
        column_config={
            "kind": st.column_config.SelectboxColumn(
                t("training.layer.kind"), options=list(LAYER_KINDS), required=True, width="small"
            ),
            "units": st.column_config.NumberColumn(
                t("training.layer.units"),
                min_value=0,
                step=1,
                help=t("training.layer.units_help"),
                width="small",
            ),
            "activation": st.column_config.SelectboxColumn(
                t("training.layer.activation"), options=list(ACTIVATIONS), width="small"
            ),
            "size": st.column_config.NumberColumn(
                t("training.layer.size"),
                min_value=0,
                step=1,
                help=t("training.layer.size_help"),
                width="small",
            ),
            "rate": st.column_config.NumberColumn(
                t("training.layer.rate"),
                min_value=0.0,
                max_value=0.99,
                step=0.05,
                help=t("training.layer.rate_help"),
                width="small",
            ),
        },
    )
    st.checkbox(t("training.residual"), key="training_residual", help=t("training.residual_help"))
    return edited


def optimizer_controls(problem: str) -> None:
    """Loss (only those valid for the problem), optimizer, its parameters, initializer, L1/L2."""
    losses = list(LOSSES[problem])
    if st.session_state.get("training_loss") not in losses:
        st.session_state["training_loss"] = losses[0]
    st.selectbox(
        t("training.loss"),
        losses,
        key="training_loss",
        format_func=option_labels(losses, "training.loss"),
    )
    left, right = st.columns(2)
    left.selectbox(
        t("training.optimizer"),
        list(OPTIMIZERS),
        key="training_optimizer",
        format_func=option_labels(OPTIMIZERS, "training.optimizer"),
    )
    right.text_input(
        t("training.learning_rate"), key="training_lr", help=t("training.learning_rate_help")
    )
    optimizer = st.session_state["training_optimizer"]
    if optimizer in ("sgd", "rmsprop"):
        left.number_input(t("training.momentum"), key="training_momentum", step=0.1, format="%g")
    if optimizer == "sgd":
        right.checkbox(t("training.nesterov"), key="training_nesterov")
    st.selectbox(
        t("training.initializer"),
        list(INITIALIZERS),
        key="training_initializer",
        help=t("training.initializer_help"),
    )
    left, right = st.columns(2)
    left.number_input(_NAMES["l1"], key="training_l1", step=0.001, format="%g")
    right.number_input(_NAMES["l2"], key="training_l2", step=0.001, format="%g")
    left.number_input(
        _NAMES["max_norm"],
        key="training_max_norm",
        step=0.5,
        format="%g",
        help=t("training.max_norm_help"),
    )


def schedule_controls() -> None:
    """None, time-based decay, a step LearningRateScheduler, or ReduceLROnPlateau."""
    schedule = st.selectbox(
        t("training.schedule"),
        list(SCHEDULES),
        key="training_schedule",
        format_func=option_labels(SCHEDULES, "training.schedule"),
    )
    left, right = st.columns(2)
    if schedule == "time_decay":
        left.number_input(t("training.decay"), key="training_decay", step=0.001, format="%g")
    if schedule in ("step", "plateau"):
        left.number_input(t("training.factor"), key="training_factor", step=0.1, format="%g")
        label = "training.every" if schedule == "step" else "training.patience"
        right.number_input(t(label), key="training_patience", step=1)
    if schedule == "plateau":
        st.selectbox(t("training.monitor"), list(MONITORS), key="training_monitor")
    st.caption(t(f"training.schedule_help.{schedule}"))


def fit_controls(preset_id: str) -> None:
    """Epochs, batch size, validation split, training-set size and per-batch charts."""
    dataset = presets.preset(preset_id).config.dataset
    left, right = st.columns(2)
    left.number_input(t("training.epochs"), key="training_epochs", step=1)
    right.number_input(t("training.batch_size"), key="training_batch", step=1)
    if dataset in ("iris", "regression", "circles", "blobs"):
        st.slider(t("training.val_split"), 0.0, 0.8, key="training_val_split", step=0.05)
    if dataset != "linear":
        st.number_input(
            t("training.train_size"),
            key="training_train_size",
            step=100,
            help=t("training.train_size_help"),
        )
    st.number_input(
        t("training.early_stopping"),
        key="training_early_stopping",
        min_value=0,
        step=1,
        help=t("training.early_stopping_help"),
    )
    st.checkbox(t("training.per_batch"), key="training_per_batch")


def dataset_for(config: TrainConfig) -> Dataset:
    """The configuration's data, with MNIST and Iris from the process-wide cache."""
    return make_dataset(
        config.dataset,
        config.validation_split,
        config.train_size,
        mnist_raw=model_cache.mnist() if config.dataset == "mnist" else None,
        iris_frame=model_cache.iris() if config.dataset == "iris" else None,
    )


def problem_of(preset_id: str) -> str:
    return PROBLEMS[presets.preset(preset_id).config.dataset]
