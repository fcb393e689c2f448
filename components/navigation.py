"""The pages of the playground, built in a function that app.py and the tests both use."""

from __future__ import annotations

import streamlit as st

from components.i18n import current_language, t

_KEPT = "nav_pages"  # session state: (language, pages)

# (file, translation key of the title, icon, url path)
PAGES = [
    ("app_pages/home.py", "nav.home", "🏠", ""),  # the default page: served at `/`
    ("app_pages/tensor_explorer.py", "nav.tensor_explorer", "🧊", "tensors"),
    ("app_pages/training_lab.py", "nav.training_lab", "📈", "training"),
    ("app_pages/conv_lab.py", "nav.conv_lab", "🔲", "conv"),
    ("app_pages/draw_digit.py", "nav.draw_digit", "✍️", "digit"),
    ("app_pages/image_classifier.py", "nav.image_classifier", "🖼️", "classifier"),
    ("app_pages/live_pose.py", "nav.live_pose", "🕺", "pose"),
    ("app_pages/object_detection.py", "nav.object_detection", "🎯", "detect"),
    ("app_pages/segmentation.py", "nav.segmentation", "🧩", "segment"),
    ("app_pages/toxicity.py", "nav.toxicity", "💬", "toxicity"),
    ("app_pages/model_formats.py", "nav.model_formats", "📦", "formats"),
]


def build_pages() -> list[st.Page]:
    """One st.Page per entry of PAGES, titled in the session's language; home is the default.

    Kept in the session for its language: making the twelve pages (each resolving its file
    on disk) was a tenth of a Tensor explorer rerun, on every rerun of every session. Not
    shared between sessions: Streamlit marks the page it is about to run on the object.
    """
    lang = current_language()
    kept = st.session_state.get(_KEPT)
    if kept is None or kept[0] != lang:
        kept = st.session_state[_KEPT] = (lang, _make_pages())
    return kept[1]


def _make_pages() -> list[st.Page]:
    """Streamlit serves the default page at `/` only, so `/home` (typed, or in an old link)
    would answer "Page not found": a hidden page there switches to Home, keeping the query.
    """
    pages = [
        st.Page(path, title=t(key), icon=icon, url_path=url, default=(url == ""))
        for path, key, icon, url in PAGES
    ]
    home = pages[0]

    def home_alias() -> None:
        st.switch_page(home, query_params=st.query_params.to_dict())

    alias = st.Page(home_alias, title=t("nav.home"), url_path="home", visibility="hidden")
    return [*pages, alias]
