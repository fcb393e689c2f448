"""Session state that one page leaves for others, behind one accessor each.

`trained_models`: the Training lab's trained runs of this session, by run name, each
{"model", "preset", "x_val", "y_val", "history"} (plus "x_train" for Model formats' demos):
Draw a digit offers the newest `mnist-cnn` and Model formats converts any of them.
"""

from __future__ import annotations

import streamlit as st

_TRAINED_MODELS = "trained_models"


def trained_models() -> dict[str, dict]:
    """The session's trained runs (empty until the Training lab has trained one)."""
    return st.session_state.get(_TRAINED_MODELS, {})


def trained_models_for_update() -> dict[str, dict]:
    """The same runs, created on first use, for the Training lab to add to and prune."""
    return st.session_state.setdefault(_TRAINED_MODELS, {})
