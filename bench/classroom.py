"""`python -m bench classroom`: a class opening one page at the same moment.

`--sessions N` real websocket sessions speak Streamlit's own protocol to a running server
(`--url`, 127.0.0.1 only) or to one this bench starts: each connects to `/_stcore/stream`,
sends `rerun_script` for `--page` with `--query`, and waits for `script_finished`; then, where
a page has one, it clicks the button a student clicks first (`CLICKS`, or `--click KEY`) and
waits again. Before the class, one visit warms the server (imports, models) and three more,
alone, are the baseline (their median), so the ratios come from one run. Printed: p50/p95
seconds to open and to answer the click, alone and together, exception elements, sessions
unfinished within `--timeout`, and the server's RSS before, at peak and `--settle` seconds
after they close.

`--busy N` first opens N other sessions that keep the server working while the class
arrives (the Training lab's Train on the course's MNIST CNN; the others wait for a slot
of components/heavy_slots.py), so the figure answers "is the explorer still quick while
eight students train?".
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

from bench.streamlit_server import RunningApp, streamlit_server

MAX_SESSIONS = 100
ALONE = 3  # visits alone, one after another: the baseline is their median
CLICKS = {  # page → the key of the button a student clicks first
    "tensors": "tensor_create",
    "classifier": "classifier_example_cat",
    "training": "training_start",
}
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("classroom", parents=[common], help="concurrent sessions")
    p.add_argument("--sessions", type=int, default=30, help=f"at most {MAX_SESSIONS}")
    p.add_argument("--page", default="", help="url path: '' (Home), tensors, classifier, …")
    p.add_argument("--query", default="", help="query string, e.g. 't=fib&op=slice'")
    p.add_argument("--click", default=None, help="button key to click (default: CLICKS)")
    p.add_argument("--url", default=None, help="a running server on 127.0.0.1")
    p.add_argument("--busy", type=int, default=0, help="Training lab sessions training first")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per session")
    p.add_argument("--settle", type=float, default=60.0, help="seconds before the last RSS")
    p.set_defaults(func=run)


@dataclass
class Visit:
    """One session's figures."""

    open_s: float | None = None
    click_s: float | None = None
    exceptions: int = 0
    error: str = ""


def rerun_message(
    page: str, query: str, states: list[WidgetState] = (), page_hash: str = ""
) -> bytes:
    """A browser's `rerun_script` for `page` with `query` and widget `states`; `page_hash`,
    the page's script hash, as a browser names the page it already shows."""
    message = BackMsg()
    message.rerun_script.page_name = page
    message.rerun_script.page_script_hash = page_hash
    message.rerun_script.query_string = query
    message.rerun_script.widget_states.widgets.extend(states)
    return message.SerializeToString()


@dataclass
class Session:
    """A websocket session that reruns the page and reads until the run finishes."""

    socket: object
    page: str
    query: str
    widget_ids: dict[str, str] = field(default_factory=dict)  # user key → element id
    exceptions: int = 0

    async def rerun(self, states: list[WidgetState] | None = None) -> float:
        """Seconds from sending `rerun_script` to its `script_finished`."""
        began = time.perf_counter()
        await self.socket.send(rerun_message(self.page, self.query, states or []))
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.socket.recv())
            kind = forward.WhichOneof("type")
            if kind == "delta":
                self._read(forward)
            elif kind == "script_finished" and forward.script_finished in DONE:
                return time.perf_counter() - began

    def _read(self, forward: ForwardMsg) -> None:
        element = forward.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions += 1
        elif kind is not None:
            widget_id = getattr(getattr(element, kind), "id", "")
            if widget_id:
                self.widget_ids[widget_id.rsplit("-", 1)[-1]] = widget_id


def click(widget_id: str) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.trigger_value = True
    return state


async def visit(ws_url: str, page: str, query: str, key: str | None, timeout: float) -> Visit:
    """Open the page in a new session and, with `key`, click that button once."""
    result = Visit()
    try:
        async with asyncio.timeout(timeout):
            async with connect(ws_url, subprotocols=["streamlit"], max_size=None) as socket:
                session = Session(socket, page, query)
                result.open_s = await session.rerun()
                if key is not None and key in session.widget_ids:
                    result.click_s = await session.rerun([click(session.widget_ids[key])])
                elif key is not None:
                    result.error = f"no widget with key {key!r}"
                result.exceptions = session.exceptions
    except TimeoutError:
        result.error = "timeout"
    except OSError as error:
        result.error = str(error)
    return result


def busy_query() -> str:
    """The Training lab's link to the course's MNIST CNN (20 epochs, seconds of work): the
    dense presets are over in a fraction of a second on the fast engine."""
    from models.training import presets
    from models.training.link import to_url

    return f"train={to_url(presets.preset('mnist-cnn').config)}"


