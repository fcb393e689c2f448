"""The benchmarks still run: a few frames of `bench detect` and `bench pose` for MultiPose, and
the figures they print have their shape. No time is asserted (benchmarks measure; tests
check that they can)."""

import argparse

from bench import camera, detect, pose, segment


def test_bench_detect_measures_both_runtimes() -> None:
    figures = detect.run(argparse.Namespace(frames=3))
    assert set(figures["runtimes"]) == {"litert", "tensorflow"}
    assert figures["frame_size"] == [480, 360]  # the camera size the page asks for
    for measured in figures["runtimes"].values():
        assert measured["inference"]["p50_ms"] > 0 and measured["callback"]["p50_ms"] > 0
        assert set(measured["goals"]) == {"live_10_fps_ok", "rss_ok", "callback_ratio_ok"}
        assert measured["answered_fps_p50"] > 0


def test_bench_pose_measures_multipose_on_two_people() -> None:
    figures = pose.run(argparse.Namespace(frames=3, models=["movenet-multipose-lightning"]))
    measured = figures["models"]["movenet-multipose-lightning@litert"]
    assert "live_15_fps_ok" in measured["goals"] and measured["callback"]["p50_ms"] > 0
    assert "callback_ratio_ok" in measured["goals"]
    assert figures["default_over_fastest"] is None  # no Lightning single pose in this run
    assert "lightning_without_smoothing_or_drawing" not in figures


def test_bench_segment_measures_the_live_person_and_the_scene() -> None:
    figures = segment.run(argparse.Namespace(frames=3))
    person = figures["person"]
    assert person["callback"]["p50_ms"] > 0 and figures["scene"]["inference_p50_ms"] > 0
    assert person["callback_over_inference_p50"] > 0 and person["answered_fps_p50"] > 0
    assert set(person["goals"]) == {"live_15_fps_ok", "rss_ok", "callback_ratio_ok"}
    assert set(person["effects"]) == {"blur", "colour", "image", "mask"}
    assert all(m["callback_over_inference_p50"] > 0 for m in person["effects"].values())


def test_bench_camera_measures_the_stream_before_and_after_training() -> None:
    figures = camera.run(argparse.Namespace(frames=3))
    for case in ("callback_before_training", "callback_with_head", "embedding", "head_numpy"):
        assert figures[case]["p50_ms"] > 0, case
    assert figures["callback_over_embedding"] > 0 and figures["frame"] == "480x360"


def test_bench_pose_times_lightning_s_frame_work_apart_from_the_drawing() -> None:
    figures = pose.run(argparse.Namespace(frames=3, models=["movenet-singlepose-lightning"]))
    plain = figures["lightning_without_smoothing_or_drawing"]
    assert plain["callback"]["p50_ms"] > 0 and plain["callback_over_inference_p50"] > 0
    assert figures["default_over_fastest"]["fastest_bare"].startswith(pose.LIGHTNING[0])
