"""The WebRTC frame callback on synthetic and real frames, its queue, and the ICE settings."""

import av
import cv2
import numpy as np
import pytest
from av.video.reformatter import VideoReformatter

from components.pose_stream import PoseProcessor, Settings, analyse
from components.webrtc import PUBLIC_STUN, STALL_S, ice_servers, notices, rgb_frame
from models.loading import load_model
from models.pose.draw import DrawOptions
from models.pose.movenet import estimate, input_size
from models.vision.images import decode_image

INT8 = "movenet-singlepose-lightning-int8-tflite"
LIGHTNING = "movenet-singlepose-lightning"
RNG = np.random.default_rng(3)


def _settings(model_id: str = INT8, **changes) -> Settings:
    draw = DrawOptions(threshold=changes.pop("threshold", 0.3))
    return Settings(load_model(model_id), model_id, input_size(model_id), draw, **changes)


def _video_frame(pixels: np.ndarray, pts: int = 0) -> av.VideoFrame:
    """A frame as WebRTC delivers it: yuv420p with a time stamp."""
    frame = av.VideoFrame.from_ndarray(pixels, format="rgb24").reformat(format="yuv420p")
    frame.pts = pts
    return frame


@pytest.fixture(scope="module")
def squat(shared) -> np.ndarray:
    return decode_image((shared / "data" / "pose" / "squat.bmp").read_bytes())


@pytest.mark.parametrize(
    ("width", "height"), [(640, 480), (480, 640), (1280, 720), (320, 320), (160, 90), (2, 2)]
)
def test_callback_on_frames_of_any_size(width, height) -> None:
    processor = PoseProcessor()
    processor.configure(_settings(mirror=False, smooth=False))
    pixels = RNG.integers(0, 256, (height, width, 3), dtype=np.uint8)
    out = processor.callback(_video_frame(pixels, pts=42))
    assert (out.width, out.height) == (width, height)
    assert out.pts == 42
    assert processor.failure is None
    result = processor.latest()
    assert result is not None and result.model_id == INT8
    assert result.pose.keypoints.shape == (17, 3)
    assert (result.pose.width, result.pose.height) == (width, height)
    assert result.callback_ms >= result.pose.inference_ms > 0
    assert processor.latest() is None  # the queue hands each result out once


def test_callback_keypoints_equal_the_model_on_the_same_frame(squat) -> None:
    """Placed on a wide canvas, the squat's keypoints come back in that canvas's pixels."""
    canvas = np.full((600, 1000, 3), 230, np.uint8)
    canvas[:, 300:800] = cv2.resize(squat, (500, 600), interpolation=cv2.INTER_AREA)
    settings = _settings(mirror=False, smooth=False)
    processor = PoseProcessor()
    processor.configure(settings)
    frame = _video_frame(canvas)
    processor.callback(frame)
    seen = processor.latest().pose.keypoints
    # What the callback saw after WebRTC's yuv420p round trip, run through the model directly.
    direct = estimate(settings.model, frame.to_ndarray(format="rgb24"), settings.size)
    np.testing.assert_allclose(seen, direct.keypoints, atol=1e-3)
    x, y = seen[:, 0], seen[:, 1]
    assert np.all((x > 380) & (x < 700)) and np.all((y > 100) & (y < 600))


def test_the_drawn_frame_shows_the_skeleton(squat) -> None:
    processor = PoseProcessor()
    processor.configure(_settings(mirror=False, smooth=False))
    frame = _video_frame(squat.copy())
    out = processor.callback(frame).to_ndarray(format="rgb24")
    before = frame.to_ndarray(format="rgb24")
    changed = np.abs(out.astype(int) - before.astype(int)).sum(axis=2) > 60
    assert changed.sum() > 500  # lines and dots drawn
    keypoints = processor.latest().pose.keypoints
    nose_x, nose_y = keypoints[0, :2].round().astype(int)
    assert changed[nose_y - 2 : nose_y + 3, nose_x - 2 : nose_x + 3].any()


def test_mirror_flips_image_and_keypoints(squat) -> None:
    plain, mirrored = PoseProcessor(), PoseProcessor()
    plain.configure(_settings(mirror=False, smooth=False))
    mirrored.configure(_settings(mirror=True, smooth=False))
    frame = _video_frame(squat.copy())
    plain_out = plain.callback(frame).to_ndarray(format="rgb24")
    mirrored_out = mirrored.callback(frame).to_ndarray(format="rgb24")
    a, b = plain.latest().pose.keypoints, mirrored.latest().pose.keypoints
    np.testing.assert_allclose(b[:, 0], squat.shape[1] - a[:, 0], atol=1e-3)
    np.testing.assert_allclose(b[:, 1:], a[:, 1:], atol=1e-4)
    # The mirrored picture is the plain one flipped (drawing aside: compare far from the man).
    np.testing.assert_array_equal(mirrored_out[:100, :100], plain_out[:100, ::-1][:, :100])


