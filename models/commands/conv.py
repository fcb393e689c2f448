"""`conv`: a conv or pooling layer's arithmetic, or a filter run on an image.

- `conv --input H W C (--filters K | --pool max|avg) --kernel F --stride S --padding
  valid|same [--dilation D] --json` prints {"output_shape": [H', W', K], "params": N,
  "formula": "..."}: the shape and parameter count Keras builds for that layer, and the
  deck's formula with these numbers.
- `conv IMAGE --filter NAME|"r1; r2; …" [--stride S] [--padding P] [--dilation D] [--relu]
  --out FILE.png` applies the filter with tf.nn.conv2d and writes the result; prints
  {"file", "out", "input_shape", "output_shape", "shrunk"}.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from models.conv.arithmetic import (
    AVG_POOL,
    CONV,
    MAX_POOL,
    Layer,
    check_input,
    formula,
    output_shape,
    params,
)
from models.errors import BadInput


def _padding(text: str) -> str | int:
    return int(text) if text.isdigit() else text


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("conv", parents=[common], help="conv/pool arithmetic, or a filter")
    p.add_argument("image", nargs="?", type=Path, help="an image to filter (with --filter)")
    p.add_argument("--input", nargs=3, type=int, metavar=("H", "W", "C"), help="input shape")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--filters", type=int, help="a Conv2D layer with K filters")
    group.add_argument("--pool", choices=("max", "avg"), help="a pooling layer")
    p.add_argument("--kernel", type=int, default=3, help="kernel or window size F (3)")
    p.add_argument("--stride", type=int, default=1, help="stride S (1)")
    p.add_argument("--padding", type=_padding, default="valid", help="valid, same or pixels")
    p.add_argument("--dilation", type=int, default=1, help="dilation D (1)")
    p.add_argument("--filter", help="a named filter (sobel_x, blur, …) or a matrix 'a b c; …'")
    p.add_argument("--relu", action="store_true", help="ReLU after the convolution")
    p.add_argument("--out", type=Path, help="where to write the filtered image (PNG)")
    p.set_defaults(func=run_conv)


def run_conv(args: argparse.Namespace) -> Iterator[dict]:
    if args.image is not None:
        yield _apply(args)
        return
    if args.input is None or (args.filters is None and args.pool is None):
        raise BadInput(
            "Give --input H W C and --filters K or --pool max|avg (or an IMAGE and --filter).",
            code="conv_usage",
        )
    kind = CONV if args.filters is not None else {"max": MAX_POOL, "avg": AVG_POOL}[args.pool]
    layer = Layer(kind, args.filters or 1, args.kernel, args.stride, args.padding, args.dilation)
    shape = check_input(tuple(args.input))
    out = output_shape(layer, shape)
    yield {
        "output_shape": list(out),
        "params": params(layer, shape[2]),
        "formula": f"H: {formula(layer, shape[0])}; W: {formula(layer, shape[1])}",
    }


def _apply(args: argparse.Namespace) -> dict:
    import cv2
    import numpy as np

    from models.conv.filters import (
        FILTERS,
        convolve,
        named_filter,
        parse_filter,
        shrink,
        to_picture,
    )
    from models.vision.images import decode_image_file

    if not args.filter or args.out is None:
        raise BadInput("Filtering an image needs --filter and --out FILE.png.", code="conv_usage")
    kernel = named_filter(args.filter) if args.filter in FILTERS else parse_filter(args.filter)
    pixels, shrunk = shrink(decode_image_file(args.image))
    layer = Layer(CONV, 1, kernel.shape[0], args.stride, args.padding, args.dilation)
    out = convolve(pixels.astype(np.float32), kernel, layer)
    if args.relu:
        out = np.maximum(out, 0)
    picture = to_picture(out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.out), cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    return {
        "file": str(args.image),
        "out": str(args.out),
        "input_shape": list(pixels.shape),
        "output_shape": list(out.shape),
        "shrunk": shrunk,
    }
