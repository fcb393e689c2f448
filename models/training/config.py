"""One plain, frozen description of a training experiment, and its round trip through a URL.

Everything the student can change lives in `TrainConfig`, so the same value builds the
model, generates the code panel, fills the CLI's run and travels in a shared link.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields, replace

from models.errors import BadInput

LAYER_KINDS = ("dense", "conv2d", "maxpool", "flatten", "dropout", "batchnorm")
ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus")
INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_normal",
    "random_normal",
    "zeros",
)
OPTIMIZERS = ("sgd", "adagrad", "adadelta", "rmsprop", "adam")
SCHEDULES = ("none", "time_decay", "step", "plateau")
MONITORS = ("val_loss", "loss")
MAX_URL_CHARS = 4000  # a shared configuration longer than this is refused unread


@dataclass(frozen=True)
class LayerSpec:
    """One layer as the student sees it: `units` are Dense units or Conv2D filters."""

    kind: str
    units: int = 0
    activation: str = "linear"
    size: int = 0  # Conv2D kernel or MaxPool window
    rate: float = 0.0  # Dropout rate


@dataclass(frozen=True)
class TrainConfig:
    """A whole experiment: data, layers, loss, optimizer, schedule and the fit arguments."""

    preset: str
    dataset: str
    layers: tuple[LayerSpec, ...]
    loss: str
    optimizer: str = "adam"
    learning_rate: float = 0.001
    momentum: float = 0.0
    nesterov: bool = False
    initializer: str = "glorot_uniform"
    l1: float = 0.0
    l2: float = 0.0
    schedule: str = "none"
    decay: float = 0.01  # time-based decay per step
    factor: float = 0.1  # step drop and ReduceLROnPlateau factor (the deck's factor=0.1)
    patience: int = 5  # epochs between step drops, or ReduceLROnPlateau patience
    monitor: str = "val_loss"
    epochs: int = 10
    batch_size: int = 32
    validation_split: float = 0.2
    train_size: int = 0  # 0 = every training example
    per_batch: bool = False


def with_changes(config: TrainConfig, **changes: object) -> TrainConfig:
    """A copy of `config` with some fields changed (the CLI flags, the page's widgets)."""
    return replace(config, **changes)


def to_url(config: TrainConfig) -> str:
    """The configuration as compact JSON for `?train=` in a shared link."""
    data = asdict(config)
    data["layers"] = [
        {k: v for k, v in asdict(layer).items() if v != getattr(_DEFAULT_LAYER, k)}
        | {"kind": layer.kind}
        for layer in config.layers
    ]
    # NaN and ∞ stay in the link (Python JSON reads them back) so that a shared experiment
    # shows the same refusal as the page that made it.
    return json.dumps(data, separators=(",", ":"))


_DEFAULT_LAYER = LayerSpec(kind="dense")
_SCALARS = {f.name: f.type for f in fields(TrainConfig) if f.name != "layers"}


def _coerce(name: str, value: object, kind: str) -> object:
    """`value` as the field's type; BadInput if it is not one (a NaN stays, validate refuses it)."""
    try:
        if kind == "int":
            if isinstance(value, bool) or float(value) != int(value):
                raise ValueError
            return int(value)
        if kind == "float":
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValueError
            return value
        if not isinstance(value, str):
            raise ValueError
        return value
    except (TypeError, ValueError, OverflowError) as exc:
        raise BadInput(
            f"the shared configuration has a bad value for {name}: {value!r}",
            code="training_bad_link",
            field=name,
        ) from exc


def from_url(text: str) -> TrainConfig:
    """The configuration of a shared link; BadInput (never an exception of json) if garbled."""
    if len(text) > MAX_URL_CHARS:
        raise BadInput("the shared configuration is too long", code="training_bad_link", field="-")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadInput(
            "the shared configuration is not valid JSON", code="training_bad_link", field="-"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
        raise BadInput(
            "the shared configuration has no layers", code="training_bad_link", field="layers"
        )
    unknown = set(data) - set(_SCALARS) - {"layers"}
    if unknown:
        name = sorted(unknown)[0]
        raise BadInput(
            f"unknown field {name!r} in the shared configuration",
            code="training_bad_link",
            field=name,
        )
    values = {
        name: _coerce(name, value, _SCALARS[name])
        for name, value in data.items()
        if name != "layers"
    }
    layers = []
    layer_types = {f.name: f.type for f in fields(LayerSpec)}
    for item in data["layers"][:64]:
        if not isinstance(item, dict) or set(item) - set(layer_types):
            raise BadInput(
                "a layer of the shared configuration is garbled",
                code="training_bad_link",
                field="layers",
            )
        layers.append(LayerSpec(**{k: _coerce(k, v, layer_types[k]) for k, v in item.items()}))
    missing = {"preset", "dataset", "loss"} - set(values)
    if missing:
        name = sorted(missing)[0]
        raise BadInput(
            f"the shared configuration lacks {name}", code="training_bad_link", field=name
        )
    return TrainConfig(layers=tuple(layers), **values)


def is_finite_positive(value: float) -> bool:
    """True for a real number above zero (not NaN, not ∞)."""
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0
