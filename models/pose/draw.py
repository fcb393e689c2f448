"""Drawing a pose on a frame with OpenCV: keypoints, skeleton (left/right colours), labels.

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

COLOURS_RGB = {"left": (255, 138, 0), "right": (0, 200, 255), "center": (255, 255, 255)}
OUTLINE = (0, 0, 0)


@dataclass(frozen=True)
class DrawOptions:
    """What to draw: keypoints under `threshold` are hidden whatever else is on."""

    threshold: float = 0.3
    skeleton: bool = True
    labels: bool = False
    bgr: bool = False


def _colour(side: str, bgr: bool) -> tuple[int, int, int]:
    r, g, b = COLOURS_RGB[side]
    return (b, g, r) if bgr else (r, g, b)


def draw_pose(frame: np.ndarray, pose: Pose, options: DrawOptions) -> np.ndarray:
    """`frame` with the pose drawn on it (in place; the same array is returned)."""
    side_px = max(frame.shape[0], frame.shape[1])
    thickness = max(2, side_px // 200)
    radius = max(3, side_px // 120)
    visible = pose.keypoints[:, 2] >= options.threshold
    points = [(int(round(x)), int(round(y))) for x, y in pose.keypoints[:, :2]]
    if options.skeleton:
        for a, b, side in EDGES:
            if visible[a] and visible[b]:
                colour = _colour(side, options.bgr)
                cv2.line(frame, points[a], points[b], colour, thickness, cv2.LINE_AA)
    for index in np.flatnonzero(visible):
        colour = _colour(SIDES[index], options.bgr)
        cv2.circle(frame, points[index], radius + 1, OUTLINE, -1, cv2.LINE_AA)
        cv2.circle(frame, points[index], radius, colour, -1, cv2.LINE_AA)
    if options.labels:
        _draw_labels(frame, points, visible, side_px, options.bgr)
    return frame


def _draw_labels(
    frame: np.ndarray, points: list[tuple[int, int]], visible: np.ndarray, side_px: int, bgr: bool
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
