"""MobileNet classification with the real quantized models of the mirror, and occlusion maps."""

import numpy as np
import pytest

from models.errors import BadInput
from models.loading import load_model
from models.vision.classify import (
    DOG_BREEDS,
    DOMESTIC_CATS,
    check_top,
    classifier_ids,
    classifier_spec,
    image_probabilities,
    labels,
    predict,
    preprocess,
)
from models.vision.images import decode_image
from models.vision.occlusion import patch_positions, sensitivity_map

V2 = "mobilenet-v2-1.0-224-quant-tflite"
V1 = "mobilenet-v1-0.25-128-quant-tflite"


@pytest.fixture(scope="module")
def photos(shared) -> dict[str, np.ndarray]:
    folder = shared / "data" / "images"
    return {name: decode_image((folder / name).read_bytes()) for name in ("cat.jpg", "dog.bmp")}


def classify(model_id: str, pixels: np.ndarray, k: int = 5):
    spec = classifier_spec(model_id)
    model = load_model(model_id)
    return predict(model, spec, preprocess(pixels, spec, model), k)


@pytest.mark.parametrize("model_id", [V2, V1])
def test_cat_photo_gives_a_domestic_cat_first(model_id, photos) -> None:
    result = classify(model_id, photos["cat.jpg"])
    assert result.top[0].imagenet in DOMESTIC_CATS, result.top[0]
    assert "cat" in result.top[0].label.lower() or result.top[0].label == "tabby"


@pytest.mark.parametrize("model_id", [V2, V1])
def test_dog_photo_gives_a_dog_breed_first(model_id, photos) -> None:
    result = classify(model_id, photos["dog.bmp"])
    assert result.top[0].imagenet in DOG_BREEDS, result.top[0]


def test_top5_is_sorted_probabilities_that_sum_to_about_one(photos) -> None:
    result = classify(V2, photos["cat.jpg"])
    scores = [p.score for p in result.top]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True)
    assert 0.9 < float(result.probabilities.sum()) < 1.1  # uint8 softmax: steps of 1/256
    assert result.probabilities.shape == (1001,)
    assert result.top[0].score > 0.5
    assert result.ms > 0


def test_tflite_labels_have_background_first() -> None:
    names = labels(V2)
    assert len(names) == 1001 and names[0] == "background"
    assert names[1 + 281] == "tabby"  # ImageNet index 281, shifted by the background class


def test_keras_labels_come_from_the_imagenet_index() -> None:
    names = labels("mobilenet-v2-keras")
    assert len(names) == 1000 and names[0] == "tench" and names[281] == "tabby"


def test_preprocessing_steps_show_shapes_dtypes_and_ranges(photos) -> None:
    spec = classifier_spec(V2)
    model = load_model(V2)
    prepared = preprocess(photos["dog.bmp"], spec, model)
    steps = {step.name: step for step in prepared.steps}
    assert list(steps) == ["original", "resized", "scaled", "quantized"]
    assert steps["original"].shape == (340, 512, 3)
    assert steps["resized"].shape == (224, 224, 3) and steps["resized"].dtype == "uint8"
    assert steps["resized"].detail == "bilinear"
    low, high = steps["scaled"].value_range
    assert steps["scaled"].dtype == "float32" and -1.0 <= low < 0 < high <= 1.0
    # The quantized input (scale 1/128, zero point 128) is the resized photo again, ±1.
    quantized = steps["quantized"].array.astype(int)
    assert np.abs(quantized - steps["resized"].array.astype(int)).max() <= 1
    assert prepared.tensor.shape == (1, 224, 224, 3) and prepared.tensor.dtype == np.uint8


def test_v1_uses_its_own_input_size(photos) -> None:
    spec = classifier_spec(V1)
    assert spec.size == 128 and spec.background
    prepared = preprocess(photos["cat.jpg"], spec, load_model(V1))
    assert prepared.tensor.shape == (1, 128, 128, 3)


def test_keras_path_with_a_stand_in_of_the_same_signature(photos) -> None:
    """Keras MobileNetV2 cannot download here; a tiny model with its signature runs instead."""
    import keras

    spec = classifier_spec("mobilenet-v2-keras")
    assert spec.format == "keras" and spec.size == 224 and not spec.background
    keras.utils.set_random_seed(0)
    stand_in = keras.Sequential(
        [
            keras.Input((224, 224, 3)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(1000, activation="softmax"),
        ]
    )
    prepared = preprocess(photos["cat.jpg"], spec, stand_in)
    assert [s.name for s in prepared.steps] == ["original", "resized", "scaled"]
    assert prepared.tensor.dtype == np.float32
    result = predict(stand_in, spec, prepared, k=3)
    assert len(result.top) == 3 and result.probabilities.shape == (1000,)
    best = result.top[0]
    assert best.imagenet == best.index and best.label == labels("mobilenet-v2-keras")[best.index]


def test_registry_lists_the_three_classifiers_and_refuses_others() -> None:
    assert set(classifier_ids()) == {V2, V1, "mobilenet-v2-keras"}
    with pytest.raises(BadInput) as caught:
        classifier_spec("movenet-singlepose-lightning")
    assert caught.value.code == "classifier_not_classifier"
    with pytest.raises(BadInput):
        check_top(0)


def test_patch_positions_cover_the_image() -> None:
    spots = patch_positions(224, 56, 10)
    assert spots[0] == 0 and spots[-1] == 224 - 56 and len(spots) == 10


def test_occlusion_finds_the_region_a_predictor_depends_on() -> None:
    """A predictor whose class-0 score is the brightness of the top-left quarter."""

    def predictor(images: np.ndarray) -> np.ndarray:
        score = images[:, :32, :32].mean(axis=(1, 2, 3)) / 255.0
        return np.stack([score, 1 - score], axis=1)

    image = np.full((64, 64, 3), 255, np.uint8)
    heat = sensitivity_map(image, 0, predictor, patch_fraction=0.25, steps=7)
    assert heat.shape == (64, 64)
    assert heat[:32, :32].mean() > 0.05
    assert np.abs(heat[40:, 40:]).max() < 1e-6  # hiding the rest changes nothing


def test_occlusion_on_the_real_model_peaks_on_the_cat(photos) -> None:
    spec = classifier_spec(V2)
    model = load_model(V2)
    prepared = preprocess(photos["cat.jpg"], spec, model)
    target = predict(model, spec, prepared).top[0].index
    heat = sensitivity_map(
        prepared.resized, target, lambda images: image_probabilities(model, spec, images)
    )
    assert heat.shape == (224, 224) and heat.max() > 0.05
    # The strongest evidence is the cat's face (centre-top of the photo), not the carpet.
    y, x = np.unravel_index(int(heat.argmax()), heat.shape)
    assert 30 <= y <= 150 and 60 <= x <= 170, (y, x)
    # The batched path agrees with the single-image path on the unoccluded photo.
    single = image_probabilities(model, spec, prepared.resized[None])[0]
    assert int(np.argmax(single)) == target


def test_the_python_code_shown_on_the_page_runs_and_finds_the_cat(shared, monkeypatch, capsys):
    from components.classifier_views import python_code

    monkeypatch.chdir(shared / "models")
    code = python_code(V2, 224).replace('"cat.jpg"', repr(str(shared / "data/images/cat.jpg")))
    exec(compile(code, "code_panel", "exec"), {})
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(("Egyptian cat", "tabby", "tiger cat", "Persian", "Siamese"))
