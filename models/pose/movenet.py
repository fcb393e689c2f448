"""MoveNet single-person pose: running the model, keypoints in frame pixels.

The three pose models (Lightning and Thunder TF.js graph models, Lightning int8 TFLite) all
take one square image [1, S, S, 3] and return [1, 1, 17, 3] = (y, x, score) normalised to
that square. A frame is letterboxed onto that square first (models/vision/letterbox.py),
and `Letterbox.to_frame` maps the model's answer back into the frame's pixels.

Also here: joint angles (elbows, shoulders, hips, knees) and a One-Euro filter that smooths
keypoints across frames, as TF.js's pose-detection MoveNet offers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from models.errors import BadInput
from models.store.registry import MODELS
from models.vision.letterbox import Letterbox, letterbox

KEYPOINT_NAMES = (
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
)
INDEX = {name: i for i, name in enumerate(KEYPOINT_NAMES)}

# The skeleton MoveNet's TF.js demo draws, each bone tagged with its side of the body.
EDGES: tuple[tuple[int, int, str], ...] = tuple(
    (INDEX[a], INDEX[b], side)
    for a, b, side in (
        ("nose", "left_eye", "left"),
        ("nose", "right_eye", "right"),
        ("left_eye", "left_ear", "left"),
        ("right_eye", "right_ear", "right"),
        ("left_shoulder", "right_shoulder", "center"),
        ("left_shoulder", "left_elbow", "left"),
        ("left_elbow", "left_wrist", "left"),
        ("right_shoulder", "right_elbow", "right"),
        ("right_elbow", "right_wrist", "right"),
        ("left_shoulder", "left_hip", "left"),
        ("right_shoulder", "right_hip", "right"),
        ("left_hip", "right_hip", "center"),
        ("left_hip", "left_knee", "left"),
        ("left_knee", "left_ankle", "left"),
        ("right_hip", "right_knee", "right"),
        ("right_knee", "right_ankle", "right"),
    )
)
SIDES = tuple("center" if name == "nose" else name.split("_")[0] for name in KEYPOINT_NAMES)

# Each angle is measured at its middle joint, between the bones to its two neighbours.
ANGLES: dict[str, tuple[int, int, int]] = {
    f"{side}_{joint}": (INDEX[f"{side}_{a}"], INDEX[f"{side}_{joint}"], INDEX[f"{side}_{b}"])
    for side in ("left", "right")
    for joint, a, b in (
        ("elbow", "shoulder", "wrist"),
        ("shoulder", "elbow", "hip"),
        ("hip", "shoulder", "knee"),
        ("knee", "hip", "ankle"),
    )
}

SINGLE_POSE_MODELS = (
    "movenet-singlepose-lightning",
    "movenet-singlepose-thunder",
    "movenet-singlepose-lightning-int8-tflite",
)
POSE_MODELS = (*SINGLE_POSE_MODELS, "movenet-multipose-lightning")  # models/pose/multipose.py
DEFAULT_MODEL = "movenet-singlepose-lightning"
DEFAULT_THRESHOLD = 0.3  # the TF.js MoveNet demo's minimum keypoint score


def check_pose_model(model_id: str) -> str:
    """`model_id` if it is one of the pose models, else a BadInput naming them."""
    if model_id not in POSE_MODELS:
        known = ", ".join(POSE_MODELS)
        raise BadInput(
            f"'{model_id}' is not a pose model. Pose models: {known}.",
            code="pose_unknown_model",
            model=model_id,
            known=known,
        )
    return model_id


def is_multipose(model_id: str) -> bool:
    """True for the models that find several people (their registry task is pose-multi)."""
    return MODELS[check_pose_model(model_id)].task == "pose-multi"


def input_size(model_id: str) -> int:
    """The side S of the model's square input (192 for Lightning, 256 for Thunder and
    MultiPose)."""
    return int(MODELS[check_pose_model(model_id)].extra["input_size"])


def feed(model, square: np.ndarray) -> np.ndarray:
    """A MoveNet's first output for one uint8 square image [S, S, 3].

    The graph models want int32 pixels and the int8 TFLite model uint8 pixels; both take
    0–255 values, so only the dtype differs.
    """
    dtype = model.inputs[0].dtype
    batch = square[None].astype(dtype, copy=dtype != "uint8")
    return next(iter(model(batch).values()))


def run_model(model, square: np.ndarray) -> np.ndarray:
    """A single-pose model's raw [17, 3] (y, x, score) for one square image [S, S, 3]."""
    return np.asarray(feed(model, square), np.float32).reshape(17, 3)


_warm_ms: dict[int, float] = {}


def warm_up(model, size: int) -> float:
    """Ms per inference of `model` on a `size` square, measured once per loaded model and
    process after one call that is not timed.

    A graph model's first call builds its kernels (1–2 s on a busy server); done in the
    script thread right after loading, the live stream's first frame is not the one to wait.
    The second call's time is what a page can show as the model's cost on this machine.
    """
    if id(model) not in _warm_ms:
        square = np.zeros((size, size, 3), np.uint8)
        feed(model, square)
        start = time.perf_counter()
        feed(model, square)
        _warm_ms[id(model)] = (time.perf_counter() - start) * 1000
    return _warm_ms[id(model)]


