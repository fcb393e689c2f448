"""The toxicity stand-in run by TensorFlow.js itself gives what our Python pipeline gives.

This checks the two halves of "same as the course's TF.js code": the batch layout that
`ToxicityClassifier.classify` builds (here `batch_inputs`) is what a TF.js graph model with
the toxicity signature consumes, and the outputs TF.js names "<label>/…" decode to the
same probabilities. TensorFlow.js comes from `npm install --prefix tests/tfjs` (.ci/run).
"""

import numpy as np
from test_tfjs_crosscheck_graph import _run_tfjs
from toxicity_standin import build_standin

from models.formats.tfjs_graph import load_graph_model
from models.text.toxicity import LABELS, batch_inputs, classify
from models.text.use_tokenizer import load_tokenizer

TOLERANCE = 1e-5


def test_standin_in_tfjs_matches_python(tmp_path) -> None:
    tokenizer = load_tokenizer()
    folder = tmp_path / "toxicity"
    build_standin(folder, tokenizer)
    texts = ["idiot", "you are such a dumb idiot, really", "I hate hate you", "😀 Привет"]
    inputs = batch_inputs([tokenizer.encode(text) for text in texts])

    report = _run_tfjs(folder, inputs, tmp_path)
    assert report["inputs"] == ["Placeholder_1", "Placeholder"]
    assert [name.split("/")[0] for name in report["outputNames"]] == list(LABELS)

    results = classify(load_graph_model(folder), tokenizer, texts, 0.9)
    for column, name in enumerate(report["outputNames"]):
        in_tfjs = report["arrays"][name]
        assert in_tfjs.shape == (len(texts), 2)
        in_python = np.array([labels[column].probabilities for labels in results])
        np.testing.assert_allclose(in_tfjs, in_python, atol=TOLERANCE)
