"""The live side of the pose page: the WebRTC frame callback, its results queue, the panel.

streamlit-webrtc calls `PoseProcessor.callback` on its own thread for every webcam frame.
That thread never loads a model and never touches Streamlit: the page loads the model in
the script thread (components/model_cache.py) and hands it over with `configure`; results
leave the callback through a one-slot queue, as in streamlit-webrtc's example pages, and a
fragment polls that queue to refresh the FPS / inference / keypoint panel without stopping
the stream. The same `analyse` runs the snapshot, photo and video paths.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import av
import cv2
import numpy as np
import pandas as pd
import streamlit as st

from components.i18n import t
from models.pose.draw import DrawOptions, draw_pose
from models.pose.movenet import Pose, PoseSmoother, estimate, joint_angles

PROCESSOR_KEY = "pose_processor"
SHOWN_KEY = "pose_live_shown"
PANEL_KEY = "pose_live_panel"
PANEL_REFRESH_S = 0.5
CONNECT_TIMEOUT_S = 15.0  # signalling longer than this without playing: WebRTC failed
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
PUBLIC_STUN = [{"urls": ["stun:stun.l.google.com:19302"]}]
VIDEO_CONSTRAINTS = {"video": {"width": {"ideal": 640}, "height": {"ideal": 480}}, "audio": False}


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


@dataclass(frozen=True)
class LiveResult:
    """One processed frame, as the panel shows it."""

    pose: Pose
    angles: dict[str, float | None]
    fps: float
    callback_ms: float
    model_id: str


def analyse(
    frame: np.ndarray,
    settings: Settings,
    smoother: PoseSmoother | None = None,
    timestamp: float = 0.0,
) -> tuple[np.ndarray, Pose]:
    """`frame` (uint8 RGB, drawn on in place or mirrored) with its pose, and the pose.

    The model always sees the frame as the camera took it; a mirrored view flips the image
    and the keypoints' x afterwards, so each keypoint keeps its own body side.
    """
    pose = estimate(settings.model, frame, settings.size)
    if smoother is not None:
        pose = smoother(pose, timestamp)
    if settings.mirror:
        frame, pose = cv2.flip(frame, 1), pose.mirrored()  # a new array, drawn on below
    elif not frame.flags.writeable:  # a decoded photo may be a read-only view of its file
        frame = frame.copy()
    return draw_pose(frame, pose, settings.draw), pose


class PoseProcessor:
    """Runs in streamlit-webrtc's worker thread; one per session, kept in session_state."""

    def __init__(self) -> None:
        self.results: queue.Queue[LiveResult] = queue.Queue(maxsize=1)
        self._settings: Settings | None = None
        self._smoother = PoseSmoother()
        self._lock = threading.Lock()
        self._last_time: float | None = None
        self._fps = 0.0
        self.ended = False
        self.failure: str | None = None

    def configure(self, settings: Settings) -> None:
        """New settings from the script thread; the next frame uses them."""
        with self._lock:
            if self._settings is None or self._settings.model_id != settings.model_id:
                self._smoother.reset()
            self._settings = settings

    def mark_ended(self) -> None:
        """The browser's camera track ended (unplugged, permission revoked, tab closed)."""
        self.ended = True

    def _tick(self, now: float) -> float:
        if self._last_time is not None and now > self._last_time:
            instant = 1.0 / (now - self._last_time)
            self._fps = instant if self._fps == 0.0 else 0.9 * self._fps + 0.1 * instant
        self._last_time = now
        return self._fps

    def _publish(self, result: LiveResult) -> None:
        """Keep only the newest result: a slow panel never makes frames pile up."""
        with contextlib.suppress(queue.Empty):
            self.results.get_nowait()
        with contextlib.suppress(queue.Full):
            self.results.put_nowait(result)

    def callback(self, frame: av.VideoFrame) -> av.VideoFrame:
        """streamlit-webrtc's `video_frame_callback`: the frame back with its pose drawn."""
        start = time.perf_counter()
        with self._lock:
            settings = self._settings
        if settings is None:
            return frame
        self.ended = False
        try:
            pixels = frame.to_ndarray(format="rgb24")
            smoother = self._smoother if settings.smooth else None
            drawn, pose = analyse(pixels, settings, smoother, start)
            out = av.VideoFrame.from_ndarray(drawn, format="rgb24")
        except Exception as exc:  # noqa: BLE001  (the stream must survive any frame)
            self.failure = f"{type(exc).__name__}: {exc}"
            return frame
        self.failure = None
        out.pts = frame.pts
        if frame.time_base is not None:
            out.time_base = frame.time_base
        angles = joint_angles(pose, settings.draw.threshold)
        elapsed_ms = (time.perf_counter() - start) * 1000
        fps = self._tick(start)
        self._publish(LiveResult(pose, angles, fps, elapsed_ms, settings.model_id))
        return out

    def latest(self) -> LiveResult | None:
        try:
            return self.results.get_nowait()
        except queue.Empty:
            return None


def processor() -> PoseProcessor:
    """This session's processor, created once so the stream keeps it across reruns."""
    if PROCESSOR_KEY not in st.session_state:
        st.session_state[PROCESSOR_KEY] = PoseProcessor()
    return st.session_state[PROCESSOR_KEY]


# --- ICE servers ---------------------------------------------------------------------------


