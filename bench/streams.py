"""`python -m bench streams --streams N [--seconds S] [--url URL] --json`: N students' webcams
on the Live pose page at once, answered frames per second per stream.

Each stream is what a browser does, without the browser: a websocket session opens the page
(Streamlit's own protocol, as `bench classroom`), an aiortc peer connection sends a camera
of the size and rate the page asks for (480×360 at 20 frames/s; `--camera-width`, `--camera-fps`;
squat.bmp walking across the frame, VP8 as Chromium sends it), the
SDP offer goes to the page's streamlit-webrtc component as the component's value, and the
answer comes back in the component's arguments. Then, for `--seconds`, the frames the
server sends back (MoveNet drawn on them) are counted. Goal (issue 22): 8 streams, each
≥ 10 frames/s answered. On one machine the clients' own VP8 encoding and decoding share
the cores with the server: the figures are a lower bound for students' own laptops.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from fractions import Fraction

import av
import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from aiortc.mediastreams import VIDEO_CLOCK_RATE
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

from bench._frames import decoded
from bench.classroom import bench_server, rerun_message
from bench.pose import _frames
from bench.streamlit_server import RunningApp
from components.webrtc import CAMERA_FPS, CAMERA_WIDTH

MAX_STREAMS = 16
PAGE = "pose"
GOAL_FPS = 10.0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("streams", parents=[common], help=__doc__.splitlines()[0])
    p.add_argument("--streams", type=int, default=8, help=f"at most {MAX_STREAMS}")
    p.add_argument("--seconds", type=float, default=20.0, help="counting time per stream")
    p.add_argument("--url", help="a running server on 127.0.0.1")
    p.add_argument("--camera-fps", type=int, default=CAMERA_FPS, help="frames/s each camera sends")
    p.add_argument("--camera-width", type=int, default=CAMERA_WIDTH, help="camera width (4:3)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to connect a stream")
    p.set_defaults(func=run)


class Camera(VideoStreamTrack):
    """A webcam: eight pictures of a moving person, `width` wide (4:3), `fps` a second."""

    def __init__(self, fps: int, width: int) -> None:
        super().__init__()
        self.fps = fps
        height = width * 3 // 4 // 2 * 2
        self._frames = [
            av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(
                width=width, height=height, format="yuv420p"
            )
            for frame in _frames()
        ]
        self.sent = 0
        self._start: float | None = None  # when the first frame was sent
        self._timestamp = 0

    async def next_timestamp(self) -> tuple[int, Fraction]:
        """aiortc's pacing (90 kHz clock) at this camera's rate rather than its fixed 30."""
        if self._start is None:
            self._start = time.time()
        else:
            self._timestamp += VIDEO_CLOCK_RATE // self.fps
            await asyncio.sleep(self._start + self._timestamp / VIDEO_CLOCK_RATE - time.time())
        return self._timestamp, Fraction(1, VIDEO_CLOCK_RATE)

    async def recv(self) -> av.VideoFrame:
        pts, time_base = await self.next_timestamp()
        source = self._frames[self.sent // 4 % len(self._frames)]  # he moves every 4 frames
        self.sent += 1
        frame = decoded(source)
        frame.pts, frame.time_base = pts, time_base
        return frame


def _component(forward: ForwardMsg) -> tuple[str, dict] | None:
    """(widget id, arguments) of a streamlit-webrtc component drawn by this message."""
    element = forward.delta.new_element
    if element.WhichOneof("type") != "component_instance":
        return None
    instance = element.component_instance
    return instance.id, json.loads(instance.json_args or "{}")


async def _send(socket, query: str, states: list[WidgetState], page_hash: str = "") -> None:
    """A rerun of the page with `states`. A browser names the page it shows by its hash in
    every rerun: without it streamlit-webrtc takes the rerun for leaving the page and
    closes the stream."""
    await socket.send(rerun_message(PAGE, query, states, page_hash))


def _value(widget_id: str, value: dict) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.json_value = json.dumps(value)
    return state


async def stream(ws_url: str, seconds: float, timeout: float, fps: int, width: int) -> dict:
    """One student's stream: connect, then count the frames answered for `seconds`."""
    pc = RTCPeerConnection()
    answered: list[float] = []
    received = asyncio.Event()

    @pc.on("track")
    def on_track(track) -> None:
        async def count() -> None:
            while True:
                try:
                    await track.recv()
                except Exception:  # noqa: BLE001  (the track ended)
                    return
                answered.append(time.perf_counter())
                received.set()

        asyncio.ensure_future(count())

    camera = Camera(fps, width)
    pc.addTrack(camera)
    result: dict = {"fps": None, "sent_fps": None, "error": ""}
    try:
        async with asyncio.timeout(timeout + seconds + 10):
            async with connect(ws_url, subprotocols=["streamlit"], max_size=None) as socket:
                query = "lang=en"
                await _send(socket, query, [])
                widget, page_hash = None, ""
                while widget is None:  # the first run draws the component
                    forward = ForwardMsg()
                    forward.ParseFromString(await socket.recv())
                    if forward.WhichOneof("type") == "navigation":  # the page being shown
                        page_hash = forward.navigation.page_script_hash
                    found = _component(forward)
                    widget = found and found[0]
                await pc.setLocalDescription(await pc.createOffer())
                offer = {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}
                await _send(
                    socket,
                    query,
                    [_value(widget, {"playing": False, "sdpOffer": offer, "iceCandidates": {}})],
                    page_hash,
                )
                answer = None
                async with asyncio.timeout(timeout):
                    while answer is None:
                        forward = ForwardMsg()
                        forward.ParseFromString(await socket.recv())
                        found = _component(forward)
                        if found and found[1].get("sdp_answer_json"):
                            answer = json.loads(found[1]["sdp_answer_json"])
                    await pc.setRemoteDescription(RTCSessionDescription(**answer))
                    await received.wait()
                await _send(
                    socket,
                    query,
                    [_value(widget, {"playing": True, "sdpOffer": "", "iceCandidates": {}})],
                    page_hash,
                )
                start, sent = len(answered), camera.sent
                began = time.perf_counter()
                while time.perf_counter() - began < seconds:  # keep the session read
                    try:
                        async with asyncio.timeout(0.5):
                            await socket.recv()
                    except TimeoutError:
                        pass
                elapsed = time.perf_counter() - began
                result["fps"] = round((len(answered) - start) / elapsed, 1)
                result["sent_fps"] = round((camera.sent - sent) / elapsed, 1)
    except TimeoutError:
        result["error"] = "timeout"
    except OSError as error:
        result["error"] = str(error)
    finally:
        await pc.close()
    return result


