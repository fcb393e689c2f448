"""`python -m models pose`: JSON Lines of 17 keypoints in image pixels; exit 2 on bad input.

Real subprocesses prove the entry point and its exit codes; the other models run
`models.cli.main` in-process (the same code, without TensorFlow's import for each case).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from models.cli import main
from models.loading import load_model
from models.pose.movenet import KEYPOINT_NAMES, estimate, input_size
from models.vision.images import decode_image

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "models", "pose", *args],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_json_lines_for_two_photos(shared) -> None:
    photos = shared / "data" / "pose"
    done = run(str(photos / "squat.bmp"), str(photos / "yoga.jpeg"), "--json")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(r["file"]).name for r in records] == ["squat.bmp", "yoga.jpeg"]
    assert [(r["width"], r["height"]) for r in records] == [(500, 610), (426, 640)]
    for record in records:
        assert set(record) == {"file", "width", "height", "keypoints"}
        assert [k["name"] for k in record["keypoints"]] == list(KEYPOINT_NAMES)
        assert all(set(k) == {"name", "x", "y", "score"} for k in record["keypoints"])
        assert all(0 <= k["x"] <= record["width"] for k in record["keypoints"])
        assert all(0 <= k["y"] <= record["height"] for k in record["keypoints"])
    # Lightning is the default: the numbers equal the library call on the same photo.
    pixels = decode_image((photos / "squat.bmp").read_bytes())
    expected = estimate(load_model("movenet-singlepose-lightning"), pixels, 192).records()
    got = records[0]["keypoints"]
    np.testing.assert_allclose([k["x"] for k in got], [k["x"] for k in expected], atol=0.2)
    np.testing.assert_allclose([k["y"] for k in got], [k["y"] for k in expected], atol=0.2)


def test_a_file_that_is_no_image_exits_2(tmp_path) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    done = run(str(text), "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "notes.jpg" in done.stderr and "not an image" in done.stderr


def test_other_models_in_process(shared, capsys) -> None:
    yoga = shared / "data" / "pose" / "yoga.jpeg"
    pixels = decode_image(yoga.read_bytes())
    for model_id in ("movenet-singlepose-lightning-int8-tflite", "movenet-singlepose-thunder"):
        assert main(["pose", str(yoga), "--model", model_id, "--json"]) == 0
        record = json.loads(capsys.readouterr().out)
        expected = estimate(load_model(model_id), pixels, input_size(model_id)).records()
        assert record["keypoints"] == expected


def test_bad_arguments_exit_2(shared, tmp_path, capsys) -> None:
    photo = shared / "data" / "pose" / "squat.bmp"
    assert main(["pose", str(photo), "--model", "mobilenet-v2-keras"]) == 2
    assert "not a pose model" in capsys.readouterr().err
    assert main(["pose", str(tmp_path / "missing.png")]) == 2
    assert "missing.png" in capsys.readouterr().err
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert main(["pose", str(photo), str(empty), "--json"]) == 2
    assert capsys.readouterr().out == ""  # nothing printed before the bad file is found
