"""The toxicity pipeline end to end on the stand-in model, loaded by id from a temporary mirror.

The stand-in has the real model's signature (tests/toxicity_standin.py); its probabilities
are checked against a formula computed from the tokens without TensorFlow.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from toxicity_standin import build_standin, expected_probability

from components.toxicity_views import python_code
from models import loading
from models.cli import main
from models.errors import BadInput, PlaygroundError
from models.text.toxicity import (
    LABELS,
    MAX_EFFECT_WORDS,
    SENTENCES_PER_CALL,
    classify,
    predict,
    word_effects,
)
from models.text.use_tokenizer import Tokenizer, load_tokenizer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return load_tokenizer()


@pytest.fixture(scope="module")
def standin_mirror(tmp_path_factory, tokenizer) -> Path:
    """A model mirror holding only `toxicity/`: the stand-in as model.json + shard."""
    mirror = tmp_path_factory.mktemp("mirror")
    build_standin(mirror / "toxicity", tokenizer)
    return mirror


@pytest.fixture
def model(standin_mirror, monkeypatch):
    """The stand-in loaded the way the page and the CLI load it: load_model("toxicity")."""
    monkeypatch.setenv("PLAYGROUND_MODEL_DIR", str(standin_mirror))
    loading.forget("toxicity")
    yield loading.load_model("toxicity")
    loading.forget("toxicity")


def test_signature_is_the_real_ones(model) -> None:
    assert [(i.name, i.dtype, i.shape) for i in model.inputs] == [
        ("Placeholder_1", "int32", (None, 2)),
        ("Placeholder", "int32", (None,)),
    ]
    assert [o.name.split("/")[0] for o in model.outputs] == list(LABELS)
    assert all(o.shape == (None, 2) for o in model.outputs)


def test_classify_decodes_every_label(model, tokenizer) -> None:
    texts = ["You are a stupid idiot", "Have a nice day", "idiot"]
    results = classify(model, tokenizer, texts, 0.9)
    assert len(results) == 3
    for text, labels in zip(texts, results, strict=True):
        assert [r.label for r in labels] == list(LABELS)
        for r in labels:
            assert r.probability == pytest.approx(expected_probability(tokenizer, text, r.label))
            assert sum(r.probabilities) == pytest.approx(1.0)
    by_label = {r.label: r for r in results[2]}
    assert by_label["insult"].match is True and by_label["toxicity"].match is True
    assert by_label["threat"].match is False
    # 2 trigger tokens of 5: P = sigmoid(12 * 0.4 - 4) = 0.69, sure of neither → null.
    assert {r.label: r.match for r in results[0]}["insult"] is None
    assert all(r.match is False for r in results[1])


def test_threshold_changes_only_the_matches(model, tokenizer) -> None:
    text = "I hate hate you"  # 2 of 4 tokens trigger toxicity: P = sigmoid(2) = 0.881
    at_course = {r.label: r for r in classify(model, tokenizer, [text], 0.9)[0]}
    at_library = {r.label: r for r in classify(model, tokenizer, [text], 0.85)[0]}
    assert at_course["toxicity"].probability == pytest.approx(0.8808, abs=1e-3)
    assert at_course["toxicity"].match is None
    assert at_library["toxicity"].match is True
    assert at_course["toxicity"].probabilities == at_library["toxicity"].probabilities


def test_batch_of_different_lengths_equals_one_by_one(model, tokenizer) -> None:
    texts = ["idiot", "you are such a dumb idiot, really", "hi", "I will kill you", "😀 racist"]
    together = classify(model, tokenizer, texts, 0.9)
    for text, labels in zip(texts, together, strict=True):
        alone = classify(model, tokenizer, [text], 0.9)[0]
        np.testing.assert_allclose(
            [r.probabilities for r in labels], [r.probabilities for r in alone], atol=1e-6
        )


def test_more_sentences_than_one_call_holds(model, tokenizer) -> None:
    texts = [("idiot " * (i % 3)) + "friend" for i in range(SENTENCES_PER_CALL * 2 + 5)]
    probabilities = predict(model, [tokenizer.encode(t) for t in texts])
    assert probabilities["insult"].shape == (len(texts), 2)
    expected = [expected_probability(tokenizer, t, "insult") for t in texts]
    np.testing.assert_allclose(probabilities["insult"][:, 1], expected, rtol=1e-5)


def test_odd_texts_run(model, tokenizer) -> None:
    texts = ["😀😀😀", "مرحبا بالعالم", "Привет idiot", "\x00\x01\x02", "ＩＤＩＯＴ", "x" * 100_000]
    results = classify(model, tokenizer, texts, 0.9)
    assert len(results) == len(texts)
    # NFKC folds the full-width letters, but "IDIOT" is not the piece "▁idiot": no trigger.
    assert {r.label: r.match for r in results[4]}["insult"] is False
    mixed = {r.label: r.probability for r in results[2]}
    assert mixed["insult"] == pytest.approx(expected_probability(tokenizer, texts[2], "insult"))
    assert mixed["insult"] > mixed["threat"]


def test_blank_text_never_reaches_the_model(model, tokenizer) -> None:
    with pytest.raises(BadInput):
        classify(model, tokenizer, ["fine", "   "], 0.9)


def test_a_failure_inside_the_graph_is_an_explained_error(model) -> None:
    with pytest.raises(PlaygroundError) as caught:
        predict(model, [[5, 99_999]])  # an id past the embedding table: TensorFlow refuses
    assert caught.value.code in {"tfjs_run_failed", "toxicity_model_failed"}
    assert caught.value.params["detail"]


def test_word_effects_point_at_the_trigger_word(model, tokenizer) -> None:
    effects = word_effects(model, tokenizer, "you  are a   stupid person")
    assert effects.words == ["you", "are", "a", "stupid", "person"]
    insult = effects.effects["insult"]
    assert max(range(5), key=insult.__getitem__) == 3
    assert insult[3] > 0.1 and all(e < 0 for i, e in enumerate(insult) if i != 3)
    assert effects.baseline["insult"] == pytest.approx(
        expected_probability(tokenizer, "you are a stupid person", "insult")
    )
    assert all(v == pytest.approx(0.0, abs=1e-6) for v in effects.effects["threat"])
    assert not effects.truncated
    with pytest.raises(BadInput):
        word_effects(model, tokenizer, "idiot")


def test_word_effects_of_a_long_text_try_the_first_words(model, tokenizer) -> None:
    words = [f"w{i}" for i in range(MAX_EFFECT_WORDS + 10)]
    effects = word_effects(model, tokenizer, " ".join(words))
    assert effects.truncated and effects.words == words[:MAX_EFFECT_WORDS]
    assert all(len(values) == MAX_EFFECT_WORDS for values in effects.effects.values())


def _cli(*args: str, mirror: Path) -> subprocess.CompletedProcess:
    """`python -m models ARGS` in a fresh process, as a student would run it."""
    env = {**os.environ, "PLAYGROUND_MODEL_DIR": str(mirror)}
    return subprocess.run(
        [sys.executable, "-m", "models", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_toxicity_json_with_the_standin(standin_mirror, tokenizer) -> None:
    result = _cli("toxicity", "idiot", "Have a nice day", "--json", mirror=standin_mirror)
    assert result.returncode == 0, result.stderr[-2000:]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == ["idiot", "Have a nice day"]
    assert list(records[0]["labels"]) == list(LABELS)
    assert records[0]["labels"]["insult"]["match"] is True
    assert records[0]["threshold"] == 0.9
    p = records[1]["labels"]["toxicity"]["probabilities"]
    assert p[1] == pytest.approx(expected_probability(tokenizer, "Have a nice day", "toxicity"))
    assert records[1]["labels"]["toxicity"]["match"] is False


def test_cli_threshold_and_errors(standin_mirror, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PLAYGROUND_MODEL_DIR", str(standin_mirror))
    loading.forget("toxicity")
    assert main(["toxicity", "I hate hate you", "--threshold", "0.85", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["labels"]["toxicity"]["match"] is True
    assert main(["toxicity", "hi", "--threshold", "1.5"]) == 2
    assert "threshold" in capsys.readouterr().err
    assert main(["toxicity", "  "]) == 2
    assert "empty" in capsys.readouterr().err
    monkeypatch.setenv("PLAYGROUND_MODEL_DIR", str(tmp_path / "empty-mirror"))
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    loading.forget("toxicity")
    assert main(["toxicity", "hi"]) == 3
    assert "PLAYGROUND_MODEL_DIR" in capsys.readouterr().err


def test_cli_tokenize_json(shared, capsys) -> None:
    vocab = shared / "data" / "use-vocab" / "vocab.json"
    assert main(["tokenize", "Hello, world!", "ça", "", "--vocab", str(vocab), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records == [
        {"text": "Hello, world!", "ids": [341, 4125, 8, 311, 78]},
        {"text": "ça", "ids": [30, 6801, 86]},
        {"text": "", "ids": []},
    ]
    assert main(["tokenize", "x", "--vocab", str(vocab.parent / "missing.json")]) == 2


def test_the_code_panel_python_runs_and_prints_the_results(model, tokenizer, capsys) -> None:
    exec(compile(python_code("idiot", 0.9), "code_panel", "exec"), {})  # our own snippet
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in printed] == list(LABELS)
    insult = next(line for line in printed if line.startswith("insult"))
    assert insult.endswith("True")
