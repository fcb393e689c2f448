"""The `python -m models` command line.

Every module in models/commands/ adds its subcommands through `register(subparsers, common)`,
where `common` is the parent parser holding `--json`. A subcommand's function takes the
parsed arguments and yields one record (a dict) per input; this module prints them, as JSON
Lines with `--json`, else as readable text. Exit codes: 0 ok, 2 bad input, 3 model or data
unavailable; the message goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Iterable

import numpy as np

from models import commands
from models.errors import PlaygroundError


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON object per input")
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in sorted(m.name for m in pkgutil.iter_modules(commands.__path__)):
        importlib.import_module(f"models.commands.{module}").register(subparsers, common)
    return parser


def _plain(value: object) -> object:
    """JSON-safe copy of numpy scalars and arrays."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def print_records(records: Iterable[dict], as_json: bool) -> None:
    for record in records:
        record = _plain(record)
        if as_json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            for key, value in record.items():
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                print(f"{key}: {text}")
            print(flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        print_records(args.func(args), args.json)
    except PlaygroundError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return error.exit_code
    return 0
