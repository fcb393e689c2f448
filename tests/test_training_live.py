"""The page's live view fed by the real callback, with Streamlit in bare mode (no browser).

Every chart element is still built and its Plotly figure serialised, so these tests see
what the page would draw and how often.
"""

import numpy as np
import plotly.graph_objects as go
import pytest
import streamlit.logger

from components.live_training import LiveView, mark_nan
from models.training import presets
from models.training.config import with_changes
from models.training.data import make_dataset
from models.training.runner import fit, prepare

streamlit.logger.set_log_level("error")  # bare mode warns on every element


def live_run(interval: float, **changes):
    config = with_changes(presets.preset("blobs").config, train_size=200, **changes)
    data = make_dataset("blobs", config.validation_split, config.train_size)
    model = prepare(config, data)
    history: dict = {}
    view = LiveView("accuracy", history, config.per_batch, data, lambda: model, interval)
    result = fit(model, config, data, view.sink)
    return view, history, result


def trace(view, chart: str, index: int):
    data = view.figures.figures[chart].data[index]
    return list(data.x), list(data.y)


def test_charts_get_every_epoch_and_redraws_are_throttled() -> None:
    view, history, result = live_run(interval=1e9, epochs=4)
    assert view._draws == 1  # only the final redraw: nothing between
    assert history["loss"] == result.history["loss"] and len(history["val_accuracy"]) == 4
    assert trace(view, "loss", 0) == ([1, 2, 3, 4], history["loss"])
    assert trace(view, "loss", 1) == ([1, 2, 3, 4], history["val_loss"])
    assert trace(view, "metric", 1)[1] == history["val_accuracy"]
    assert trace(view, "lr", 0)[1] == pytest.approx([0.01] * 4)
    boundary = view._boundary_figure
    assert boundary is not None and boundary.data[0].z.shape == (60, 60)


def test_with_no_throttle_every_epoch_redraws() -> None:
    view, _, _ = live_run(interval=0.0, epochs=3)
    assert view._draws == 4  # three epochs and the end


def test_per_batch_curves_use_steps_and_validation_stays_per_epoch() -> None:
    view, history, _ = live_run(interval=1e9, epochs=2, per_batch=True, batch_size=50)
    steps, losses = trace(view, "loss", 0)
    assert steps == list(range(1, 9)) and len(losses) == 8  # 200 examples / 50, two epochs
    assert trace(view, "loss", 1)[0] == [4, 8]  # val_loss at the end of each epoch
    assert len(history["loss"]) == 2


def test_live_charts_give_the_dictionary_plotly_would_and_a_valid_one() -> None:
    """The live charts skip Plotly's validators and keep their layout's dictionary: what
    they hand `st.plotly_chart` must still be what Plotly makes, and pass its validators,
    before and after a NaN mark changes the layout."""
    view, _, _ = live_run(interval=1e9, epochs=3)
    for marked in (False, True):
        if marked:
            mark_nan(view.figures, 2)
        for figure in view.figures.refresh().values():
            ours = figure.to_dict()
            assert ours == go.Figure.to_dict(figure)
            assert go.Figure(ours).to_dict() == ours  # validated: raises on a bad property
            assert ("shapes" in ours["layout"]) == (
                marked and figure is not view.figures.figures["lr"]
            )
    assert isinstance(view.figures.figures["loss"].data[0].x, np.ndarray)  # not encoded in place
