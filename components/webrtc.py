"""What every live WebRTC page shares: the frame processor pattern, ICE servers, the widget's
translations and the connection state.

streamlit-webrtc calls `FrameProcessor.callback` on its own thread for every webcam frame.
That thread never loads a model and never touches Streamlit: the page loads the model in
the script thread (components/model_cache.py) and hands it over with `configure`; results
leave the callback through a one-slot mailbox, as the queue of streamlit-webrtc's example
pages does, and a fragment polls it to refresh the live panel without stopping the stream.
A page subclasses FrameProcessor with its own `process` (components/pose_stream.py,
components/detect_stream.py).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import av
import numpy as np
import streamlit as st
from av.video.reformatter import VideoReformatter
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from components.i18n import t

PANEL_REFRESH_S = 0.5
CONNECT_TIMEOUT_S = 15.0  # signalling longer than this without playing: WebRTC failed
# Playing but no frame processed for this long: the stream froze. streamlit-webrtc ends its
# worker thread for good after a frame slower than 10 s, and the picture stops on the last frame.
STALL_S = 8.0
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
PUBLIC_STUN = [{"urls": ["stun:stun.l.google.com:19302"]}]
# The camera the browser is asked for. 480×360 rather than 640×480: the models see the same
# 192×144 (or 256×192) letterbox either way, and the server decodes, converts, draws and
# encodes 44 % fewer pixels per frame. On two cores, eight 30 fps streams at 640×480 are more
# than aiortc keeps up with, and then every stream falls to ~4 frames/s; at 480×360 each is
# answered at ~24 (`python -m bench streams`, docs/DEVELOPING.md). And 20 frames/s rather than
# a webcam's 30: the server decodes every frame a browser sends (VP8 cannot skip one), and
# past ~160 frames/s in all it falls behind and every stream collapses (eight 30 fps cameras
# on a slower two-core machine: ~5.5 answered each; at 20 fps: ~19.7 each).
CAMERA_WIDTH, CAMERA_HEIGHT, CAMERA_FPS = 480, 360, 20
VIDEO_CONSTRAINTS = {
    "video": {
        "width": {"ideal": CAMERA_WIDTH},
        "height": {"ideal": CAMERA_HEIGHT},
        "frameRate": {"ideal": CAMERA_FPS, "max": 30},
    },
    "audio": False,
}

S = TypeVar("S")  # a page's settings (frozen dataclass)
R = TypeVar("R")  # what one processed frame gives the page's panel


class FrameProcessor(Generic[S, R]):
    """Runs in streamlit-webrtc's worker thread; one per session and page, kept in
    session_state. Subclasses say how one frame is processed (`process`)."""

    def __init__(self) -> None:
        self._newest: R | None = None  # the one-slot mailbox to the panel
        self._settings: S | None = None
        self._lock = threading.Lock()
        self._last_time: float | None = None
        self._fps = 0.0
        self.ended = False
        self.failure: str | None = None
        self._reformatter = VideoReformatter()  # the worker thread's, kept across frames

    def configure(self, settings: S) -> None:
        """New settings from the script thread; the next frame uses them."""
        with self._lock:
            self._configured(self._settings, settings)
            self._settings = settings

    def _configured(self, old: S | None, new: S) -> None:
        """Hook, under the lock: reset per-stream state when the settings change."""

    def current(self) -> S | None:
        with self._lock:
            return self._settings

    def _snapshot(self) -> Any:
        """What one frame runs with, read under the lock at once (by default the settings;
        a subclass adds per-stream state that must match them)."""
        return self._settings

    def mark_ended(self) -> None:
        """The browser's camera track ended (unplugged, permission revoked, tab closed)."""
        self.ended = True
        self._last_time = None  # the next stream is not judged by this one's last frame

    def stalled(self, now: float | None = None) -> bool:
        """A frame was processed once, and none for STALL_S since: the picture is frozen."""
        last = self._last_time
        return last is not None and (time.perf_counter() if now is None else now) - last > STALL_S

    def _tick(self, now: float) -> float:
        if self._last_time is not None and now > self._last_time:
            instant = 1.0 / (now - self._last_time)
            self._fps = instant if self._fps == 0.0 else 0.9 * self._fps + 0.1 * instant
        self._last_time = now
        return self._fps

    def _publish(self, result: R) -> None:
        """Keep only the newest result: a slow panel never makes frames pile up. A lock and
        one attribute, not a queue.Queue, whose get and put cost ~60 µs a frame."""
        with self._lock:
            self._newest = result

    def process(self, pixels: np.ndarray, snapshot: Any, start: float) -> tuple[np.ndarray, Any]:
        """(drawn RGB frame, what was found) for one frame; runs under no lock."""
        raise NotImplementedError

    def result(self, found: Any, snapshot: Any, fps: float, callback_ms: float) -> R:
        """What the panel gets for one processed frame."""
        raise NotImplementedError

    def callback(self, frame: av.VideoFrame) -> av.VideoFrame:
        """streamlit-webrtc's `video_frame_callback`: the frame back with the results drawn."""
        start = time.perf_counter()
        with self._lock:
            snapshot = None if self._settings is None else self._snapshot()
        if snapshot is None:
            return frame
        self.ended = False
        try:
            out, pixels = rgb_frame(frame, self._reformatter)
            drawn, found = self.process(pixels, snapshot, start)
            if out is None or drawn is not pixels:  # not drawn in the frame: wrap it
                out = av.VideoFrame.from_ndarray(drawn, format="rgb24")
        except Exception as exc:  # noqa: BLE001  (the stream must survive any frame)
            self.failure = f"{type(exc).__name__}: {exc}"
            return frame
        self.failure = None
        out.pts = frame.pts
        if frame.time_base is not None:
            out.time_base = frame.time_base
        elapsed_ms = (time.perf_counter() - start) * 1000
        self._publish(self.result(found, snapshot, self._tick(start), elapsed_ms))
        return out

    def latest(self) -> R | None:
        """The newest result not handed out yet, once; None when there is none."""
        with self._lock:
            newest, self._newest = self._newest, None
        return newest


