"""From a TrainConfig to a compiled Keras model and the callbacks its schedule needs.

Every choice is a name in a small table, so the page offers exactly what this module
builds, and the code panel (models/training/code.py) writes the same names.
"""

from __future__ import annotations

import keras
import numpy as np

from models.digits.mnist_cnn import build_mnist_cnn
from models.training import augment
from models.training.config import AUGMENTATION_LAYERS, PLAIN_LAYERS, LayerSpec, TrainConfig
from models.training.data import BINARY, MULTICLASS, REGRESSION, Dataset
from models.training.initializers import DEFAULT as DEFAULT_INITIALIZER
from models.training.initializers import INITIALIZERS
from models.training.presets import mnist_cnn_layers
from models.training.shapes import skip_layers

# Losses the lab offers for each kind of problem (only those are valid there).
LOSSES = {
    REGRESSION: (
        "mean_squared_error",
        "mean_squared_logarithmic_error",
        "mean_absolute_error",
    ),
    BINARY: ("binary_crossentropy", "hinge", "squared_hinge"),
    MULTICLASS: (
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "kl_divergence",
    ),
}


def metric_name(problem: str) -> str:
    """The metric logged beside the loss: accuracy for classes, mean absolute error otherwise."""
    return "mae" if problem == REGRESSION else "accuracy"


def targets(loss: str, y: np.ndarray) -> np.ndarray:
    """Labels in the form `loss` expects: class indices for the sparse loss, else as stored."""
    return np.argmax(y, axis=1) if loss == "sparse_categorical_crossentropy" else y


def _regularizer(config: TrainConfig) -> keras.regularizers.Regularizer | None:
    if config.l1 == 0 and config.l2 == 0:
        return None
    return keras.regularizers.L1L2(l1=config.l1, l2=config.l2)


def _is_seed_cnn(config: TrainConfig) -> bool:
    """The unchanged course CNN is built by models/digits/mnist_cnn.py, its one definition."""
    return (
        config.layers == mnist_cnn_layers()
        and config.initializer == DEFAULT_INITIALIZER
        and _regularizer(config) is None
        and not config.max_norm
        and not config.residual
    )


def _layer(spec: LayerSpec, weights: dict) -> keras.layers.Layer:
    """The Keras layer of one LayerSpec; `weights` are the Dense and Conv2D kernel options."""
    if spec.kind == "dense":
        return keras.layers.Dense(spec.units, activation=spec.activation, **weights)
    if spec.kind == "conv2d":
        return keras.layers.Conv2D(spec.units, spec.size, activation=spec.activation, **weights)
    if spec.kind == "maxpool":
        return keras.layers.MaxPooling2D(spec.size)
    if spec.kind == "flatten":
        return keras.layers.Flatten()
    if spec.kind == "dropout":
        return keras.layers.Dropout(spec.rate)
    if spec.kind in AUGMENTATION_LAYERS:
        return augment.keras_layer(spec)
    return getattr(keras.layers, PLAIN_LAYERS[spec.kind][0])()


def _with_skips(
    layers: list[keras.layers.Layer], input_shape: tuple[int, ...], skips: frozenset[int], name: str
) -> keras.Model:
    """The functional API's model (a Sequential cannot branch): the layers in order, with
    `Add()([x, layer(x)])` at each position in `skips`."""
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for index, layer in enumerate(layers):
        x = keras.layers.Add()([x, layer(x)]) if index in skips else layer(x)
    return keras.Model(inputs=inputs, outputs=x, name=name)


def build_layers(config: TrainConfig, input_shape: tuple[int, ...]) -> keras.Model:
    """The uncompiled model: one Keras layer per LayerSpec, in order, and with
    `config.residual` a skip connection around each layer shapes.skip_layers names."""
    if input_shape == (28, 28, 1) and _is_seed_cnn(config):
        return build_mnist_cnn()
    weights = {
        "kernel_initializer": INITIALIZERS[config.initializer].keras,
        "kernel_regularizer": _regularizer(config),
        # The deck's constraints.MaxNorm(max_value=2, axis=0): axis 0 of a Dense kernel is
        # its inputs, so each unit's incoming weights are rescaled to a norm ≤ max_value.
        "kernel_constraint": keras.constraints.MaxNorm(config.max_norm, axis=0)
        if config.max_norm
        else None,
    }
    layers = [_layer(spec, weights) for spec in config.layers]
    name = f"lab_{config.preset.replace('-', '_')}"
    if config.residual:
        return _with_skips(layers, input_shape, skip_layers(config.layers, input_shape), name)
    return keras.Sequential([keras.Input(shape=input_shape), *layers], name=name)


def learning_rate(config: TrainConfig) -> float | keras.optimizers.schedules.LearningRateSchedule:
    """The optimizer's rate: a time-based decay schedule, or the plain number."""
    if config.schedule == "time_decay":
        # lr / (1 + decay · step): the `decay` argument of Keras 2 optimizers.
        return keras.optimizers.schedules.InverseTimeDecay(config.learning_rate, 1, config.decay)
    return config.learning_rate


def optimizer(config: TrainConfig) -> keras.optimizers.Optimizer:
    """The optimizer named in `config` with its parameters."""
    rate = learning_rate(config)
    if config.optimizer == "sgd":
        return keras.optimizers.SGD(rate, momentum=config.momentum, nesterov=config.nesterov)
    if config.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(rate, momentum=config.momentum)
    return {
        "adagrad": keras.optimizers.Adagrad,
        "adadelta": keras.optimizers.Adadelta,
        "adam": keras.optimizers.Adam,
    }[config.optimizer](rate)


def step_drop(config: TrainConfig):
    """The LearningRateScheduler function: multiply by `factor` every `patience` epochs."""
    initial, factor, every = config.learning_rate, config.factor, max(config.patience, 1)

    def schedule(epoch: int, lr: float) -> float:
        return float(initial * factor ** (epoch // every))

    return schedule


def schedule_callbacks(config: TrainConfig) -> list[keras.callbacks.Callback]:
    """The callbacks a schedule needs (time-based decay lives in the optimizer instead)."""
    if config.schedule == "step":
        return [keras.callbacks.LearningRateScheduler(step_drop(config))]
    if config.schedule == "plateau":
        return [
            keras.callbacks.ReduceLROnPlateau(
                monitor=config.monitor,
                factor=config.factor,
                patience=config.patience,
                min_lr=1e-7,
            )
        ]
    return []


def stopping_monitor(validated: bool) -> str:
    """What early stopping watches: the validation loss, or the loss with nothing held out."""
    return "val_loss" if validated else "loss"


def stopping_callbacks(config: TrainConfig, validated: bool) -> list[keras.callbacks.Callback]:
    """EarlyStopping after `early_stopping` epochs without a better loss, the best epoch's
    weights restored (the deck's `restore_best_weights=True`); none when it is 0."""
    if not config.early_stopping:
        return []
    return [
        keras.callbacks.EarlyStopping(
            monitor=stopping_monitor(validated),
            patience=config.early_stopping,
            restore_best_weights=True,
        )
    ]


def build_model(config: TrainConfig, data: Dataset) -> keras.Model:
    """The compiled model for `config` on `data` (validate.check_config has passed)."""
    model = build_layers(config, data.input_shape)
    metric = (
        keras.metrics.MeanAbsoluteError(name="mae") if data.problem == REGRESSION else "accuracy"
    )
    model.compile(optimizer=optimizer(config), loss=config.loss, metrics=[metric])
    return model
