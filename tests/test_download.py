"""Downloads against real HTTP servers on 127.0.0.1: a copy of real models, 404, truncated,
slow and silent servers, redirects, and the production allow-list."""

from __future__ import annotations

import dataclasses
import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from models.errors import DownloadError
from models.formats.tflite import TFLiteModel
from models.store.download import DEFAULT_POLICY, Policy, download_dataset, download_model
from models.store.locate import locate_model, model_folder_complete
from models.store.registry import DATASETS, MODELS, RemoteFile

LOCAL = Policy(schemes=frozenset({"http"}), hosts=frozenset({"127.0.0.1"}), timeout=2.0)
ROOT = Path(__file__).resolve().parent.parent


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files from `directory`, plus a few misbehaving routes."""

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?")[0]
        if path == "/truncated.bin":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"x" * 1000)
            self.close_connection = True
        elif path == "/slow.bin":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/silent.bin":
            time.sleep(5)
        elif path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        elif path == "/to-model":
            self.send_response(302)
            self.send_header("Location", "/v1/model.tflite")
            self.end_headers()
        else:
            super().do_GET()


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared: Path) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 serving copies of real models from ../shared."""
    root = tmp_path_factory.mktemp("www")
    shutil.copytree(shared / "models" / "movenet-singlepose-lightning", root / "lightning")
    shutil.copytree(shared / "models" / "mobilenet-v1-0.25-128-quant-tflite", root / "v1")
    shutil.copy(shared / "data" / "iris" / "iris.csv", root / "iris.csv")

    def handler(*args: object) -> Handler:
        return Handler(*args, directory=str(root))

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def spec_at(model_id: str, *urls: str):
    """The registry entry of `model_id`, with its files fetched from `urls` instead."""
    spec = MODELS[model_id]
    files = tuple(RemoteFile(f.name, u) for f, u in zip(spec.files, urls, strict=True))
    return dataclasses.replace(spec, files=files)


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".")] if folder.exists() else []


def test_tfjs_model_downloads_whole_with_its_shards(server: str, tmp_path: Path, shared: Path):
    spec = spec_at(
        "movenet-singlepose-lightning", f"{server}/lightning/model.json?tfjs-format=file"
    )
    seen: list[tuple[int, int | None, str]] = []
    dest = download_model(spec, tmp_path / spec.id, lambda *a: seen.append(a), policy=LOCAL)
    original = shared / "models" / spec.id
    for name in ["model.json", "movenet-lightning.bin"]:
        assert (dest / name).read_bytes() == (original / name).read_bytes()
    assert model_folder_complete(spec, dest)
    assert seen[-1][0] == (original / "movenet-lightning.bin").stat().st_size
    assert leftovers(tmp_path) == []


def test_downloaded_tflite_runs_like_the_original(server: str, tmp_path: Path, shared: Path):
    spec = spec_at(
        "mobilenet-v1-0.25-128-quant-tflite", f"{server}/to-model", f"{server}/v1/labels.txt"
    )
    dest = download_model(spec, tmp_path / spec.id, policy=LOCAL)
    image = np.random.default_rng(0).integers(0, 255, (1, 128, 128, 3), dtype=np.uint8)
    ours = TFLiteModel(dest / "model.tflite")(image)
    theirs = TFLiteModel(shared / "models" / spec.id / "model.tflite")(image)
    assert all(np.array_equal(ours[k], theirs[k]) for k in theirs)
    assert len((dest / "labels.txt").read_text().splitlines()) == 1001


@pytest.mark.parametrize("route", ["/missing.tflite", "/truncated.bin"])
def test_failed_download_names_model_url_and_remedy_and_leaves_nothing(
    server: str, tmp_path: Path, route: str
):
    spec = spec_at(
        "mobilenet-v1-0.25-128-quant-tflite", f"{server}{route}", f"{server}/v1/labels.txt"
    )
    with pytest.raises(DownloadError) as caught:
        download_model(spec, tmp_path / spec.id, policy=LOCAL)
    message = str(caught.value)
    assert spec.id in message and route in message
    assert "PLAYGROUND_MODEL_DIR" in message and "python -m models download" in message
    assert not (tmp_path / spec.id).exists()
    assert leftovers(tmp_path) == []


