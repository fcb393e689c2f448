"""The course's counter-example to weight quantization: MoveNet Lightning stored as
tensorflowjs_converter's float32, float16 (as TF Hub ships it), uint16 and uint8, each
run on the same photo, its 17 keypoints compared with the float32 model's.

uint16 and float16 keep each weight within about 1e-4 of its value; uint8 has 256 levels for
a whole tensor, so a kernel's small weights round to the same few values, and an error in
the first layers grows through the network's ~50 more: the keypoints move.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.formats.tfjs_graph import load_graph_model
from models.formats.tfjs_quantize import quantized_copy, weights_bytes
from models.pose.movenet import Pose, estimate
from models.store.files import model_dir
from models.store.locate import Progress

MODEL_ID = "movenet-singlepose-lightning"
SIZE = 192
DTYPES = ("float32", "float16", "uint16", "uint8")  # float32 first: the reference


@dataclass(frozen=True)
class QuantizedRun:
    """One storage dtype: its shards' size, the pose it finds, and how far that is from the
    float32 model's (keypoint distance in photo pixels, score change)."""

    dtype: str
    weights_bytes: int
    pose: Pose
    mean_error_px: float
    max_error_px: float
    mean_score_change: float


def compare_quantized(frame: np.ndarray, progress: Progress | None = None) -> list[QuantizedRun]:
    """Each of DTYPES for MoveNet Lightning (downloaded first if need be) on `frame` (uint8
    RGB [H, W, 3])."""
    folder = model_dir(MODEL_ID, progress)
    found: dict[str, tuple[int, Pose]] = {}
    with tempfile.TemporaryDirectory(prefix="movenet-quantized-") as scratch:
        for dtype in DTYPES:
            copy = quantized_copy(
                folder, None if dtype == "float32" else dtype, Path(scratch) / dtype
            )
            found[dtype] = (weights_bytes(copy), estimate(load_graph_model(copy), frame, SIZE))
    reference = found["float32"][1].keypoints
    runs = []
    for dtype, (size, pose) in found.items():
        distance = np.linalg.norm(pose.keypoints[:, :2] - reference[:, :2], axis=1)
        runs.append(
            QuantizedRun(
                dtype,
                size,
                pose,
                float(distance.mean()),
                float(distance.max()),
                float(np.abs(pose.keypoints[:, 2] - reference[:, 2]).mean()),
            )
        )
    return runs


def python_code(dtype: str) -> str:
    """The comparison for one dtype in Python, with this project's TF.js reader and writer."""
    return f'''from models.formats.tfjs_graph import load_graph_model
from models.formats.tfjs_quantize import quantized_copy
from models.pose.movenet import estimate

# what tensorflowjs_converter --quantize_{dtype} stores, read back as TF.js reads it
copy = quantized_copy("movenet-singlepose-lightning", "{dtype}", "movenet_{dtype}")
pose = estimate(load_graph_model(copy), photo, {SIZE})  # 17 × (x, y, score), photo pixels
reference = estimate(load_graph_model("movenet-singlepose-lightning"), photo, {SIZE})
print(abs(pose.keypoints - reference.keypoints).max(axis=0))
'''


def tfjs_code(dtype: str) -> str:
    """The course's converter line with the flag, then the model loaded as any graph model."""
    return f"""// tensorflowjs_converter --input_format=tf_hub --quantize_{dtype} \\
//     https://tfhub.dev/google/movenet/singlepose/lightning/4 movenet_{dtype}
const model = await tf.loadGraphModel('movenet_{dtype}/model.json');
const input = tf.tidy(() =>
  tf.browser.fromPixels(img).resizeBilinear([{SIZE}, {SIZE}]).toInt().expandDims(0));
const keypoints = await model.predict(input).array();  // [1, 1, 17, 3]: (y, x, score)
input.dispose();
"""
