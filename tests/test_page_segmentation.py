"""The Segmentation page under AppTest: both languages, the scene's legend and steps, one
class alone, the person effects, a bad upload, the live panel fed by its processor."""

import io

import av
import numpy as np
import pytest
from pages_helper import open_page
from PIL import Image

from components.segment_stream import PROCESSOR_KEY
from models.vision.images import decode_image

PAGE = "app_pages/segmentation.py"


def _texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def _legend(at):
    return next(
        d.value for d in at.dataframe if list(d.value.columns) == ["class", "colour", "share"]
    )


def _captions(at) -> list[str]:
    return [c for image in at.get("image") for c in image.captions]


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Segmentation (DeepLab, selfie)"), ("es", "Segmentación (DeepLab, selfie)")],
)
def test_the_bird_is_segmented_in_both_languages(lang, title) -> None:
    at = open_page(PAGE, lang)
    assert not at.exception and not at.error
    assert at.title[0].value == title
    legend = _legend(at)
    assert list(legend["class"]) == ["background", "bird"]
    assert legend["colour"][1] == "#808000"  # VOC's bird colour
    assert "int64 [1, 513, 513]" in _texts(at.caption)
    code = " ".join(c.value for c in at.code)
    assert "bodyPix.load()" in code and "segmentPerson" in code and "drawBokehEffect" in code
    assert "deeplab.load({base: 'pascal'" in code and "model.segment(" in code
    assert "toMask" in code and "Interpreter(" in code


def test_one_class_alone_and_the_opacity_keep_the_legend() -> None:
    at = open_page(PAGE, "en")
    at.radio(key="segment_example").set_value("dog").run()
    assert list(_legend(at)["class"]) == ["background", "dog"]
    at.selectbox(key="segment_only").set_value(12).run()
    at.slider(key="segment_opacity").set_value(0.2).run()
    assert not at.exception and not at.error
    assert list(_legend(at)["class"]) == ["background", "dog"]


def test_the_person_effect_and_share_on_a_photo() -> None:
    at = open_page(PAGE, "en")
    captions = " ".join(_captions(at))
    assert "The person fills" in captions
    at.radio(key="segment_photo_effect").set_value("colour").run()
    assert not at.exception and not at.error
    at.radio(key="segment_photo_effect").set_value("image").run()
    assert "Upload an image to put behind the person" in _texts(at.caption)


def test_a_photo_with_only_background_says_so() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (180, 180, 180)).save(buffer, format="PNG")
    at = open_page(PAGE, "es")
    at.radio(key="segment_source").set_value("upload").run()
    at.file_uploader(key="segment_upload").set_value(("pared.png", buffer.getvalue(), "image/png"))
    at.run()
    assert not at.exception and not at.error
    assert "Aquí solo hay fondo" in _texts(at.info)
    at.file_uploader(key="segment_upload").set_value(("x.png", b"nada", "image/png")).run()
    assert "no es una imagen" in _texts(at.error)
    assert at.title[0].value == "Segmentación (DeepLab, selfie)"


def test_the_live_panel_shows_the_person_share(shared) -> None:
    at = open_page(PAGE, "en")
    processor = at.session_state[PROCESSOR_KEY]
    squat = decode_image((shared / "data" / "pose" / "squat.bmp").read_bytes())
    out = processor.callback(av.VideoFrame.from_ndarray(squat, format="rgb24"))
    assert out.to_ndarray(format="rgb24").shape == squat.shape
    assert not np.array_equal(out.to_ndarray(format="rgb24"), squat[:, ::-1])  # blurred behind
    at.run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["Person"].endswith("%") and 10 <= int(values["Person"][:-1]) <= 25
    assert float(values["Inference (ms)"]) > 0


def test_a_camera_snapshot_is_segmented_too(shared) -> None:
    squat = (shared / "data" / "pose" / "squat.bmp").read_bytes()
    buffer = io.BytesIO()
    Image.open(io.BytesIO(squat)).convert("RGB").save(buffer, format="JPEG")
    at = open_page(PAGE, "en")
    at.radio(key="segment_source").set_value("camera").run()
    at.camera_input(key="segment_camera").set_value(("snap.jpg", buffer.getvalue(), "image/jpeg"))
    at.run()
    assert not at.exception and not at.error
    assert list(_legend(at)["class"]) == ["background", "person"]
