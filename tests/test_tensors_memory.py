"""The memory lesson: what the page says tf.memory() reports is what TensorFlow.js reports."""

from __future__ import annotations

import json
import subprocess

import pytest
from pages_helper import open_page
from test_training_tfjs_code import TFJS, _node

from models.tensors.memory import MODES, memory, tfjs_code


def test_the_counts_are_tensorflow_js_s_own() -> None:
    done = subprocess.run(
        [_node(), str(TFJS / "memory_loop.js"), "4"],
        cwd=TFJS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout)
    for mode in MODES:
        assert [tuple(row) for row in measured[mode]] == memory(mode, 4), mode
    assert measured["leak"][-1][0] == 16 and measured["tidy"][-1] == [0, 0]


@pytest.mark.parametrize("mode", MODES)
def test_the_code_shown_is_the_loop_counted(mode) -> None:
    code = tfjs_code(mode)
    assert "tf.data.webcam(webcamEl, {" in code and "await tf.nextFrame();" in code
    assert ("tf.tidy(" in code) == (mode == "tidy")
    assert ("img.dispose();" in code) == (mode != "leak")


def test_the_page_shows_the_leak_and_its_cure() -> None:
    at = open_page("app_pages/tensor_explorer.py", "en")
    assert not at.exception
    assert "numTensors" not in [m.label for m in at.metric]  # closed: the lesson waits
    at.session_state["tensor_memory"] = True  # a student opens it
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["numTensors"] == "1,200"  # 300 frames × 4 tensors, nothing disposed
    assert "A leak" in " ".join(c.value for c in at.caption)
    at.radio(key="tensor_memory_mode").set_value("tidy").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["numTensors"] == "0" and metrics["numBytes"] == "0 B"
    at.session_state["tensor_memory_code"] = True  # the lesson's code panel, opened
    at.run()
    assert "tf.tidy(() => img.toFloat().div(255).expandDims(0))" in " ".join(
        c.value for c in at.code
    )
