"""Pose logic: keypoint names and skeleton, letterbox geometry, angles, One-Euro, drawing, video."""

import io

import av
import numpy as np
import pytest

from models.errors import BadInput
from models.loading import load_model
from models.pose.draw import CHAINS, COLOURS_RGB, DrawOptions, draw_pose
from models.pose.movenet import (
    ANGLES,
    EDGES,
    INDEX,
    KEYPOINT_NAMES,
    SIDES,
    OneEuroFilter,
    Pose,
    PoseSmoother,
    check_pose_model,
    estimate,
    export_document,
    export_rows,
    input_size,
    joint_angles,
    run_model,
)
from models.vision.letterbox import KeptLetterbox, Letterbox, letterbox
from models.vision.video import MAX_FRAMES, frames, probe

INT8 = "movenet-singlepose-lightning-int8-tflite"
LIGHTNING = "movenet-singlepose-lightning"
RNG = np.random.default_rng(7)


def test_keypoints_in_coco_order_and_skeleton_sides() -> None:
    assert KEYPOINT_NAMES[0] == "nose" and len(KEYPOINT_NAMES) == 17
    assert KEYPOINT_NAMES[5:7] == ("left_shoulder", "right_shoulder")
    assert KEYPOINT_NAMES[15:] == ("left_ankle", "right_ankle")
    assert len(EDGES) == 16
    for a, b, side in EDGES:
        names = KEYPOINT_NAMES[a], KEYPOINT_NAMES[b]
        if side == "center":
            assert {n.split("_")[0] for n in names} <= {"left", "right", "nose"}
        else:
            assert all(n.startswith(side) or n == "nose" for n in names), names
    assert SIDES[INDEX["nose"]] == "center" and SIDES[INDEX["left_knee"]] == "left"
    assert ANGLES["right_knee"] == (INDEX["right_hip"], INDEX["right_knee"], INDEX["right_ankle"])


def test_pose_models_and_input_sizes() -> None:
    assert input_size(LIGHTNING) == 192
    assert input_size("movenet-singlepose-thunder") == 256
    with pytest.raises(BadInput) as info:
        check_pose_model("mobilenet-v2-keras")
    assert info.value.code == "pose_unknown_model"


@pytest.mark.parametrize(
    ("width", "height"), [(640, 480), (480, 640), (1280, 720), (192, 192), (7, 3), (1, 50)]
)
def test_letterbox_keeps_the_aspect_and_centres(width, height) -> None:
    frame = RNG.integers(1, 256, (height, width, 3), dtype=np.uint8)
    square, box = letterbox(frame, 192)
    assert square.shape == (192, 192, 3) and square.dtype == np.uint8
    assert max(box.new_width, box.new_height) == 192
    assert (
        abs(box.new_width / box.new_height - width / height)
        <= max(1 / box.new_height, width / height / box.new_height) * 1.01
        or min(box.new_width, box.new_height) == 1
    )
    inside = square[box.top : box.top + box.new_height, box.left : box.left + box.new_width]
    assert inside.min() > 0 or min(width, height) < 5  # the picture itself, no padding
    padding = square.sum() - inside.astype(np.int64).sum()
    assert padding == 0, "everything outside the picture is black"
    assert abs(box.left - (192 - box.new_width - box.left)) <= 1
    assert abs(box.top - (192 - box.new_height - box.top)) <= 1


@pytest.mark.parametrize(("width", "height"), [(640, 480), (426, 640), (33, 500)])
def test_mapping_back_inverts_the_letterbox(width, height) -> None:
    box = Letterbox.fit(width, height, 256)
    x = RNG.uniform(0, width, 50)
    y = RNG.uniform(0, height, 50)
    back_x, back_y = box.to_frame(box.to_square(x, y))
    np.testing.assert_allclose(back_x, x, atol=1e-6)
    np.testing.assert_allclose(back_y, y, atol=1e-6)
    corners = box.to_square(np.array([0.0, width]), np.array([0.0, height]))
    assert corners.min() >= 0 and corners.max() <= 1


def test_a_marker_maps_back_to_where_it_was() -> None:
    """A bright square drawn at a known frame pixel lands where to_square says, and back."""
    frame = np.zeros((300, 800, 3), np.uint8)
    frame[140:160, 590:610] = 255
    square, box = letterbox(frame, 192)
    ys, xs = np.nonzero(square[:, :, 0] > 128)
    centre = np.array([[ys.mean() + 0.5, xs.mean() + 0.5]]) / 192  # pixel centres
    x, y = box.to_frame(centre)
    assert abs(x[0] - 600) < 3 and abs(y[0] - 150) < 3


