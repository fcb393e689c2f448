"""Shared test setup: the local mirror points at ../shared, downloads go to a temp cache.

`import pylibsrtp` comes first: importing TensorFlow before it crashes streamlit-webrtc
(PITFALLS.md #1).
"""

import pylibsrtp  # noqa: F401  (must be first)

import dataclasses
import os
import sys
import tempfile
from pathlib import Path
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PLAYGROUND_SHARED", ROOT.parent / "shared")).resolve()

os.environ.setdefault("PLAYGROUND_MODEL_DIR", str(SHARED / "models"))
os.environ.setdefault("PLAYGROUND_DATA_DIR", str(SHARED / "data"))
os.environ.setdefault("PLAYGROUND_CACHE_DIR", tempfile.mkdtemp(prefix="playground-cache-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The folder of real models and data (../shared)."""
    assert (SHARED / "models").is_dir(), f"../shared not found at {SHARED}"
    return SHARED


@pytest.fixture
def empty_mirror(tmp_path, monkeypatch) -> Path:
    """A mirror and a cache with nothing in them: every model would have to download."""
    monkeypatch.setenv("PLAYGROUND_MODEL_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def unreachable_model(empty_mirror, monkeypatch):
    """A function registering the model "test-unreachable" with its two files at `url`, an
    address that never answers, and returning its id; the process forgets it after the test."""
    from models import loading
    from models.store.registry import MODELS, RemoteFile

    def register(url: str) -> str:
        spec = dataclasses.replace(
            MODELS["mobilenet-v1-0.25-128-quant-tflite"],
            id="test-unreachable",
            files=(RemoteFile("model.tflite", url), RemoteFile("labels.txt", url)),
        )
        monkeypatch.setitem(MODELS, spec.id, spec)
        return spec.id

    yield register
    loading.forget("test-unreachable")


@pytest.fixture(autouse=True)
def no_webrtc_session():
    """AppTest has no real session manager, so `webrtc_streamer` would raise; with no session
    info it renders in its not-playing state (PITFALLS.md #6). Frames are tested through the
    callback itself, and the live stream in Chromium (tests/browser)."""
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        yield


@pytest.fixture(scope="session", autouse=True)
def digit_cnn():
    """Draw a digit's default CNN, trained (all epochs) into the test cache before any test.

    Every server a test starts then finds it there, as on a server that has trained it once:
    none trains it in the background (components/warm_up.py) while a test streams video or
    measures. The one-minute budget guards a slow classroom server; a test machine busy with
    other jobs must not turn it into a flaky accuracy figure.
    """
    from models.digits import model

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "TIME_BUDGET", None)
        return model.default_model()
