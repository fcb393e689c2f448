"""The frames the benches hand a frame callback: a new frame object every call, as aiortc's
decoder gives streamlit-webrtc.

Handing the same few frame objects round again would hide a cost a live stream pays: PyAV
keeps a swscale context on each frame object, so converting a new frame with its own
`reformat` builds one afresh (0.5 ms for 480×360 here, 0.1 with a kept one).
"""

from __future__ import annotations

import av


def decoded(frame: av.VideoFrame) -> av.VideoFrame:
    """A new yuv420p frame object with `frame`'s pixels, as the decoder hands out."""
    return av.VideoFrame.from_ndarray(frame.to_ndarray(), format="yuv420p")
