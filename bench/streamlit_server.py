"""A real `streamlit run app.py` on 127.0.0.1 and a free port, for the browser tests and the
classroom bench: one place that knows how the app is started for them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(port: int, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`streamlit run app.py` on 127.0.0.1:port with .streamlit/config.toml (no file watcher),
    in this process's environment (the mirror set) updated by `env`."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def wait_healthy(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(url):
            return
        time.sleep(0.3)
    raise RuntimeError(f"streamlit at {url} did not become healthy within {timeout} s")


@dataclass(frozen=True)
class RunningApp:
    url: str  # http://127.0.0.1:port
    pid: int


@contextmanager
def streamlit_server(log: Path, env: dict[str, str] | None = None) -> Iterator[RunningApp]:
    """A real Streamlit server for the app on a free port, stopped after. `env` overrides the
    environment, e.g. a temporary model mirror."""
    port = free_port()
    process = start_streamlit(port, log, env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        yield RunningApp(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
