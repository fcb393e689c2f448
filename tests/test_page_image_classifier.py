"""The Image classifier page under AppTest, in English and Spanish, with the real models."""

import io
import json
import zlib

import numpy as np
import pytest
from pages_helper import open_page
from PIL import Image
from test_images import gray_png

from components.i18n import translate
from models.vision.classify import DOG_BREEDS, DOMESTIC_CATS, labels

PAGE = "app_pages/image_classifier.py"
V2 = "mobilenet-v2-1.0-224-quant-tflite"


def verdict(at) -> str:
    """The markdown line naming the top class."""
    lines = [m.value for m in at.markdown if m.value.startswith(("Top class", "Clase más"))]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


def top_label(at) -> str:
    return verdict(at).split("**")[1]


def names(indices: range) -> set[str]:
    return {labels(V2)[i + 1] for i in indices}


def upload(at, name: str, data: bytes, mime: str = "image/png"):
    at.file_uploader(key="classifier_upload").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_opens_on_the_cat_example_with_top5_steps_and_code(lang) -> None:
    at = open_page(PAGE, lang)
    assert not at.exception, at.exception
    assert not at.error
    assert at.title[0].value == translate("classifier.title", lang)
    assert top_label(at) in names(DOMESTIC_CATS)
    headers = [h.value for h in at.subheader]
    assert translate("classifier.steps_header", lang) in headers
    steps = [m.value for m in at.markdown if m.value.startswith("**") and "." in m.value]
    assert [s.strip("*") for s in steps[:4]] == [
        translate(f"classifier.step.{name}", lang)
        for name in ("original", "resized", "scaled", "quantized")
    ]
    captions = " ".join(c.value for c in at.caption)
    assert "(224, 224, 3)" in captions and "float32" in captions and "uint8" in captions
    assert translate("common.code_panel", lang) in [e.label for e in at.expander]
    codes = " ".join(c.value for c in at.code)
    assert "mobilenet.load" in codes and "model.classify" in codes
    assert "Interpreter" in codes and "experimental_preserve_all_tensors" in codes


def test_dog_button_in_spanish() -> None:
    at = open_page(PAGE, "es")
    at.button(key="classifier_example_dog").click().run()
    assert not at.exception
    assert verdict(at).startswith("Clase más probable")
    assert top_label(at) in names(DOG_BREEDS)
    at.radio(key="classifier_source").set_value("camera").run()
    assert [c.label for c in at.camera_input] == [translate("classifier.camera", "es")]
    assert top_label(at) in names(DOG_BREEDS)  # no shot yet: the last photo stays


def test_bad_uploads_are_explained_and_the_last_photo_is_kept(shared) -> None:
    at = open_page(PAGE, "es")
    assert top_label(at) in names(DOMESTIC_CATS)
    at.radio(key="classifier_source").set_value("upload").run()
    bomb_header = gray_png(20_000, 20_000, zlib.compress(b"\x00" * 1000))
    cases = {
        "notas.txt": (b"esto no es una foto", "error.image_not_image"),
        "vacia.png": (b"", "error.image_empty"),
        "cortada.jpg": (
            (shared / "data" / "images" / "cat.jpg").read_bytes()[:5000],
            "error.image_truncated",
        ),
        "bomba.png": (bomb_header, "error.image_too_large"),
    }
    for name, (data, key) in cases.items():
        upload(at, name, data)
        errors = [e.value for e in at.error]
        assert len(errors) == 1, (name, errors)
        params = {"supported": "JPEG, PNG, BMP, WebP, GIF"}
        if key == "error.image_too_large":
            params = {"megapixels": "400", "limit_mp": "40"}
        expected = translate(key, "es", **params)
        assert errors[0] == f"**{name}** — {expected}", name  # which upload it is about
        kept = translate("classifier.kept_previous", "es", name="cat.jpg")
        assert kept in [c.value for c in at.caption]
        assert top_label(at) in names(DOMESTIC_CATS)  # the previous result stays

    dog = np.asarray(Image.open(shared / "data" / "images" / "dog.bmp").convert("RGB"))
    upload(at, "perro.png", png(dog))
    assert not at.error and not at.warning
    assert top_label(at) in names(DOG_BREEDS)


def test_a_photo_of_a_few_pixels_is_classified_with_a_warning() -> None:
    """MobileNet answers even for a 1×1 image (it is stretched to 224×224): say it means
    nothing, and say nothing of the kind for a real photo."""
    at = open_page(PAGE, "en")
    assert not at.warning
    at.radio(key="classifier_source").set_value("upload").run()
    upload(at, "dot.png", png(np.full((1, 1, 3), 200, np.uint8)))
    assert not at.error and not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "only 1×1 pixels" in warning and "224×224" in warning


