"""The course's MNIST sprite sheet (003_…, "Sprite Sheets"), made from the digits a run uses.

In the browser the course loads MNIST as one PNG, 65,000 pixels tall and 784 wide: each 28×28
digit flattened into one row of 28² = 784 pixels, and the labels as a file of ten bytes a
digit, one-hot. `MnistData.nextTrainBatch(n)` then takes n rows at shuffled positions
(`tf.util.createShuffledIndices`, walked one after another) and the caller reshapes them to
[n, 28, 28, 1]. These functions do the same with numpy, so a page can show what a batch is.
"""

from __future__ import annotations

import numpy as np

IMAGE_SIZE = 28 * 28
NUM_CLASSES = 10
SHUFFLE_SEED = 0


def sprite(images: np.ndarray) -> np.ndarray:
    """uint8 [N, 784]: digit i is row i, its pixels row by row (images [N, 28, 28(, 1)] as
    0..255 integers or 0..1 floats)."""
    flat = images.reshape(len(images), IMAGE_SIZE)
    if flat.dtype != np.uint8:
        flat = np.clip(np.rint(flat * 255.0), 0, 255).astype(np.uint8)
    return flat


def label_bytes(labels: np.ndarray) -> np.ndarray:
    """uint8 [N, 10], one-hot: the course's labels file (nine zero bytes and one 1 a digit),
    from one-hot rows or from class numbers."""
    classes = labels.argmax(axis=1) if labels.ndim == 2 else labels.astype(int)
    return np.eye(NUM_CLASSES, dtype=np.uint8)[classes]


def shuffled_indices(count: int) -> np.ndarray:
    """The order the batches walk, as `tf.util.createShuffledIndices(count)` gives one."""
    return np.random.default_rng(SHUFFLE_SEED).permutation(count)


def batch_rows(count: int, batch: int, size: int) -> np.ndarray:
    """The sprite rows of the `batch`-th `nextTrainBatch(size)` call (from 0): the course's
    index moves one step before each row and wraps around at the end."""
    order = shuffled_indices(count)
    steps = (batch * size + 1 + np.arange(size)) % count
    return order[steps]


def next_train_batch(
    rows: np.ndarray, labels: np.ndarray, batch: int, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """(xs float32 [size, 784] in 0..1, labels uint8 [size, 10]) of that call, as the course's
    `{xs, labels}`; `rows` is a sprite, `labels` its label bytes."""
    picked = batch_rows(len(rows), batch, size)
    return rows[picked].astype(np.float32) / 255.0, labels[picked]


def python_code(count: int, batch: int, size: int) -> str:
    """The sprite and one batch in Python, as this module makes them."""
    return f"""import keras
import numpy as np

(x_train, y_train), _ = keras.datasets.mnist.load_data()
sprite = x_train[:{count}].reshape(-1, 784)  # one digit a row: the course's sprite sheet
labels = np.eye(10, dtype=np.uint8)[y_train[:{count}]]  # ten bytes a digit, one-hot

order = np.random.default_rng({SHUFFLE_SEED}).permutation(len(sprite))  # createShuffledIndices


def next_train_batch(batch, size):
    rows = order[(batch * size + 1 + np.arange(size)) % len(sprite)]
    return sprite[rows] / 255.0, labels[rows]


xs, ys = next_train_batch({batch}, {size})  # xs: [{size}, 784]
images = xs.reshape({size}, 28, 28, 1)  # what the CNN takes
"""


def tfjs_code(size: int) -> str:
    """The course's loop: load the sprite once, take a batch, reshape it inside tf.tidy."""
    return f"""const data = new MnistData();  // data.js: the sprite PNG and the labels file
await data.load();

const [xs, labels] = tf.tidy(() => {{
  const d = data.nextTrainBatch({size});  // d.xs: [{size}, 784], d.labels: [{size}, 10]
  return [d.xs.reshape([{size}, 28, 28, 1]), d.labels];
}});
"""
