"""CenterNet on the shared photos: the right objects in plausible boxes, the filter (threshold,
classes, NMS), LiteRT against the graph, drawing, and `python -m models detect`."""

import io
import json
import math

import numpy as np
import pytest
from PIL import Image

from models.cli import main
from models.detection.centernet import (
    DEFAULT_MODEL,
    Detection,
    Settings,
    detect,
    input_size,
    labels,
    select,
)
from models.detection.draw import class_colour, draw_detections
from models.errors import BadInput
from models.loading import TENSORFLOW, forget, load_model
from models.pose.movenet import estimate
from models.vision.boxes import iou
from models.vision.images import decode_image

SIZE = input_size(DEFAULT_MODEL)


@pytest.fixture(scope="module")
def names() -> list[str]:
    return labels(DEFAULT_MODEL)


def _photo(shared, name: str) -> np.ndarray:
    folder = "pose" if name in ("squat.bmp", "yoga.jpeg") else "images"
    return decode_image((shared / "data" / folder / name).read_bytes())


def _found(shared, names, name: str, **settings):
    return detect(
        load_model(DEFAULT_MODEL), _photo(shared, name), SIZE, names, Settings(**settings)
    )


def test_coco_labels_are_the_80_classes(names) -> None:
    assert (
        len(names) == 80
        and names[0] == "person"
        and names[2] == "car"
        and names[-1] == ("toothbrush")
    )


@pytest.mark.parametrize(
    ("name", "label"),
    [("cat.jpg", "cat"), ("dog.bmp", "dog"), ("bird.bmp", "bird"), ("yoga.jpeg", "person")],
)
def test_each_photo_s_subject_is_found_first(shared, names, name, label) -> None:
    found = _found(shared, names, name)
    best = found.kept[0]
    assert best.label == label and best.score >= 0.3
    x1, y1, x2, y2 = best.box
    # the subject fills a good part of each photo, inside its borders
    assert 0 <= x1 < x2 <= found.width and 0 <= y1 < y2 <= found.height
    assert (x2 - x1) * (y2 - y1) > 0.2 * found.width * found.height


def test_three_cars_in_the_street_in_separate_places(shared, names) -> None:
    found = _found(shared, names, "traffic.bmp")
    cars = [d for d in found.kept if d.label == "car"]
    assert len(cars) == 3 and found.counts() == {"car": 3}
    for a in range(3):
        for b in range(a + 1, 3):
            assert iou(np.array(cars[a].box), np.array(cars[b].box)) < 0.3
    assert all(140 < d.box[1] < 185 and d.box[3] > 185 for d in cars)  # on the road, lower half


def test_the_person_s_box_holds_the_pose_keypoints(shared, names) -> None:
    pixels = _photo(shared, "squat.bmp")
    person = detect(load_model(DEFAULT_MODEL), pixels, SIZE, names, Settings()).kept[0]
    pose = estimate(load_model("movenet-singlepose-thunder"), pixels, 256)
    x1, y1, x2, y2 = person.box
    sure = pose.keypoints[pose.keypoints[:, 2] >= 0.3]
    assert person.label == "person" and len(sure) >= 15
    assert (sure[:, 0] > x1 - 10).all() and (sure[:, 0] < x2 + 10).all()
    assert (sure[:, 1] > y1 - 10).all() and (sure[:, 1] < y2 + 10).all()


def test_nms_removes_the_bird_s_duplicate_boxes(shared, names) -> None:
    everything = _found(shared, names, "bird.bmp", iou=1.0)
    suppressed = _found(shared, names, "bird.bmp", iou=0.5)
    birds = [d for d in everything.kept if d.label == "bird"]
    assert len(birds) >= 2  # CenterNet gives the bird more than one box
    assert iou(np.array(birds[0].box), np.array(birds[1].box)) > 0.5
    assert [d.label for d in suppressed.kept] == ["bird"]
    assert suppressed.raw == everything.raw  # NMS works on the same raw boxes


