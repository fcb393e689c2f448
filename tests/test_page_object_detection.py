"""The Object detection page under AppTest: both languages, the example photos, the filter,
NMS before/after, IoU step by step, bad uploads, the live panel fed by its processor."""

import av
import numpy as np
import pytest
from pages_helper import open_page

from components.detect_stream import PROCESSOR_KEY
from models.vision.images import decode_image

PAGE = "app_pages/object_detection.py"


def _texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def _table(at):
    return next(
        d.value for d in at.dataframe if list(d.value.columns) == ["label", "score", "bbox"]
    )


@pytest.mark.parametrize(
    ("lang", "title", "tab"),
    [
        ("en", "Object detection (CenterNet, COCO)", "🖼️ Photo"),
        ("es", "Detección de objetos (CenterNet, COCO)", "🖼️ Foto"),
    ],
)
def test_page_renders_the_street_example_in_both_languages(lang, title, tab) -> None:
    at = open_page(PAGE, lang)
    assert not at.exception and not at.error
    assert at.title[0].value == title and at.tabs[0].label == tab
    table = _table(at)
    assert list(table["label"]) == ["car"] * 3
    x, y, width, height = eval(table["bbox"][0])  # noqa: S307  ([x, y, w, h], Coco-SSD's)
    assert 40 < x < 60 and 140 < y < 160 and 60 < width < 90 and 35 < height < 60
    code = " ".join(c.value for c in at.code)
    assert "cocoSsd.load()" in code and "model.detect(video" in code and "bbox" in code
    assert "tf.image.non_max_suppression" in code and "iou=0.5" in code


def test_the_threshold_and_classes_filter_and_say_so(shared) -> None:
    at = open_page(PAGE, "en")
    at.slider(key="detect_threshold").set_value(0.95).run()
    assert not at.exception
    assert "Nothing above the threshold — lower it" in _texts(at.info)
    at.slider(key="detect_threshold").set_value(0.3).run()
    at.multiselect(key="detect_classes").set_value(["dog"]).run()
    assert "Nothing above the threshold" in _texts(at.info)
    at.multiselect(key="detect_classes").set_value(["car", "dog"]).run()
    assert len(_table(at)) == 3
    assert "minScore" in " ".join(c.value for c in at.code)


def test_nms_before_and_after_and_the_iou_of_two_boxes() -> None:
    at = open_page(PAGE, "en")
    at.radio(key="detect_example").set_value("bird").run()
    at.toggle(key="detect_show_raw").set_value(True).run()
    assert not at.exception and not at.error
    captions = [c for image in at.get("image") for c in image.captions]
    assert any(c.startswith("Before NMS:") for c in captions)
    summary = next(c.value for c in at.caption if c.value.startswith("Non-maximum suppression"))
    assert "→ 1 kept" in summary
    # the two best raw boxes are the same bird: their IoU is high, NMS drops the second
    at.selectbox(key="detect_iou_a").set_value(0).run()
    at.selectbox(key="detect_iou_b").set_value(1).run()
    iou = float(next(m.value for m in at.metric if m.label == "IoU"))
    assert iou > 0.5
    markdown = _texts(at.markdown)
    assert "**Union** = A + B − intersection" in markdown and "**Intersection**" in markdown
    assert "NMS keeps the higher-scoring box and drops the other" in _texts(at.caption)
    at.slider(key="detect_iou").set_value(1.0).run()
    assert "NMS keeps both boxes" in _texts(at.caption)
    assert len(_table(at)) >= 2


def test_a_bad_upload_is_explained_and_the_page_goes_on() -> None:
    at = open_page(PAGE, "es")
    at.radio(key="detect_source").set_value("upload").run()
    at.file_uploader(key="detect_upload").set_value(("x.jpg", b"no es una foto", "image/jpeg"))
    at.run()
    assert not at.exception
    assert "no es una imagen" in _texts(at.error)
    assert at.title[0].value == "Detección de objetos (CenterNet, COCO)"


def test_the_live_panel_counts_the_objects_of_a_frame(shared) -> None:
    at = open_page(PAGE, "en")
    assert "The objects appear here while the stream runs." in _texts(at.caption)
    processor = at.session_state[PROCESSOR_KEY]
    street = decode_image((shared / "data" / "images" / "traffic.bmp").read_bytes())
    out = processor.callback(av.VideoFrame.from_ndarray(street, format="rgb24"))
    drawn = out.to_ndarray(format="rgb24")
    assert not np.array_equal(drawn, street[:, ::-1])  # mirrored and with boxes drawn
    at.run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["Objects"] == "3" and float(values["Inference (ms)"]) > 0
    counts = next(d.value for d in at.dataframe if list(d.value.columns) == ["label", "count"])
    assert list(counts["count"]) == [3]
