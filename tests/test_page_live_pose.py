"""The Live pose page under AppTest: both languages, photo, snapshot and video paths, bad input.

`webrtc_streamer` needs a real Streamlit session; under AppTest
`streamlit_webrtc.component.get_this_session_info` is patched to return None so the page
renders with the stream stopped (PITFALLS.md #6). Frames are tested through the callback
(tests/test_pose_stream.py); here the panel is fed by calling the session's own processor.
"""

import io

import av
import numpy as np
import pytest
from crowd_helper import two_people
from pages_helper import open_page
from PIL import Image

from components.pose_stream import PROCESSOR_KEY
from models.loading import load_model
from models.pose.movenet import estimate
from models.vision.images import decode_image

PAGE = "app_pages/live_pose.py"


def _texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def _keypoint_table(at):
    return next(
        d.value for d in at.dataframe if list(d.value.columns)[:4] == ["name", "x", "y", "score"]
    )


def _downloads(at) -> list[str]:
    return [e.proto.label for e in at.get("download_button")]


@pytest.mark.parametrize(
    ("lang", "title", "tab", "metric"),
    [
        ("en", "Live pose (MoveNet)", "🎥 Live webcam", "Inference (ms)"),
        ("es", "Pose en vivo (MoveNet)", "🎥 Webcam en vivo", "Inferencia (ms)"),
    ],
)
def test_page_renders_in_both_languages(lang, title, tab, metric) -> None:
    at = open_page(PAGE, lang)
    assert not at.exception
    assert at.title[0].value == title
    assert [t.label for t in at.tabs][:4][0] == tab
    assert metric in [m.label for m in at.metric]
    assert at.selectbox(key="pose_model").value == "movenet-singlepose-lightning"
    code = " ".join(c.value for c in at.code)
    assert "tf.loadGraphModel" in code and "fromTFHub: true" in code
    assert "tf.browser.fromPixels" in code and "resizeWithPad" in code and "tf.tidy" in code
    assert "model.predict" in code and "dispose()" in code
    assert "resize_with_pad" in code and "movenet/singlepose/lightning/4" in code
    assert not at.error


def test_photo_is_analysed_drawn_and_downloadable(shared) -> None:
    data = (shared / "data" / "pose" / "yoga.jpeg").read_bytes()
    at = open_page(PAGE, "en")
    at.file_uploader(key="pose_photo").set_value(("yoga.jpeg", data, "image/jpeg")).run()
    assert not at.exception and not at.error
    table = _keypoint_table(at)
    assert len(table) == 17 and table["name"][0] == "nose"
    # A photo is never mirrored: the table equals Lightning on the photo itself.
    expected = estimate(load_model("movenet-singlepose-lightning"), decode_image(data), 192)
    np.testing.assert_allclose(table["x"], expected.keypoints[:, 0], atol=0.06)
    np.testing.assert_allclose(table["y"], expected.keypoints[:, 1], atol=0.06)
    assert list(table["visible"]) == list(expected.keypoints[:, 2] >= 0.3)
    assert "Download CSV" in _downloads(at) and "Download JSON" in _downloads(at)
    captions = [c for image in at.get("image") for c in image.captions]
    assert "426×640 pixels; keypoints in these pixels" in captions
    angles = next(d.value for d in at.dataframe if list(d.value.columns) == ["joint", "degrees"])
    assert len(angles) == 8


def test_changing_threshold_and_model_keeps_the_photo(shared) -> None:
    data = (shared / "data" / "pose" / "squat.bmp").read_bytes()
    at = open_page(PAGE, "en")
    at.file_uploader(key="pose_photo").set_value(("squat.bmp", data, "image/bmp")).run()
    at.slider(key="pose_threshold").set_value(0.95).run()
    assert not _keypoint_table(at)["visible"].any()
    at.selectbox(key="pose_model").set_value("movenet-singlepose-lightning-int8-tflite").run()
    assert not at.exception
    assert len(_keypoint_table(at)) == 17
    code = " ".join(c.value for c in at.code)
    assert "Interpreter" in code and "uint8" in code