def test_bad_frames_are_refused() -> None:
    with pytest.raises(BadInput) as info:
        letterbox(np.zeros((10, 10), np.uint8), 192)
    assert info.value.code == "pose_bad_frame"
    with pytest.raises(BadInput) as info:
        letterbox(np.zeros((10, 10, 3), np.float32), 192)
    assert info.value.code == "pose_bad_frame"
    with pytest.raises(BadInput) as info:
        letterbox(np.zeros((0, 10, 3), np.uint8), 192)
    assert info.value.code == "pose_frame_size"


@pytest.mark.parametrize("model_id", [INT8, LIGHTNING])
@pytest.mark.parametrize(("width", "height"), [(640, 480), (360, 640), (50, 20)])
def test_estimate_equals_the_model_on_the_padded_image(model_id, width, height) -> None:
    frame = RNG.integers(0, 256, (height, width, 3), dtype=np.uint8)
    model = load_model(model_id)
    size = input_size(model_id)
    pose = estimate(model, frame, size)
    square, box = letterbox(frame, size)
    dtype = model.inputs[0].dtype
    direct = next(iter(model(square[None].astype(dtype)).values())).reshape(17, 3)
    x, y = box.to_frame(direct[:, :2])
    np.testing.assert_allclose(pose.keypoints[:, 0], x, atol=1e-3)
    np.testing.assert_allclose(pose.keypoints[:, 1], y, atol=1e-3)
    np.testing.assert_allclose(pose.keypoints[:, 2], direct[:, 2], atol=1e-6)
    assert (pose.width, pose.height) == (width, height)
    np.testing.assert_allclose(run_model(model, square), direct, atol=1e-6)


def _pose(points: dict[str, tuple[float, float]], score: float = 0.9) -> Pose:
    keypoints = np.zeros((17, 3), np.float32)
    for name, (x, y) in points.items():
        keypoints[INDEX[name]] = (x, y, score)
    return Pose(keypoints, 200, 200)


def test_joint_angles() -> None:
    pose = _pose(
        {
            "left_shoulder": (100, 50),
            "left_elbow": (100, 100),
            "left_wrist": (150, 100),  # a right angle at the elbow
            "left_hip": (100, 150),
            "left_knee": (100, 200),
            "left_ankle": (100, 250),  # a straight leg
        }
    )
    angles = joint_angles(pose, threshold=0.3)
    assert angles["left_elbow"] == pytest.approx(90.0)
    assert angles["left_knee"] == pytest.approx(180.0)
    assert angles["left_hip"] == pytest.approx(180.0)
    assert angles["right_elbow"] is None  # those keypoints have score 0
    assert joint_angles(pose, threshold=0.95)["left_elbow"] is None


def test_one_euro_smooths_jitter_and_follows_moves() -> None:
    still = np.array([[0.5, 0.5]])
    noisy = [still + RNG.normal(0, 0.004, still.shape) for _ in range(90)]  # ~2.5 px of 640
    filt = OneEuroFilter()
    out = [filt(value, i / 30) for i, value in enumerate(noisy)]
    assert np.std(out[30:]) < 0.5 * np.std(noisy[30:])
    filt.reset()
    ramp = [np.array([[0.1 + i * 0.02, 0.5]]) for i in range(40)]  # 0.6 per second
    followed = [filt(value, i / 30) for i, value in enumerate(ramp)]
    assert abs(followed[-1][0, 0] - ramp[-1][0, 0]) < 0.03  # under one frame's move of lag


def test_one_euro_is_the_papers_filter() -> None:
    """Step by step as Casiez et al. write it: α = 1 / (1 + τ / dt), τ = 1 / (2π f_c)."""

    def alpha(cutoff, dt):
        return 1.0 / (1.0 + 1.0 / (2 * np.pi * cutoff) / dt)

    filt = OneEuroFilter(min_cutoff=1.0, beta=20.0, d_cutoff=1.0)
    values = np.cumsum(RNG.normal(0, 0.01, (60, 17, 2)), axis=0) + 0.5
    times = np.cumsum(RNG.uniform(0.02, 0.06, 60))
    smooth, speed = values[0], np.zeros((17, 2))
    filt(values[0], times[0])
    for i in range(1, 60):
        dt = times[i] - times[i - 1]
        speed = speed + alpha(1.0, dt) * ((values[i] - smooth) / dt - speed)
        smooth = smooth + alpha(1.0 + 20.0 * np.abs(speed), dt) * (values[i] - smooth)
        np.testing.assert_allclose(filt(values[i], times[i]), smooth, atol=1e-9)


