"""Small trained models for the Model formats page's one-click demos, so the page is useful
before any Training lab run: an Iris classifier, an MNIST MLP, and the course's first worked
model, "iris v1", as the TF.js Layers model the slides load."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from models.store.datasets import IRIS_COLUMNS, load_iris, load_mnist
from models.store.locate import cache_root

COURSE_FLOWERS = ((5.0, 3.3, 1.4, 0.2), (6.4, 3.2, 4.5, 1.5), (5.8, 2.7, 5.1, 1.9))  # 000_…, 003_…


def iris_demo_model(frame: pd.DataFrame | None = None, epochs: int = 60, seed: int = 0) -> dict:
    """A tiny Iris classifier (131 parameters) trained in about a second, stored as the
    Training lab stores its runs, so the page is useful on its own:
    {"model", "preset", "x_train", "x_val", "y_val", "history"}."""
    frame = load_iris() if frame is None else frame
    features = frame[IRIS_COLUMNS[:4]].to_numpy(np.float32)
    species = sorted(frame["species"].unique())
    labels = frame["species"].map({name: i for i, name in enumerate(species)}).to_numpy()
    order = np.random.default_rng(seed).permutation(len(frame))
    train, val = order[:110], order[110:]
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((4,), name="features"),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(len(species), activation="softmax"),
        ],
        name="iris_demo",
    )
    model.compile(
        keras.optimizers.Adam(0.02), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model.fit(features[train], labels[train], epochs=epochs, batch_size=16, verbose=0)
    return {
        "model": model,
        "preset": "iris-demo",
        "x_train": features[train],
        "x_val": features[val],
        "y_val": labels[val],
        "history": {},
    }


def mnist_demo_model(mnist: tuple | None = None, epochs: int = 2, seed: int = 0) -> dict:
    """An MNIST MLP (101,770 parameters) trained in a few seconds: big enough for
    quantization to show its 4× (Iris's few weights barely shrink). Same keys as above."""
    (x_train, y_train), (x_test, y_test) = load_mnist() if mnist is None else mnist
    x_train = x_train[:6000].astype(np.float32) / 255.0
    x_val = x_test[:500].astype(np.float32) / 255.0
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((28, 28), name="image"),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="mnist_demo",
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train[:6000], epochs=epochs, batch_size=64, verbose=0)
    return {
        "model": model,
        "preset": "mnist-demo",
        "x_train": x_train,
        "x_val": x_val,
        "y_val": np.asarray(y_test[:500]),
        "history": {},
    }


def iris_v1_folder() -> Path:
    """Where iris v1 is kept once built: a model.json and its shard, like the slides' URL."""
    return cache_root() / "course" / "iris_v1"


def iris_v1_model(frame: pd.DataFrame | None = None, epochs: int = 100, seed: int = 0) -> dict:
    """The course's "iris v1" (000_…: tf.loadLayersModel(".../iris_v1/model.json")):
    Input(4) → Dense1(10) → Dense2(3), 83 parameters. No copy is shipped: it is trained here
    on first use, written with our TF.js Layers writer and read back from those files, so the
    page shows what tf.loadLayersModel would load. Same keys as above, plus "format" and
    "folder" (the model.json's folder)."""
    from models.formats.tfjs_layers import load_layers_model, save_layers_model

    frame = load_iris() if frame is None else frame
    features = frame[IRIS_COLUMNS[:4]].to_numpy(np.float32)
    species = sorted(frame["species"].unique())
    labels = frame["species"].map({name: i for i, name in enumerate(species)}).to_numpy()
    folder = iris_v1_folder()
    if not (folder / "model.json").is_file():
        keras.utils.set_random_seed(seed)
        model = keras.Sequential(
            [
                keras.Input((4,), name="input_1"),
                keras.layers.Dense(10, activation="sigmoid", name="Dense1"),
                keras.layers.Dense(3, activation="softmax", name="Dense2"),
            ],
            name="iris_v1",
        )
        model.compile(
            keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        model.fit(features, labels, epochs=epochs, batch_size=16, verbose=0)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        save_layers_model(model, staging)  # two sessions building at once each get their own
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)  # readers never see half a model
    return {
        "model": load_layers_model(folder),
        "preset": "iris-v1",
        "format": "tfjs-layers",
        "folder": folder,
        "x_train": features,
        "x_val": np.asarray(COURSE_FLOWERS, np.float32),
        "y_val": np.array([species.index(n) for n in ("setosa", "versicolor", "virginica")]),
        "history": {},
    }
