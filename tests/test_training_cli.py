"""`python -m models train …` in a subprocess: JSON lines per epoch, final line, exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "models", "train", *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_one_json_line_per_epoch_then_the_final_metrics() -> None:
    done = cli(
        "iris", "--epochs", "4", "--batch-size", "16", "--lr", "0.05", "--validation-split", "0.2",
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line.get("epoch") for line in lines[:4]] == [1, 2, 3, 4] and len(lines) == 5
    for line in lines[:4]:
        assert set(line) == {"epoch", "loss", "val_loss", "accuracy", "val_accuracy", "lr"}
        assert line["lr"] == 0.05
    final = lines[-1]
    assert final["final"] is True and final["epochs_done"] == 4 and final["ended"] == "finished"
    assert final["val_accuracy"] == lines[3]["val_accuracy"]
    assert len(final["predictions"]) == 3 and len(final["predictions"][0]) == 3
    assert isinstance(final["train_seconds"], float) and final["train_seconds"] > 0


def test_iris_fits_all_150_rows_as_the_course_does() -> None:
    done = cli("iris", "--epochs", "2", "--json")
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout.splitlines()[0])
    assert set(first) == {"epoch", "loss", "accuracy", "lr"}  # nothing held out to validate


def test_bad_parameters_exit_2_with_the_reason() -> None:
    done = cli("blobs", "--lr", "nan", "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert "learning rate must be a number above 0" in done.stderr
    done = cli("nonsense", "--epochs", "0")
    assert done.returncode == 2 and "unknown preset 'nonsense'" in done.stderr


def test_a_huge_learning_rate_stops_on_nan_and_exits_2() -> None:
    done = cli("regression", "--lr", "1000", "--epochs", "20", "--optimizer", "sgd", "--json")
    assert done.returncode == 2
    assert "NaN or infinite" in done.stderr
    epochs = [json.loads(line) for line in done.stdout.splitlines()]
    assert 0 < len(epochs) < 20
