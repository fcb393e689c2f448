"""`tensor VALUES [--shape 1,4] [--dtype int32]`: rank, shape, size and dtype of a tensor.

VALUES is what the Tensor explorer page accepts: a literal (`"[[1, 2], [3, 4]]"`), a preset
id (`magic`) or a maker (`"fill(7)"` with `--shape`). Bad input exits 2 with the page's
English message, e.g. TF.js's "Based on the provided shape, [1,4], the tensor should have 4
values but has 3".
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from models.tensors.make import Recipe, build, describe


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "tensor", parents=[common], help="rank, shape, size and dtype of a tensor literal"
    )
    p.add_argument("values", help='a literal like "[[1, 2], [3, 4]]", a preset id or a maker')
    p.add_argument("--shape", default="", help="reshape the values, like 1,4")
    p.add_argument("--dtype", default="", help="float32, int32, bool, complex64 or string")
    p.set_defaults(func=run_tensor)


def run_tensor(args: argparse.Namespace) -> Iterator[dict]:
    yield describe(build(Recipe(args.values, args.shape, args.dtype)))