def test_smoothing_calms_a_still_person(squat) -> None:
    """Ten noisy copies of the same frame: smoothed keypoints move less than raw ones."""
    raw, smooth = PoseProcessor(), PoseProcessor()
    raw.configure(_settings(mirror=False, smooth=False))
    smooth.configure(_settings(mirror=False, smooth=True))
    raw_points, smooth_points = [], []
    for i in range(10):
        noise = RNG.integers(-25, 26, squat.shape)
        pixels = np.clip(squat.astype(int) + noise, 0, 255).astype(np.uint8)
        frame = _video_frame(pixels, pts=i)
        raw.callback(frame)
        smooth.callback(frame)
        raw_points.append(raw.latest().pose.keypoints[:, :2])
        smooth_points.append(smooth.latest().pose.keypoints[:, :2])
    raw_motion = np.abs(np.diff(raw_points, axis=0)).mean()
    smooth_motion = np.abs(np.diff(smooth_points, axis=0)).mean()
    assert smooth_motion < raw_motion


def test_without_settings_frames_pass_through() -> None:
    processor = PoseProcessor()
    frame = _video_frame(np.zeros((48, 64, 3), np.uint8))
    assert processor.callback(frame) is frame
    assert processor.latest() is None


def test_a_failing_frame_keeps_the_stream_alive() -> None:
    """A model that raises: the frame goes back untouched, the failure is kept for the panel."""

    class Broken:
        inputs = load_model(INT8).inputs

        def __call__(self, *args):
            raise RuntimeError("boom")

    processor = PoseProcessor()
    processor.configure(Settings(Broken(), INT8, 192))
    frame = _video_frame(np.zeros((48, 64, 3), np.uint8))
    assert processor.callback(frame) is frame
    assert "boom" in processor.failure
    processor.configure(_settings())
    processor.callback(frame)
    assert processor.failure is None and processor.latest() is not None


def test_the_queue_keeps_only_the_newest_result() -> None:
    processor = PoseProcessor()
    processor.configure(_settings(smooth=False))
    for pts in range(3):
        processor.callback(_video_frame(np.zeros((48, 64, 3), np.uint8), pts=pts))
    newest = processor.latest()
    assert newest is not None and newest.fps > 0  # the third frame's: a rate over two
    assert processor.latest() is None  # the older two were replaced, not queued


def test_a_stream_with_no_frame_for_a_while_is_stalled_until_it_ends() -> None:
    """streamlit-webrtc drops its worker after a frame slower than 10 s and the picture freezes:
    the panel says so once no frame has come for STALL_S; a new stream starts unjudged."""
    processor = PoseProcessor()
    assert not processor.stalled()  # nothing processed yet: connecting, not frozen
    processor.configure(_settings(smooth=False))
    processor.callback(_video_frame(np.zeros((48, 64, 3), np.uint8)))
    last = processor._last_time
    assert not processor.stalled() and not processor.stalled(now=last + STALL_S - 1)
    assert processor.stalled(now=last + STALL_S + 1)
    processor.mark_ended()
    assert not processor.stalled(now=last + STALL_S + 1)


def test_switching_models_between_frames(squat) -> None:
    processor = PoseProcessor()
    processor.configure(_settings(INT8, mirror=False))
    processor.callback(_video_frame(squat))
    first = processor.latest().pose.keypoints
    processor.configure(_settings(LIGHTNING, mirror=False))
    processor.callback(_video_frame(squat))
    second = processor.latest()
    assert second.model_id == LIGHTNING
    assert np.abs(second.pose.keypoints[:, :2] - first[:, :2]).mean() < 25


def test_analyse_is_the_photo_path_too(squat) -> None:
    settings = _settings(mirror=False, smooth=False)
    drawn, pose = analyse(squat.copy(), settings)
    direct = estimate(settings.model, squat, settings.size)
    np.testing.assert_allclose(pose.keypoints, direct.keypoints, atol=1e-4)
    assert drawn.shape == squat.shape and not np.array_equal(drawn, squat)


