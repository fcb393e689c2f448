"""Refusals before training starts: each bad parameter gets its own code and a plain reason.

Checking here, on plain numbers and a walk over the layer shapes, means the student reads
"the kernel 5 is larger than the 3×3 image at layer 4" instead of a Keras stack trace
halfway through `model.fit`, and nothing is built or trained for a configuration that
cannot work.
"""

from __future__ import annotations

import math

from models.errors import BadInput
from models.training.build import LOSSES
from models.training.config import (
    ACTIVATIONS,
    AUGMENTATION_LAYERS,
    INITIALIZERS,
    LAYER_KINDS,
    MONITORS,
    OPTIMIZERS,
    PLAIN_LAYERS,
    SCHEDULES,
    LayerSpec,
    TrainConfig,
)
from models.training.data import Dataset
from models.training.shapes import output_shape, skip_layers

MAX_EPOCHS = 2000
MAX_BATCH = 65_536
MAX_LAYERS = 24
MAX_UNITS = 4096
MAX_PARAMS = 3_000_000  # weights; more would not train interactively on a shared CPU


def _finite(value: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _range(name: str, value: float, low: float, high: float, closed_high: bool = False) -> None:
    """BadInput training_parameter unless low ≤ value < high (≤ high if closed_high)."""
    ok = _finite(value) and low <= value and (value <= high if closed_high else value < high)
    if not ok:
        raise BadInput(
            f"{name} must be a number from {low} to {high}, not {value}",
            code="training_parameter",
            name=name,
            value=value,
            low=low,
            high=high,
        )


def check_fit(config: TrainConfig) -> None:
    """Epochs, batch size, learning rate and the other plain numbers of the run."""
    if not isinstance(config.epochs, int) or not 0 < config.epochs <= MAX_EPOCHS:
        raise BadInput(
            f"epochs must be a whole number from 1 to {MAX_EPOCHS}, not {config.epochs}",
            code="training_epochs",
            value=config.epochs,
            high=MAX_EPOCHS,
        )
    if not isinstance(config.batch_size, int) or not 0 < config.batch_size <= MAX_BATCH:
        raise BadInput(
            f"the batch size must be a whole number from 1 to {MAX_BATCH}, not {config.batch_size}",
            code="training_batch_size",
            value=config.batch_size,
            high=MAX_BATCH,
        )
    if not _finite(config.learning_rate) or config.learning_rate <= 0:
        raise BadInput(
            f"the learning rate must be a number above 0, not {config.learning_rate}",
            code="training_learning_rate",
            value=config.learning_rate,
        )
    _range("learning_rate", config.learning_rate, 0, 1000, closed_high=True)
    _range("validation_split", config.validation_split, 0, 0.9)
    _range("momentum", config.momentum, 0, 1)
    _range("l1", config.l1, 0, 1, closed_high=True)
    _range("l2", config.l2, 0, 1, closed_high=True)
    _range("max_norm", config.max_norm, 0, 100, closed_high=True)
    _range("decay", config.decay, 0, 10, closed_high=True)
    _range("factor", config.factor, 0.01, 1)
    _range("patience", config.patience, 1, 1000, closed_high=True)
    _range("early_stopping", config.early_stopping, 0, 1000, closed_high=True)  # 0 = off
    if not isinstance(config.train_size, int) or config.train_size < 0:
        raise BadInput(
            f"the training-set size must be 0 (all) or more, not {config.train_size}",
            code="training_parameter",
            name="train_size",
            value=config.train_size,
            low=0,
            high="∞",
        )


def _option(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise BadInput(
            f"unknown {name} {value!r}; choose one of {', '.join(choices)}",
            code="training_option",
            name=name,
            value=value,
            choices=", ".join(choices),
        )


def check_choices(config: TrainConfig, problem: str) -> None:
    """Optimizer, initializer, schedule and a loss that is valid for this kind of problem."""
    _option("optimizer", config.optimizer, OPTIMIZERS)
    _option("initializer", config.initializer, INITIALIZERS)
    _option("schedule", config.schedule, SCHEDULES)
    _option("monitor", config.monitor, MONITORS)
    if config.loss not in LOSSES[problem]:
        raise BadInput(
            f"the loss {config.loss!r} does not fit a {problem} problem; "
            f"use one of {', '.join(LOSSES[problem])}",
            code="training_loss",
            loss=config.loss,
            problem=problem,
            choices=", ".join(LOSSES[problem]),
        )


def _layer_error(index: int, spec: LayerSpec, reason: str, code: str, **params) -> BadInput:
    return BadInput(
        f"layer {index} ({spec.kind}): {reason}",
        code=code,
        index=index,
        kind=spec.kind,
        **params,
    )


def _next_shape(index: int, spec: LayerSpec, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The output shape of one layer, or BadInput saying why it cannot take `shape`."""
    if spec.kind in ("dense", "conv2d") and not 0 < spec.units <= MAX_UNITS:
        raise _layer_error(
            index, spec, f"units must be 1 to {MAX_UNITS}", "training_units", high=MAX_UNITS
        )
    if spec.kind in ("dense", "conv2d"):
        _option("activation", spec.activation, ACTIVATIONS)
    if spec.kind in ("conv2d", "maxpool", *AUGMENTATION_LAYERS) and len(shape) != 3:
        raise _layer_error(
            index,
            spec,
            f"needs images (height, width, channels), gets shape {shape}",
            "training_needs_image",
            shape=str(shape),
        )
    if spec.kind in ("conv2d", "maxpool"):
        height, width, _ = shape
        if not 0 < spec.size <= min(height, width):
            raise _layer_error(
                index,
                spec,
                f"window {spec.size} does not fit the {height}×{width} input",
                "training_window",
                size=spec.size,
                height=height,
                width=width,
            )
    if spec.kind == "dropout" and not (_finite(spec.rate) and 0 <= spec.rate < 1):
        raise _layer_error(index, spec, "rate must be from 0 to below 1", "training_dropout")
    factored = spec.kind in ("randomrotation", "randomzoom")
    if factored and not (_finite(spec.rate) and 0 < spec.rate < 1):
        raise _layer_error(
            index, spec, "the factor (rate) must be above 0 and below 1", "training_augment_factor"
        )
    return output_shape(spec, shape)


def _weights(spec: LayerSpec, shape: tuple[int, ...]) -> int:
    if spec.kind == "dense":
        return (shape[-1] + 1) * spec.units
    if spec.kind == "conv2d":
        return (spec.size * spec.size * shape[-1] + 1) * spec.units
    if spec.kind in PLAIN_LAYERS:
        return PLAIN_LAYERS[spec.kind][2] * shape[-1]
    return 0


def check_architecture(config: TrainConfig, data: Dataset) -> tuple[int, ...]:
    """Walk the layer shapes from the data's input to the output; returns the output shape."""
    if not config.layers:
        raise BadInput("the model has no layers", code="training_no_layers")
    if len(config.layers) > MAX_LAYERS:
        raise BadInput(
            f"at most {MAX_LAYERS} layers", code="training_too_many_layers", high=MAX_LAYERS
        )
    shape, params = data.input_shape, 0
    for index, spec in enumerate(config.layers, start=1):
        _option("layer", spec.kind, LAYER_KINDS)
        next_shape = _next_shape(index, spec, shape)
        params += _weights(spec, shape)
        shape = next_shape
    if params > MAX_PARAMS:
        raise BadInput(
            f"the model has {params:,} weights; at most {MAX_PARAMS:,} train here",
            code="training_too_big",
            params=params,
            high=MAX_PARAMS,
        )
    if shape != (data.outputs,):
        raise BadInput(
            f"the model outputs shape {shape} but the {data.name} labels need ({data.outputs},)"
            + ("; add a Flatten layer before the Dense layers" if len(shape) > 1 else ""),
            code="training_output_shape" if len(shape) == 1 else "training_needs_flatten",
            shape=str(shape),
            outputs=data.outputs,
            dataset=data.name,
        )
    if config.residual and not skip_layers(config.layers, data.input_shape):
        raise BadInput(
            "a skip connection adds a layer's input to its output, so it needs a hidden "
            "Dense layer with as many units as its input has features "
            "(e.g. a Dense(25) after a Dense(25))",
            code="training_no_skip",
        )
    return shape


def check_config(config: TrainConfig, data: Dataset) -> None:
    """Every refusal, cheapest first; returns quietly when the run can start."""
    check_fit(config)
    check_choices(config, data.problem)
    check_architecture(config, data)
