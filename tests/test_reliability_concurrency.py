"""Concurrency: 8 sessions at once on the same cached models give exactly the serial results.

Streamlit serves every browser tab from a thread of one process, and `st.cache_resource`
hands all of them the same model objects (components/model_cache.py → models.loading). So
eight threads here share one loaded instance of each model, as eight students would, and
run the page's own pipeline (decode → preprocess → predict; letterbox → MoveNet). A TFLite
interpreter is not thread-safe (PITFALLS.md #5): a missing lock shows as results that differ
from the serial ones, or that belong to another thread's photo.

AppTest instances in threads were tried first: AppTest itself is not thread-safe (widget
state lookups fail with KeyError on `$$ID-…` keys), so the real multi-session check is the
browser test tests/browser/test_concurrent_sessions.py against one server.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from models.loading import load_model
from models.pose.movenet import input_size, run_model
from models.vision.classify import classifier_spec, predict, preprocess
from models.vision.images import decode_image
from models.vision.letterbox import letterbox

MODELS = ("mobilenet-v2-1.0-224-quant-tflite", "mobilenet-v1-0.25-128-quant-tflite")
POSE = ("movenet-singlepose-lightning", "movenet-singlepose-lightning-int8-tflite")
SESSIONS, ROUNDS = 8, 5


@pytest.fixture(scope="module")
def photos(shared) -> list[np.ndarray]:
    folder = shared / "data"
    return [
        decode_image((folder / "images" / "cat.jpg").read_bytes()),
        decode_image((folder / "images" / "dog.bmp").read_bytes()),
        decode_image((folder / "pose" / "squat.bmp").read_bytes()),
        decode_image((folder / "pose" / "yoga.jpeg").read_bytes()),
    ]


def classify(model_id: str, pixels: np.ndarray) -> list[tuple[str, float]]:
    spec, model = classifier_spec(model_id), load_model(model_id)
    return [(p.label, p.score) for p in predict(model, spec, preprocess(pixels, spec, model)).top]


def pose(model_id: str, pixels: np.ndarray) -> np.ndarray:
    square = letterbox(pixels, input_size(model_id))[0]
    return np.asarray(run_model(load_model(model_id), square))


def session(index: int, photos: list[np.ndarray]) -> tuple:
    """What one student's session computes, several times over (a few reruns)."""
    results = []
    for _ in range(ROUNDS):
        results.append(classify(MODELS[index % 2], photos[index % 4]))
        results.append(pose(POSE[index % 2], photos[index % 4]).round(6).tolist())
    return tuple(map(repr, results))


def test_eight_simultaneous_sessions_match_serial_runs(photos) -> None:
    serial = [session(i, photos) for i in range(SESSIONS)]
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        parallel = list(pool.map(lambda i: session(i, photos), range(SESSIONS)))
    for index in range(SESSIONS):
        assert parallel[index] == serial[index], f"session {index} differs from its serial run"
        assert len(set(parallel[index])) <= 2  # every round of a session gives the same answers
    assert serial[0] != serial[2]  # different photos give different answers: the test can fail
