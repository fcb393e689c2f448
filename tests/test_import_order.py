"""PITFALLS.md #1: TensorFlow imported before pylibsrtp crashes SRTP; our entry points guard it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SRTP_ROUND_TRIP = """
import pylibsrtp
from pylibsrtp import Policy, Session
key = bytes(range(30))
rtp = bytes.fromhex("8008000100000001deadbeef") + b"x" * 100
tx = Session(policy=Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND))
rx = Session(policy=Policy(key=key, ssrc_type=Policy.SSRC_ANY_INBOUND))
assert rx.unprotect(tx.protect(rtp)) == rtp
print("ok")
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_entry_points_import_pylibsrtp_before_anything_else() -> None:
    for path in ["app.py", "tests/conftest.py", "models/__main__.py", "bench/__main__.py"]:
        code_lines = [
            line
            for line in (ROOT / path).read_text().splitlines()
            if line.startswith(("import ", "from "))
        ]
        assert code_lines[0].startswith("import pylibsrtp"), path


def test_srtp_works_when_pylibsrtp_comes_first() -> None:
    result = _run("import pylibsrtp\nimport tensorflow\n" + SRTP_ROUND_TRIP)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")


def test_tensorflow_first_is_the_crash_we_guard_against() -> None:
    result = _run("import tensorflow\n" + SRTP_ROUND_TRIP)
    assert result.returncode != 0, "TF first no longer crashes: the pylibsrtp guard may go"
