"""Occlusion sensitivity: where did the model look? Works for any model, TFLite included.

A grey square slides over the resized photo; for each position the model runs again and
the drop of the top class's probability is recorded over the pixels the square covered.
Regions whose hiding makes the score fall are the ones the decision rests on. No gradients
are needed, so quantized TFLite models work as well as Keras ones. The grid is kept small
(about 100 runs of a ~5 ms model) so the map takes a second or two on 2 cores.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

GREY = 128  # the patch colour: 0 after MobileNet's scaling, "no information"

# probabilities(images uint8 [N, H, W, 3]) -> float32 [N, classes]
Predictor = Callable[[np.ndarray], np.ndarray]


def patch_positions(size: int, patch: int, steps: int) -> list[int]:
    """`steps` evenly spaced top-left offsets so that the patches cover 0..size exactly."""
    return sorted({int(round(v)) for v in np.linspace(0, size - patch, steps)})


def occluded_images(image: np.ndarray, patch: int, steps: int) -> tuple[np.ndarray, list]:
    """Every copy of `image` with one grey square, and the (y, x) of each square."""
    size = image.shape[0]
    spots = [
        (y, x)
        for y in patch_positions(size, patch, steps)
        for x in patch_positions(size, patch, steps)
    ]
    batch = np.repeat(image[None], len(spots), axis=0)
    for n, (y, x) in enumerate(spots):
        batch[n, y : y + patch, x : x + patch] = GREY
    return batch, spots


def sensitivity_map(
    image: np.ndarray,
    target: int,
    predictor: Predictor,
    *,
    patch_fraction: float = 0.25,
    steps: int = 10,
    batch_size: int = 16,
) -> np.ndarray:
    """float32 [H, W]: mean drop of class `target`'s probability when each pixel is hidden.

    `image` is the square uint8 input the model sees (already resized). Positive values
    mark evidence for the class; negative ones, regions that distracted the model.
    """
    size = image.shape[0]
    patch = max(1, int(round(size * patch_fraction)))
    base = float(predictor(image[None])[0, target])
    batch, spots = occluded_images(image, patch, steps)
    scores = np.concatenate(
        [predictor(batch[i : i + batch_size])[:, target] for i in range(0, len(batch), batch_size)]
    )
    total = np.zeros((size, size), np.float32)
    count = np.zeros((size, size), np.float32)
    for (y, x), score in zip(spots, scores, strict=True):
        total[y : y + patch, x : x + patch] += base - float(score)
        count[y : y + patch, x : x + patch] += 1
    return total / np.maximum(count, 1)
