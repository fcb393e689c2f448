"""Teach it your own classes: the embedding really is MobileNet's pool, and a head learns."""

import threading

import numpy as np
import pytest

from models.errors import BadInput
from models.vision.classify import resize
from models.vision.images import decode_image
from models.vision.transfer import (
    TRANSFER_MODELS,
    check_classes,
    feature_extractor,
    head_from_bytes,
    head_probabilities,
    head_to_bytes,
    train_head,
)

V2 = TRANSFER_MODELS[0]


@pytest.fixture(scope="module")
def photos(shared) -> dict[str, np.ndarray]:
    folder = shared / "data" / "images"
    return {
        "cat": decode_image((folder / "cat.jpg").read_bytes()),
        "dog": decode_image((folder / "dog.bmp").read_bytes()),
    }


def crops(pixels: np.ndarray, count: int, seed: int) -> list[np.ndarray]:
    """Random crops of 50–90 % of the photo, some mirrored: varied views of one subject."""
    rng = np.random.default_rng(seed)
    height, width = pixels.shape[:2]
    views = []
    for _ in range(count):
        share = rng.uniform(0.5, 0.9)
        h, w = int(height * share), int(width * share)
        y, x = rng.integers(0, height - h), rng.integers(0, width - w)
        view = pixels[y : y + h, x : x + w]
        views.append(view[:, ::-1] if rng.random() < 0.5 else view)
    return views


@pytest.mark.parametrize(("model_id", "dim"), [(V2, 1280), (TRANSFER_MODELS[1], 256)])
def test_embedding_is_the_pool_that_feeds_the_logits(model_id, dim, photos) -> None:
    extractor = feature_extractor(model_id)
    assert extractor.dim == dim and extractor.classes == 1001
    embedding = extractor.embed(resize(photos["cat"], extractor.size))
    assert embedding.shape == (dim,) and embedding.dtype == np.float32
    assert (embedding >= 0).all() and embedding.max() > 0  # after ReLU6 and averaging
    # W·embedding + b from the model's own last layer gives its logits within one step.
    assert extractor.logits_check(resize(photos["cat"], extractor.size)) <= 1.0


def test_embeddings_differ_between_photos_and_are_repeatable(photos) -> None:
    extractor = feature_extractor(V2)
    cat = extractor.embed_photo(photos["cat"])
    dog = extractor.embed_photo(photos["dog"])
    np.testing.assert_array_equal(cat, extractor.embed_photo(photos["cat"]))
    cosine = float(cat @ dog / np.linalg.norm(cat) / np.linalg.norm(dog))
    assert cosine < 0.9


def test_extractor_is_safe_from_several_threads(photos) -> None:
    extractor = feature_extractor(V2)
    inputs = [resize(view, 224) for view in crops(photos["dog"], 4, seed=1)]
    expected = [extractor.embed(x) for x in inputs]
    results: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        for _ in range(3):
            results[i] = extractor.embed(inputs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, embedding in enumerate(expected):
        np.testing.assert_array_equal(results[i], embedding)


def test_head_separates_cat_views_from_dog_views(photos) -> None:
    extractor = feature_extractor(V2)
    train_x = [
        extractor.embed_photo(v) for v in crops(photos["cat"], 5, 0) + crops(photos["dog"], 5, 0)
    ]
    train_y = np.array([0] * 5 + [1] * 5)
    history: list[dict] = []
    head = train_head(
        np.stack(train_x),
        train_y,
        2,
        epochs=15,
        on_epoch=lambda epoch, epochs, logs: history.append({"epoch": epoch, **logs}),
    )
    assert [h["epoch"] for h in history] == list(range(1, 16))
    assert history[-1]["loss"] < history[0]["loss"]
    assert history[-1]["accuracy"] == 1.0
    held_out = [(v, 0) for v in crops(photos["cat"], 4, 99)] + [
        (v, 1) for v in crops(photos["dog"], 4, 99)
    ]
    for view, label in held_out:
        probs = head_probabilities(head, extractor.embed_photo(view))
        assert probs.shape == (2,) and abs(float(probs.sum()) - 1) < 1e-5
        assert int(np.argmax(probs)) == label

    data = head_to_bytes(head)
    assert data[:2] == b"PK"  # a .keras zip, not a pickle
    again = head_from_bytes(data)
    embedding = extractor.embed_photo(photos["dog"])
    np.testing.assert_allclose(
        head_probabilities(again, embedding), head_probabilities(head, embedding), atol=1e-6
    )


def test_class_checks() -> None:
    check_classes(["rock", "paper", "scissors"], [3, 1, 2])
    cases = {
        "classifier_class_empty": (["rock", "paper"], [4, 0]),
        "classifier_class_count": (["only"], [3]),
        "classifier_class_names": (["rock", " rock "], [1, 1]),
    }
    for code, (names, counts) in cases.items():
        with pytest.raises(BadInput) as caught:
            check_classes(names, counts)
        assert caught.value.code == code
    with pytest.raises(BadInput) as caught:
        check_classes([f"c{i}" for i in range(6)], [1] * 6)
    assert caught.value.params == {"count": 6, "low": 2, "high": 5}
    with pytest.raises(BadInput) as caught:
        check_classes(["rock", "paper"], [2, 0])
    assert caught.value.params == {"name": "paper"}


def test_only_mobilenet_tflite_models_have_an_extractor() -> None:
    with pytest.raises(BadInput):
        feature_extractor("movenet-singlepose-lightning-int8-tflite")