def test_pose_smoother_keeps_scores_and_pixels() -> None:
    smoother = PoseSmoother()
    first = _pose({"nose": (100, 40)})
    assert np.array_equal(smoother(first, 0.0).keypoints, first.keypoints)
    second = _pose({"nose": (101, 40)}, score=0.5)
    smoothed = smoother(second, 1 / 30)
    assert 100 <= smoothed.keypoints[0, 0] <= 101
    assert smoothed.keypoints[0, 2] == pytest.approx(0.5)


def test_mirrored_pose_flips_x_and_keeps_sides() -> None:
    pose = _pose({"left_wrist": (30, 60)})
    mirrored = pose.mirrored()
    assert mirrored.keypoints[INDEX["left_wrist"], 0] == pytest.approx(170)
    assert mirrored.keypoints[INDEX["left_wrist"], 1] == pytest.approx(60)


def test_drawing_colours_sides_and_hides_low_scores() -> None:
    pose = _pose({"left_shoulder": (50, 50), "left_elbow": (50, 150), "right_knee": (150, 100)})
    pose.keypoints[INDEX["right_knee"], 2] = 0.1
    frame = np.zeros((200, 200, 3), np.uint8)
    out = draw_pose(frame, pose, DrawOptions(threshold=0.3))
    assert out is frame
    assert tuple(frame[100, 50]) == COLOURS_RGB["left"]  # on the upper-arm bone
    assert tuple(frame[50, 50]) == COLOURS_RGB["left"]  # the keypoint itself
    assert frame[90:110, 140:160].sum() == 0  # the unsure knee is hidden
    bare = np.zeros((200, 200, 3), np.uint8)
    draw_pose(bare, pose, DrawOptions(threshold=0.3, skeleton=False))
    assert bare[100, 50].sum() == 0 and tuple(bare[50, 50]) == COLOURS_RGB["left"]
    bgr = np.zeros((200, 200, 3), np.uint8)
    draw_pose(bgr, pose, DrawOptions(threshold=0.3, bgr=True))
    assert tuple(bgr[100, 50]) == COLOURS_RGB["left"][::-1]
    labelled = np.zeros((200, 200, 3), np.uint8)
    draw_pose(labelled, pose, DrawOptions(threshold=0.3, labels=True))
    assert (labelled > 0).sum() > (frame > 0).sum()  # the names add pixels


def test_exports_have_every_keypoint_of_every_frame() -> None:
    pose = _pose({"nose": (10.04, 20.0)})
    rows = export_rows([(0, 0.0, pose), (5, 0.5, pose)])
    assert len(rows) == 34
    assert rows[0] == {
        "frame": 0,
        "time_s": 0.0,
        "name": "nose",
        "x": 10.0,
        "y": 20.0,
        "score": 0.9,
    }
    document = export_document("clip.mp4", INT8, [(5, 0.5, pose)])
    assert document["frames"][0]["width"] == 200
    assert [k["name"] for k in document["frames"][0]["keypoints"]] == list(KEYPOINT_NAMES)


def _video(count: int, width: int = 160, height: int = 120) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(count):
            pixels = np.full((height, width, 3), (i * 7) % 256, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def test_video_frames_are_capped_and_spread() -> None:
    data = _video(MAX_FRAMES + 60, 1280, 720)
    info = probe(data)
    assert (info.width, info.height, info.step) == (1280, 720, 2)
    kept = list(frames(data))
    assert len(kept) == (MAX_FRAMES + 60 + 1) // 2
    assert [index for index, _, _ in kept[:3]] == [0, 2, 4]
    assert kept[1][1] == pytest.approx(2 / 25, abs=1e-3)
    assert kept[0][2].shape == (360, 640, 3)  # scaled down to 640 on the long side


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "pose_not_video"), (b"hello, not a video" * 50, "pose_not_video")],
)
def test_bad_videos_are_explained(data, code) -> None:
    with pytest.raises(BadInput) as info:
        probe(data)
    assert info.value.code == code
    with pytest.raises(BadInput):
        list(frames(data))