def rgb_frame(
    frame: av.VideoFrame, reformatter: VideoReformatter
) -> tuple[av.VideoFrame | None, np.ndarray]:
    """A new RGB frame converted from the camera's `frame`, and a writable array over its
    pixels: what is drawn on the array is in the frame sent back, with no copy either way
    (`to_ndarray` + `from_ndarray` copy the 900 KB picture twice more per frame). When
    the frame's rows are padded, or it is RGB already (drawing must never touch the frame
    given), only an RGB copy of the pixels, and None for the frame.

    `reformatter` is the stream's own: `frame.reformat` makes a new one for every frame, and
    its swscale context with it (0.5 ms for a 480×360 frame here instead of 0.1).
    """
    out = reformatter.reformat(frame, format="rgb24")
    if out is not frame:
        plane = out.planes[0]
        if plane.line_size == out.width * 3:
            return out, np.frombuffer(plane, np.uint8).reshape(out.height, out.width, 3)
    return None, out.to_ndarray()


def session_processor(key: str, make: type[FrameProcessor]) -> Any:
    """This session's processor under `key`, created once so the stream keeps it across reruns."""
    if key not in st.session_state:
        st.session_state[key] = make()
    return st.session_state[key]


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


def connection_state(playing: bool, signalling: bool, key: str) -> str:
    """'playing', 'connecting', 'failed' or 'idle', remembering in `key` when connecting began."""
    if playing:
        st.session_state.pop(key, None)
        return "playing"
    if not signalling:
        st.session_state.pop(key, None)
        return "idle"
    since = st.session_state.setdefault(key, time.monotonic())
    return "failed" if time.monotonic() - since > CONNECT_TIMEOUT_S else "connecting"


def streamer(key: str, processor: FrameProcessor) -> Any:
    """The page's webcam stream: frames to `processor.callback` and back, newest first."""
    return webrtc_streamer(
        key=key,
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=rtc_configuration(),
        media_stream_constraints=VIDEO_CONSTRAINTS,
        video_frame_callback=processor.callback,
        on_video_ended=processor.mark_ended,
        async_processing=True,
        translations=translations(),
    )


def notices(processor: FrameProcessor, state: str) -> list[str]:
    """The notices due for a stream in `state` (see connection_state), as locale keys.

    The camera's end counts only while the stream still plays: streamlit-webrtc reports the
    end of the input track for the student's own Stop too, which is no fault to explain.
    """
    due = {"failed": ["pose.live.failed"], "connecting": ["pose.live.connecting"]}.get(state, [])
    if state == "playing" and processor.ended:
        due.append("pose.live.ended")
    elif state == "playing" and processor.stalled():
        due.append("pose.live.stalled")
    if processor.failure:
        due.append("pose.live.frame_failed")
    return due


_NOTICE_BOXES = {
    "pose.live.failed": (st.warning, "📡"),
    "pose.live.connecting": (st.info, "⏳"),
    "pose.live.ended": (st.warning, "📷"),
    "pose.live.stalled": (st.warning, "🧊"),
    "pose.live.frame_failed": (st.error, "⚠️"),
}


def stream_notices(processor: FrameProcessor, playing: bool, signalling: bool, key: str) -> None:
    """What went wrong with the stream, if anything: no connection, the camera gone, the
    picture frozen, a frame that failed (the stream goes on)."""
    for notice in notices(processor, connection_state(playing, signalling, key)):
        box, icon = _NOTICE_BOXES[notice]
        box(t(notice, seconds=f"{STALL_S:.0f}", detail=processor.failure), icon=icon)


def timing_metrics(
    columns: list, fps: float | None, inference_ms: float | None, callback_ms: float | None
) -> None:
    """FPS, inference ms and whole-frame ms in the first three `columns`; "–" where there is
    nothing yet (one frame has no rate: "–" until a second frame has been timed)."""
    columns[0].metric(t("pose.live.fps"), f"{fps:.1f}" if fps else "–")
    columns[1].metric(
        t("pose.live.inference_ms"), "–" if inference_ms is None else f"{inference_ms:.1f}"
    )
    columns[2].metric(
        t("pose.live.callback_ms"), "–" if callback_ms is None else f"{callback_ms:.1f}"
    )


def live_fragment(ctx: Any, render: Callable[[bool, bool], None]) -> None:
    """`render(playing, signalling)` in a fragment refreshed every PANEL_REFRESH_S while the
    stream plays or connects, so the panel follows the stream without stopping it."""
    playing, signalling = bool(ctx.state.playing), bool(ctx.state.signalling)
    refresh = PANEL_REFRESH_S if (playing or signalling) else None

    @st.fragment(run_every=refresh)
    def panel() -> None:
        render(playing, signalling)

    panel()
