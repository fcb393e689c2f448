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


def _history(config, data, engine: bool) -> dict[str, list[float]]:
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
        fit_epochs(model, x, y, validation=validation, **arguments)
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
    fitted, fast = _history(config, data, False), _history(config, data, True)
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


def test_stop_ends_after_the_current_epoch_and_keeps_the_model():
    config = with_changes(presets.preset("linear").config, epochs=50)
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    stop = threading.Event()

    def sink(record: dict) -> None:
        if record.get("epoch") == 3:
            stop.set()

    result = train(config, data, sink, stop)
    assert result.reason == STOPPED and result.epochs_done == 3
    assert isinstance(result.model, keras.Model) and len(result.history["loss"]) == 3


def test_a_nan_loss_stops_at_once():
    config = with_changes(presets.preset("linear").config, learning_rate=1000.0, epochs=40)
    data = make_dataset(config.dataset, config.validation_split, config.train_size)
    result = train(config, data, lambda record: None)
    assert result.reason == "nan" and result.epochs_done < 40
