"""Two people in one picture: the shared squat and yoga photos side by side on white.

The squat photo (500 × 610) sits at the left, top-aligned, the yoga photo (426 × 640) at
x = 500, so a single-pose answer on either photo maps into the pair by an x offset alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.vision.images import decode_image

YOGA_LEFT = 500
SIZE = (926, 640)  # width, height


def photos(shared: Path) -> tuple[np.ndarray, np.ndarray]:
    folder = shared / "data" / "pose"
    return tuple(decode_image((folder / n).read_bytes()) for n in ("squat.bmp", "yoga.jpeg"))


def two_people(shared: Path) -> np.ndarray:
    """uint8 RGB [640, 926, 3]: the squatting man at the left, the yoga pose at the right."""
    squat, yoga = photos(shared)
    canvas = np.full((SIZE[1], SIZE[0], 3), 255, np.uint8)
    canvas[: squat.shape[0], : squat.shape[1]] = squat
    canvas[:, YOGA_LEFT:] = yoga
    return canvas
