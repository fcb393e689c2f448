"""Output sizes and parameter counts of conv and pooling layers, as Keras builds them.

The deck's formula for one side: out = (N − F + 2P) / S + 1, rounded down, with a dilated
kernel covering D·(F − 1) + 1 pixels instead of F. Keras's "valid" is P = 0; "same" pads so
that out = ⌈N / S⌉ (TensorFlow puts the odd pixel of padding at the bottom/right). Parameter
counts: Conv2D (F·F·C + 1)·K, SeparableConv2D F·F·C + C·K + K (a depthwise F×F filter per
channel, then a 1×1 conv), DepthwiseConv2D (F·F + 1)·C, pooling none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from models.errors import BadInput

CONV, SEPARABLE, DEPTHWISE = "conv2d", "separable_conv2d", "depthwise_conv2d"
MAX_POOL, AVG_POOL, GLOBAL_AVG = "max_pool", "avg_pool", "global_avg_pool"
LAYER_KINDS = (CONV, SEPARABLE, DEPTHWISE, MAX_POOL, AVG_POOL, GLOBAL_AVG)
VALID, SAME = "valid", "same"
MAX_SIDE = 4096


@dataclass(frozen=True)
class Layer:
    """One layer: its kind, filters K (conv only), kernel/window F, stride S, padding
    ("valid", "same" or a number of pixels P on each side) and dilation D."""

    kind: str
    filters: int = 1
    kernel: int = 3
    stride: int = 1
    padding: str | int = VALID
    dilation: int = 1

    def __post_init__(self) -> None:
        if self.kind not in LAYER_KINDS:
            raise BadInput(
                f"Unknown layer '{self.kind}'. Use one of: {', '.join(LAYER_KINDS)}.",
                code="conv_unknown_layer",
                kind=self.kind,
                choices=", ".join(LAYER_KINDS),
            )
        for name, value, low in (
            ("filters", self.filters, 1),
            ("kernel", self.kernel, 1),
            ("stride", self.stride, 1),
            ("dilation", self.dilation, 1),
        ):
            if not isinstance(value, int) or value < low or value > 4096:
                raise BadInput(
                    f"The {name} must be a whole number from {low} to 4096, not {value}.",
                    code="conv_bad_number",
                    name=name,
                    value=value,
                    low=low,
                )
        if isinstance(self.padding, int):
            if self.padding < 0 or self.padding > 1024:
                raise BadInput(
                    f"Padding must be 0–1024 pixels, not {self.padding}.",
                    code="conv_bad_padding",
                    value=self.padding,
                )
        elif self.padding not in (VALID, SAME):
            raise BadInput(
                f"Padding must be 'valid', 'same' or a number of pixels, not {self.padding!r}.",
                code="conv_bad_padding",
                value=self.padding,
            )
        if self.dilation > 1 and self.stride > 1:
            raise BadInput(
                "TensorFlow does not combine a dilation above 1 with a stride above 1: set one "
                "of them to 1.",
                code="conv_dilation_and_stride",
            )

    @property
    def is_conv(self) -> bool:
        return self.kind in (CONV, SEPARABLE, DEPTHWISE)

    @property
    def span(self) -> int:
        """The pixels the (dilated) kernel covers along one side: D·(F − 1) + 1."""
        return self.dilation * (self.kernel - 1) + 1


def pad_amount(layer: Layer, side: int) -> tuple[int, int]:
    """(before, after) pixels of zero padding on one side of `side` pixels."""
    if layer.padding == VALID:
        return 0, 0
    if layer.padding == SAME:
        out = math.ceil(side / layer.stride)
        total = max((out - 1) * layer.stride + layer.span - side, 0)
        return total // 2, total - total // 2
    return int(layer.padding), int(layer.padding)


def out_side(layer: Layer, side: int) -> int:
    """One side of the output: ⌊(N + 2P − D·(F − 1) − 1) / S⌋ + 1 (⌈N / S⌉ for "same")."""
    if layer.kind == GLOBAL_AVG:
        return 1
    before, after = pad_amount(layer, side)
    padded = side + before + after
    if padded < layer.span:
        raise BadInput(
            f"A {layer.span}-pixel kernel does not fit in {padded} pixels (the input padded): "
            "use a smaller kernel, padding, or fewer layers before it.",
            code="conv_kernel_too_big",
            span=layer.span,
            padded=padded,
        )
    return (padded - layer.span) // layer.stride + 1


def formula(layer: Layer, side: int) -> str:
    """The deck's formula with the student's numbers, for one side."""
    if layer.kind == GLOBAL_AVG:
        return f"global pooling: {side} → 1"
    before, after = pad_amount(layer, side)
    f = layer.kernel if layer.dilation == 1 else f"{layer.dilation}·({layer.kernel}−1)+1"
    padding = f"{before}+{after}" if before != after else f"2·{before}"
    return f"⌊({side} − {f} + {padding}) / {layer.stride}⌋ + 1 = {out_side(layer, side)}"


def output_shape(layer: Layer, shape: tuple[int, int, int]) -> tuple[int, int, int]:
    """(H', W', C') of the layer on an (H, W, C) input."""
    height, width, channels = shape
    if layer.kind == GLOBAL_AVG:
        return 1, 1, channels
    depth = layer.filters if layer.kind in (CONV, SEPARABLE) else channels
    return out_side(layer, height), out_side(layer, width), depth


def params(layer: Layer, channels: int) -> int:
    """The layer's weights and biases on C input channels, as model.summary() counts them."""
    f, k = layer.kernel, layer.filters
    if layer.kind == CONV:
        return (f * f * channels + 1) * k
    if layer.kind == SEPARABLE:
        return f * f * channels + channels * k + k
    if layer.kind == DEPTHWISE:
        return (f * f + 1) * channels
    return 0


def check_input(shape: tuple[int, int, int]) -> tuple[int, int, int]:
    if len(shape) != 3 or any(not isinstance(v, int) or not 1 <= v <= MAX_SIDE for v in shape):
        raise BadInput(
            f"The input must be three whole numbers H W C from 1 to {MAX_SIDE}, not {shape}.",
            code="conv_bad_input",
            shape=str(shape),
        )
    return shape


@dataclass(frozen=True)
class Row:
    """One layer of a stack with what it makes: output shape and parameters."""

    layer: Layer
    input_shape: tuple[int, int, int]
    output_shape: tuple[int, int, int]
    params: int


def stack(layers: list[Layer], shape: tuple[int, int, int]) -> list[Row]:
    """Each layer's output shape and parameter count, one after the other."""
    rows, current = [], check_input(shape)
    for layer in layers:
        out = output_shape(layer, current)
        rows.append(Row(layer, current, out, params(layer, current[2])))
        current = out
    return rows


def keras_layer(layer: Layer):
    """The same layer in Keras (explicit padding as a ZeroPadding2D before a "valid" one)."""
    import keras

    padding = layer.padding if layer.padding in (VALID, SAME) else VALID
    kinds = {
        CONV: lambda: keras.layers.Conv2D(
            layer.filters, layer.kernel, layer.stride, padding, dilation_rate=layer.dilation
        ),
        SEPARABLE: lambda: keras.layers.SeparableConv2D(
            layer.filters, layer.kernel, layer.stride, padding, dilation_rate=layer.dilation
        ),
        DEPTHWISE: lambda: keras.layers.DepthwiseConv2D(
            layer.kernel, layer.stride, padding, dilation_rate=layer.dilation
        ),
        MAX_POOL: lambda: keras.layers.MaxPooling2D(layer.kernel, layer.stride, padding),
        AVG_POOL: lambda: keras.layers.AveragePooling2D(layer.kernel, layer.stride, padding),
        GLOBAL_AVG: lambda: keras.layers.GlobalAveragePooling2D(keepdims=True),
    }
    built = [kinds[layer.kind]()]
    if isinstance(layer.padding, int) and layer.padding:
        built.insert(0, keras.layers.ZeroPadding2D(layer.padding))
    return built


def keras_stack(layers: list[Layer], shape: tuple[int, int, int]):
    """The stack as a Keras model: what model.summary() reports, to check `stack` against."""
    import keras

    model = keras.Sequential([keras.Input(shape)])
    for layer in layers:
        for built in keras_layer(layer):
            model.add(built)
    return model
