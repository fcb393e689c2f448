"""What `tf.memory()` reports over a webcam loop, with and without `dispose` and `tf.tidy`.

The course's lesson (000_…, "Importante!"): TensorFlow.js frees no tensor by itself; every
op's result stays in memory until `dispose()` or the end of a `tf.tidy`, so a loop that
forgets them leaks a frame's worth of tensors per frame. This model replays the course's
loop (capture a 192×192×3 frame, make the model's input) and counts tensors and bytes as
TF.js's engine does — each tensor's own bytes, a reshape (expandDims) included — checked
against TF.js itself in tests/test_tensors_memory.py. Python's TensorFlow frees a tensor as
soon as nothing refers to it, which is why the lesson is a TF.js one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME = (192, 192, 3)  # the course's webcam: resizeWidth/resizeHeight 192, RGB
MODES = ("leak", "dispose", "tidy")


@dataclass(frozen=True)
class Tensor:
    """One tensor a frame makes: its name in the code and its size in bytes."""

    name: str
    nbytes: int


def frame_tensors() -> tuple[Tensor, ...]:
    """The four tensors of one frame: the capture (int32) and the three steps of its input."""
    size = int(np.prod(FRAME)) * 4  # int32 and float32 alike take 4 bytes
    return (
        Tensor("img", size),  # webcam.capture()
        Tensor("img.toFloat()", size),
        Tensor(".div(255)", size),
        Tensor(".expandDims(0)", size),  # a reshape: a new tensor, counted again
    )


def left_after_frame(mode: str) -> tuple[Tensor, ...]:
    """The tensors one frame leaves behind: all of them, all but `img`, or none."""
    tensors = frame_tensors()
    if mode == "leak":
        return tensors
    if mode == "dispose":
        return tensors[1:]
    if mode == "tidy":
        return ()
    raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")


def memory(mode: str, frames: int) -> list[tuple[int, int]]:
    """(numTensors, numBytes) above the start after each of `frames` frames."""
    left = left_after_frame(mode)
    per_frame = (len(left), sum(t.nbytes for t in left))
    return [(per_frame[0] * n, per_frame[1] * n) for n in range(1, frames + 1)]


def tfjs_code(mode: str) -> str:
    """The course's loop in TF.js for `mode`, logging tf.memory() each frame."""
    if mode == "tidy":
        body = """  const img = await webcam.capture();
  const input = tf.tidy(() => img.toFloat().div(255).expandDims(0));  // intermediates freed
  img.dispose();
  // … model.predict(input) …
  input.dispose();"""
    elif mode == "dispose":
        body = """  const img = await webcam.capture();
  const input = img.toFloat().div(255).expandDims(0);  // three tensors, never disposed
  img.dispose();"""
    else:
        body = """  const img = await webcam.capture();                  // never disposed: a leak
  const input = img.toFloat().div(255).expandDims(0);"""
    return f"""const webcam = await tf.data.webcam(webcamEl, {{
  centerCrop: true, resizeWidth: 192, resizeHeight: 192
}});
while (true) {{
{body}
  const {{numTensors, numBytes}} = tf.memory();
  console.log(numTensors, 'tensors,', (numBytes / 1e6).toFixed(1), 'MB');
  await tf.nextFrame();
}}
"""


def python_code() -> str:
    """The same loop in Python: reference counting frees each tensor, nothing to dispose."""
    return """import cv2
import tensorflow as tf

camera = cv2.VideoCapture(0)
while True:
    ok, frame = camera.read()
    img = tf.image.resize_with_crop_or_pad(tf.constant(frame[..., ::-1]), 192, 192)
    input = tf.expand_dims(tf.cast(img, tf.float32) / 255, 0)
    # … model(input) …
    # No dispose, no tidy: Python frees a tensor as soon as nothing refers to it
    # (the names above are rebound each frame), so memory stays flat.
"""
