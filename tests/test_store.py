"""Registry ids, the resolution order (mirror → cache → download) and the process cache."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from models import loading
from models.errors import BadInput, DownloadError
from models.store.files import model_dir
from models.store.locate import locate_dataset, locate_model
from models.store.registry import ALLOWED_HOSTS, DATASETS, MODELS, model_spec

LOCAL_IDS = [
    "movenet-singlepose-lightning",
    "movenet-singlepose-thunder",
    "movenet-singlepose-lightning-int8-tflite",
    "mobilenet-v2-1.0-224-quant-tflite",
    "mobilenet-v1-0.25-128-quant-tflite",
    "movenet-multipose-lightning",
    "centernet-mobilenetv3-coco",
    "selfie-segmentation",
    "deeplabv3-mobilenetv2-pascal-quant-tflite",
]


def test_registry_ids_are_the_mirror_folder_names(shared: Path):
    assert sorted(p.name for p in (shared / "models").iterdir()) == sorted(LOCAL_IDS)
    assert set(LOCAL_IDS) | {"toxicity", "mobilenet-v2-keras"} == set(MODELS)


def test_every_source_is_https_on_an_allowed_host():
    from urllib.parse import urlsplit

    urls = [f.url for spec in MODELS.values() for f in spec.files]
    urls += [spec.url for spec in DATASETS.values() if spec.url]
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.hostname in ALLOWED_HOSTS, url


def test_unknown_id_is_bad_input_listing_known_ids():
    with pytest.raises(BadInput, match="movenet-singlepose-lightning"):
        model_spec("movenet")


@pytest.mark.parametrize("model_id", LOCAL_IDS)
def test_mirror_is_found_first(model_id: str, shared: Path):
    location = locate_model(model_id)
    assert location.source == "mirror"
    assert location.path.resolve() == (shared / "models" / model_id).resolve()


def test_cache_comes_after_the_mirror_and_incomplete_folders_do_not_count(
    tmp_path: Path, monkeypatch, shared: Path
):
    monkeypatch.setenv("PLAYGROUND_MODEL_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    model_id = "movenet-singlepose-lightning"
    assert locate_model(model_id).source == "download"
    cached = tmp_path / "cache" / "models" / model_id
    cached.mkdir(parents=True)
    shutil.copy(shared / "models" / model_id / "model.json", cached)
    assert locate_model(model_id).source == "download", "model.json without its shard is no model"
    shutil.copy(shared / "models" / model_id / "movenet-lightning.bin", cached)
    assert locate_model(model_id).source == "cache"
    assert model_dir(model_id) == cached
    mirrored = tmp_path / "mirror" / model_id
    shutil.copytree(cached, mirrored)
    assert locate_model(model_id).path == mirrored


def test_datasets_resolve_from_the_mirror_or_their_fallback(tmp_path: Path, monkeypatch):
    assert locate_dataset("mnist").source == "mirror"
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    assert locate_dataset("iris").source == "bundled"
    assert locate_dataset("mnist").source == "download"


def test_iris_fallback_matches_the_mirror_copy(tmp_path: Path, monkeypatch):
    from models.store.datasets import load_iris

    mirrored = load_iris()
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    bundled = load_iris()
    assert list(bundled.columns) == list(mirrored.columns)
    assert len(bundled) == len(mirrored) == 150
    assert sorted(bundled["species"].unique()) == sorted(mirrored["species"].unique())
    assert np.allclose(bundled.iloc[:, :4].to_numpy(), mirrored.iloc[:, :4].to_numpy())


def test_a_model_loads_once_and_concurrent_first_loads_share_it():
    model_id = "mobilenet-v1-0.25-128-quant-tflite"
    loading.forget(model_id)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(loading.load_model(model_id)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(model) for model in results}) == 1
    assert loading.load_model(model_id) is results[0]
    assert loading.is_loaded(model_id)


def test_a_failed_load_is_remembered_with_its_reason(unreachable_model):
    model_id = unreachable_model("https://models.invalid/model.tflite")
    with pytest.raises(DownloadError, match="models.invalid"):
        loading.load_model(model_id)
    assert "models.invalid" in loading.last_failure(model_id)
    assert not loading.is_loaded(model_id)


def test_use_vocab_has_8000_pieces_and_null_scores_read_as_zero(shared: Path):
    from models.store.datasets import load_use_vocab

    raw = json.loads((shared / "data" / "use-vocab" / "vocab.json").read_text("utf-8"))
    vocab = load_use_vocab()
    assert len(vocab) == 8000
    nulls = [i for i, (_, score) in enumerate(raw) if score is None]
    assert nulls, "the real vocabulary has pieces with null scores"
    assert all(vocab[i][1] == 0.0 for i in nulls)