async def streams(app: RunningApp, args: argparse.Namespace) -> dict:
    ws_url = app.url.replace("http://", "ws://") + "/_stcore/stream"
    results = await asyncio.gather(
        *(
            stream(ws_url, args.seconds, args.timeout, args.camera_fps, args.camera_width)
            for _ in range(args.streams)
        )
    )
    rates = [r["fps"] for r in results if r["fps"] is not None]
    return {
        "streams": args.streams,
        "seconds": args.seconds,
        "camera_fps": args.camera_fps,
        "camera_width": args.camera_width,
        "fps_per_stream": [r["fps"] for r in results],
        "sent_fps_per_stream": [r["sent_fps"] for r in results],
        "min_fps": min(rates) if rates else None,
        "median_fps": round(float(np.median(rates)), 1) if rates else None,
        "errors": [r["error"] for r in results if r["error"]],
        "goal_fps": GOAL_FPS,
        "ok": len(rates) == args.streams and min(rates) >= GOAL_FPS,
        "cpu_count": os.cpu_count(),
    }


def run(args: argparse.Namespace) -> dict:
    if not 1 <= args.streams <= MAX_STREAMS:
        raise SystemExit(f"--streams must be 1…{MAX_STREAMS}")
    with bench_server(args.url) as app:
        return asyncio.run(streams(app, args))
