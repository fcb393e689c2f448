"""What the live benches share: the frames they hand a frame callback, and the paired timing
of bare inference against the whole callback.

Each callback gets a new frame object, as aiortc's decoder gives streamlit-webrtc. Handing
the same few frame objects round again would hide a cost a live stream pays: PyAV keeps a
swscale context on each frame object, so converting a new frame with its own `reformat`
builds one afresh (0.5 ms for 480×360 here, 0.1 with a kept one).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import av
import numpy as np
import psutil

from components.webrtc import FrameProcessor

GOAL_RATIO = 1.15  # every live path: the whole callback over the bare model call (issue 14)
GOAL_RSS_MB = 10.0  # every live path: RSS growth over 2,000 frames


def camera_video(frames: list[np.ndarray]) -> list[av.VideoFrame]:
    """RGB `frames` as the yuv420p frames a browser's camera stream decodes to."""
    return [
        av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(format="yuv420p")
        for frame in frames
    ]


def decoded(frame: av.VideoFrame) -> av.VideoFrame:
    """A new yuv420p frame object with `frame`'s pixels, as the decoder hands out."""
    return av.VideoFrame.from_ndarray(frame.to_ndarray(), format="yuv420p")


def percentiles(samples: list[float]) -> dict:
    return {
        "p50_ms": round(float(np.percentile(samples, 50)), 2),
        "p90_ms": round(float(np.percentile(samples, 90)), 2),
    }


@dataclass(frozen=True)
class Paired:
    """Milliseconds per frame of the bare model call and of the whole callback, and the RSS
    growth (MB) over the timed frames."""

    bare_ms: list[float]
    callback_ms: list[float]
    rss_growth_mb: float

    def figures(self) -> dict:
        """The percentiles of both, their p50 ratio, the frames a second one stream is
        answered at (callback p50) and the RSS growth, rounded for JSON."""
        bare, callback = percentiles(self.bare_ms), percentiles(self.callback_ms)
        return {
            "inference": bare,
            "callback": callback,
            "callback_over_inference_p50": round(callback["p50_ms"] / bare["p50_ms"], 3),
            "answered_fps_p50": round(1000 / callback["p50_ms"], 1),
            "rss_growth_mb": round(self.rss_growth_mb, 2),
        }


def frame_goals(figures: dict) -> dict:
    """The goals every live path shares, judged on `Paired.figures()`."""
    return {
        "callback_ratio_ok": figures["callback_over_inference_p50"] <= GOAL_RATIO,
        "rss_ok": figures["rss_growth_mb"] <= GOAL_RSS_MB,
    }


def time_paired(
    bare: Callable[[int], object],
    processor: FrameProcessor,
    video: list[av.VideoFrame],
    count: int,
    warmup: int,
) -> Paired:
    """`bare(i)` (the model on frame i's ready input) and `processor.callback` on a new
    object of video frame i, interleaved frame by frame so that load from other processes
    hits both alike; RSS growth after the warm-up, so that a per-frame leak shows as
    megabytes. RuntimeError if the callback failed."""
    process = psutil.Process()
    bare_ms, callback_ms, rss_start = [], [], 0
    for i in range(count + warmup):
        if i == warmup:
            rss_start = process.memory_info().rss
        start = time.perf_counter()
        bare(i)
        bare_time = (time.perf_counter() - start) * 1000
        frame = decoded(video[i % len(video)])
        start = time.perf_counter()
        processor.callback(frame)
        if i >= warmup:
            bare_ms.append(bare_time)
            callback_ms.append((time.perf_counter() - start) * 1000)
    if processor.failure:
        raise RuntimeError(processor.failure)
    return Paired(bare_ms, callback_ms, (process.memory_info().rss - rss_start) / 2**20)
