"""The live side of the Object detection page: its frame processor and the live panel.

The pattern of components/webrtc.py: the model and the filter handed over by the script
thread, results out through a one-slot mailbox. A frame that arrives while the last one is
still being detected is not queued: streamlit-webrtc's async mode hands the callback the
newest frame and drops the rest, so the picture stays live at whatever rate the model
answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
import pandas as pd
import streamlit as st

from components.i18n import t
from components.webrtc import FrameProcessor, session_processor, stream_notices, timing_metrics
from models.detection import centernet
from models.detection.centernet import Detections, detect
from models.detection.draw import draw_detections

PROCESSOR_KEY = "detect_processor"
SHOWN_KEY = "detect_live_shown"
PANEL_KEY = "detect_live_panel"


@dataclass(frozen=True)
class Settings:
    """The model and what the page's controls chose; one consistent copy per frame."""

    model: Any
    model_id: str
    size: int
    names: tuple[str, ...]
    filter: centernet.Settings
    mirror: bool = True

    def unmirrored(self) -> Settings:
        """For photos: a mirror only makes sense for a camera facing the user."""
        return replace(self, mirror=False)


@dataclass(frozen=True)
class LiveResult:
    found: Detections
    fps: float
    callback_ms: float
    model_id: str


def analyse(frame: np.ndarray, settings: Settings) -> tuple[np.ndarray, Detections]:
    """`frame` with its kept boxes drawn (mirrored first when asked), in place, and the
    detections. In place: a live frame is the stream's own copy, and a new picture would
    cost an allocation and one more copy into the frame sent back."""
    found = detect(settings.model, frame, settings.size, list(settings.names), settings.filter)
    if not frame.flags.writeable:  # a decoded photo may be a read-only view of its file
        frame = frame.copy()
    if settings.mirror:
        cv2.flip(frame, 1, dst=frame)
        found = found.mirrored()
    return draw_detections(frame, found.kept), found


class DetectProcessor(FrameProcessor[Settings, LiveResult]):
    def process(self, pixels: np.ndarray, settings: Settings, start: float):
        return analyse(pixels, settings)

    def result(self, found: Detections, settings: Settings, fps: float, ms: float) -> LiveResult:
        return LiveResult(found, fps, ms, settings.model_id)


def processor() -> DetectProcessor:
    return session_processor(PROCESSOR_KEY, DetectProcessor)


def detection_table(found: Detections) -> pd.DataFrame:
    """label, score, bbox [x, y, width, height] (Coco-SSD's convention): one row per box."""
    rows = [
        {"label": d.label, "score": round(d.score, 3), "bbox": str(d.bbox())} for d in found.kept
    ]
    return pd.DataFrame(rows, columns=["label", "score", "bbox"])


def count_table(found: Detections) -> pd.DataFrame:
    counts = found.counts()
    return pd.DataFrame({"label": list(counts), "count": list(counts.values())})


def render_panel(playing: bool, signalling: bool) -> None:
    """Connection state, FPS, ms, and the counts and boxes of the newest frame."""
    proc = processor()
    newest = proc.latest()
    if newest is not None:
        st.session_state[SHOWN_KEY] = newest
    shown: LiveResult | None = st.session_state.get(SHOWN_KEY)
    current = proc.current()
    if shown is not None and current is not None and shown.model_id != current.model_id:
        shown = None
    with st.container(key=PANEL_KEY):
        stream_notices(proc, playing, signalling, "detect_connecting_since")
        columns = st.columns(4)
        if shown is None:
            timing_metrics(columns, None, None, None)
        else:
            timing_metrics(columns, shown.fps, shown.found.inference_ms, shown.callback_ms)
        columns[3].metric(t("detect.objects"), len(shown.found.kept) if shown else "–")
        if shown is None:
            st.caption(t("detect.live.waiting"))
            return
        if not shown.found.kept:
            st.info(t("detect.none"), icon="🔍")
            return
        st.dataframe(count_table(shown.found), hide_index=True, key="detect_live_counts")