@dataclass
class Pose:
    """17 keypoints of one person in frame pixels: columns x, y, score (COCO order)."""

    keypoints: np.ndarray  # float32 [17, 3]
    width: int
    height: int
    inference_ms: float = 0.0

    def records(self) -> list[dict]:
        """[{"name", "x", "y", "score"}, …] in COCO order, rounded for people to read."""
        return [
            {
                "name": name,
                "x": round(float(x), 1),
                "y": round(float(y), 1),
                "score": round(float(score), 4),
            }
            for name, (x, y, score) in zip(KEYPOINT_NAMES, self.keypoints, strict=True)
        ]

    def document(self) -> dict:
        """{"keypoints": [...]}: the part of the JSON answers that holds what was found."""
        return {"keypoints": self.records()}

    def mirrored(self) -> Pose:
        """The same pose seen in a mirror: x flipped, each keypoint keeps its body side."""
        keypoints = self.keypoints.copy()
        keypoints[:, 0] = self.width - keypoints[:, 0]
        return Pose(keypoints, self.width, self.height, self.inference_ms)


def estimate(model, frame: np.ndarray, size: int) -> Pose:
    """The pose in `frame` (uint8 RGB [H, W, 3]) by a MoveNet with an S = `size` input."""
    return estimate_letterboxed(model, *letterbox(frame, size))


def estimate_letterboxed(model, square: np.ndarray, box: Letterbox) -> Pose:
    """The pose in a frame letterboxed as `box` says into `square`, in the frame's pixels."""
    start = time.perf_counter()
    raw = run_model(model, square)
    elapsed_ms = (time.perf_counter() - start) * 1000
    return Pose(box.keypoints_to_frame(raw), box.width, box.height, elapsed_ms)


def joint_angles(pose: Pose, threshold: float) -> dict[str, float | None]:
    """Angle in degrees at each joint of ANGLES; None when any of its three points is unsure."""
    points, scores = pose.keypoints[:, :2], pose.keypoints[:, 2]
    angles: dict[str, float | None] = {}
    for name, (a, vertex, b) in ANGLES.items():
        if min(scores[a], scores[vertex], scores[b]) < threshold:
            angles[name] = None
            continue
        u, v = points[a] - points[vertex], points[b] - points[vertex]
        norms = float(np.linalg.norm(u) * np.linalg.norm(v))
        if norms == 0.0:
            angles[name] = None
            continue
        cosine = float(np.clip(np.dot(u, v) / norms, -1.0, 1.0))
        angles[name] = round(math.degrees(math.acos(cosine)), 1)
    return angles


class OneEuroFilter:
    """The One-Euro filter (Casiez et al. 2012) on an array of values, e.g. keypoints [17, 2].

    A low-pass filter whose cut-off rises with speed: still keypoints stop jittering, fast
    moves are followed without lag. The defaults suit coordinates normalised to the frame
    (`PoseSmoother` filters x / max(W, H) and y / max(W, H)) at webcam rates: MoveNet's
    jitter of a few thousandths is cut to about a third, while a move across the frame in
    a second raises the cut-off to ~20 Hz. (TF.js's MoveNet uses beta 300 on its own
    scaling; on these units that would barely smooth at all.)
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 20.0, d_cutoff: float = 1.0):
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self._value: np.ndarray | None = None
        self._speed: np.ndarray | None = None
        self._time = 0.0

    def reset(self) -> None:
        self._value = None

    def __call__(self, value: np.ndarray, timestamp: float) -> np.ndarray:
        """The filtered `value` at `timestamp` (seconds, increasing).

        Each step blends by α = c / (c + 1) with c = 2π · dt · cut-off, which is the paper's
        1 / (1 + τ / dt) with τ = 1 / (2π · cut-off), in a dozen array operations on a live
        frame's 17 × 2 values instead of twenty.
        """
        if self._value is None or self._value.shape != value.shape or timestamp <= self._time:
            self._value, self._speed, self._time = value.copy(), np.zeros_like(value), timestamp
            return value.copy()
        dt = timestamp - self._time
        step = 2 * math.pi * dt
        change = value - self._value
        speed_blend = step * self.d_cutoff / (step * self.d_cutoff + 1)
        self._speed += speed_blend * (change / dt - self._speed)
        c = np.abs(self._speed)
        c *= step * self.beta
        c += step * self.min_cutoff
        change *= c / (c + 1)
        self._value += change
        self._time = timestamp
        return self._value.copy()


class PoseSmoother:
    """One-Euro smoothing of a stream of poses (one per frame of the same camera)."""

    def __init__(self) -> None:
        self._filter = OneEuroFilter()

    def reset(self) -> None:
        self._filter.reset()

    def __call__(self, pose: Pose, timestamp: float) -> Pose:
        scale = float(max(pose.width, pose.height))
        smoothed = self._filter(pose.keypoints[:, :2] / scale, timestamp) * scale
        keypoints = pose.keypoints.copy()
        keypoints[:, :2] = smoothed
        return Pose(keypoints, pose.width, pose.height, pose.inference_ms)


def export_rows(poses: list[tuple[int, float, Pose]]) -> list[dict]:
    """One CSV row per keypoint per frame: frame, time_s, (person,) name, x, y, score.

    Here and in `export_document` a MultiPose `Crowd` may stand for a `Pose`."""
    return [
        {"frame": index, "time_s": round(seconds, 3), **record}
        for index, seconds, pose in poses
        for record in pose.records()
    ]


def export_document(name: str, model_id: str, poses: list[tuple[int, float, Pose]]) -> dict:
    """The JSON download: the file, the model, and each frame's size and keypoints (or
    people)."""
    return {
        "file": name,
        "model": model_id,
        "keypoint_names": list(KEYPOINT_NAMES),
        "frames": [
            {
                "frame": index,
                "time_s": round(seconds, 3),
                "width": pose.width,
                "height": pose.height,
                **pose.document(),
            }
            for index, seconds, pose in poses
        ],
    }