def test_a_bad_photo_is_explained_in_spanish_and_the_page_goes_on(tmp_path) -> None:
    at = open_page(PAGE, "es")
    at.slider(key="pose_threshold").set_value(0.5).run()
    at.file_uploader(key="pose_photo").set_value(("notas.jpg", b"no es una foto", "image/jpeg"))
    at.run()
    assert not at.exception
    assert "no es una imagen" in _texts(at.error)
    assert at.slider(key="pose_threshold").value == 0.5
    assert at.title[0].value == "Pose en vivo (MoveNet)"


def test_camera_snapshot_goes_through_the_same_pipeline(shared) -> None:
    pixels = decode_image((shared / "data" / "pose" / "squat.bmp").read_bytes())
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=95)
    at = open_page(PAGE, "en")
    at.camera_input(key="pose_camera").set_value(("snap.jpg", buffer.getvalue(), "image/jpeg"))
    at.run()
    assert not at.exception and not at.error
    table = _keypoint_table(at)
    # Mirrored by default, like the live view: x flipped, y as in the picture.
    expected = estimate(
        load_model("movenet-singlepose-lightning"), decode_image(buffer.getvalue()), 192
    )
    np.testing.assert_allclose(table["x"], 500 - expected.keypoints[:, 0], atol=0.06)
    np.testing.assert_allclose(table["y"], expected.keypoints[:, 1], atol=0.06)


