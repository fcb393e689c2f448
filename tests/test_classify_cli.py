"""`python -m models classify`: JSON Lines out, exit codes 2 and 3.

One real subprocess proves the entry point; the error paths run `models.cli.main` in-process
(the same code, without paying TensorFlow's import again for each case).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from models.cli import main
from models.vision.classify import DOG_BREEDS, DOMESTIC_CATS, labels

ROOT = Path(__file__).resolve().parent.parent
V2 = "mobilenet-v2-1.0-224-quant-tflite"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "models", "classify", *args],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_json_lines_with_top_k(shared) -> None:
    images = shared / "data" / "images"
    done = run(str(images / "cat.jpg"), str(images / "dog.bmp"), "--top", "3", "--json")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(r["file"]).name for r in records] == ["cat.jpg", "dog.bmp"]
    names = labels(V2)
    cats = {names[i + 1] for i in DOMESTIC_CATS}
    dogs = {names[i + 1] for i in DOG_BREEDS}
    for record in records:
        assert len(record["predictions"]) == 3
        assert set(record["predictions"][0]) == {"label", "score"}
        scores = [p["score"] for p in record["predictions"]]
        assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1
    assert records[0]["predictions"][0]["label"] in cats
    assert records[1]["predictions"][0]["label"] in dogs


def test_other_model_in_process(shared, capsys) -> None:
    cat = shared / "data" / "images" / "cat.jpg"
    code = main(["classify", str(cat), "--model", "mobilenet-v1-0.25-128-quant-tflite", "--json"])
    assert code == 0
    assert len(json.loads(capsys.readouterr().out)["predictions"]) == 5


def test_bad_image_exits_2_naming_the_file(tmp_path, capsys) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")
    assert main(["classify", str(notes), "--json"]) == 2
    captured = capsys.readouterr()
    assert "notes.txt" in captured.err and "not an image" in captured.err
    assert captured.out == ""


def test_missing_file_and_bad_top_exit_2_in_process(tmp_path, shared, capsys) -> None:
    assert main(["classify", str(tmp_path / "nope.jpg")]) == 2
    assert "nope.jpg" in capsys.readouterr().err
    cat = shared / "data" / "images" / "cat.jpg"
    assert main(["classify", str(cat), "--top", "0"]) == 2
    assert "between 1 and 20" in capsys.readouterr().err


def test_keras_model_offline_exits_3_with_the_offline_hint(shared, capsys) -> None:
    cat = shared / "data" / "images" / "cat.jpg"
    assert main(["classify", str(cat), "--model", "mobilenet-v2-keras"]) == 3
    assert "PLAYGROUND_MODEL_DIR/mobilenet-v2-keras" in capsys.readouterr().err