def ice_servers(
    secrets: Mapping[str, Any] | None, host: str, env: Mapping[str, str] | None = None
) -> list[dict]:
    """STUN/TURN servers: the `[webrtc]` secrets, else Twilio's TURN when its credentials are
    in the environment (Community Cloud turns top-level secrets into environment variables),
    else none on localhost, else public STUN.

    On one machine the browser and the server reach each other by host candidates alone;
    a public STUN server there would only slow connecting down on an offline machine.
    """
    section = dict(secrets or {})
    env = os.environ if env is None else env
    listed = section.get("ice_servers")
    if isinstance(listed, (list, tuple)):
        servers = [dict(s) for s in listed if isinstance(s, Mapping) and s.get("urls")]
        if servers:
            return servers
    key_id = section.get("cloudflare_turn_key_id")
    token = section.get("cloudflare_turn_key_api_token")
    if key_id and token:
        from streamlit_webrtc import get_cloudflare_ice_servers

        try:
            return list(get_cloudflare_ice_servers(key_id, token))
        except ValueError:
            pass  # TURN provider unreachable: fall through to STUN, the page says if it fails
    sid, auth = env.get("TWILIO_ACCOUNT_SID"), env.get("TWILIO_AUTH_TOKEN")
    if sid and auth:
        from streamlit_webrtc import get_twilio_ice_servers

        try:
            return [dict(server) for server in get_twilio_ice_servers(sid, auth)]
        except Exception:  # noqa: BLE001  (Twilio unreachable or refusing: fall through)
            pass
    if not host or urlsplit(f"//{host}").hostname in LOCAL_HOSTS:
        return []
    return [dict(server) for server in PUBLIC_STUN]


def _secrets_section() -> Mapping[str, Any] | None:
    """`st.secrets["webrtc"]`, or None when there are no secrets at all (a local checkout)."""
    try:
        section = st.secrets.get("webrtc")
    except (FileNotFoundError, KeyError):
        return None
    return section if isinstance(section, Mapping) else None


def rtc_configuration() -> dict:
    """The configuration for both the browser and the server side of the stream."""
    host = st.context.headers.get("host", "") if st.context.headers else ""
    return {"iceServers": ice_servers(_secrets_section(), host)}


def translations() -> dict[str, str]:
    """streamlit-webrtc's own buttons and camera messages, in the session's language."""
    keys = (
        "start",
        "stop",
        "select_device",
        "media_api_not_available",
        "device_ask_permission",
        "device_not_available",
        "device_access_denied",
    )
    return {key: t(f"pose.webrtc.{key}") for key in keys}


# --- the live panel ------------------------------------------------------------------------


def keypoint_table(pose: Pose, threshold: float) -> pd.DataFrame:
    """name, x, y, score, shown? — one row per keypoint in COCO order."""
    table = pd.DataFrame(pose.records())
    table["visible"] = table["score"] >= threshold
    return table


def angle_table(angles: dict[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {"joint": list(angles), "degrees": [np.nan if a is None else a for a in angles.values()]}
    )


def _connection_state(playing: bool, signalling: bool) -> str:
    """'playing', 'connecting', 'failed' or 'idle', remembering when connecting began."""
    if playing:
        st.session_state.pop("pose_connecting_since", None)
        return "playing"
    if not signalling:
        st.session_state.pop("pose_connecting_since", None)
        return "idle"
    since = st.session_state.setdefault("pose_connecting_since", time.monotonic())
    return "failed" if time.monotonic() - since > CONNECT_TIMEOUT_S else "connecting"


def render_panel(playing: bool, signalling: bool, show_angles: bool, threshold: float) -> None:
    """The live panel: connection state, FPS, ms per frame, keypoints and angles."""
    state = _connection_state(playing, signalling)
    proc = processor()
    newest = proc.latest()
    if newest is not None:
        st.session_state[SHOWN_KEY] = newest
    shown: LiveResult | None = st.session_state.get(SHOWN_KEY)
    with st.container(key=PANEL_KEY):
        if state == "failed":
            st.warning(t("pose.live.failed"), icon="📡")
        elif state == "connecting":
            st.info(t("pose.live.connecting"), icon="⏳")
        if proc.ended and not playing:
            st.warning(t("pose.live.ended"), icon="📷")
        if proc.failure:
            st.error(t("pose.live.frame_failed", detail=proc.failure), icon="⚠️")
        fps_col, ms_col, total_col = st.columns(3)
        # one frame has no rate yet: "–" until a second frame has been timed
        fps_col.metric(t("pose.live.fps"), f"{shown.fps:.1f}" if shown and shown.fps else "–")
        ms_col.metric(
            t("pose.live.inference_ms"), f"{shown.pose.inference_ms:.1f}" if shown else "–"
        )
        total_col.metric(t("pose.live.callback_ms"), f"{shown.callback_ms:.1f}" if shown else "–")
        if shown is None:
            st.caption(t("pose.live.waiting"))
            return
        st.dataframe(
            keypoint_table(shown.pose, threshold), hide_index=True, key="pose_live_keypoints"
        )
        if show_angles:
            st.dataframe(angle_table(shown.angles), hide_index=True, key="pose_live_angles")


def live_panel(ctx: Any, show_angles: bool, threshold: float) -> None:
    """The panel, refreshed every PANEL_REFRESH_S while the stream plays or connects."""
    playing, signalling = bool(ctx.state.playing), bool(ctx.state.signalling)
    refresh = PANEL_REFRESH_S if (playing or signalling) else None

    @st.fragment(run_every=refresh)
    def panel() -> None:
        render_panel(playing, signalling, show_angles, threshold)

    panel()
