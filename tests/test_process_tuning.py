"""A rerun must not cost the other sessions: no Keras reset (a full garbage collection and an
emptied TensorFlow kernel cache) after each run, the long-lived heap frozen, the sidebar's
Models panel looked up once per change, figures of one tensor built once."""

from __future__ import annotations

import gc

import keras
import numpy as np
import pytest
from pages_helper import open_page

from components.figure_cache import FrozenFigure, cached_figure
from components.sidebar import panel_markdown, panel_rows
from components.tensor_view import grid_figure
from models.errors import DownloadError
from models.loading import forget, load_model, status_generation
from models.store.registry import DATASETS, MODELS


def test_reruns_do_not_reset_keras(monkeypatch) -> None:
    """Streamlit's own cleanup calls keras.backend.clear_session() after every run; if a
    Streamlit upgrade renames what process_tuning replaces, this count is no longer 0."""
    calls = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *a, **k: calls.append(1))
    at = open_page("app_pages/tensor_explorer.py")
    at.run()
    assert not at.exception
    assert calls == []


def test_the_long_lived_heap_is_frozen_after_a_run() -> None:
    open_page("app_pages/home.py")
    assert gc.get_freeze_count() > 10_000  # the modules' objects, out of every collection


def test_models_panel_is_looked_up_again_only_after_a_change() -> None:
    before = status_generation()
    assert panel_rows(before) is panel_rows(status_generation())
    forget("selfie-segmentation")  # a status change, as a load or a failure is
    after = status_generation()
    assert after != before
    assert panel_rows(after) is not panel_rows(before)


def test_a_load_shows_in_the_panel_of_the_next_rerun() -> None:
    model_id = "movenet-singlepose-lightning"
    forget(model_id)
    rows = {row[0]: row[1] for row in panel_rows(status_generation())[0]}
    assert rows[model_id] == "mirror"
    load_model(model_id)
    rows = {row[0]: row[1] for row in panel_rows(status_generation())[0]}
    assert rows[model_id] == "loaded_litert"


def test_the_models_panel_is_one_list_in_the_sessions_language() -> None:
    at = open_page("app_pages/home.py", "es")
    assert not at.sidebar.markdown  # closed: nothing sent
    at.session_state["sidebar_models"] = True  # a student opens it
    at.run()
    [panel] = [m.value for m in at.sidebar.markdown]  # one element, not one per model
    for name in [*MODELS, *DATASETS]:
        assert f"`{name}` — " in panel
    assert "espejo local" in panel or "en disco" in panel


def test_a_failed_model_shows_its_reason_under_it(unreachable_model) -> None:
    """The reason (an address with dots, brackets in a message) reads as it is, not as
    Markdown: a link or list syntax in an error must not reshape the panel."""
    model_id = unreachable_model("https://models.invalid/[x]/model.tflite")
    with pytest.raises(DownloadError):
        load_model(model_id)
    lines = panel_markdown(status_generation(), "es").splitlines()
    row = lines.index(f"- `{model_id}` — no disponible")
    assert lines[row + 1].startswith("  - :gray[")
    assert "models\\.invalid/\\[x\\]/model\\.tflite" in lines[row + 1]


def test_a_cached_figure_makes_its_dictionary_once() -> None:
    """`st.plotly_chart` asks for `to_dict()` on every rerun; a kept figure answers with the
    same dictionary, equal to the one the figure it froze gives."""
    values = np.arange(4, dtype=np.float32).reshape(2, 2)
    figure = grid_figure(values, ["a", "b"])
    assert isinstance(figure, FrozenFigure)
    assert figure.to_dict() is figure.to_dict()
    assert figure.to_dict()["data"][0]["type"] == "heatmap"


def test_one_tensor_is_drawn_once_and_another_afresh() -> None:
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    first = grid_figure(values, ["row", "column"])
    assert grid_figure(values.copy(), ("row", "column")) is first
    assert grid_figure(values + 1, ["row", "column"]) is not first
    assert grid_figure(values, ["fila", "columna"]) is not first
    assert first.data[0].z.tolist() == values.tolist()


def test_object_arrays_are_never_kept() -> None:
    built = []
    figure = cached_figure(lambda array: built.append(array) or object())
    strings = np.array([b"a", None], dtype=object)
    figure(strings)
    figure(strings)
    assert len(built) == 2


def test_a_session_gone_past_its_reconnect_time_is_freed_without_a_new_visitor() -> None:
    """Streamlit's own store drops an expired session only when another is saved; the
    reaper drops it on its own, and the session's memory with it."""
    import time
    import weakref

    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.session_manager import SessionInfo
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    from components.process_tuning import reap_sessions

    class Session:  # what the store needs of an AppSession: its id
        id = "gone"

    storage = MemorySessionStorage(ttl_seconds=0.2)
    manager = WebsocketSessionManager(storage, None, None, None)
    session = Session()
    storage.save(SessionInfo(client=None, session=session))
    alive = weakref.ref(session)
    del session
    assert reap_sessions(manager) == 0 and alive() is not None  # still within its time
    time.sleep(0.3)
    assert alive() is not None  # expired, but Streamlit has not dropped it
    assert reap_sessions(manager) == 1 and alive() is None
