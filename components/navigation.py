"""The pages of the playground, built in a function that app.py and the tests both use."""

from __future__ import annotations

import streamlit as st

from components.i18n import t

# (file, translation key of the title, icon, url path)
PAGES = [
    ("pages/home.py", "nav.home", "🏠", "home"),
    ("pages/tensor_explorer.py", "nav.tensor_explorer", "🧊", "tensors"),
    ("pages/training_lab.py", "nav.training_lab", "📈", "training"),
    ("pages/draw_digit.py", "nav.draw_digit", "✍️", "digit"),
    ("pages/image_classifier.py", "nav.image_classifier", "🖼️", "classifier"),
    ("pages/live_pose.py", "nav.live_pose", "🕺", "pose"),
    ("pages/toxicity.py", "nav.toxicity", "💬", "toxicity"),
    ("pages/model_formats.py", "nav.model_formats", "📦", "formats"),
]


def build_pages() -> list[st.Page]:
    """One st.Page per entry of PAGES, titled in the session's language; home is the default."""
    return [
        st.Page(path, title=t(key), icon=icon, url_path=url, default=(url == "home"))
        for path, key, icon, url in PAGES
    ]
