"""One plain, frozen description of a training experiment.

Everything the student can change lives in `TrainConfig`, so the same value builds the
model, generates the code panel, fills the CLI's run and travels in a shared link
(models/training/link.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from models.training import initializers

# Layers without settings, keeping their input's shape: Keras class, TF.js factory, and
# trainable values per channel of their input (a scale and a shift; BatchNormalization
# also keeps a moving mean and variance). LeakyReLU's slope is the course's α = 0.3.
PLAIN_LAYERS = {
    "batchnorm": ("BatchNormalization", "batchNormalization", 4),
    "layernorm": ("LayerNormalization", "layerNormalization", 2),
    "leakyrelu": ("LeakyReLU", "leakyReLU", 0),
}
# Layers that change each image while training only (models/training/augment.py): Keras class.
# RandomRotation's and RandomZoom's factor is the row's `rate`.
AUGMENTATION_LAYERS = {
    "randomflip": "RandomFlip",
    "randomrotation": "RandomRotation",
    "randomzoom": "RandomZoom",
}
LAYER_KINDS = (
    "dense",
    "conv2d",
    "maxpool",
    "flatten",
    "dropout",
    *PLAIN_LAYERS,
    *AUGMENTATION_LAYERS,
)
ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus")
INITIALIZERS = tuple(initializers.INITIALIZERS)
OPTIMIZERS = ("sgd", "adagrad", "adadelta", "rmsprop", "adam")
SCHEDULES = ("none", "time_decay", "step", "plateau")
MONITORS = ("val_loss", "loss")


@dataclass(frozen=True)
class LayerSpec:
    """One layer as the student sees it: `units` are Dense units or Conv2D filters."""

    kind: str
    units: int = 0
    activation: str = "linear"
    size: int = 0  # Conv2D kernel or MaxPool window
    rate: float = 0.0  # Dropout rate; RandomRotation and RandomZoom factor


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
    initializer: str = initializers.DEFAULT
    l1: float = 0.0
    l2: float = 0.0
    max_norm: float = 0.0  # MaxNorm constraint on each unit's incoming weights; 0 = none
    residual: bool = False  # skip connections, x + f(x), where shapes allow (shapes.py)
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
    early_stopping: int = 0  # patience in epochs, 0 = off; the best epoch's weights are kept


def with_changes(config: TrainConfig, **changes: object) -> TrainConfig:
    """A copy of `config` with some fields changed (the CLI flags, the page's widgets)."""
    return replace(config, **changes)


def is_finite_positive(value: float) -> bool:
    """True for a real number above zero (not NaN, not ∞)."""
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0
