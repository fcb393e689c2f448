"""`python -m models tensor …`: the four numbers as JSON, and the page's message on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from models.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, "-m", "models", "tensor", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_values_with_shape_print_rank_shape_size_dtype() -> None:
    done = run("[5.0, 3.3, 1.4, 0.2]", "--shape", "1,4", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "rank": 2,
        "shape": [1, 4],
        "size": 4,
        "dtype": "float32",
    }


def test_bad_input_exits_2_with_the_pages_message() -> None:
    done = run("[5.0, 3.3, 1.4]", "--shape", "1,4", "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().endswith(
        "error: Based on the provided shape, [1,4], the tensor should have 4 values but has 3"
    )


def test_dtype_presets_makers_and_plain_text(capsys) -> None:
    """The same entry point in-process (each subprocess pays TensorFlow's import again)."""
    assert main(["tensor", "[[1, 2], [3, 4]]", "--dtype", "float32", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dtype"] == "float32"
    assert main(["tensor", "voxel", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["shape"] == [2, 3, 3, 3, 1]
    assert main(["tensor", "fill(7)", "--shape", "2,3"]) == 0
    out = capsys.readouterr().out
    assert "rank: 2" in out and "shape: [2, 3]" in out and "dtype: int32" in out


def test_every_bad_input_exits_2(capsys) -> None:
    assert main(["tensor", "[[1, 2], [3]]"]) == 2
    assert "Element arr[1] should have 2 elements" in capsys.readouterr().err
    assert main(["tensor", "[1]", "--dtype", "float64"]) == 2
    assert "Unknown dtype 'float64'" in capsys.readouterr().err
    assert main(["tensor", "zeros", "--shape", "1000,1000,2"]) == 2
    assert "the limit here is 1,000,000" in capsys.readouterr().err
