"""Teaching your own classes from the webcam, as the course's rock-paper-scissors does: the
camera streams over WebRTC, each "add" takes the newest frames as samples of a class, and
once a head is trained every frame gets its guess drawn on it ("I see Rock").

`TransferProcessor` follows components/webrtc.py: the extractor and the trained head come
from the script thread with `configure`, results leave through the one-slot mailbox, and the
newest frame is kept (a copy, before anything is drawn) for the script thread to add.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from components.webrtc import FrameProcessor, session_processor

PROCESSOR_KEY = "transfer_camera_processor"
FRAME_WAIT_S = 3.0  # a burst gives up when the camera sends no new frame for this long
INK = (255, 255, 255)
BAND = 20  # the grey under the guess


@dataclass(frozen=True)
class CameraSettings:
    """The extractor, and the trained head with its class names (None before training)."""

    extractor: Any
    predict: Callable[[np.ndarray], np.ndarray] | None = None
    names: tuple[str, ...] = ()
    mirror: bool = True


@dataclass(frozen=True)
class CameraResult:
    """One frame as the panel shows it: the head's probabilities (None before training)."""

    probabilities: np.ndarray | None
    names: tuple[str, ...]
    fps: float
    embed_ms: float
    callback_ms: float


def draw_guess(frame: np.ndarray, text: str) -> np.ndarray:
    """`text` on a dark band across the top of `frame`, in place."""
    height, width = frame.shape[:2]
    scale = max(width / 640, 0.4)
    band = int(44 * scale)
    # 35 % of the picture under 65 % of BAND's grey, in place: 0.01 ms, where the same
    # blend in numpy floats took 0.4 ms of every frame
    top = frame[:band]
    cv2.convertScaleAbs(top, dst=top, alpha=0.35, beta=0.65 * BAND)
    cv2.putText(
        frame,
        text,
        (int(12 * scale), int(31 * scale)),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.9 * scale,
        INK,
        max(1, int(2 * scale)),
        cv2.LINE_AA,
    )
    return frame


def frame_label(names: tuple[str, ...], index: int) -> str:
    """The class name drawn on the frame, or its number where OpenCV's font has no letters
    for it (Cyrillic, accents): the panel beside the video shows every name as typed."""
    name = names[index]
    return name if name.isascii() and name.isprintable() else f"#{index + 1}"


class TransferProcessor(FrameProcessor[CameraSettings, CameraResult]):
    """Keeps the newest camera frame; with a trained head, embeds each frame and draws the
    head's guess on it."""

    def __init__(self) -> None:
        super().__init__()
        self._frame: np.ndarray | None = None
        self._number = 0  # frames seen, so a burst takes each frame once

    def newest(self) -> tuple[int, np.ndarray | None]:
        """(frame number, a copy of that frame as the camera sent it)."""
        with self._lock:
            return self._number, self._frame

    def frames_after(self, number: int, count: int, wait_s: float = FRAME_WAIT_S):
        """Up to `count` frames newer than `number`, each a different one, as they arrive;
        stops early when the camera sends nothing new for `wait_s`."""
        deadline = time.monotonic() + wait_s
        while count > 0 and time.monotonic() < deadline:
            seen, frame = self.newest()
            if seen > number and frame is not None:
                number, count = seen, count - 1
                deadline = time.monotonic() + wait_s
                yield frame
            else:
                time.sleep(0.01)

    def process(
        self, pixels: np.ndarray, settings: CameraSettings, start: float
    ) -> tuple[np.ndarray, tuple[np.ndarray | None, float]]:
        kept = pixels.copy()  # the sample as the camera took it, before mirroring or text
        with self._lock:
            self._frame, self._number = kept, self._number + 1
        probabilities, embed_ms = None, 0.0
        if settings.predict is not None:
            embedding = settings.extractor.embed_photo(kept)
            embed_ms = (time.perf_counter() - start) * 1000
            probabilities = settings.predict(embedding)
        if settings.mirror:
            cv2.flip(pixels, 1, dst=pixels)
        if probabilities is not None:
            best = int(np.argmax(probabilities))
            draw_guess(pixels, f"{frame_label(settings.names, best)}  {probabilities[best]:.0%}")
        return pixels, (probabilities, embed_ms)

    def result(
        self,
        found: tuple[np.ndarray | None, float],
        settings: CameraSettings,
        fps: float,
        callback_ms: float,
    ) -> CameraResult:
        probabilities, embed_ms = found
        return CameraResult(probabilities, settings.names, fps, embed_ms, callback_ms)


def processor() -> TransferProcessor:
    """This session's processor, created once so the stream keeps it across reruns."""
    return session_processor(PROCESSOR_KEY, TransferProcessor)
