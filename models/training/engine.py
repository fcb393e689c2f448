"""The Training lab's fast engine: Keras's own training step, one compiled call per epoch.

Keras `fit` pays about 50 ms per epoch whatever the data (epoch iterators, a validation
`evaluate`, log syncing): the course's y = 2x − 1 takes half a minute for 500 epochs where
TF.js takes under a second (PITFALLS.md #12). This loop runs the model's own `train_step`
and `test_step` — the same loss, optimizer update and metrics as `fit` — over all batches
of an epoch inside one `tf.function`, and drives the same Keras callbacks (the live
recorder, LearningRateScheduler, ReduceLROnPlateau) once per epoch. Without shuffling it
reproduces `fit`'s per-epoch numbers exactly (tested); with it, the order of the samples
differs, as it does between two runs of `fit`.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def _batches(count: int, batch_size: int) -> int:
    return -(-count // batch_size)


def _epoch_function(model: keras.Model, step, x: tf.Tensor, y: tf.Tensor, batch_size: int):
    """One compiled pass of `step` (train_step or test_step) over the batches of (x, y) in
    the order given, metrics reset first: what `fit` does for an epoch, or `evaluate`."""
    steps = _batches(int(x.shape[0]), batch_size)

    @tf.function
    def run(order: tf.Tensor) -> None:
        for metric in model.metrics:
            metric.reset_state()
        for i in tf.range(steps):
            index = order[i * batch_size : (i + 1) * batch_size]
            step((tf.gather(x, index), tf.gather(y, index)))

    return run


def _results(model: keras.Model, prefix: str = "") -> dict[str, float]:
    return {prefix + k: float(v) for k, v in model.get_metrics_result().items()}


def fit_epochs(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    callbacks: list[keras.callbacks.Callback] = (),
    shuffle: bool = True,
    seed: int = 0,
) -> None:
    """Train `model` (compiled) like `model.fit(x, y, epochs, batch_size, validation_data,
    shuffle, callbacks, verbose=0)`, one compiled call per epoch; a callback that sets
    `model.stop_training` ends it after that epoch."""
    x_train, y_train = tf.constant(x), tf.constant(y)
    train = _epoch_function(model, model.train_step, x_train, y_train, batch_size)
    evaluate = None
    if validation is not None:
        x_val, y_val = tf.constant(validation[0]), tf.constant(validation[1])
        evaluate = _epoch_function(model, model.test_step, x_val, y_val, batch_size)
        val_order = tf.range(int(x_val.shape[0]))
    steps = _batches(len(x), batch_size)
    hooks = keras.callbacks.CallbackList(
        list(callbacks), model=model, epochs=epochs, steps=steps, verbose=0
    )
    rng = np.random.default_rng(seed)
    model.stop_training = False
    hooks.on_train_begin()
    for epoch in range(epochs):
        hooks.on_epoch_begin(epoch)
        order = rng.permutation(len(x)) if shuffle else np.arange(len(x))
        train(tf.constant(order, tf.int32))
        logs = _results(model)
        if evaluate is not None:
            evaluate(val_order)
            logs |= _results(model, "val_")
        hooks.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    hooks.on_train_end()
