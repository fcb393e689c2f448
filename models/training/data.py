"""The lab's data sets as arrays ready for `model.fit`, with what kind of problem each is.

The seed's scikit-learn problems are generated with the seed's arguments and split in half
(train, validation) as the slides do; Iris and MNIST come from models/store/datasets.py (the
local mirror, else their public homes) — or from the page's cached copies, passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.errors import BadInput
from models.store import datasets

REGRESSION, BINARY, MULTICLASS = "regression", "binary", "multiclass"
PROBLEMS = {
    "linear": REGRESSION,
    "iris": MULTICLASS,
    "mnist": MULTICLASS,
    "regression": REGRESSION,
    "circles": BINARY,
    "blobs": MULTICLASS,
}
SEED = 1
IRIS_CLASSES = ("setosa", "virginica", "versicolor")  # the course's one-hot order (003_…)
IRIS_ROWS = 150
MNIST_VALIDATION = 1000  # the course's TEST_DATA_SIZE: the first 1,000 test digits validate


@dataclass(frozen=True)
class Dataset:
    """Training and validation arrays; `y` is one-hot for multiclass, a column otherwise."""

    name: str
    problem: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    class_names: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    @property
    def outputs(self) -> int:
        return int(self.y_train.shape[1])


def holds_out(dataset: str, validation_split: float) -> bool:
    """Whether training on `dataset` validates on held-out data: MNIST always (its test
    digits), y = 2x − 1 never (six points), the others when the split is above 0."""
    return dataset == "mnist" or (dataset != "linear" and validation_split > 0)


def _one_hot(labels: np.ndarray, classes: int) -> np.ndarray:
    return np.eye(classes, dtype="float32")[labels]


def _split(x: np.ndarray, y: np.ndarray, validation_split: float) -> tuple[np.ndarray, ...]:
    """Train/validation halves after a seeded shuffle; the training set itself if no split."""
    order = np.random.default_rng(SEED).permutation(len(x))
    x, y = x[order], y[order]
    n_val = int(round(len(x) * validation_split))
    if n_val == 0:
        return x, y, x, y
    return x[n_val:], y[n_val:], x[:n_val], y[:n_val]


def linear() -> Dataset:
    """The six points of y = 2x − 1; it validates on its training points (there are six)."""
    x = np.array([[-1.0], [0.0], [1.0], [2.0], [3.0], [4.0]], dtype="float32")
    y = 2 * x - 1
    return Dataset("linear", REGRESSION, x, y, x, y, feature_names=("x",))


def iris(frame: pd.DataFrame, validation_split: float) -> Dataset:
    """The 150 flowers: 4 measurements in cm, species one-hot in the course's order
    (setosa, virginica, versicolor; a species the course does not name comes after)."""
    found = dict.fromkeys(frame["species"].astype(str))
    species = tuple(c for c in IRIS_CLASSES if c in found) + tuple(
        c for c in found if c not in IRIS_CLASSES
    )
    labels = frame["species"].astype(str).map({name: i for i, name in enumerate(species)})
    x = frame.iloc[:, :4].to_numpy("float32")
    y = _one_hot(labels.to_numpy(), len(species))
    x_train, y_train, x_val, y_val = _split(x, y, validation_split)
    names = tuple(str(c) for c in frame.columns[:4])
    return Dataset("iris", MULTICLASS, x_train, y_train, x_val, y_val, species, names)


def mnist(raw: tuple, train_size: int) -> Dataset:
    """MNIST as [N, 28, 28, 1] floats in 0..1; the first MNIST_VALIDATION test digits are
    the validation data, as in the course."""
    (x_train, y_train), (x_test, y_test) = raw
    x_test, y_test = x_test[:MNIST_VALIDATION], y_test[:MNIST_VALIDATION]
    if train_size:
        x_train, y_train = x_train[:train_size], y_train[:train_size]

    def images(x: np.ndarray) -> np.ndarray:
        return (x.astype("float32") / 255.0)[..., None]

    return Dataset(
        "mnist",
        MULTICLASS,
        images(x_train),
        _one_hot(y_train, 10),
        images(x_test),
        _one_hot(y_test, 10),
        tuple(str(d) for d in range(10)),
    )


def sklearn_problem(name: str, validation_split: float) -> Dataset:
    """make_regression / make_circles / make_blobs with the seed's arguments, standardised."""
    from sklearn.datasets import make_blobs, make_circles, make_regression
    from sklearn.preprocessing import StandardScaler

    if name == "regression":
        x, y = make_regression(n_samples=1000, n_features=20, noise=0.1, random_state=SEED)
        x = StandardScaler().fit_transform(x)
        y = StandardScaler().fit_transform(y.reshape(-1, 1))
        problem, classes = REGRESSION, ()
    elif name == "circles":
        x, labels = make_circles(n_samples=1000, noise=0.1, random_state=SEED)
        y, problem, classes = labels.reshape(-1, 1), BINARY, ("outer", "inner")
    else:
        x, labels = make_blobs(
            n_samples=1000, centers=3, n_features=2, cluster_std=2, random_state=2
        )
        y, problem, classes = _one_hot(labels, 3), MULTICLASS, ("0", "1", "2")
    x, y = x.astype("float32"), y.astype("float32")
    features = tuple(f"x{i + 1}" for i in range(x.shape[1]))
    return Dataset(name, problem, *_split(x, y, validation_split), classes, features)


def make_dataset(
    name: str,
    validation_split: float = 0.2,
    train_size: int = 0,
    *,
    mnist_raw: tuple | None = None,
    iris_frame: pd.DataFrame | None = None,
) -> Dataset:
    """The data set `name`; pages pass their cached MNIST / Iris, other callers let it load."""
    if name == "linear":
        data = linear()
    elif name == "iris":
        data = iris(datasets.load_iris() if iris_frame is None else iris_frame, validation_split)
    elif name == "mnist":
        return mnist(datasets.load_mnist() if mnist_raw is None else mnist_raw, train_size)
    elif name in ("regression", "circles", "blobs"):
        data = sklearn_problem(name, validation_split)
    else:
        raise BadInput(f"unknown data set {name!r}", code="training_unknown_dataset", name=name)
    if train_size and train_size < len(data.x_train):
        return Dataset(
            data.name,
            data.problem,
            data.x_train[:train_size],
            data.y_train[:train_size],
            data.x_val,
            data.y_val,
            data.class_names,
            data.feature_names,
        )
    return data
