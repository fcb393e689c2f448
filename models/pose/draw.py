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
from functools import lru_cache

import cv2
import numpy as np

from models.pose.movenet import INDEX, KEYPOINT_NAMES, SIDES, Pose
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


# The skeleton as chains of keypoints, each in its side's colour: the 16 bones of EDGES in six
# polylines. A frame cuts each chain at its unsure keypoints and draws a side's pieces in
# one `cv2.polylines` call, so a joint inside a chain gets one round cap instead of one per
# bone end, and the choice of bones is a few list operations rather than numpy calls on 17
# values (drawing was 0.46 → 0.30 ms of a live frame here, docs/DEVELOPING.md). The chains
# hold exactly the bones of EDGES, each in its side (tests/test_pose.py).
CHAINS: dict[str, tuple[tuple[int, ...], ...]] = {
    side: tuple(tuple(INDEX[name] for name in chain) for chain in chains)
    for side, chains in {
        "left": (
            ("left_ear", "left_eye", "nose"),
            ("left_wrist", "left_elbow", "left_shoulder", "left_hip", "left_knee", "left_ankle"),
        ),
        "right": (
            ("right_ear", "right_eye", "nose"),
            (
                "right_wrist",
                "right_elbow",
                "right_shoulder",
                "right_hip",
                "right_knee",
                "right_ankle",
            ),
        ),
        "center": (("left_shoulder", "right_shoulder"), ("left_hip", "right_hip")),
    }.items()
}


def _visible_pieces(chains: tuple[tuple[int, ...], ...], visible: list[bool]) -> list[list[int]]:
    """The runs of two or more visible keypoints along `chains`: the bones to draw."""
    pieces = []
    for chain in chains:
        run: list[int] = []
        for index in chain:
            if visible[index]:
                run.append(index)
                continue
            if len(run) > 1:
                pieces.append(run)
            run = []
        if len(run) > 1:
            pieces.append(run)
    return pieces


@lru_cache(maxsize=64)
def _dot_colours(bgr: bool, colour: tuple[int, int, int] | None) -> tuple[tuple[int, ...], ...]:
    """Each keypoint's dot colour, in COCO order."""
    return tuple(_colour(side, bgr, colour) for side in SIDES)


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
    visible = (pose.keypoints[:, 2] >= options.threshold).tolist()
    points = np.rint(pose.keypoints[:, :2]).astype(np.int32)
    if options.skeleton:
        for side, chains in CHAINS.items():
            pieces = _visible_pieces(chains, visible)
            if pieces:
                line = _colour(side, options.bgr, colour)
                lines = [points[piece] for piece in pieces]
                cv2.polylines(frame, lines, False, line, thickness, cv2.LINE_AA)
    dots = _dot_colours(options.bgr, colour)
    listed = points.tolist()
    for index, (x, y) in enumerate(listed):
        if visible[index]:
            # The dark ring's inside is blended by the anti-aliased dot drawn over it, and its
            # outer pixel edge needs no blending: the ring costs a third of a blended circle.
            cv2.circle(frame, (x, y), radius + 1, OUTLINE, -1, cv2.LINE_8)
            cv2.circle(frame, (x, y), radius, dots[index], -1, cv2.LINE_AA)
    if options.labels:
        _draw_labels(frame, listed, visible, side_px, options.bgr)
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
    frame: np.ndarray, points: list[list[int]], visible: list[bool], side_px: int, bgr: bool
) -> None:
    """Each visible keypoint's name beside it, outlined so it reads on any background."""
    scale = max(0.35, side_px / 1600)
    for index, (x, y) in enumerate(points):
        if not visible[index]:
            continue
        where = (x + 6, y - 6)
        text = KEYPOINT_NAMES[index]
        cv2.putText(frame, text, where, cv2.FONT_HERSHEY_SIMPLEX, scale, OUTLINE, 3, cv2.LINE_AA)
        colour = _colour(SIDES[index], bgr)
        cv2.putText(frame, text, where, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)