def test_unavailable_keras_model_says_how_to_get_it_and_the_page_keeps_working() -> None:
    at = open_page(PAGE, "en")
    at.selectbox(key="classifier_model").set_value("mobilenet-v2-keras").run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "python -m models download mobilenet-v2-keras" in warnings
    assert "PLAYGROUND_MODEL_DIR" in warnings or "/mobilenet-v2-keras/" in warnings
    assert not [m for m in at.markdown if m.value.startswith("Top class")]
    at.selectbox(key="classifier_model").set_value("mobilenet-v1-0.25-128-quant-tflite").run()
    assert not at.warning
    assert top_label(at) in names(DOMESTIC_CATS)
    captions = " ".join(c.value for c in at.caption)
    assert "(128, 128, 3)" in captions


def test_heatmap_button_draws_the_map() -> None:
    at = open_page(PAGE, "en")
    images_before = len(at.get("image"))
    at.button(key="classifier_heatmap").click().run()
    assert not at.exception
    assert len(at.get("image")) == images_before + 2
    drop = [c.value for c in at.caption if c.value.startswith("Largest drop")]
    assert drop and float(drop[0].split()[2].rstrip("%")) > 5


def test_teach_two_classes_in_the_session() -> None:
    at = open_page(PAGE, "en")
    at.button(key="transfer_train").click().run()
    errors = [e.value for e in at.error]
    assert errors == [translate("error.classifier_class_empty", "en", name="Class 1")]

    at.text_input(key="transfer_name_0").set_value("kitty").run()
    at.text_input(key="transfer_name_1").set_value("puppy").run()
    at.button(key="transfer_add_0").click().run()  # the cat example
    at.button(key="classifier_example_dog").click().run()
    at.button(key="transfer_add_1").click().run()
    captions = [c.value for c in at.caption]
    assert captions.count(translate("classifier.transfer.examples", "en", count=1)) == 2

    at.button(key="transfer_train").click().run()
    assert not at.exception and not at.error
    trained = [c.value for c in at.caption if c.value.startswith("Trained on: kitty, puppy")]
    assert trained and "accuracy 100%" in trained[0]
    says = [m.value for m in at.markdown if m.value.startswith("Your model says")]
    assert says and "**puppy**" in says[0]
    specs = {c.proto.id.split("-")[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    own, history = specs["transfer_own_chart"]["layout"], specs["transfer_history"]["layout"]
    assert own["xaxis"]["title"]["text"] == "probability" and own["height"] >= 44 * 2
    assert history["xaxis"]["title"]["text"] == "epoch" and history["xaxis"]["nticks"] <= 8

    at.button(key="classifier_example_cat").click().run()  # state survives reruns
    says = [m.value for m in at.markdown if m.value.startswith("Your model says")]
    assert says and "**kitty**" in says[0]


def test_without_example_photos_the_page_asks_for_one(monkeypatch) -> None:
    monkeypatch.delenv("PLAYGROUND_DATA_DIR")
    at = open_page(PAGE, "es")
    assert not at.exception and not at.error
    infos = [i.value for i in at.info]
    assert translate("classifier.no_examples", "es") in infos
    assert translate("classifier.no_photo", "es") in infos
    assert translate("classifier.transfer.train", "es") in [b.label for b in at.button]


def test_class_uploads_add_good_photos_and_explain_bad_ones(shared) -> None:
    at = open_page(PAGE, "en")
    cat = (shared / "data" / "images" / "cat.jpg").read_bytes()
    files = [("a.jpg", cat, "image/jpeg"), ("b.txt", b"not a photo", "text/plain")]
    at.file_uploader(key="transfer_upload_0").set_value(files).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "**b.txt** — "
        + translate("error.image_not_image", "en", supported="JPEG, PNG, BMP, WebP, GIF")
    ]
    captions = [c.value for c in at.caption]
    assert translate("classifier.transfer.examples", "en", count=1) in captions
    at.run()  # a rerun does not add the same upload twice
    captions = [c.value for c in at.caption]
    assert translate("classifier.transfer.examples", "en", count=1) in captions
    assert translate("classifier.transfer.examples", "en", count=0) in captions


def test_the_camera_section_adds_nothing_without_a_stream_and_waits_for_a_head() -> None:
    at = open_page(PAGE, "es")
    at.session_state["transfer_camera_open"] = True  # the expander, opened
    at.run()
    assert not at.exception
    assert translate("classifier.camera.train_first", "es") in [c.value for c in at.caption]
    at.button(key="transfer_camera_burst_1").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == [translate("classifier.camera.no_frame", "es")]
    none = translate("classifier.transfer.examples", "es", count=0)
    rows = [m.value for m in at.markdown if m.value.endswith(none)]
    assert len(rows) == 2 and rows[0].startswith("**Clase 1**")  # a row per class
    at.button(key="transfer_add_0").click().run()  # a photo added above counts here too
    one = translate("classifier.transfer.examples", "es", count=1)
    assert any(m.value == f"**Clase 1**  \n{one}" for m in at.markdown)