def test_a_photo_is_not_a_video(shared) -> None:
    with pytest.raises(BadInput) as info:
        list(frames((shared / "data" / "pose" / "yoga.jpeg").read_bytes()))
    assert info.value.code == "pose_not_video"


def test_only_video_containers_reach_ffmpeg() -> None:
    playlist = b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n"
    with pytest.raises(BadInput) as info:
        probe(playlist)
    assert info.value.code == "pose_not_video"
    truncated = _video(5)[:200]
    with pytest.raises(BadInput):
        list(frames(truncated))


def test_warm_up_runs_each_model_twice_once_and_remembers_its_time() -> None:
    from models.pose import movenet as pose

    calls = []

    class Counting:
        inputs = load_model(INT8).inputs

        def __call__(self, batch):
            calls.append(batch.shape)
            return {"out": np.zeros((1, 1, 17, 3), np.float32)}

    model = Counting()
    first = pose.warm_up(model, 192)
    second = pose.warm_up(model, 192)
    assert calls == [(1, 192, 192, 3)] * 2  # one to build, one timed; none the second time
    assert first == second > 0


def test_the_drawn_chains_are_the_skeleton() -> None:
    """draw_pose's polylines hold every bone of EDGES once, in its side's colour."""
    bones = {
        (min(a, b), max(a, b), side)
        for side, chains in CHAINS.items()
        for chain in chains
        for a, b in zip(chain[:-1], chain[1:], strict=True)
    }
    assert bones == {(min(a, b), max(a, b), side) for a, b, side in EDGES}
    assert sum(len(chain) - 1 for chains in CHAINS.values() for chain in chains) == len(EDGES)


def test_an_unsure_keypoint_cuts_its_chain() -> None:
    """The left elbow unsure: neither of its bones is drawn, the shoulder-hip-knee run is."""
    pose = _pose(
        {
            "left_wrist": (20, 150),
            "left_elbow": (60, 150),
            "left_shoulder": (100, 150),
            "left_hip": (100, 100),
            "left_knee": (100, 50),
        }
    )
    pose.keypoints[INDEX["left_elbow"], 2] = 0.1
    frame = np.zeros((200, 200, 3), np.uint8)
    draw_pose(frame, pose, DrawOptions(threshold=0.3, skeleton=True))
    assert tuple(frame[125, 100]) == COLOURS_RGB["left"]  # shoulder → hip
    assert tuple(frame[75, 100]) == COLOURS_RGB["left"]  # hip → knee
    assert frame[150, 35:45].sum() == 0 and frame[150, 75:85].sum() == 0  # no arm bones


def test_a_stream_letterboxes_into_one_kept_square() -> None:
    """KeptLetterbox gives what letterbox gives, frame after frame in the same square, and a
    new square when the frame's or the model's size changes."""
    kept = KeptLetterbox()
    first = RNG.integers(0, 256, (480, 640, 3), dtype=np.uint8)
    square, box = kept(first, 192)
    expected, expected_box = letterbox(first, 192)
    np.testing.assert_array_equal(square, expected)
    assert box == expected_box
    second = RNG.integers(0, 256, (480, 640, 3), dtype=np.uint8)
    again, _ = kept(second, 192)
    assert again is square  # no new picture per frame
    np.testing.assert_array_equal(again, letterbox(second, 192)[0])
    for shape, size in (((640, 480, 3), 192), ((640, 480, 3), 256)):
        turned = RNG.integers(0, 256, shape, dtype=np.uint8)
        square, box = kept(turned, size)
        np.testing.assert_array_equal(square, letterbox(turned, size)[0])
        assert square.shape == (size, size, 3) and (box.width, box.height) == (480, 640)


def test_keypoints_map_back_as_to_frame_does() -> None:
    box = Letterbox.fit(500, 320, 192)
    raw = RNG.uniform(0, 1, (17, 3)).astype(np.float32)
    x, y = box.to_frame(raw[:, :2])
    mapped = box.keypoints_to_frame(raw)
    assert mapped.dtype == np.float32
    np.testing.assert_allclose(mapped, np.stack([x, y, raw[:, 2]], axis=1), atol=1e-3)