def test_threshold_classes_and_maximum_filter_the_boxes(shared, names) -> None:
    assert _found(shared, names, "traffic.bmp", threshold=0.95).kept == []
    assert _found(shared, names, "traffic.bmp", classes=frozenset({"dog"})).kept == []
    assert len(_found(shared, names, "traffic.bmp", max_boxes=2).kept) == 2
    only = _found(shared, names, "traffic.bmp", classes=frozenset({"car"}), threshold=0.1)
    assert {d.label for d in only.raw} == {"car"}


def test_select_by_hand_made_rows() -> None:
    names = ["person", "car"]
    rows = np.array(
        [
            [0, 0, 10, 10, 0.9, 1],
            [1, 1, 11, 11, 0.8, 0],  # overlaps the first by 0.68, another class: still dropped
            [50, 50, 60, 60, 0.2, 1],  # under the threshold
            [30, 30, 40, 40, 0.5, 7],  # a class index the labels do not have: ignored
        ],
        np.float32,
    )
    raw, kept = select(rows, names, Settings(threshold=0.3))
    assert [d.score for d in raw] == pytest.approx([0.9, 0.8])
    assert [(d.label, d.box) for d in kept] == [("car", (0.0, 0.0, 10.0, 10.0))]


@pytest.mark.parametrize(
    "bad",
    [{"threshold": math.nan}, {"threshold": 1.5}, {"iou": -0.1}, {"max_boxes": 0}],
)
def test_bad_settings_are_refused_with_a_message(bad) -> None:
    with pytest.raises(BadInput):
        Settings(**bad)


def test_bbox_is_coco_ssd_s_x_y_width_height_and_mirrors() -> None:
    d = Detection("car", 2, 0.5, (10.0, 20.0, 50.0, 80.0))
    assert d.bbox() == [10.0, 20.0, 40.0, 60.0]
    assert d.mirrored(100).box == (50.0, 20.0, 90.0, 80.0)
    assert d.record() == {"label": "car", "score": 0.5, "box": [10.0, 20.0, 50.0, 80.0]}


def test_litert_keeps_the_graph_s_boxes(shared, names) -> None:
    graph = load_model(DEFAULT_MODEL, runtime=TENSORFLOW)
    pixels = _photo(shared, "traffic.bmp")
    fast = detect(load_model(DEFAULT_MODEL), pixels, SIZE, names, Settings())
    slow = detect(graph, pixels, SIZE, names, Settings())
    assert type(load_model(DEFAULT_MODEL)).__name__ == "LiteGraphModel"
    assert [d.label for d in fast.kept] == [d.label for d in slow.kept]
    for a, b in zip(fast.kept, slow.kept, strict=True):
        assert abs(a.score - b.score) < 0.005
        np.testing.assert_allclose(a.box, b.box, atol=0.5)


def test_tiny_and_blank_images_answer_nothing(names) -> None:
    model = load_model(DEFAULT_MODEL)
    for frame in (np.zeros((1, 1, 3), np.uint8), np.full((300, 400, 3), 128, np.uint8)):
        assert detect(model, frame, SIZE, names, Settings()).kept == []


def test_boxes_are_drawn_in_their_class_colour(shared, names) -> None:
    found = _found(shared, names, "traffic.bmp")
    canvas = np.full((found.height, found.width, 3), 0, np.uint8)
    draw_detections(canvas, found.kept)
    assert (canvas == class_colour(2)).all(axis=2).sum() > 200
    assert class_colour(0) != class_colour(2)


