"""Two small trained models for the Model formats page's one-click demos, so the page is
useful before any Training lab run: an Iris classifier and an MNIST MLP."""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd

from models.store.datasets import IRIS_COLUMNS, load_iris, load_mnist


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