async def keep_busy(ws_url: str, stop: asyncio.Event, started: asyncio.Event) -> None:
    """A Training lab session that trains the MNIST CNN and stays connected until `stop`."""
    async with connect(ws_url, subprotocols=["streamlit"], max_size=None) as socket:
        session = Session(socket, "training", busy_query())
        await session.rerun()
        train = click(session.widget_ids[CLICKS["training"]])
        await socket.send(rerun_message("training", "", [train]))
        started.set()
        while not stop.is_set():
            try:
                async with asyncio.timeout(0.5):
                    await socket.recv()
            except TimeoutError:
                pass


class RssSampler:
    """The server's RSS (with its children) every 0.2 s on a thread, for the peak."""

    def __init__(self, pid: int | None) -> None:
        self.process = psutil.Process(pid) if pid else None
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def now(self) -> float | None:
        if self.process is None:
            return None
        processes = [self.process, *self.process.children(recursive=True)]
        return round(sum(p.memory_info().rss for p in processes) / 2**20, 1)

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, self.now() or 0.0)

    def __enter__(self) -> RssSampler:
        self.peak = self.now() or 0.0  # the highest from the start, not only between samples
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def server_pid(url: str) -> int | None:
    """The process listening on the URL's port, when this user may see it."""
    port = urlparse(url).port
    try:
        for connection in psutil.net_connections(kind="tcp"):
            if connection.laddr and connection.laddr.port == port and connection.pid:
                return connection.pid
    except psutil.AccessDenied:
        pass
    return None


def quantiles(values: list[float]) -> dict:
    if not values:
        return {"p50_s": None, "p95_s": None, "max_s": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_s": round(statistics.median(ordered), 3),
        "p95_s": round(p95, 3),
        "max_s": round(ordered[-1], 3),
    }


def median_visit(visits: list[Visit]) -> Visit:
    """One visit's figures from several alone: the median time to open and to answer (one
    visit alone took 44 to 60 ms on an idle server, which moved the ratios by a third)."""

    def median(name: str) -> float | None:
        values = [getattr(v, name) for v in visits if getattr(v, name) is not None]
        return statistics.median(values) if values else None

    return Visit(
        open_s=median("open_s"),
        click_s=median("click_s"),
        exceptions=sum(v.exceptions for v in visits),
        error=next((v.error for v in visits if v.error), ""),
    )


def ratio(visits: list[Visit], alone: Visit, name: str) -> float | None:
    p95 = quantiles([getattr(v, name) for v in visits if getattr(v, name) is not None])["p95_s"]
    single = getattr(alone, name)
    return round(p95 / single, 1) if p95 and single else None


async def classroom(app: RunningApp, args: argparse.Namespace, key: str | None) -> dict:
    ws_url = app.url.replace("http://", "ws://") + "/_stcore/stream"
    stop, busy = asyncio.Event(), []
    for _ in range(args.busy):
        started = asyncio.Event()
        busy.append(asyncio.create_task(keep_busy(ws_url, stop, started)))
        await started.wait()
    await visit(ws_url, args.page, args.query, key, args.timeout)  # warm-up
    alone = median_visit(
        [await visit(ws_url, args.page, args.query, key, args.timeout) for _ in range(ALONE)]
    )
    sampler = RssSampler(app.pid)
    with sampler:
        before = sampler.peak or None
        visits = await asyncio.gather(
            *(visit(ws_url, args.page, args.query, key, args.timeout) for _ in range(args.sessions))
        )
        stop.set()
        await asyncio.gather(*busy)
    await asyncio.sleep(args.settle)
    return {
        "sessions": args.sessions,
        "page": args.page or "home",
        "query": args.query,
        "click": key,
        "busy_training_sessions": args.busy,
        "alone": {"open_s": alone.open_s, "click_s": alone.click_s, "error": alone.error},
        "open": quantiles([v.open_s for v in visits if v.open_s is not None]),
        "click_answer": quantiles([v.click_s for v in visits if v.click_s is not None]),
        "open_p95_over_alone": ratio(visits, alone, "open_s"),
        "click_p95_over_alone": ratio(visits, alone, "click_s"),
        "exceptions": sum(v.exceptions for v in visits) + alone.exceptions,
        "unfinished": sum(1 for v in visits if v.error),
        "errors": sorted({v.error for v in visits if v.error}),
        "server_rss_mb": {"before": before, "peak": sampler.peak or None, "after": sampler.now()},
        "settle_s": args.settle,
    }


def bench_server(url: str | None):
    """The server a bench talks to: the running one at `url` (127.0.0.1 only), else one it
    starts and stops (a context manager of RunningApp)."""
    if url and urlparse(url).hostname != "127.0.0.1":
        raise SystemExit("--url must be on 127.0.0.1")
    if url:
        return nullcontext(RunningApp(url.rstrip("/"), server_pid(url)))
    return streamlit_server(Path(tempfile.mkdtemp()) / "streamlit.log")


def run(args: argparse.Namespace) -> dict:
    if not 1 <= args.sessions <= MAX_SESSIONS:
        raise SystemExit(f"--sessions must be 1…{MAX_SESSIONS}")
    key = args.click or CLICKS.get(args.page)
    with bench_server(args.url) as app:
        return asyncio.run(classroom(app, args, key))
