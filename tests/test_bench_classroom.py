"""`python -m bench classroom` and `bench streams` speak Streamlit's protocol to a real
server: sessions open the Tensor explorer's deep link, find its Create button by key and
click it, and each run ends in `script_finished` without an exception element; webcams
signal through the pose page's component and get frames back.

The bench runs through its command, in a process of its own: it drives its sessions with
asyncio, and the test process may already run an event loop (Playwright's, for the browser
tests)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from bench import classroom

ROOT = Path(__file__).resolve().parent.parent


def _bench(*arguments: str) -> dict:
    """`python -m bench ARGUMENTS --json` in its own process, and the figures it printed."""
    command = [sys.executable, "-m", "bench", *arguments, "--json"]
    done = subprocess.run(
        command, cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sessions_open_a_deep_link_and_click_create() -> None:
    figures = _bench(
        "classroom", "--sessions", "3", "--page", "tensors", "--query", "t=fib&op=slice&a=t[1:4]",
        "--busy", "1", "--timeout", "180", "--settle", "0",
    )  # fmt: skip
    assert figures["unfinished"] == 0 and figures["errors"] == [], figures
    assert figures["exceptions"] == 0
    assert figures["click"] == "tensor_create"
    assert figures["alone"]["click_s"] > 0 and figures["click_answer"]["p50_s"] > 0
    assert figures["server_rss_mb"]["peak"] >= figures["server_rss_mb"]["before"] > 0


def test_only_the_loopback_and_a_bounded_class() -> None:
    base = dict(page="", query="", click=None, busy=0, timeout=1.0, settle=0.0)
    for bad in (
        argparse.Namespace(sessions=5, url="http://example.org:8501", **base),
        argparse.Namespace(sessions=classroom.MAX_SESSIONS + 1, url=None, **base),
    ):
        try:
            classroom.run(bad)
        except SystemExit as refusal:
            assert "--" in str(refusal)
        else:
            raise AssertionError(f"accepted {bad}")


def test_two_webcams_are_answered_over_webrtc() -> None:
    """`bench streams`: two aiortc cameras signal through the pose page's component, as a
    browser does, and the server sends frames back to both."""
    figures = _bench("streams", "--streams", "2", "--seconds", "3", "--camera-fps", "15")
    assert figures["errors"] == [], figures
    assert all(fps and fps > 0 for fps in figures["fps_per_stream"]), figures
    assert figures["sent_fps_per_stream"][0] > 0 and figures["camera_width"] == 480
