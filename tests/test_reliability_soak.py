"""Short soak (memory, not time): the live-pose frame callback and the classifier must not
grow RSS by more than 10 MB after warm-up. The long run is `python -m bench soak`.

The soak runs in a process of its own, through the same command: inside the test process,
threads left by other tests (a page's background training, a server) move RSS too, and a
figure that measures them says nothing about the loops."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.soak import GOAL_MB

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def figures() -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "soak", "--frames", "300", "--images", "300"]
        + ["--warmup", "40", "--json"],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pose_frame_callback_memory_is_flat(figures: dict) -> None:
    pose = figures["pose_callback"]
    assert pose["count"] == 300 and pose["growth_mb"] <= GOAL_MB, pose


def test_classifier_memory_is_flat(figures: dict) -> None:
    classifier = figures["classifier"]
    assert classifier["count"] == 300 and classifier["growth_mb"] <= GOAL_MB, classifier
