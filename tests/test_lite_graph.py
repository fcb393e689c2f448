"""TF.js graph models on LiteRT: converted once, checked against the graph, cached on disk,
and left on TensorFlow with a reason when they do not convert or do not agree."""

from pathlib import Path

import numpy as np
import pytest

from models.formats import lite_graph
from models.formats.lite_graph import (
    TOLERANCE,
    LiteCheck,
    LiteGraphModel,
    files_hash,
    open_on_litert,
)
from models.formats.tfjs_graph import GraphModel, load_graph_model
from models.loading import LITERT, TENSORFLOW, litert_check, load_model, runs_on_litert
from models.pose.movenet import estimate
from models.store.registry import MODELS
from models.vision.images import decode_image

LIGHTNING = "movenet-singlepose-lightning"


@pytest.fixture(scope="module")
def lightning_folder(shared: Path) -> Path:
    return shared / "models" / LIGHTNING


class Loads:
    """load_graph for open_on_litert, counting how often the graph had to be read."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.count = folder, 0

    def __call__(self) -> GraphModel:
        self.count += 1
        return load_graph_model(self.folder)


def test_lightning_converts_agrees_and_is_reused_from_disk(lightning_folder, tmp_path, shared):
    loads = Loads(lightning_folder)
    model, verdict = open_on_litert(lightning_folder, tmp_path, 192, loads)
    assert isinstance(model, LiteGraphModel) and loads.count == 1
    assert verdict.path is not None and verdict.path.is_file() and verdict.reason == ""
    assert 0 <= verdict.max_diff <= TOLERANCE
    assert [i.name for i in model.inputs] == ["input"]
    assert [(o.name, o.shape) for o in model.outputs] == [("Identity", (1, 1, 17, 3))]
    # a later process: the verdict on disk is enough, the graph is not read again
    again, cached = open_on_litert(lightning_folder, tmp_path, 192, loads)
    assert isinstance(again, LiteGraphModel) and loads.count == 1 and cached == verdict
    # the keypoints of a real photo agree with the graph's to well under a pixel
    photo = decode_image((shared / "data" / "pose" / "squat.bmp").read_bytes())
    graph_pose = estimate(load_graph_model(lightning_folder), photo, 192)
    lite_pose = estimate(again, photo, 192)
    assert np.max(np.abs(graph_pose.keypoints - lite_pose.keypoints)) < 0.01


def test_a_model_that_does_not_agree_stays_on_the_graph_and_says_why(
    lightning_folder, tmp_path, monkeypatch
):
    strict = LiteCheck(tolerance=-1.0)  # nothing can agree this well
    loads = Loads(lightning_folder)
    model, verdict = open_on_litert(lightning_folder, tmp_path, 192, loads, strict)
    assert isinstance(model, GraphModel) and verdict.path is None
    assert verdict.reason.startswith("TFLite differs from the graph by")
    assert not list(tmp_path.glob("*.tflite"))  # nothing half-trusted is kept

    def no_conversion(*_):
        raise AssertionError("converted again although the verdict was on disk")

    monkeypatch.setattr(lite_graph, "_convert", no_conversion)
    model, again = open_on_litert(lightning_folder, tmp_path, 192, loads, strict)
    assert isinstance(model, GraphModel) and again.reason == verdict.reason


def test_a_model_that_does_not_convert_stays_on_the_graph(lightning_folder, tmp_path, monkeypatch):
    def refuse(*_):
        raise RuntimeError("'tf.StridedSlice' op is neither a custom op nor a flex op\nmore")

    monkeypatch.setattr(lite_graph, "_convert", refuse)
    model, verdict = open_on_litert(lightning_folder, tmp_path, 192, Loads(lightning_folder))
    assert isinstance(model, GraphModel) and verdict.path is None
    assert verdict.reason == (
        "TFLite conversion failed: 'tf.StridedSlice' op is neither a custom op nor a flex op"
    )


def test_the_hash_follows_the_files(lightning_folder, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in lightning_folder.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    assert files_hash(copy) == files_hash(lightning_folder)
    shard = next(copy.glob("*.bin"))
    data = bytearray(shard.read_bytes())
    data[-1] ^= 1
    shard.write_bytes(bytes(data))
    assert files_hash(copy) != files_hash(lightning_folder)


@pytest.mark.parametrize(
    ("model_id", "size", "outputs"),
    [
        ("movenet-multipose-lightning", 256, [(1, 6, 56)]),
        ("movenet-multipose-lightning", 320, [(1, 6, 56)]),
        ("selfie-segmentation", 256, [(1, 256, 256, 1)]),
        ("centernet-mobilenetv3-coco", 512, [(1, 128, 128, 4), (1, 128, 128, 80), (1, 100, 6)]),
    ],
)
def test_the_image_models_convert_for_a_fixed_size(model_id, size, outputs, shared, tmp_path):
    """MultiPose does not convert with free input sides (StridedSlice on unknown shapes needs
    TF Select); fixed to the chosen size it does, and agrees (its signature says 256, its
    Placeholder takes any side, as TF.js does). CenterNet agrees under its registry check."""
    folder = shared / "models" / model_id
    check = litert_check(MODELS[model_id])
    model, verdict = open_on_litert(folder, tmp_path, size, Loads(folder), check)
    assert verdict.reason == "" and isinstance(model, LiteGraphModel), verdict
    assert verdict.max_diff <= check.tolerance
    image = np.zeros((1, size, size, 3), model.inputs[0].dtype)
    assert [a.shape for a in model(image).values()] == outputs


def test_a_narrowed_check_keeps_its_own_verdict(lightning_folder, tmp_path):
    """A check rule other than the default is cached under its own name."""
    assert LiteCheck().suffix() == ""
    narrowed = LiteCheck(2e-3, ("Identity",))
    assert narrowed.suffix() and narrowed.suffix() != LiteCheck(1e-3, ("Identity",)).suffix()
    open_on_litert(lightning_folder, tmp_path, 192, Loads(lightning_folder), narrowed)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and all(narrowed.suffix() in n for n in names)


def test_load_model_runs_graph_models_on_litert_unless_asked_for_tensorflow():
    fast, reference = load_model(LIGHTNING), load_model(LIGHTNING, runtime=TENSORFLOW)
    assert isinstance(fast, LiteGraphModel) and isinstance(reference, GraphModel)
    assert load_model(LIGHTNING, runtime=LITERT) is fast  # once per process
    assert runs_on_litert(MODELS[LIGHTNING]) and not runs_on_litert(MODELS["toxicity"])
    int8 = "movenet-singlepose-lightning-int8-tflite"
    assert load_model(int8, runtime=TENSORFLOW) is load_model(int8)  # one TFLite model