def _clip(shared, count: int = 12) -> bytes:
    """A short MP4 of the squat photo drifting to the right."""
    person = decode_image((shared / "data" / "pose" / "squat.bmp").read_bytes())
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 640, 480, "yuv420p"
        small = np.asarray(Image.fromarray(person).resize((320, 390)))
        for i in range(count):
            canvas = np.full((480, 640, 3), 230, np.uint8)
            canvas[60:450, 40 + 20 * i : 360 + 20 * i] = small
            for packet in stream.encode(av.VideoFrame.from_ndarray(canvas, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def test_video_is_analysed_frame_by_frame(shared) -> None:
    at = open_page(PAGE, "en")
    at.file_uploader(key="pose_video").set_value(("squat.mp4", _clip(shared), "video/mp4")).run()
    assert "Analyse the video" in [b.label for b in at.button]
    at.button(key="pose_video_run").click().run()
    assert not at.exception and not at.error
    assert "12 frames analysed." in _texts(at.success)
    first_nose = _keypoint_table(at)["x"][0]
    at.slider(key="pose_frame").set_value(11).run()
    assert _keypoint_table(at)["x"][0] > first_nose + 150  # the person moved 220 px right
    assert "Download CSV" in _downloads(at)


def test_a_bad_video_is_explained(shared) -> None:
    at = open_page(PAGE, "en")
    at.file_uploader(key="pose_video").set_value(("clip.mp4", b"\x00" * 300, "video/mp4")).run()
    at.button(key="pose_video_run").click().run()
    assert not at.exception
    assert "not a video that can be read" in _texts(at.error)


def test_live_panel_shows_what_the_callback_sends(shared) -> None:
    at = open_page(PAGE, "en")
    assert "The keypoints appear here while the stream runs." in _texts(at.caption)
    processor = at.session_state[PROCESSOR_KEY]
    pixels = decode_image((shared / "data" / "pose" / "squat.bmp").read_bytes())
    processor.callback(av.VideoFrame.from_ndarray(pixels, format="rgb24"))
    at.run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert float(values["Inference (ms)"]) > 0
    assert len(_keypoint_table(at)) == 17


MULTI = "movenet-multipose-lightning"


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _people_table(at):
    return next(d.value for d in at.dataframe if list(d.value.columns)[:2] == ["id", "score"])


def test_multipose_finds_both_people_in_a_photo(shared) -> None:
    at = open_page(PAGE, "en")
    at.selectbox(key="pose_model").set_value(MULTI).run()
    assert not at.exception and not at.error
    assert at.select_slider(key="pose_size").value == 256
    assert "256×256: 1.0× the pixels of 256×256" in _texts(at.caption)
    assert "ms per inference" in _texts(at.caption)
    at.file_uploader(key="pose_photo").set_value(("two.png", _png(two_people(shared)), "image/png"))
    at.run()
    assert not at.exception and not at.error
    people = _people_table(at)
    assert list(people["id"]) == ["#1", "#2"]
    assert (people["keypoints"] >= 13).all()
    keypoints = next(d.value for d in at.dataframe if list(d.value.columns)[0] == "person")
    assert len(keypoints) == 34 and set(keypoints["person"]) == {1, 2}
    angles = next(d.value for d in at.dataframe if list(d.value.columns)[0] == "joint")
    assert list(angles.columns) == ["joint", "#1", "#2"] and len(angles) == 8
    code = " ".join(c.value for c in at.code)
    assert "MULTIPOSE_LIGHTNING" in code and "enableTracking: true" in code
    assert "estimatePoses" in code and "movenet/multipose/lightning/1" in code
    assert "multiPoseMaxDimension: 256" in code


def test_multipose_live_panel_counts_people_in_spanish(shared) -> None:
    at = open_page(PAGE, "es")
    at.selectbox(key="pose_model").set_value(MULTI).run()
    at.select_slider(key="pose_size").set_value(320).run()
    assert not at.exception and not at.error
    assert "multiPoseMaxDimension: 320" in " ".join(c.value for c in at.code)
    processor = at.session_state[PROCESSOR_KEY]
    processor.callback(av.VideoFrame.from_ndarray(two_people(shared), format="rgb24"))
    at.run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["Personas"] == "2"
    assert list(_people_table(at)["id"]) == ["#1", "#2"]


def test_a_photo_without_people_says_so(shared) -> None:
    at = open_page(PAGE, "en")
    at.selectbox(key="pose_model").set_value(MULTI).run()
    blank = np.full((300, 400, 3), 200, np.uint8)
    at.file_uploader(key="pose_photo").set_value(("wall.png", _png(blank), "image/png")).run()
    assert not at.exception and not at.error
    assert "Nobody found" in _texts(at.info)


def _two_people_clip(shared, count: int = 8) -> bytes:
    """An MP4 of the two people drifting apart, 10 px a frame each."""
    pair = np.asarray(Image.fromarray(two_people(shared)).resize((463, 320)))
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 640, 480, "yuv420p"
        for i in range(count):
            canvas = np.full((480, 640, 3), 255, np.uint8)
            canvas[80:400, 60 - 5 * i : 290 - 5 * i] = pair[:, :230]
            canvas[80:400, 290 + 5 * i : 523 + 5 * i] = pair[:, 230:]
            for packet in stream.encode(av.VideoFrame.from_ndarray(canvas, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def test_multipose_video_keeps_each_person_s_id(shared) -> None:
    at = open_page(PAGE, "en")
    at.selectbox(key="pose_model").set_value(MULTI).run()
    clip = _two_people_clip(shared)
    at.file_uploader(key="pose_video").set_value(("pair.mp4", clip, "video/mp4")).run()
    at.button(key="pose_video_run").click().run()
    assert not at.exception and not at.error
    assert "8 frames analysed." in _texts(at.success)

    def ids_left_to_right() -> list[str]:
        people = _people_table(at)
        lefts = [float(box.split(",")[0]) for box in people["box"]]
        return [person for _, person in sorted(zip(lefts, people["id"], strict=True))]

    first = ids_left_to_right()
    at.slider(key="pose_frame").set_value(7).run()
    assert len(first) == 2 and ids_left_to_right() == first


def test_switching_model_drops_the_old_model_s_panel(shared) -> None:
    """A result made before the switch no longer matches the drawing: the panel waits."""
    at = open_page(PAGE, "en")
    processor = at.session_state[PROCESSOR_KEY]
    pixels = decode_image((shared / "data" / "pose" / "squat.bmp").read_bytes())
    processor.callback(av.VideoFrame.from_ndarray(pixels, format="rgb24"))
    at.run()
    assert len(_keypoint_table(at)) == 17
    processor.callback(av.VideoFrame.from_ndarray(pixels, format="rgb24"))  # still Lightning
    at.selectbox(key="pose_model").set_value("movenet-singlepose-lightning-int8-tflite").run()
    assert not at.exception
    assert "The keypoints appear here while the stream runs." in _texts(at.caption)
    assert not any(list(d.value.columns)[:1] == ["name"] for d in at.dataframe)
    processor.callback(av.VideoFrame.from_ndarray(pixels, format="rgb24"))
    at.run()
    assert len(_keypoint_table(at)) == 17
