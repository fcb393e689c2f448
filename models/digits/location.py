"""Where the default digit model is kept, importable without TensorFlow: a page view can ask
whether it exists without paying TensorFlow's import."""

from __future__ import annotations

from pathlib import Path

from models.store.locate import cache_root


def model_path() -> Path:
    """Where the trained default model lives: beside the downloads, so it survives restarts."""
    return cache_root() / "trained" / "mnist-cnn.keras"
