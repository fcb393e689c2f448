"""A photo to work on, for the pages that take one: an example from the data mirror or an
upload, decoded once and kept in session_state (at most DISPLAY_SIDE a side), so moving a
slider runs the model again without decoding the upload again. A bad upload shows its error
and the last good photo stays.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import streamlit as st

from components.feedback import show_error
from components.i18n import t
from models.errors import PlaygroundError
from models.vision.images import FORMATS, decode_image, shrink

DISPLAY_SIDE = 1600
EXAMPLES = {  # example name → file in the data mirror
    "traffic": "images/traffic.bmp",
    "cat": "images/cat.jpg",
    "dog": "images/dog.bmp",
    "bird": "images/bird.bmp",
    "squat": "pose/squat.bmp",
}


def _examples() -> dict[str, Path]:
    root = os.environ.get("PLAYGROUND_DATA_DIR")
    if not root:
        return {}
    return {name: Path(root) / p for name, p in EXAMPLES.items() if (Path(root) / p).is_file()}


def example_choice(prefix: str, first: str = "traffic") -> tuple[str, bytes] | None:
    """The example photo picked (`first` by default), or None when there are none here."""
    examples = _examples()
    if not examples:
        st.info(t("photo.no_examples"))
        return None
    name = st.radio(
        t("photo.example"),
        list(examples),
        format_func={n: t(f"photo.example.{n}") for n in examples}.get,
        index=list(examples).index(first) if first in examples else 0,
        horizontal=True,
        key=f"{prefix}_example",
    )
    return examples[name].name, examples[name].read_bytes()


def remember(photo: tuple[str, bytes] | None, key: str, side: int = DISPLAY_SIDE) -> dict | None:
    """{"name", "digest", "pixels", "original_shape"}: `photo` if it decodes (reduced to
    `side`), else the last good one kept under `key`, with the error named after the file."""
    stored = st.session_state.get(key)
    if photo is None:
        return stored
    name, data = photo
    digest = hashlib.sha256(data).hexdigest()
    if stored is not None and stored["digest"] == digest:
        return stored
    try:
        pixels = decode_image(data)
    except PlaygroundError as error:
        show_error(error, file=name)
        if stored is not None:
            st.caption(t("classifier.kept_previous", name=stored["name"]))
        return stored
    stored = {
        "name": name,
        "digest": digest,
        "pixels": shrink(pixels, side),
        "original_shape": tuple(pixels.shape),
    }
    st.session_state[key] = stored
    return stored


def photo_choice(prefix: str, first: str = "traffic", camera: bool = False) -> dict | None:
    """An example (`first` by default), an upload or, with `camera`, a camera snapshot, as a
    "Photo" tab offers them, remembered."""
    options = ("example", "upload", "camera") if camera else ("example", "upload")
    sources = {s: t(f"classifier.source.{s}") for s in options}
    source = st.radio(
        t("classifier.source"),
        list(sources),
        format_func=sources.get,
        horizontal=True,
        key=f"{prefix}_source",
    )
    if source == "camera":
        return snapshot(prefix)
    if source == "upload":
        upload = st.file_uploader(
            t("photo.upload"), type=[f.lower() for f in FORMATS] + ["jpg"], key=f"{prefix}_upload"
        )
        chosen = (upload.name, upload.getvalue()) if upload is not None else None
    else:
        chosen = example_choice(prefix, first)
    return remember(chosen, f"{prefix}_photo_state")


def snapshot(prefix: str) -> dict | None:
    """A camera snapshot, remembered apart from the photo tab's photo."""
    shot = st.camera_input(t("pose.snapshot.label"), key=f"{prefix}_camera")
    chosen = ("snapshot.jpg", shot.getvalue()) if shot is not None else None
    return remember(chosen, f"{prefix}_snapshot_state") if shot is not None else None
