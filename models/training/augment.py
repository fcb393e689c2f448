"""Data augmentation, as the deck lists it (flips, rotations, zoom): Keras preprocessing layers
that change each image anew at every step of training and pass it through unchanged at
inference, and the same changes written with `tf.image` for TF.js, whose 4.x layers API has no
RandomFlip, RandomRotation or RandomZoom.

Rotations and zooms fill with 0, MNIST's background (Keras's default would mirror the digit's
edges into the corners).
"""

from __future__ import annotations

import keras
import numpy as np

from models.training.config import AUGMENTATION_LAYERS, LayerSpec

FILL = 'fill_mode="constant"'


def augmentations(layers: tuple[LayerSpec, ...]) -> tuple[LayerSpec, ...]:
    """The augmentation layers among `layers`, in order."""
    return tuple(spec for spec in layers if spec.kind in AUGMENTATION_LAYERS)


def keras_layer(spec: LayerSpec, seed: int | None = None) -> keras.layers.Layer:
    """The Keras layer of one augmentation row."""
    if spec.kind == "randomflip":
        return keras.layers.RandomFlip("horizontal", seed=seed)
    layer = getattr(keras.layers, AUGMENTATION_LAYERS[spec.kind])
    return layer(spec.rate, fill_mode="constant", seed=seed)


def python(spec: LayerSpec) -> str:
    """The row as the Python panel writes it."""
    if spec.kind == "randomflip":
        return 'layers.RandomFlip("horizontal")'
    return f"layers.{AUGMENTATION_LAYERS[spec.kind]}({spec.rate}, {FILL})"


def augmented(
    layers: tuple[LayerSpec, ...], images: np.ndarray, copies: int, seed: int
) -> np.ndarray:
    """[image, copy, height, width, channels]: each image, then `copies` versions of it as the
    augmentation layers change it in training (`training=True`); the same seed, the same draw."""
    steps = [keras_layer(spec, seed + i) for i, spec in enumerate(augmentations(layers))]
    batch = np.repeat(images.astype(np.float32), copies, axis=0)
    for step in steps:
        batch = step(batch, training=True)
    changed = keras.ops.convert_to_numpy(batch).reshape(len(images), copies, *images.shape[1:])
    return np.concatenate([images[:, None].astype(np.float32), changed], axis=1)


def _tfjs_step(spec: LayerSpec) -> str:
    if spec.kind == "randomflip":
        return """    // RandomFlip("horizontal"): each image mirrored left-right, one time in two
    x = tf.where(tf.randomUniform([n, 1, 1, 1]).less(0.5), tf.image.flipLeftRight(x), x);"""
    if spec.kind == "randomrotation":
        turn = spec.rate
        return f"""    // RandomRotation({turn}): each image turned up to ±{turn} of a full turn
    x = tf.concat(tf.split(x, n).map((image) => tf.image.rotateWithOffset(
        image, (Math.random() * 2 - 1) * {turn} * 2 * Math.PI, 0)));"""
    return f"""    // RandomZoom({spec.rate}): each image zoomed in or out by up to {spec.rate:.0%}
    const half = tf.randomUniform([n, 1], {1 - spec.rate:g}, {1 + spec.rate:g}).div(2);
    const boxes = tf.concat([half.neg(), half.neg(), half, half], 1).add(0.5);
    x = tf.image.cropAndResize(
        x, boxes, tf.range(0, n, 1, 'int32'), [x.shape[1], x.shape[2]], 'bilinear', 0);"""


def tfjs_function(layers: tuple[LayerSpec, ...]) -> str:
    """`augment(images)` in TF.js: the rows' changes with tf.image, new on every call."""
    steps = "\n".join(_tfjs_step(spec) for spec in augmentations(layers))
    return f"""// TF.js has no RandomFlip, RandomRotation or RandomZoom layers: tf.image does it
function augment(images) {{  // [n, height, width, channels]
  return tf.tidy(() => {{
    const n = images.shape[0];
    let x = images;
{steps}
    return x;
  }});
}}
"""


def preview_python(layers: tuple[LayerSpec, ...], shown: int, copies: int) -> str:
    """The preview in Keras: the rows as one Sequential, called with `training=True`."""
    rows = "\n".join(f"    {python(spec)}," for spec in augmentations(layers))
    return f"""import keras
from keras import layers

augment = keras.Sequential([
{rows}
])
images = x_train[:{shown}]  # [{shown}, 28, 28, 1], values 0..1
# the layers change images only when training=True (inside model.fit); at predict(),
# evaluate() and in a saved model they pass every image through unchanged
copies = [augment(images, training=True) for _ in range({copies})]
"""


def preview_tfjs(layers: tuple[LayerSpec, ...], shown: int, copies: int) -> str:
    """The preview in TF.js: augment() on the first digits, once per copy."""
    return f"""{tfjs_function(layers)}
const images = xTrain.slice([0, 0, 0, 0], [{shown}, 28, 28, 1]);
const copies = Array.from({{length: {copies}}}, () => augment(images));
"""