def test_cli_answers_json_lines_in_pixels_of_the_original(shared, tmp_path, names, capsys):
    street = shared / "data" / "images" / "traffic.bmp"
    dog = shared / "data" / "images" / "dog.bmp"
    assert main(["detect", str(street), str(dog), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["file"] for line in lines] == [str(street), str(dog)]
    assert set(lines[0]) == {"file", "width", "height", "detections"}
    expected = _found(shared, names, "traffic.bmp").document()["detections"]
    assert lines[0]["detections"] == expected
    assert lines[1]["detections"][0]["label"] == "dog"
    assert main(["detect", str(street), "--threshold", "0.95", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["detections"] == []


def test_cli_refuses_bad_input_before_loading(tmp_path, capsys, shared) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    assert main(["detect", str(text)]) == 2
    assert "not an image" in capsys.readouterr().err
    street = shared / "data" / "images" / "traffic.bmp"
    assert main(["detect", str(street), "--iou", "2"]) == 2
    assert "between 0 and 1" in capsys.readouterr().err
    assert main(["detect", str(street), "--model", "mobilenet-v2-keras"]) == 2
    assert "not a detection model" in capsys.readouterr().err


def test_cli_offline_names_the_mirror_and_the_download_command(empty_mirror, shared, capsys):
    forget(DEFAULT_MODEL)
    try:
        street = shared / "data" / "images" / "traffic.bmp"
        assert main(["detect", str(street)]) == 3
        err = capsys.readouterr().err
        assert "PLAYGROUND_MODEL_DIR/centernet-mobilenetv3-coco" in err
        assert "python -m models download centernet-mobilenetv3-coco" in err
    finally:
        forget(DEFAULT_MODEL)


def test_a_huge_image_is_refused(tmp_path, capsys) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (9000, 5000)).save(buffer, format="PNG")
    path = tmp_path / "huge.png"
    path.write_bytes(buffer.getvalue())
    assert main(["detect", str(path)]) == 2
    assert "megapixel" in capsys.readouterr().err.lower()


def test_the_python_code_shown_runs_and_finds_the_same_boxes(shared, names, tmp_path, monkeypatch):
    from components.detect_views import python_code

    (tmp_path / "labels.txt").write_text("\n".join(n.replace(" ", "_") for n in names))
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(python_code(0.3, 20, 0.5), scope)  # noqa: S102  (the page's own code, not an upload)
    shown = scope["detect"](_photo(shared, "traffic.bmp"))
    ours = _found(shared, names, "traffic.bmp").kept
    assert [d["class"] for d in shown] == [d.label for d in ours]
    for d, expected in zip(shown, ours, strict=True):
        np.testing.assert_allclose(d["bbox"], expected.bbox(), atol=1.0)


def test_the_live_callback_mirrors_the_camera_frame_and_draws_the_cars(shared, names) -> None:
    """A webcam-sized yuv420p frame of the street: the frame sent back is the camera's picture
    mirrored, with a box in the car colour on each mirrored car, and the three cars in the
    panel's result, in mirrored places."""
    import av
    import cv2

    from components.detect_stream import DetectProcessor
    from components.detect_stream import Settings as LiveSettings

    street = cv2.resize(_photo(shared, "traffic.bmp"), (480, 360), interpolation=cv2.INTER_AREA)
    camera = av.VideoFrame.from_ndarray(street, format="rgb24").reformat(format="yuv420p")
    seen = camera.to_ndarray(format="rgb24")
    processor = DetectProcessor()
    model = load_model(DEFAULT_MODEL)
    processor.configure(LiveSettings(model, DEFAULT_MODEL, SIZE, tuple(names), Settings()))
    out = processor.callback(camera).to_ndarray(format="rgb24")
    assert processor.failure is None
    found = processor.latest().found
    assert found.counts() == {"car": 3} and (found.width, found.height) == (480, 360)
    unmirrored = detect(model, seen, SIZE, names, Settings())
    for car, plain in zip(
        sorted(found.kept, key=lambda d: d.box[0]),
        sorted(unmirrored.kept, key=lambda d: -d.box[2]),
        strict=True,
    ):
        assert car.box == pytest.approx(plain.mirrored(480).box)
    boxed = (out.astype(int) - seen[:, ::-1]).any(axis=2)
    assert (out == class_colour(2)).all(axis=2).sum() > 200  # the boxes, in the car colour
    assert boxed[:100].mean() < 0.02  # the sky above the cars: the mirrored picture itself
