"""The live side of the pose page: its frame processor and the live panel.

`PoseProcessor` follows the pattern of components/webrtc.py (the model handed over by the
script thread, results out through a one-slot mailbox, a fragment polling it); the same
`analyse` runs the snapshot, photo and video paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np
import pandas as pd
import streamlit as st

from components.i18n import t
from components.webrtc import FrameProcessor, session_processor, stream_notices, timing_metrics
from models.pose.draw import DrawOptions, draw_found
from models.pose.movenet import (
    ANGLES,
    Pose,
    PoseSmoother,
    estimate_letterboxed,
    is_multipose,
    joint_angles,
)
from models.pose.multipose import Crowd, CrowdFollower, crowd_letterboxed
from models.vision.letterbox import KeptLetterbox, Letterbox, letterbox

Found = Pose | Crowd  # one person (single-pose models) or everyone (MultiPose)
Follower = PoseSmoother | CrowdFollower  # what carries a stream's state from frame to frame

PROCESSOR_KEY = "pose_processor"
SHOWN_KEY = "pose_live_shown"
PANEL_KEY = "pose_live_panel"


@dataclass(frozen=True)
class Settings:
    """What the page's controls chose; the callback reads one consistent copy per frame."""

    model: Any
    model_id: str
    size: int
    draw: DrawOptions = field(default_factory=DrawOptions)
    mirror: bool = True
    smooth: bool = True

    def unmirrored(self) -> Settings:
        """For photos and videos: a mirror only makes sense for a camera facing the user."""
        return replace(self, mirror=False)

    @property
    def multi(self) -> bool:
        return is_multipose(self.model_id)


@dataclass(frozen=True)
class LiveResult:
    """One processed frame, as the panel shows it: the pose, or the crowd for MultiPose."""

    pose: Found
    fps: float
    callback_ms: float
    model_id: str
    size: int

    @property
    def settings_key(self) -> tuple[str, int]:
        return self.model_id, self.size


def follower(settings: Settings) -> Follower | None:
    """The state a stream of frames needs: MultiPose always tracks who is who (and smooths
    each person if asked); a single pose is only smoothed, if asked."""
    if settings.multi:
        return CrowdFollower(settings.smooth)
    return PoseSmoother() if settings.smooth else None


def analyse(
    frame: np.ndarray,
    settings: Settings,
    follow: Follower | None = None,
    timestamp: float = 0.0,
    fit: Callable[[np.ndarray, int], tuple[np.ndarray, Letterbox]] = letterbox,
) -> tuple[np.ndarray, Found]:
    """`frame` (uint8 RGB, mirrored and drawn on in place) with its pose(s) drawn, and them.

    `fit` letterboxes the frame for the model (a stream passes its `KeptLetterbox`). The
    model always sees the frame as the camera took it (its square is a copy); a mirrored
    view flips the image, and the keypoints' x once found, so each keypoint keeps its own
    body side.
    """
    square, box = fit(frame, settings.size)
    if not frame.flags.writeable:  # a decoded photo may be a read-only view of its file
        frame = frame.copy()
    if settings.mirror:  # in place, before the model: the frame is still in the cache
        cv2.flip(frame, 1, dst=frame)
    if settings.multi:
        found: Found = crowd_letterboxed(settings.model, square, box)
    else:
        found = estimate_letterboxed(settings.model, square, box)
    if follow is not None:
        found = follow(found, timestamp)
    if settings.mirror:
        found = found.mirrored()
    return draw_found(frame, found, settings.draw), found


class PoseProcessor(FrameProcessor[Settings, LiveResult]):
    """The pose page's processor: MoveNet on each frame, smoothed or tracked across frames."""

    def __init__(self) -> None:
        super().__init__()
        self._follower: Follower | None = None
        self._letterbox = KeptLetterbox()  # used by the stream's worker thread only

    def _configured(self, old: Settings | None, new: Settings) -> None:
        if old is None or (old.model_id, old.size, old.smooth) != (
            new.model_id,
            new.size,
            new.smooth,
        ):
            self._follower = follower(new)  # a fresh start: new ids, no old motion

    def settings_key(self) -> tuple[str, int] | None:
        """(model id, input size) the next frame runs with; None before any settings."""
        settings = self.current()
        return None if settings is None else (settings.model_id, settings.size)

    def _snapshot(self) -> tuple[Settings, Follower | None]:
        return self._settings, self._follower

    def process(
        self, pixels: np.ndarray, snapshot: tuple[Settings, Follower | None], start: float
    ) -> tuple[np.ndarray, Found]:
        settings, follow = snapshot
        return analyse(pixels, settings, follow, start, self._letterbox)

    def result(
        self, found: Found, snapshot: tuple[Settings, Follower | None], fps: float, ms: float
    ) -> LiveResult:
        settings = snapshot[0]
        return LiveResult(found, fps, ms, settings.model_id, settings.size)


