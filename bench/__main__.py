"""`python -m bench NAME [--json]`: speed and memory figures, printed as JSON.

Each module in bench/ (other than this one) has `register(subparsers, common)`; see
models/cli.py for the pattern. Benchmarks measure; tests never assert wall-clock times.
"""

import pylibsrtp  # noqa: F401  (before TensorFlow, see PITFALLS.md #1)

import argparse
import importlib
import json
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser = argparse.ArgumentParser(prog="python -m bench")
    subparsers = parser.add_subparsers(dest="bench", required=True)
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bench.{info.name}") if info.name[0] != "_" else None
        if hasattr(module, "register"):
            module.register(subparsers, common)
    args = parser.parse_args(argv)
    figures = args.func(args)
    print(json.dumps(figures, indent=None if args.json else 2))
    return 0


raise SystemExit(main())