def test_interrupted_download_is_not_taken_as_whole_later(server, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MODEL_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    model_id = "mobilenet-v1-0.25-128-quant-tflite"
    spec = spec_at(model_id, f"{server}/v1/model.tflite", f"{server}/truncated.bin")
    with pytest.raises(DownloadError):
        download_model(spec, tmp_path / "cache" / "models" / model_id, policy=LOCAL)
    assert locate_model(model_id).source == "download"


def test_trickling_server_is_given_up(server: str, tmp_path: Path):
    policy = dataclasses.replace(LOCAL, grace=1.0, min_rate=1000)
    spec = spec_at(
        "mobilenet-v1-0.25-128-quant-tflite", f"{server}/slow.bin", f"{server}/v1/labels.txt"
    )
    with pytest.raises(DownloadError, match="too slow"):
        download_model(spec, tmp_path / spec.id, policy=policy)


def test_silent_server_times_out(server: str, tmp_path: Path):
    policy = dataclasses.replace(LOCAL, timeout=0.5)
    spec = spec_at(
        "mobilenet-v1-0.25-128-quant-tflite", f"{server}/silent.bin", f"{server}/v1/labels.txt"
    )
    with pytest.raises(DownloadError, match="timed out"):
        download_model(spec, tmp_path / spec.id, policy=policy)


def test_size_cap(server: str, tmp_path: Path):
    policy = dataclasses.replace(LOCAL, max_bytes=10_000)
    spec = spec_at(
        "mobilenet-v1-0.25-128-quant-tflite", f"{server}/v1/model.tflite", f"{server}/v1/labels.txt"
    )
    with pytest.raises(DownloadError, match="cap"):
        download_model(spec, tmp_path / spec.id, policy=policy)


def test_dataset_download_is_atomic(server: str, tmp_path: Path, shared: Path):
    spec = dataclasses.replace(DATASETS["use-vocab"], url=f"{server}/iris.csv")
    dest = download_dataset(spec, tmp_path / "data" / "x.csv", policy=LOCAL)
    assert dest.read_bytes() == (shared / "data" / "iris" / "iris.csv").read_bytes()
    bad = dataclasses.replace(spec, url=f"{server}/truncated.bin")
    with pytest.raises(DownloadError, match="1000 of 100000"):
        download_dataset(bad, tmp_path / "data" / "y.csv", policy=LOCAL)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["x.csv"]


@pytest.mark.parametrize(
    "url",
    [
        "http://storage.googleapis.com/tensorflow/x.h5",
        "https://127.0.0.1/model.json",
        "https://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://evil.example.com/model.json",
    ],
)
def test_production_policy_refuses_unsafe_urls(url: str, tmp_path: Path):
    spec = spec_at("mobilenet-v1-0.25-128-quant-tflite", url, url)
    with pytest.raises(DownloadError) as caught:
        download_model(spec, tmp_path / spec.id)
    assert caught.value.code in ("download_scheme", "download_host")
    assert DEFAULT_POLICY.schemes == {"https"}


def test_redirect_to_a_disallowed_host_is_refused(server: str, tmp_path: Path):
    spec = spec_at(
        "mobilenet-v1-0.25-128-quant-tflite", f"{server}/to-metadata", f"{server}/v1/labels.txt"
    )
    with pytest.raises(DownloadError) as caught:
        download_model(spec, tmp_path / spec.id, policy=LOCAL)
    assert caught.value.code == "download_host"
    assert "169.254.169.254" in str(caught.value)


def test_unresolvable_host_fails_with_a_download_error(tmp_path: Path):
    policy = dataclasses.replace(DEFAULT_POLICY, hosts=frozenset({"models.invalid"}))
    url = "https://models.invalid/model.tflite"
    spec = spec_at("mobilenet-v1-0.25-128-quant-tflite", url, url)
    with pytest.raises(DownloadError) as caught:
        download_model(spec, tmp_path / spec.id, policy=policy)
    assert url in str(caught.value)


def test_shard_names_cannot_leave_the_model_folder(server: str, tmp_path: Path):
    www = tmp_path / "evil"
    www.mkdir()
    (www / "model.json").write_text(json.dumps({"weightsManifest": [{"paths": ["../x.bin"]}]}))
    # served by a second tiny server rooted at tmp_path
    handler = lambda *a: Handler(*a, directory=str(tmp_path))  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/evil/model.json"
        spec = spec_at("movenet-singlepose-lightning", url)
        with pytest.raises(DownloadError, match="outside its folder"):
            download_model(spec, tmp_path / "out", policy=LOCAL)
    finally:
        httpd.shutdown()


def test_cli_exits_3_for_a_broken_model_and_2_for_an_unknown_id(tmp_path: Path):
    mirror = tmp_path / "mirror" / "mobilenet-v1-0.25-128-quant-tflite"
    mirror.mkdir(parents=True)
    (mirror / "model.tflite").write_bytes(b"not a flatbuffer")
    (mirror / "labels.txt").write_text("background\n")
    env = {"PLAYGROUND_MODEL_DIR": str(tmp_path / "mirror"), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "models", "info", "--json"]
    broken = subprocess.run(
        [*run, "mobilenet-v1-0.25-128-quant-tflite"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert broken.returncode == 3, broken.stderr[-1000:]
    assert "model.tflite" in broken.stderr
    unknown = subprocess.run(
        [*run, "no-such-model"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert unknown.returncode == 2
    assert "Known models" in unknown.stderr
