"""Short soak (memory, not time): the live-pose frame callback and the classifier must not
grow RSS by more than 10 MB after warm-up. The long run is `python -m bench soak`."""

from __future__ import annotations

from bench.soak import GOAL_MB, classify_step, pose_step, soak


def test_pose_frame_callback_memory_is_flat() -> None:
    figures = soak(pose_step(), count=300, warmup=40)
    assert figures["growth_mb"] <= GOAL_MB, figures


def test_classifier_memory_is_flat() -> None:
    figures = soak(classify_step(), count=300, warmup=40)
    assert figures["growth_mb"] <= GOAL_MB, figures
