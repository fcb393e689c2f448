"""The camera part of "teach your own classes" (the course's rock-paper-scissors): the stream,
an add button per class taking one frame or a burst of frames, and the live guess."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components import webrtc
from components.classifier_views import add_example
from components.code_panel import code_panel
from components.i18n import t
from components.lazy_expander import opened
from components.transfer_stream import CameraResult, CameraSettings, TransferProcessor, processor
from models.vision.transfer_code import camera_python_code, camera_tfjs_code

BURST = 10  # frames one "add 10" takes, each a different frame of the stream
SHOWN_KEY = "transfer_camera_shown"
PANEL_KEY = "transfer_camera_panel"


def add_frames(state: dict, slot: int, proc: TransferProcessor, count: int, extractor: Any) -> int:
    """Add the newest frame and the next ones, `count` in all, to class `slot` (until it is
    full); → how many frames came."""
    number, newest = proc.newest()
    if newest is None:  # the stream has not started: nothing to wait for
        return 0
    came = 0
    for frame in proc.frames_after(number - 1, count):
        came += 1
        if not add_example(state, slot, frame, extractor):
            break
    return came


def _class_buttons(state: dict, names: list[str], proc: TransferProcessor, extractor: Any) -> None:
    """One row per class: its name and samples (photos and frames), add one frame, add a
    burst of frames."""
    for slot, name in enumerate(names):
        label, one, burst = st.columns([2, 1, 1], vertical_alignment="center")
        wanted = 0
        if one.button(
            t("classifier.camera.add_one"),
            key=f"transfer_camera_one_{slot}",
            help=t("classifier.camera.add_one_help"),
        ):
            wanted = 1
        if burst.button(
            t("classifier.camera.add_burst", count=BURST),
            key=f"transfer_camera_burst_{slot}",
            help=t("classifier.camera.add_burst_help", count=BURST),
        ):
            wanted = BURST
        if wanted and not add_frames(state, slot, proc, wanted, extractor):
            st.warning(t("classifier.camera.no_frame"), icon="📷")
        count = len(state["thumbs"].get(slot, []))
        label.markdown(f"**{name}**  \n{t('classifier.transfer.examples', count=count)}")


def _panel(proc: TransferProcessor, playing: bool, signalling: bool) -> None:
    """Connection notices, frame rate and times, and the head's guess for the newest frame."""
    newest = proc.latest()
    if newest is not None:
        st.session_state[SHOWN_KEY] = newest
    shown: CameraResult | None = st.session_state.get(SHOWN_KEY)
    with st.container(key=PANEL_KEY):
        webrtc.stream_notices(proc, playing, signalling, "transfer_connecting_since")
        columns = st.columns(3)
        if shown is None:
            webrtc.timing_metrics(columns, None, None, None)
        else:
            embed = shown.embed_ms if shown.probabilities is not None else None
            webrtc.timing_metrics(columns, shown.fps, embed, shown.callback_ms)
        if shown is None or shown.probabilities is None:
            st.caption(t("classifier.camera.train_first"))
            return
        best = int(shown.probabilities.argmax())
        st.markdown(t("classifier.camera.guess", label=shown.names[best]))
        for name, probability in zip(shown.names, shown.probabilities, strict=True):
            st.progress(float(probability), text=f"{name}: {probability:.0%}")


def camera_section(state: dict, names: list[str], extractor: Any) -> None:
    """An expander (it runs only while open) with the stream and the per-class buttons."""
    box = opened(t("classifier.camera.header"), "transfer_camera_open", icon="📷")
    if box is None:
        return
    with box:
        st.caption(t("classifier.camera.intro"))
        proc = processor()
        trained = state["head"] is not None
        proc.configure(
            CameraSettings(
                extractor,
                state.get("head_fn") if trained else None,
                tuple(state["head_names"]),
            )
        )
        video, side = st.columns([3, 2], gap="medium")
        with video:
            ctx = webrtc.streamer("transfer_camera", proc)
        with side:
            _class_buttons(state, names, proc, extractor)
            webrtc.live_fragment(ctx, lambda playing, signalling: _panel(proc, playing, signalling))
        code_panel(camera_python_code(), camera_tfjs_code(), key="transfer_camera_code")
