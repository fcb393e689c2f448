"""The seed examples of the course, reproduced exactly; the student changes them from there.

- `linear`: y = 2x − 1 on six points (the first TF.js example).
- `iris`: the Iris CSV with one-hot species (TF.js `fitDataset` example).
- `mnist-cnn`: the TF.js MNIST CNN with tfjs-vis `fitCallbacks` (models/digits/mnist_cnn.py).
- `regression`, `circles`, `blobs`: the scikit-learn experiments of the Keras slides on losses
  and optimizers (the same Dense(25, relu, he_uniform) network, SGD(0.01, momentum 0.9)).
"""

from __future__ import annotations

from dataclasses import dataclass

import keras

from models.digits.mnist_cnn import build_mnist_cnn
from models.errors import BadInput
from models.training.config import LayerSpec, TrainConfig


@dataclass(frozen=True)
class Preset:
    """A seed experiment and the inputs its slide predicts after training."""

    config: TrainConfig
    examples: tuple[tuple[float, ...], ...] = ()


def _layer_spec(layer: keras.layers.Layer) -> LayerSpec:
    """The LayerSpec that rebuilds `layer` (only the kinds the lab offers)."""
    name = type(layer).__name__
    activation = getattr(getattr(layer, "activation", None), "__name__", "linear")
    if name == "Conv2D":
        return LayerSpec("conv2d", layer.filters, activation, layer.kernel_size[0])
    if name == "MaxPooling2D":
        return LayerSpec("maxpool", size=layer.pool_size[0])
    if name == "Dense":
        return LayerSpec("dense", layer.units, activation)
    return LayerSpec("flatten")


def mnist_cnn_layers() -> tuple[LayerSpec, ...]:
    """build_mnist_cnn()'s layers as specs: the lead's architecture, never a second copy."""
    return tuple(_layer_spec(layer) for layer in build_mnist_cnn().layers)


_SEED_SGD = {"optimizer": "sgd", "learning_rate": 0.01, "momentum": 0.9}
_HIDDEN_25 = LayerSpec("dense", 25, "relu")


def _presets() -> dict[str, Preset]:
    return {
        "linear": Preset(
            TrainConfig(
                preset="linear",
                dataset="linear",
                layers=(LayerSpec("dense", 1, "linear"),),
                loss="mean_squared_error",
                optimizer="sgd",
                learning_rate=0.01,
                epochs=500,
                batch_size=32,
                validation_split=0.0,
                initializer="glorot_uniform",
            ),
            examples=((10.0,),),
        ),
        "iris": Preset(
            TrainConfig(
                preset="iris",
                dataset="iris",
                layers=(LayerSpec("dense", 5, "sigmoid"), LayerSpec("dense", 3, "softmax")),
                loss="categorical_crossentropy",
                optimizer="adam",
                learning_rate=0.06,
                epochs=100,
                batch_size=10,
                validation_split=0.0,  # the course fits all 150 rows; a split is an option
            ),
            examples=((4.4, 2.9, 1.4, 0.2), (6.4, 3.2, 4.5, 1.5), (5.8, 2.7, 5.1, 1.9)),
        ),
        "mnist-cnn": Preset(
            TrainConfig(
                preset="mnist-cnn",
                dataset="mnist",
                layers=mnist_cnn_layers(),
                loss="categorical_crossentropy",
                optimizer="adam",
                learning_rate=0.001,
                epochs=20,  # the course (003_…): epochs 20, BATCH_SIZE 512,
                batch_size=512,
                validation_split=0.0,
                train_size=5500,  # TRAIN_DATA_SIZE 5500 (and TEST_DATA_SIZE 1000, data.py)
            )
        ),
        "regression": Preset(
            TrainConfig(
                preset="regression",
                dataset="regression",
                layers=(_HIDDEN_25, LayerSpec("dense", 1, "linear")),
                loss="mean_squared_error",
                initializer="he_uniform",
                epochs=100,
                batch_size=32,
                validation_split=0.5,
                **_SEED_SGD,
            )
        ),
        "circles": Preset(
            TrainConfig(
                preset="circles",
                dataset="circles",
                layers=(_HIDDEN_25, LayerSpec("dense", 1, "sigmoid")),  # the deck: "the same model"
                loss="binary_crossentropy",
                initializer="he_uniform",
                epochs=200,
                batch_size=32,
                validation_split=0.5,
                **_SEED_SGD,
            )
        ),
        "blobs": Preset(
            TrainConfig(
                preset="blobs",
                dataset="blobs",
                layers=(_HIDDEN_25, LayerSpec("dense", 3, "softmax")),
                loss="categorical_crossentropy",
                initializer="he_uniform",
                epochs=100,
                batch_size=32,
                validation_split=0.5,
                **_SEED_SGD,
            )
        ),
    }


PRESETS: dict[str, Preset] = _presets()


def preset(preset_id: str) -> Preset:
    """The preset `preset_id`, or BadInput listing the ones there are."""
    if preset_id not in PRESETS:
        raise BadInput(
            f"unknown preset {preset_id!r}; choose one of {', '.join(PRESETS)}",
            code="training_unknown_preset",
            preset=preset_id,
            choices=", ".join(PRESETS),
        )
    return PRESETS[preset_id]
