"""Which person is which from frame to frame: the IoU tracker of TF.js pose-detection.

MultiPose answers each frame afresh, in no particular order. TF.js's `enableTracking` (its
default BoundingBoxTracker) keeps a track per person: a new frame's box joins the track
whose last box it overlaps most (IoU ≥ `min_similarity`, best person first), else it
starts a new track with the next id; a track not seen for `max_age_s` is forgotten. The
same numbers here: 0.15, 1 s, at most 18 tracks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.vision.boxes import iou_matrix

MIN_SIMILARITY = 0.15
MAX_AGE_S = 1.0
MAX_TRACKS = 18


@dataclass
class Track:
    id: int
    box: np.ndarray
    last_seen: float


class IouTracker:
    """Ids for the boxes of each frame, stable while a person stays in view."""

    def __init__(
        self,
        min_similarity: float = MIN_SIMILARITY,
        max_age_s: float = MAX_AGE_S,
        max_tracks: int = MAX_TRACKS,
    ) -> None:
        self.min_similarity, self.max_age_s, self.max_tracks = min_similarity, max_age_s, max_tracks
        self.tracks: list[Track] = []
        self._next_id = 1

    def reset(self) -> None:
        self.tracks, self._next_id = [], 1

    def assign(self, boxes: list[np.ndarray], timestamp: float) -> list[int]:
        """One id per box of this frame (boxes given best person first)."""
        self.tracks = [t for t in self.tracks if timestamp - t.last_seen <= self.max_age_s]
        similarity = iou_matrix(np.array(boxes).reshape(-1, 4), [t.box for t in self.tracks])
        free = set(range(len(self.tracks)))
        ids = []
        for row, box in enumerate(boxes):
            best = max(free, key=lambda col: similarity[row, col], default=None)
            if best is not None and similarity[row, best] >= self.min_similarity:
                free.discard(best)
                track = self.tracks[best]
                track.box, track.last_seen = np.asarray(box), timestamp
            else:
                track = Track(self._next_id, np.asarray(box), timestamp)
                self._next_id += 1
                self.tracks.append(track)
            ids.append(track.id)
        self.tracks.sort(key=lambda t: t.last_seen, reverse=True)
        del self.tracks[self.max_tracks :]
        return ids
