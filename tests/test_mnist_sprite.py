"""The course's MNIST sprite sheet made from our digits (models/digits/sprite.py): a row per
digit, one-hot label bytes, and nextTrainBatch walking shuffled rows as data.js does."""

from __future__ import annotations

import numpy as np

from models.digits.sprite import (
    batch_rows,
    label_bytes,
    next_train_batch,
    python_code,
    shuffled_indices,
    sprite,
)
from models.store.datasets import load_mnist


def test_each_digit_is_one_row_of_784_pixels_and_each_label_ten_bytes() -> None:
    (x, y), _ = load_mnist()
    sheet = sprite(x[:100])
    assert sheet.shape == (100, 784) and sheet.dtype == np.uint8
    np.testing.assert_array_equal(sheet[7].reshape(28, 28), x[7])
    np.testing.assert_array_equal(sprite(x[:100].astype(np.float32)[..., None] / 255.0), sheet)
    bytes_ = label_bytes(y[:100])
    assert bytes_.shape == (100, 10) and set(bytes_.sum(axis=1)) == {1}  # nine zeros and a one
    np.testing.assert_array_equal(bytes_.argmax(axis=1), y[:100])
    np.testing.assert_array_equal(label_bytes(bytes_), bytes_)  # one-hot rows stay as they are


def test_batches_walk_the_shuffled_rows_one_after_another_and_wrap() -> None:
    order = shuffled_indices(10)
    assert sorted(order) == list(range(10))
    # data.js: the index moves one step before each row, so the first row is order[1]
    assert list(batch_rows(10, 0, 3)) == [order[1], order[2], order[3]]
    assert list(batch_rows(10, 1, 3)) == [order[4], order[5], order[6]]
    assert list(batch_rows(10, 3, 3)) == [order[0], order[1], order[2]]  # wrapped around
    (x, y), _ = load_mnist()
    rows, labels = sprite(x[:50]), label_bytes(y[:50])
    xs, ys = next_train_batch(rows, labels, 2, 4)
    picked = batch_rows(50, 2, 4)
    assert xs.shape == (4, 784) and xs.dtype == np.float32 and xs.max() <= 1.0
    np.testing.assert_array_equal(xs.reshape(4, 28, 28), x[picked] / np.float32(255.0))
    np.testing.assert_array_equal(ys.argmax(axis=1), y[picked])


def test_the_python_code_takes_the_batch_the_page_draws() -> None:
    """The panel's code, with the mirror's digits in place of the download, picks the same
    rows as the page."""
    (x, y), _ = load_mnist()
    code = python_code(300, 5, 8).replace(
        "(x_train, y_train), _ = keras.datasets.mnist.load_data()", ""
    )
    namespace = {"x_train": x, "y_train": y}
    exec(code, namespace)  # noqa: S102 - our own generated code
    xs, _ = next_train_batch(sprite(x[:300]), label_bytes(y[:300]), 5, 8)
    np.testing.assert_allclose(namespace["xs"], xs, atol=1e-6)
    assert namespace["images"].shape == (8, 28, 28, 1)
