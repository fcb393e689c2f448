"""The Training lab's TF.js panel compiles in TensorFlow.js itself (Node): every loss name it
writes exists, and the metrics its tfjs-vis charts plot are the ones the model logs."""

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from models.training import presets
from models.training.build import LOSSES
from models.training.code import tfjs_code

TFJS = Path(__file__).resolve().parent / "tfjs"


def _node() -> str:
    if not (TFJS / "node_modules" / "@tensorflow" / "tfjs").is_dir():
        pytest.fail("TensorFlow.js is not installed: run `npm install --prefix tests/tfjs`")
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`) is not on PATH; install Node 18+ to run the TF.js checks")
    return node


def _panel(problem: str, loss: str, units: int) -> dict:
    """The loss, compiled metric and charted metrics of the panel for that loss."""
    config = replace(presets.preset("circles").config, loss=loss)
    code = tfjs_code(config, (2,), problem)
    compiled = re.search(r"metrics: \['(\w+)'\]", code).group(1)
    charted = re.search(r"fitCallbacks\(\s*container, \[(.*?)\]\)", code, re.S).group(1)
    return {
        "loss": re.search(r"loss: '(\w+)'", code).group(1),
        "metric": compiled,
        "units": units,
        "charted": [name.strip(" '") for name in charted.split(",")],
    }


def test_every_loss_and_metric_of_the_panel_runs_in_tfjs(tmp_path) -> None:
    panels = [
        _panel(problem, loss, 3 if "categorical" in loss or loss == "kl_divergence" else 1)
        for problem, losses in LOSSES.items()
        for loss in losses
    ]
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{k: p[k] for k in ("loss", "metric", "units")} for p in panels]))
    done = subprocess.run(
        [_node(), str(TFJS / "compile_check.js"), str(cases)],
        cwd=TFJS,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for panel, result in zip(panels, json.loads(done.stdout), strict=True):
        assert "error" not in result, (panel["loss"], result.get("error"))
        assert set(panel["charted"]) <= set(result["keys"]), (panel, result["keys"])
