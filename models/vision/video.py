"""Frames of an uploaded video, read with PyAV within caps on bytes, size and frame count.

A class has 30 laptops on one shared CPU: a video is cut to `MAX_FRAMES` evenly spaced
frames (a 10 s clip at 30 FPS keeps every second frame at the defaults), and frames wider
than `MAX_SIDE` are scaled down, so one upload never holds the server for long or fills
its memory. Only demuxing and decoding happen here; nothing in the file is executed.

Safety: FFmpeg can open far more than videos (playlists that fetch other files or URLs,
image sequences, raw streams). The container is recognised from its first bytes and only
the MP4/MOV, Matroska/WebM and AVI demuxers are ever asked to read it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import av
import numpy as np

from models.errors import BadInput
from models.vision.images import shrink

MAX_BYTES = 25_000_000  # Streamlit's own upload cap (.streamlit/config.toml)
MAX_FRAMES = 150
MAX_SIDE = 640
MAX_SOURCE_PIXELS = 3840 * 2160  # 4K: decoding anything larger costs too much per frame
VIDEO_TYPES = ("mp4", "mov", "webm", "mkv", "avi", "m4v")
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


def sniff_container(data: bytes) -> str | None:
    """The FFmpeg demuxer for `data` (mov / matroska / avi) from its first bytes, or None."""
    if data[4:8] in _MP4_BOXES:
        return "mov"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "avi"
    return None


@dataclass(frozen=True)
class VideoInfo:
    """What the container says: frames (estimated when unknown), rate and size."""

    frames: int
    fps: float
    width: int
    height: int

    @property
    def step(self) -> int:
        """Keep every `step`-th frame so that at most MAX_FRAMES are analysed."""
        return max(1, -(-self.frames // MAX_FRAMES))


def _not_video(detail: str) -> BadInput:
    return BadInput(
        f"This file is not a video PyAV can read ({detail}). Upload an MP4, MOV or WebM clip.",
        code="pose_not_video",
        formats=", ".join(VIDEO_TYPES),
    )


def _open(data: bytes) -> av.container.InputContainer:
    if not data:
        raise _not_video("empty file")
    if len(data) > MAX_BYTES:
        raise BadInput(
            f"The video is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB.",
            code="pose_video_too_large",
            size_mb=f"{len(data) / 1e6:.1f}",
            limit_mb=f"{MAX_BYTES / 1e6:.0f}",
        )
    demuxer = sniff_container(data)
    if demuxer is None:
        raise _not_video("not an MP4, MOV, WebM, MKV or AVI container")
    try:
        container = av.open(io.BytesIO(data), mode="r", format=demuxer)
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        raise _not_video(str(exc)) from exc
    if not container.streams.video:
        container.close()
        raise _not_video("no video stream")
    return container


def probe(data: bytes) -> VideoInfo:
    """Frame count, rate and size of the video in `data`, or a BadInput saying what is wrong."""
    container = _open(data)
    try:
        return _info(container.streams.video[0])
    finally:
        container.close()


def _info(stream: av.video.stream.VideoStream) -> VideoInfo:
    width, height = stream.codec_context.width, stream.codec_context.height
    if width * height > MAX_SOURCE_PIXELS:
        raise BadInput(
            f"The video is {width}×{height}; the limit is 3840×2160 (4K).",
            code="pose_video_resolution",
            width=width,
            height=height,
        )
    fps = float(stream.average_rate or 30)
    frames = stream.frames
    if not frames and stream.duration and stream.time_base:
        frames = round(float(stream.duration * stream.time_base) * fps)
    return VideoInfo(max(int(frames or 0), 1), fps, width, height)


def frames(data: bytes) -> Iterator[tuple[int, float, np.ndarray]]:
    """(frame index, time in seconds, uint8 RGB pixels) of at most MAX_FRAMES frames."""
    container = _open(data)
    try:
        stream = container.streams.video[0]
        info = _info(stream)
        stream.thread_type = "AUTO"
        kept = 0
        for index, frame in enumerate(container.decode(stream)):
            if index % info.step:
                continue
            seconds = float(frame.time) if frame.time is not None else index / info.fps
            yield index, seconds, shrink(frame.to_ndarray(format="rgb24"), MAX_SIDE)
            kept += 1
            if kept >= MAX_FRAMES:
                break
    except av.error.FFmpegError as exc:
        raise _not_video(str(exc)) from exc
    finally:
        container.close()
