"""The fast training engine against Keras `fit`: the same per-epoch numbers, the same
callbacks, stopping and NaN handling — only without `fit`'s fixed cost per epoch."""

import threading

import keras
import numpy as np
import pytest

from models.training import presets
from models.training.build import schedule_callbacks, targets
from models.training.callbacks import STOPPED, LiveRecorder
from models.training.config import with_changes
from models.training.data import make_dataset
from models.training.engine import fit_epochs
from models.training.runner import prepare, train


def _history(config, data, engine: bool, chunked: bool = False) -> dict[str, list[float]]:
    """Per-epoch logs of one run, shuffling off so both paths see the batches alike."""
    model = prepare(config, data)
    recorder = LiveRecorder(lambda record: None)
    arguments = {
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "callbacks": [recorder, *schedule_callbacks(config)],
        "shuffle": False,
    }
    validation = (data.x_val, targets(config.loss, data.y_val))
    x, y = data.x_train, targets(config.loss, data.y_train)
    if engine:
        fit_epochs(model, x, y, validation=validation, chunked=chunked, **arguments)
    else:
        model.fit(x, y, validation_data=validation, verbose=0, **arguments)
    return recorder.history


@pytest.mark.parametrize(
    ("preset", "changes"),
    [
        ("iris", {"epochs": 12}),
        ("regression", {"epochs": 8, "schedule": "plateau", "patience": 1, "factor": 0.5}),
        ("blobs", {"epochs": 6, "schedule": "step", "patience": 2, "optimizer": "rmsprop"}),
        ("circles", {"epochs": 6, "schedule": "time_decay", "optimizer": "adagrad"}),
    ],
)
def test_same_numbers_as_keras_fit(preset, changes, iris_frame):
    config = with_changes(presets.preset(preset).config, **changes)
    data = make_dataset(config.dataset, config.validation_split, 0, iris_frame=iris_frame)
    # Many epochs per call where only the recorder watches (time decay lives in the optimizer).
    chunked = not schedule_callbacks(config)
    fitted, fast = _history(config, data, False), _history(config, data, True, chunked)
    assert set(fast) == set(fitted) and {"val_loss", "lr"} <= set(fast)
    for key in fitted:
        np.testing.assert_allclose(fast[key], fitted[key], rtol=1e-5, atol=1e-6, err_msg=key)
    if changes.get("schedule") == "step":
        assert len(set(fast["lr"])) > 1  # the schedule's callback really drove the rate


@pytest.fixture(scope="module")
def iris_frame():
    from models.store.datasets import load_iris

    return load_iris()


def test_the_courses_first_model_predicts_nineteen_quickly():
    config = presets.preset("linear").config
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    records = []
    result = train(config, data, records.append)
    assert result.epochs_done == 500 and result.reason == "finished"
    assert [r["epoch"] for r in records if r["event"] == "epoch"] == list(range(1, 501))
    prediction = float(result.model(np.array([[10.0]], np.float32))[0, 0])
    assert abs(prediction - 19.0) < 0.2


def test_stop_ends_after_the_current_call_and_keeps_the_model_its_records_describe():
    config = with_changes(presets.preset("linear").config, epochs=200)
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    stop = threading.Event()

    def sink(record: dict) -> None:
        if record.get("epoch") == 3:
            stop.set()

    keras.utils.set_random_seed(7)
    result = train(config, data, sink, stop)
    assert result.reason == STOPPED and 3 <= result.epochs_done < 200
    assert len(result.history["loss"]) == result.epochs_done
    # The same run without Stop, cut at the number of epochs the stopped one reports:
    keras.utils.set_random_seed(7)
    unstopped = train(with_changes(config, epochs=result.epochs_done), data, lambda r: None)
    for kept, full in zip(result.model.get_weights(), unstopped.model.get_weights(), strict=True):
        np.testing.assert_allclose(kept, full, rtol=1e-6)


def test_stop_with_a_schedule_ends_after_that_very_epoch():
    config = with_changes(presets.preset("linear").config, epochs=50, schedule="step")
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    stop = threading.Event()
    result = train(config, data, lambda r: r.get("epoch") == 3 and stop.set(), stop)
    assert result.reason == STOPPED and result.epochs_done == 3


class _Iterations(keras.callbacks.Callback):
    """The optimizer's step count at each epoch's start, as the callbacks see it."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[int] = []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.seen.append(int(self.model.optimizer.iterations))


@pytest.mark.parametrize("chunked", [True, False])
def test_watching_callbacks_get_many_epochs_per_compiled_call(chunked):
    config = presets.preset("linear").config
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    model, iterations = prepare(config, data), _Iterations()
    x, y = data.x_train, targets(config.loss, data.y_train)
    fit_epochs(
        model,
        x,
        y,
        epochs=120,
        batch_size=config.batch_size,
        callbacks=[iterations],
        chunked=chunked,
    )
    steps = -(-len(x) // config.batch_size)
    assert len(iterations.seen) == 120 and int(model.optimizer.iterations) == 120 * steps
    behind = [seen > epoch * steps for epoch, seen in enumerate(iterations.seen)]
    # Replayed after a call that already trained them, chunked epochs start "late".
    assert any(behind) if chunked else not any(behind)


def test_a_nan_loss_stops_at_once():
    config = with_changes(presets.preset("linear").config, learning_rate=1000.0, epochs=40)
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    result = train(config, data, lambda record: None)
    assert result.reason == "nan" and result.epochs_done < 40


def test_the_compiled_call_is_traced_once(monkeypatch, iris_frame):
    """Tracing is most of a short run's time: optimizer slots created inside the first call
    would make tf.function trace it a second time."""
    from models.training import engine

    chunk_function, made = engine._chunk_function, []

    def keep(*args, **kwargs):
        run, keys = chunk_function(*args, **kwargs)
        made.append(run)
        return run, keys

    monkeypatch.setattr(engine, "_chunk_function", keep)
    config = with_changes(presets.preset("iris").config, epochs=30)
    data = make_dataset(
        config.dataset, config.validation_split, config.train_size, iris_frame=iris_frame
    )
    train(config, data, lambda record: None)
    assert len(made) == 1 and made[0].experimental_get_tracing_count() == 1