def processor() -> PoseProcessor:
    """This session's processor, created once so the stream keeps it across reruns."""
    return session_processor(PROCESSOR_KEY, PoseProcessor)


# --- the live panel ------------------------------------------------------------------------


def keypoint_table(found: Found, threshold: float) -> pd.DataFrame:
    """(person,) name, x, y, score, shown? — one row per keypoint in COCO order."""
    table = pd.DataFrame(found.records(), columns=_record_columns(found))
    table["visible"] = table["score"] >= threshold
    return table


def _record_columns(found: Found) -> list[str]:
    return (["person"] if isinstance(found, Crowd) else []) + ["name", "x", "y", "score"]


def angle_table(found: Found, threshold: float) -> pd.DataFrame:
    """joint, degrees — or for a crowd joint, #1, #2, …: one column per person."""
    if isinstance(found, Crowd):
        columns = {f"#{p.id}": joint_angles(p.pose, threshold) for p in found.people}
    else:
        columns = {"degrees": joint_angles(found, threshold)}
    table = {"joint": list(ANGLES)}
    for name, angles in columns.items():
        table[name] = [np.nan if angles[j] is None else angles[j] for j in ANGLES]
    return pd.DataFrame(table)


def people_table(crowd: Crowd, threshold: float) -> pd.DataFrame:
    """id, score, box (x1, y1, x2, y2), keypoints seen — one row per person."""
    rows = [
        {
            "id": f"#{p.id}",
            "score": round(p.score, 3),
            "box": ", ".join(f"{v:.0f}" for v in p.box),
            "keypoints": int((p.pose.keypoints[:, 2] >= threshold).sum()),
        }
        for p in crowd.people
    ]
    return pd.DataFrame(rows, columns=["id", "score", "box", "keypoints"])


def render_panel(playing: bool, signalling: bool, show_angles: bool, threshold: float) -> None:
    """The live panel: connection state, FPS, ms per frame, keypoints and angles."""
    proc = processor()
    newest = proc.latest()
    if newest is not None:
        st.session_state[SHOWN_KEY] = newest
    shown: LiveResult | None = st.session_state.get(SHOWN_KEY)
    if shown is not None and shown.settings_key != proc.settings_key():
        shown = None  # made before the model or its size changed: it no longer matches
        st.session_state.pop(SHOWN_KEY, None)
    with st.container(key=PANEL_KEY):
        stream_notices(proc, playing, signalling, "pose_connecting_since")
        crowd = shown is not None and isinstance(shown.pose, Crowd)
        columns = st.columns(4 if crowd else 3)
        if shown is None:
            timing_metrics(columns, None, None, None)
        else:
            timing_metrics(columns, shown.fps, shown.pose.inference_ms, shown.callback_ms)
        if crowd:
            columns[3].metric(t("pose.people.count"), len(shown.pose.people))
        if shown is None:
            st.caption(t("pose.live.waiting"))
            return
        found_tables(shown.pose, threshold, show_angles, key="pose_live")


def found_tables(found: Found, threshold: float, show_angles: bool, key: str) -> None:
    """The numbers beside a drawn frame: people (MultiPose), keypoints and joint angles."""
    if isinstance(found, Crowd):
        if not found.people:
            st.info(t("pose.people.none"), icon="🔍")
            return
        st.dataframe(people_table(found, threshold), hide_index=True, key=f"{key}_people")
    st.dataframe(keypoint_table(found, threshold), hide_index=True, key=f"{key}_keypoints")
    if show_angles:
        st.dataframe(angle_table(found, threshold), hide_index=True, key=f"{key}_angles")
