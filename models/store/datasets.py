"""The course's data sets, from the local mirror, the download cache or their public homes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from models.errors import Unavailable
from models.store.files import dataset_path
from models.store.locate import Progress

IRIS_COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]


def load_mnist(
    progress: Progress | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(x_train, y_train), (x_test, y_test) as uint8 images [N, 28, 28] and labels, Keras layout."""
    path = dataset_path("mnist", progress)
    try:
        with np.load(path, allow_pickle=False) as data:
            return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
    except (OSError, ValueError, KeyError) as exc:
        raise Unavailable(
            f"{path} is not a readable mnist.npz ({exc}). Delete it to download it again.",
            code="bad_dataset",
            file=str(path),
        ) from exc


def load_iris() -> pd.DataFrame:
    """The 150 Iris rows with columns IRIS_COLUMNS; scikit-learn's bundled copy as fallback."""
    path = dataset_path("iris")
    if path is not None:
        frame = pd.read_csv(path)
        return frame[IRIS_COLUMNS]
    from sklearn.datasets import load_iris as sklearn_iris

    bunch = sklearn_iris(as_frame=True)
    frame = bunch.frame.copy()
    frame.columns = [*IRIS_COLUMNS[:4], "target"]
    frame["species"] = [str(bunch.target_names[i]) for i in frame.pop("target")]
    return frame


def load_use_vocab(progress: Progress | None = None) -> list[tuple[str, float]]:
    """The Universal Sentence Encoder lite vocabulary: 8,000 (piece, score) pairs."""
    path = dataset_path("use-vocab", progress)
    # Seven pieces (":", ":://", …) have null scores; TF.js treats them as 0.
    return [
        (str(piece), float(score or 0.0)) for piece, score in json.loads(path.read_text("utf-8"))
    ]


def load_imagenet_index(progress: Progress | None = None) -> list[str]:
    """The 1000 ImageNet class names in Keras order (index 0 = tench)."""
    path = dataset_path("imagenet-class-index", progress)
    index = json.loads(path.read_text("utf-8"))
    return [index[str(i)][1] for i in range(len(index))]
