"""The live side of the Segmentation page: the person cut out on every webcam frame.

The pattern of components/webrtc.py: the selfie model and the chosen effect handed over by
the script thread, results out through a one-slot mailbox, a fragment showing FPS and ms.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
import streamlit as st

from components.i18n import t
from components.webrtc import FrameProcessor, session_processor, stream_notices, timing_metrics
from models.segmentation.effects import BLUR, KeptBackdrop, person_effect
from models.segmentation.masks import person_grid

PROCESSOR_KEY = "segment_processor"
SHOWN_KEY = "segment_live_shown"
PANEL_KEY = "segment_live_panel"


@dataclass(frozen=True)
class Settings:
    """The selfie model and BodyPix's controls: the effect, edge softness, colour, image."""

    model: Any
    effect: str = BLUR
    softness: int = 3
    colour: tuple[int, int, int] = (0, 177, 64)
    background: np.ndarray | None = None
    mirror: bool = True

    def unmirrored(self) -> Settings:
        return replace(self, mirror=False)


@dataclass(frozen=True)
class LiveResult:
    person_share: float
    inference_ms: float
    fps: float
    callback_ms: float


def analyse(
    frame: np.ndarray, settings: Settings, kept: KeptBackdrop | None = None
) -> tuple[np.ndarray, tuple[float, float]]:
    """`frame` (the stream's own RGB copy) with the chosen effect behind the person, in
    place, and (person share, inference ms); a stream passes its `kept` backdrop."""
    probability, elapsed_ms = person_grid(settings.model, frame)  # scaled by the effect
    person_effect(
        frame,
        probability,
        settings.effect,
        settings.softness,
        settings.colour,
        settings.background,
        dst=frame,
        kept=kept,
    )
    if settings.mirror:
        cv2.flip(frame, 1, dst=frame)
    share = float(np.count_nonzero(probability >= 0.5) / probability.size)
    return frame, (share, elapsed_ms)


class PersonProcessor(FrameProcessor[Settings, LiveResult]):
    def __init__(self) -> None:
        super().__init__()
        self._backdrop = KeptBackdrop()  # used by the stream's worker thread only

    def process(self, pixels: np.ndarray, settings: Settings, start: float):
        return analyse(pixels, settings, self._backdrop)

    def result(self, found, settings: Settings, fps: float, ms: float) -> LiveResult:
        share, inference_ms = found
        return LiveResult(share, inference_ms, fps, ms)


def processor() -> PersonProcessor:
    return session_processor(PROCESSOR_KEY, PersonProcessor)


def render_panel(playing: bool, signalling: bool) -> None:
    """Connection state, FPS, ms and how much of the frame is the person."""
    proc = processor()
    newest = proc.latest()
    if newest is not None:
        st.session_state[SHOWN_KEY] = newest
    shown: LiveResult | None = st.session_state.get(SHOWN_KEY)
    with st.container(key=PANEL_KEY):
        stream_notices(proc, playing, signalling, "segment_connecting_since")
        columns = st.columns(4)
        if shown is None:
            timing_metrics(columns, None, None, None)
        else:
            timing_metrics(columns, shown.fps, shown.inference_ms, shown.callback_ms)
        columns[3].metric(t("segment.person_share"), f"{shown.person_share:.0%}" if shown else "–")
        if shown is None:
            st.caption(t("segment.live.waiting"))
