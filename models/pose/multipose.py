"""MoveNet MultiPose: up to six people per frame, each with a box, a score and 17 keypoints.

The model takes int32 [1, S, S, 3] (S any multiple of 32, 256 by default: larger finds
people further away, at (S / 256)² the work) and answers [1, 6, 56]: per person 17 × (y, x,
score) normalised to the square, then the box (ymin, xmin, ymax, xmax) and the person's
score. The frame is letterboxed as for single pose (models/vision/letterbox.py); people under
MIN_PERSON_SCORE are dropped, as TF.js pose-detection's `minPoseScore` does.
`CrowdFollower` gives each person a stable id over a stream (models/pose/tracking.py) and
smooths each one's keypoints on its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from models.pose.movenet import Pose, PoseSmoother, feed
from models.pose.tracking import IouTracker
from models.vision.letterbox import Letterbox, letterbox

MULTIPOSE_MODEL = "movenet-multipose-lightning"
MULTIPOSE_SIZES = (256, 320, 384, 448, 512)  # multiples of 32; 256 is the model's own
MIN_PERSON_SCORE = 0.25  # TF.js pose-detection's default minPoseScore for MultiPose


@dataclass
class Person:
    """One person: keypoints, box (x1, y1, x2, y2 in frame pixels), score and tracking id."""

    pose: Pose
    box: np.ndarray
    score: float
    id: int

    def record(self) -> dict:
        """{"id", "score", "box", "keypoints"}: what `python -m models pose --json` prints."""
        return {
            "id": self.id,
            "score": round(self.score, 4),
            "box": [round(float(v), 1) for v in self.box],
            "keypoints": self.pose.records(),
        }

    def mirrored(self) -> Person:
        width = self.pose.width
        x1, y1, x2, y2 = self.box
        box = np.array([width - x2, y1, width - x1, y2], np.float32)
        return replace(self, pose=self.pose.mirrored(), box=box)


@dataclass
class Crowd:
    """Everyone found in one frame of `width` × `height`, best person first."""

    people: list[Person]
    width: int
    height: int
    inference_ms: float = 0.0

    def records(self) -> list[dict]:
        """One row per keypoint per person: person, name, x, y, score."""
        return [{"person": p.id, **row} for p in self.people for row in p.pose.records()]

    def document(self) -> dict:
        return {"people": [person.record() for person in self.people]}

    def mirrored(self) -> Crowd:
        return replace(self, people=[person.mirrored() for person in self.people])


def decode(raw: np.ndarray, box: Letterbox, min_score: float = MIN_PERSON_SCORE) -> list[Person]:
    """The model's [6, 56] as people in frame pixels, best first, ids 1, 2, … in that order."""
    people = []
    for row in raw[np.argsort(-raw[:, 55], kind="stable")]:
        score = float(row[55])
        if score < min_score:
            continue
        keypoints = box.keypoints_to_frame(row[:51].reshape(17, 3))
        (x1, x2), (y1, y2) = box.to_frame(np.array([row[51:53], row[53:55]]))
        corners = np.array([x1, y1, x2, y2], np.float32)
        pose = Pose(keypoints, box.width, box.height)
        people.append(Person(pose, corners, score, len(people) + 1))
    return people


def estimate_crowd(model, frame: np.ndarray, size: int) -> Crowd:
    """Everyone in `frame` (uint8 RGB [H, W, 3]) by MultiPose with an S = `size` input."""
    return crowd_letterboxed(model, *letterbox(frame, size))


def crowd_letterboxed(model, square: np.ndarray, box: Letterbox) -> Crowd:
    """Everyone in a frame letterboxed as `box` says into `square`, in the frame's pixels."""
    start = time.perf_counter()
    raw = np.asarray(feed(model, square), np.float32).reshape(-1, 56)
    elapsed_ms = (time.perf_counter() - start) * 1000
    return Crowd(decode(raw, box), box.width, box.height, elapsed_ms)


class CrowdFollower:
    """A stream of crowds: a stable id per person (IoU tracking) and, with `smooth`, each
    person's keypoints One-Euro filtered on their own."""

    def __init__(self, smooth: bool = True) -> None:
        self.smooth = smooth
        self._tracker = IouTracker()
        self._smoothers: dict[int, PoseSmoother] = {}

    def reset(self) -> None:
        self._tracker.reset()
        self._smoothers.clear()

    def __call__(self, crowd: Crowd, timestamp: float) -> Crowd:
        ids = self._tracker.assign([person.box for person in crowd.people], timestamp)
        people = []
        for person, track_id in zip(crowd.people, ids, strict=True):
            pose = person.pose
            if self.smooth:
                pose = self._smoothers.setdefault(track_id, PoseSmoother())(pose, timestamp)
            people.append(replace(person, pose=pose, id=track_id))
        alive = {track.id for track in self._tracker.tracks}
        for gone in set(self._smoothers) - alive:
            del self._smoothers[gone]
        return replace(crowd, people=people)