def test_ice_servers_from_secrets_or_defaults() -> None:
    turn = {"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p"}
    assert ice_servers({"ice_servers": [turn]}, "example.streamlit.app") == [turn]
    assert ice_servers(None, "localhost:8501") == []
    assert ice_servers({"ice_servers": "stun:x"}, "localhost") == []  # malformed: ignored
    assert ice_servers({"ice_servers": [{"user": "u"}, turn]}, "a.b") == [turn]
    assert ice_servers(None, "127.0.0.1:8501") == []
    assert ice_servers({}, "") == []
    assert ice_servers(None, "[::1]:8501") == []
    assert ice_servers(None, "pose.streamlit.app") == PUBLIC_STUN
    assert ice_servers(None, "[2001:db8::1]:8501") == PUBLIC_STUN


def test_twilio_turn_from_the_environment(monkeypatch) -> None:
    """Community Cloud exposes top-level secrets as environment variables; with Twilio's pair
    set, its TURN servers are asked for (Twilio's API is not reachable here: a stand-in answers
    as streamlit_webrtc.get_twilio_ice_servers does) and an unreachable Twilio falls back."""
    import streamlit_webrtc

    turn = {"urls": "turn:global.turn.twilio.com:3478", "username": "x", "credential": "y"}
    asked = []

    def twilio(sid: str, token: str) -> list[dict]:
        asked.append((sid, token))
        return [turn]

    monkeypatch.setattr(streamlit_webrtc, "get_twilio_ice_servers", twilio)
    env = {"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "secret"}
    assert ice_servers(None, "pose.streamlit.app", env) == [turn]
    assert asked == [("AC123", "secret")]
    assert ice_servers(None, "pose.streamlit.app", {"TWILIO_ACCOUNT_SID": "AC123"}) == PUBLIC_STUN

    def unreachable(sid: str, token: str) -> list[dict]:
        raise ConnectionError("api.twilio.com unreachable")

    monkeypatch.setattr(streamlit_webrtc, "get_twilio_ice_servers", unreachable)
    assert ice_servers(None, "pose.streamlit.app", env) == PUBLIC_STUN


def test_analyse_draws_on_a_copy_of_a_read_only_photo(squat) -> None:
    frozen = squat.copy()
    frozen.flags.writeable = False
    drawn, _ = analyse(frozen, _settings(mirror=False, smooth=False))
    assert drawn is not frozen and np.array_equal(frozen, squat)


def test_the_student_s_own_stop_is_not_reported_as_a_lost_camera() -> None:
    """streamlit-webrtc reports the end of the camera track for a pressed Stop too: the page
    said "The camera stopped sending video (unplugged …)" after every Stop."""
    processor = PoseProcessor()
    processor.configure(_settings(smooth=False))
    processor.callback(_video_frame(np.zeros((48, 64, 3), np.uint8)))
    processor.mark_ended()
    assert notices(processor, "idle") == []  # stopped: the Start button says it all
    assert notices(processor, "playing") == ["pose.live.ended"]  # still connected, no camera
    processor.callback(_video_frame(np.zeros((48, 64, 3), np.uint8), pts=1))
    assert notices(processor, "playing") == []  # frames again
    assert notices(processor, "failed") == ["pose.live.failed"]


def test_what_is_drawn_on_the_pixels_is_in_the_frame_sent_back_not_in_the_camera_s() -> None:
    camera = _video_frame(np.full((48, 64, 3), 40, np.uint8))
    before = camera.to_ndarray().copy()
    out, pixels = rgb_frame(camera, VideoReformatter())
    pixels[10:20, 10:20] = 255
    assert out is not None and out.format.name == "rgb24"
    assert (out.to_ndarray(format="rgb24")[10:20, 10:20] == 255).all()  # no copy in between
    np.testing.assert_array_equal(camera.to_ndarray(), before)
    # Rows padded in memory (500 × 3 bytes): a plain copy, and the callback wraps it after.
    padded, copy = rgb_frame(_video_frame(np.zeros((61, 500, 3), np.uint8)), VideoReformatter())
    assert padded is None and copy.flags.writeable and copy.shape == (61, 500, 3)


def test_one_stream_converts_frames_of_changing_sizes_with_its_kept_reformatter() -> None:
    """The stream's swscale context is kept across frames, and follows a camera that
    changes size mid-stream (a phone turned, another camera picked)."""
    processor = PoseProcessor()
    processor.configure(_settings(mirror=False, smooth=False))
    for width, height in [(64, 48), (48, 64), (64, 48), (320, 240)]:
        pixels = RNG.integers(0, 256, (height, width, 3), dtype=np.uint8)
        camera = _video_frame(pixels)
        out = processor.callback(camera)
        assert processor.failure is None
        assert (out.width, out.height) == (width, height)
        undrawn = out.to_ndarray(format="rgb24")
        expected = camera.to_ndarray(format="rgb24")
        assert (
            np.mean(undrawn == expected) > 0.9
        )  # the camera's picture, drawn on only here and there
