"""`python -m bench tensors`: how long the Tensor explorer takes at the size limit, and RSS.

The page allows 1,000,000 elements. For a tensor of that size (1000 × 1000 float32) this
times building it, each operation, printing it, and the drawings' figure builders; it
also times refusing a tensor far over the limit (which must not allocate), and the RSS
growth over repeated builds and operations (which should stay flat: nothing accumulates).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import psutil

from models.errors import BadInput
from models.tensors.make import Recipe, build
from models.tensors.operations import apply
from models.tensors.printing import python_print, tfjs_print

OPERATIONS = [
    ("add", "[1.0]"),
    ("matmul", "[" + ", ".join(["[1.0]"] * 1000) + "]"),
    ("reshape", "-1"),
    ("transpose", ""),
    ("slice", "t[::-1, ::2]"),
    ("softmax", "-1"),
    ("argmax", "0"),
    ("reduce_sum", "1"),
    ("cast", "int32"),
]


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("tensors", parents=[common], help="Tensor explorer at the limit")
    p.add_argument("--repeats", type=int, default=5, help="timed runs of each step")
    p.set_defaults(func=run)


def _median_ms(step: Callable[[], object], repeats: int) -> float:
    step()  # warm-up, not counted
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        samples.append((time.perf_counter() - start) * 1000)
    return round(float(np.median(samples)), 2)


def _refuse() -> None:
    try:
        build(Recipe("normal(0, 1, 1)", "100000,100000,100000"))
    except BadInput:
        return
    raise AssertionError("a 10^15-element tensor was not refused")


def run(args: argparse.Namespace) -> dict:
    from components.tensor_view import block_figure, grid_figure, image_pixels

    big = Recipe("normal(0, 1, 7)", "1000,1000")
    tensor = build(big)
    figures = {
        "build_1M_normal_ms": _median_ms(lambda: build(big), args.repeats),
        "refuse_1e15_ms": _median_ms(_refuse, args.repeats),
        "python_print_1M_ms": _median_ms(lambda: python_print(tensor), args.repeats),
        "tfjs_print_1M_ms": _median_ms(lambda: tfjs_print(tensor), args.repeats),
    }
    figures["operations_1M_ms"] = {
        f"{op} {arg[:20]}".strip(): _median_ms(
            lambda op=op, arg=arg: apply(op, arg, tensor), args.repeats
        )
        for op, arg in OPERATIONS
    }
    grid = build(Recipe("normal(0, 1, 1)", "200,200"))
    block = build(Recipe("range(0, 1000)", "10,10,10"))
    photo = build(Recipe("uniform(0, 256, 3)", "577,577,3"))
    figures["figures_ms"] = {
        "grid_200x200": _median_ms(lambda: grid_figure(grid, ["a", "b"]), args.repeats),
        "block_10x10x10": _median_ms(lambda: block_figure(block, ["a", "b", "c"]), args.repeats),
        "image_577x577": _median_ms(lambda: image_pixels(photo), args.repeats),
    }
    process = psutil.Process()
    for _ in range(5):  # allocator warm-up
        apply("softmax", "-1", build(big))
    before = process.memory_info().rss
    for _ in range(20):
        apply("softmax", "-1", build(big))
    figures["rss_growth_20_rounds_mib"] = round((process.memory_info().rss - before) / 2**20, 1)
    figures["rss_mib"] = round(process.memory_info().rss / 2**20, 1)
    return figures
