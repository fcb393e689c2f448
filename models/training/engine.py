"""The Training lab's fast engine: Keras's own training step, many epochs per compiled call.

Keras `fit` pays about 50 ms per epoch whatever the data (epoch iterators, a validation
`evaluate`, log syncing): the course's y = 2x − 1 takes half a minute for 500 epochs where
TF.js takes under a second (PITFALLS.md #12). This loop runs the model's own `train_step`
and `test_step` — the same loss, optimizer update and metrics as `fit` — over all batches
of an epoch inside one `tf.function`, and drives the same Keras callbacks. Without
shuffling it reproduces `fit`'s per-epoch numbers exactly (tested); with it, the order of
the samples differs, as it does between two runs of `fit`.

Even one compiled call per epoch costs about a millisecond of Python around it, more than
a tiny model's epoch itself. So when the callbacks only watch (`chunked`: the live recorder,
which charts the numbers and asks for a stop), one call runs a *chunk* of epochs — doubling
while a call stays under CHUNK_SECONDS — and returns each epoch's logs, which the callbacks
then receive epoch by epoch. A Stop or a NaN loss therefore ends training at the end of a
chunk (at most CHUNK_SECONDS later; a NaN ends the chunk at once). Callbacks that act
between epochs (a learning-rate schedule, ReduceLROnPlateau, EarlyStopping) get chunks of
one epoch.
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

CHUNK_SECONDS = 0.1  # the longest a compiled call may run: Stop waits at most this
LR = "lr"  # the rate each epoch ended with, logged by the compiled call itself


def _batches(count: int, batch_size: int) -> int:
    return -(-count // batch_size)


def _metric_results(model: keras.Model) -> dict[str, tf.Tensor]:
    """What `model.get_metrics_result()` gives, as tensors inside a compiled function."""
    results: dict[str, tf.Tensor] = {}
    for metric in model.metrics:
        value = metric.result()
        results.update(value if isinstance(value, dict) else {metric.name: value})
    return results


def _metric_names(model: keras.Model, x: np.ndarray, y: np.ndarray) -> list[str]:
    """The keys of `fit`'s logs (loss first): one eager test step on one example builds the
    compiled metrics, whose names are known only then, without touching the weights."""
    names = list(model.test_step((tf.constant(x[:1]), tf.constant(y[:1]))))
    model.reset_metrics()
    return sorted(names, key=lambda name: name != "loss")


def _pass(model: keras.Model, step, x: tf.Tensor, y: tf.Tensor, order: tf.Tensor, size: int):
    """One pass of `step` (train_step or test_step) over (x, y)'s batches in `order`, the
    metrics reset first: what `fit` does for an epoch, or `evaluate`; its metric results."""
    for metric in model.metrics:
        metric.reset_state()
    steps = _batches(int(x.shape[0]), size)

    def batch(i: tf.Tensor) -> tf.Tensor:
        index = order[i * size : (i + 1) * size]
        step((tf.gather(x, index), tf.gather(y, index)))
        return i + 1

    if steps == 1:  # the course's tiny sets: no loop to run
        batch(tf.constant(0))
    else:
        tf.while_loop(lambda i: i < steps, batch, [tf.constant(0)])
    return _metric_results(model)


def _chunk_function(
    model: keras.Model,
    train: tuple[tf.Tensor, tf.Tensor],
    validation: tuple[tf.Tensor, tf.Tensor] | None,
    batch_size: int,
    names: list[str],
):
    """A compiled call that trains one epoch per row of `orders` (each row the order of
    the training examples) and returns one row of logs per epoch, stopping after an epoch
    whose loss is not finite; and the rows' keys: `names`, their `val_` twins, the rate.

    Written with tf.while_loop rather than AutoGraph, and Keras's steps left unconverted
    as Keras's own `fit` leaves them: tracing is most of a short run's time.
    """
    count = int(train[0].shape[0])
    val_order = None if validation is None else tf.range(int(validation[0].shape[0]))

    def epoch_logs(order: tf.Tensor) -> tf.Tensor:
        results = _pass(model, model.train_step, *train, order, batch_size)
        values = [tf.cast(results[name], tf.float32) for name in names]
        if validation is not None:
            results = _pass(model, model.test_step, *validation, val_order, batch_size)
            values += [tf.cast(results[name], tf.float32) for name in names]
        return tf.stack([*values, tf.cast(model.optimizer.learning_rate, tf.float32)])

    @tf.function(input_signature=[tf.TensorSpec([None, count], tf.int32)], autograph=False)
    def run(orders: tf.Tensor) -> tf.Tensor:
        def more(epoch, rows, finite):  # the loss of the last epoch was finite: go on
            return tf.logical_and(epoch < tf.shape(orders)[0], finite)

        def one(epoch, rows, finite):
            row = epoch_logs(orders[epoch])
            return epoch + 1, rows.write(epoch, row), tf.math.is_finite(row[0])

        start = (tf.constant(0), tf.TensorArray(tf.float32, 0, dynamic_size=True), True)
        return tf.while_loop(more, one, start)[1].stack()

    keys = names + [f"val_{name}" for name in names if validation is not None] + [LR]
    return run, keys


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
    chunked: bool = False,
) -> None:
    """Train `model` (compiled) like `model.fit(x, y, epochs, batch_size, validation_data,
    shuffle, callbacks, verbose=0)`; a callback that sets `model.stop_training` ends it
    after that epoch, or with `chunked` (callbacks that only watch) after that chunk. Each
    epoch's logs hold `lr`, the learning rate it ended with."""
    train_pair = (tf.constant(x), tf.constant(y))
    val_pair = None if validation is None else tuple(tf.constant(v) for v in validation)
    names = _metric_names(model, x, y)
    if not model.optimizer.built:
        # Its slots made inside the first call would make tf.function trace it twice
        # (once creating them, once more without): a third of a short run's time.
        model.optimizer.build(model.trainable_variables)
    run, keys = _chunk_function(model, train_pair, val_pair, batch_size, names)
    hooks = keras.callbacks.CallbackList(
        list(callbacks), model=model, epochs=epochs, steps=_batches(len(x), batch_size), verbose=0
    )
    rng = np.random.default_rng(seed)
    model.stop_training = False
    hooks.on_train_begin()
    done, size = 0, 1
    while done < epochs and not model.stop_training:
        size = min(size, epochs - done)
        orders = [rng.permutation(len(x)) if shuffle else np.arange(len(x)) for _ in range(size)]
        hooks.on_epoch_begin(done)  # before the call: a schedule sets the epoch's rate here
        start = time.perf_counter()
        rows = run(tf.constant(np.stack(orders), tf.int32)).numpy()
        seconds = time.perf_counter() - start
        for i, row in enumerate(rows):
            if i:
                hooks.on_epoch_begin(done)
            hooks.on_epoch_end(done, dict(zip(keys, row.tolist(), strict=True)))
            done += 1
        if chunked:  # grow while a call is short; shrink if one ran long
            size = max(1, min(2 * size, int(size * CHUNK_SECONDS / max(seconds, 1e-6))))
    hooks.on_train_end()
