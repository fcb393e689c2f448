"""The course's MNIST CNN, shared by the Training lab (`mnist-cnn` preset) and Draw a digit.

Conv2D(8, 3, relu) → MaxPool(2) → Conv2D(16, 3, relu) → MaxPool(2) → Flatten →
Dense(128, relu) → Dense(10, softmax), as in the TF.js MNIST example of the slides.
"""

from __future__ import annotations

import keras


def build_mnist_cnn() -> keras.Model:
    """The uncompiled CNN; input [28, 28, 1] floats in [0, 1], output 10 probabilities."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1), name="image"),
            keras.layers.Conv2D(8, 3, activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(2, name="pool1"),
            keras.layers.Conv2D(16, 3, activation="relu", name="conv2"),
            keras.layers.MaxPooling2D(2, name="pool2"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(128, activation="relu", name="dense"),
            keras.layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="mnist_cnn",
    )
