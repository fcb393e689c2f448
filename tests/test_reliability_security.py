"""Security of uploads and model sources (issue 9), tested at the level the pages call.

- Keras files: a Lambda layer (Python code) is refused, wherever it hides in the config,
  and a file whose config was tampered with after the scan still meets `safe_mode=True`.
- Nothing from an upload is executed or unpickled: a Lambda whose code would write a marker
  file never runs; a pickle-bearing .npy is refused; a path in a file name cannot leave the
  temporary folder.
- Streamlit caps uploads (`server.maxUploadSize` in .streamlit/config.toml).
- Model URLs: https only, allow-listed hosts only (the downloader's own tests cover fetching).
"""

from __future__ import annotations

import io
import json
import tempfile
import tomllib
import zipfile
from pathlib import Path

import keras
import pytest

from models.errors import PlaygroundError
from models.formats.keras_file import open_keras_file
from models.formats.model_files import open_upload, stage_files
from models.store.download import DEFAULT_POLICY, DownloadError

ROOT = Path(__file__).resolve().parent.parent


def lambda_model_bytes(marker: Path, suffix: str, tmp_path: Path) -> bytes:
    """A saved model whose Lambda layer, if ever run, would create `marker`."""

    def touch(v, marker=str(marker)):
        Path(marker).write_text("executed")
        return v

    inputs = keras.Input((2,))
    outputs = keras.layers.Dense(1)(keras.layers.Lambda(touch)(inputs))
    marker.unlink(missing_ok=True)  # building traced it once; only loading matters
    path = tmp_path / f"evil{suffix}"
    keras.Model(inputs, outputs).save(path)
    marker.unlink(missing_ok=True)
    return path.read_bytes()


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_lambda_model_upload_is_refused_and_never_runs(tmp_path, suffix) -> None:
    marker = tmp_path / "marker.txt"
    data = lambda_model_bytes(marker, suffix, tmp_path)
    with pytest.raises(PlaygroundError) as caught:
        open_upload([(f"evil{suffix}", data)])
    assert caught.value.code == "formats_lambda_refused"
    assert not marker.exists()


def test_safe_mode_still_guards_a_config_the_scan_cannot_see(tmp_path, monkeypatch) -> None:
    """Even if the scan were fooled, keras.saving.load_model runs with safe_mode=True."""
    marker = tmp_path / "marker.txt"
    path = tmp_path / "evil.keras"
    path.write_bytes(lambda_model_bytes(marker, ".keras", tmp_path))
    monkeypatch.setattr("models.formats.keras_file._scan_config", lambda config, file: None)
    with pytest.raises(PlaygroundError):
        open_keras_file(path)
    assert not marker.exists()


def test_hidden_lambda_in_a_nested_config_is_refused(tmp_path) -> None:
    config = {
        "class_name": "Functional",
        "config": {"layers": [{"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Lambda", "config": {"function": "print"}}]}}]},
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("metadata.json", json.dumps({"keras_version": keras.__version__}))
    with pytest.raises(PlaygroundError) as caught:
        open_upload([("nested.keras", buffer.getvalue())])
    assert caught.value.code == "formats_lambda_refused"


def test_pickle_bearing_files_are_refused_without_unpickling(tmp_path, monkeypatch) -> None:
    import pickle

    def no_unpickling(*args, **kwargs):
        raise AssertionError("an upload was unpickled")

    monkeypatch.setattr(pickle, "loads", no_unpickling)
    monkeypatch.setattr(pickle, "load", no_unpickling)
    payload = pickle.dumps({"a": 1})
    for name in ("weights.npy", "model.pkl", "model.json"):
        with pytest.raises(PlaygroundError):
            open_upload([(name, payload)])


@pytest.mark.parametrize(
    "name", ["../../escape.tflite", "/etc/escape.tflite", "..\\escape.tflite", "a/../../b.json"]
)
def test_file_names_cannot_leave_the_temporary_folder(name) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "upload"
        folder.mkdir()
        try:
            written = stage_files([(name, b"\0" * 16)], folder)
        except PlaygroundError:
            written = []
        for path in written:
            assert path.resolve().parent == folder.resolve(), path
        outside = [p for p in Path(scratch).rglob("*") if folder not in (p, *p.parents)]
        assert outside == []


def test_uploads_are_capped_by_streamlit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    limit = config["server"]["maxUploadSize"]
    assert isinstance(limit, int) and 1 <= limit <= 200


@pytest.mark.parametrize(
    "url",
    [
        "http://tfhub.dev/model.json",
        "https://127.0.0.1:8501/model.json",
        "https://localhost/model.json",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/model.json",
        "file:///etc/passwd",
        "ftp://storage.googleapis.com/x",
        "https://storage.googleapis.com.evil.example/model.json",
        "https://user@evil.example/model.json",
    ],
)
def test_model_urls_must_be_https_and_allow_listed(url) -> None:
    with pytest.raises(DownloadError) as caught:
        DEFAULT_POLICY.check(url)
    assert caught.value.code in ("download_scheme", "download_host")
