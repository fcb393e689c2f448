"""Each layer's output shape from its input's, and where a skip connection fits.

validate.py walks these shapes to refuse what cannot be built (with a reason per layer);
build.py and code.py ask which layers carry a skip connection (TrainConfig.residual).
"""

from __future__ import annotations

import math

from models.training.config import LayerSpec


def output_shape(spec: LayerSpec, shape: tuple[int, ...]) -> tuple[int, ...]:
    """What one layer makes of an input of `shape` (batch axis left out; Conv2D and MaxPool
    without padding, as the lab builds them)."""
    if spec.kind == "dense":
        return (*shape[:-1], spec.units)
    if spec.kind == "conv2d":
        height, width, _ = shape
        return (height - spec.size + 1, width - spec.size + 1, spec.units)
    if spec.kind == "maxpool":
        height, width, channels = shape
        return (height // spec.size, width // spec.size, channels)
    if spec.kind == "flatten":
        return (math.prod(shape),)
    return shape


def skip_layers(layers: tuple[LayerSpec, ...], input_shape: tuple[int, ...]) -> frozenset[int]:
    """The positions of the layers that get a skip connection, x + f(x): every Dense layer but
    the last (the output) whose output has its input's shape, so the sum needs no projection
    (ResNet's identity shortcut, e.g. a Dense(25) after a Dense(25))."""
    skips, shape = set(), input_shape
    for index, spec in enumerate(layers):
        after = output_shape(spec, shape)
        if spec.kind == "dense" and index < len(layers) - 1 and after == shape:
            skips.add(index)
        shape = after
    return frozenset(skips)
