"""Drawing a pose on a frame with OpenCV: keypoints, skeleton (left/right colours), labels.

A MultiPose crowd is drawn person by person, each skeleton in its own colour (PALETTE, by
tracking id) with its box and "#id score" above it.

Drawing happens in place on the frame the callback already owns, so a live stream adds no
image per frame; only the handful of small tuples cv2 needs are created. Colours follow
the TF.js MoveNet demo: the person's left side orange, right side cyan, centre white.
Frames are RGB here (what `estimate` reads); `bgr=True` swaps the colours for BGR frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from models.pose.movenet import EDGES, KEYPOINT_NAMES, SIDES, Pose
from models.pose.multipose import Crowd

COLOURS_RGB = {"left": (255, 138, 0), "right": (0, 200, 255), "center": (255, 255, 255)}
OUTLINE = (0, 0, 0)
# One colour per person (RGB), bright enough on a dark or light background.
PALETTE = (
    (255, 64, 129),
    (0, 230, 118),
    (41, 121, 255),
    (255, 196, 0),
    (213, 0, 249),
    (0, 229, 255),
    (255, 110, 64),
    (174, 234, 0),
)


@dataclass(frozen=True)
class DrawOptions:
    """What to draw: keypoints under `threshold` are hidden whatever else is on."""

    threshold: float = 0.3
    skeleton: bool = True
    labels: bool = False
    bgr: bool = False


def _colour(side: str, bgr: bool, person: tuple[int, int, int] | None = None):
    r, g, b = person or COLOURS_RGB[side]
    return (b, g, r) if bgr else (r, g, b)


def person_colour(person_id: int) -> tuple[int, int, int]:
    """The RGB colour of tracking id `person_id` (1, 2, …), the same on every frame."""
    return PALETTE[(person_id - 1) % len(PALETTE)]


# The skeleton by side, as index arrays: a frame picks its visible bones with one mask per
# side and draws them in one `cv2.polylines` call, instead of 16 Python-level checks and
# lines (half of what drawing cost on a live frame, 0.16 ms, was the Python around cv2).
_SIDE_NAMES = ("left", "right", "center")
_BONES = {
    side: np.array([(a, b) for a, b, s in EDGES if s == side], np.intp) for side in _SIDE_NAMES
}
_DOT_SIDES = {side: np.array([s == side for s in SIDES]) for side in _SIDE_NAMES}


def draw_pose(
    frame: np.ndarray,
    pose: Pose,
    options: DrawOptions,
    colour: tuple[int, int, int] | None = None,
) -> np.ndarray:
    """`frame` with the pose drawn on it (in place; the same array is returned); in one RGB
    `colour` instead of the left/right/centre ones when it is given."""
    side_px = max(frame.shape[0], frame.shape[1])
    thickness = max(2, side_px // 200)
    radius = max(3, side_px // 120)
    visible = pose.keypoints[:, 2] >= options.threshold
    points = np.rint(pose.keypoints[:, :2]).astype(np.int32)
    if options.skeleton:
        for side, bones in _BONES.items():
            shown = bones[visible[bones[:, 0]] & visible[bones[:, 1]]]
            if len(shown):
                line = _colour(side, options.bgr, colour)
                cv2.polylines(frame, list(points[shown]), False, line, thickness, cv2.LINE_AA)
    for side, on_side in _DOT_SIDES.items():
        dot = _colour(side, options.bgr, colour)
        for x, y in points[visible & on_side].tolist():
            cv2.circle(frame, (x, y), radius + 1, OUTLINE, -1, cv2.LINE_AA)
            cv2.circle(frame, (x, y), radius, dot, -1, cv2.LINE_AA)
    if options.labels:
        _draw_labels(frame, points.tolist(), visible, side_px, options.bgr)
    return frame


def draw_crowd(frame: np.ndarray, crowd: Crowd, options: DrawOptions) -> np.ndarray:
    """Every person of `crowd` on `frame` (in place): skeleton, box and "#id score"."""
    side_px = max(frame.shape[0], frame.shape[1])
    thickness = max(2, side_px // 300)
    scale = max(0.5, side_px / 1200)
    for person in crowd.people:
        rgb = person_colour(person.id)
        draw_pose(frame, person.pose, options, rgb)
        colour = _colour("center", options.bgr, rgb)
        x1, y1, x2, y2 = (int(round(float(v))) for v in person.box)
        cv2.rectangle(frame, (x1, y1), (x2, y2), colour, thickness, cv2.LINE_AA)
        where = (x1 + 4, max(y1 - 8, 16))
        text = f"#{person.id} {person.score:.2f}"
        cv2.putText(frame, text, where, cv2.FONT_HERSHEY_SIMPLEX, scale, OUTLINE, 4, cv2.LINE_AA)
        cv2.putText(frame, text, where, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 2, cv2.LINE_AA)
    return frame


def draw_found(frame: np.ndarray, found: Pose | Crowd, options: DrawOptions) -> np.ndarray:
    """A single pose or a whole crowd on `frame`, in place."""
    if isinstance(found, Crowd):
        return draw_crowd(frame, found, options)
    return draw_pose(frame, found, options)


def _draw_labels(
    frame: np.ndarray, points: list[list[int]], visible: np.ndarray, side_px: int, bgr: bool
) -> None:
    """Each visible keypoint's name beside it, outlined so it reads on any background."""
    scale = max(0.35, side_px / 1600)
    for index in np.flatnonzero(visible):
        x, y = points[index]
        where = (x + 6, y - 6)
        text = KEYPOINT_NAMES[index]
        cv2.putText(frame, text, where, cv2.FONT_HERSHEY_SIMPLEX, scale, OUTLINE, 3, cv2.LINE_AA)
        colour = _colour(SIDES[index], bgr)
        cv2.putText(frame, text, where, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)
