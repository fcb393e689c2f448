"""The pages of the playground, built in a function that app.py and the tests both use."""

from __future__ import annotations

import copy
from functools import lru_cache

import streamlit as st

from components.i18n import LANGUAGES, current_language, translate

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

    Made once per process and language, then copied for each run: making the twelve pages
    (each resolving its file on disk) was a sixth of a Tensor explorer visit, for every
    session (`python -m bench classroom`). Copies, because Streamlit marks on the object
    the page it is about to run, and two sessions may run the same page at once.
    """
    return [copy.copy(page) for page in _pages(current_language())]


@lru_cache(maxsize=len(LANGUAGES))
def _pages(lang: str) -> tuple[st.Page, ...]:
    """Streamlit serves the default page at `/` only, so `/home` (typed, or in an old link)
    would answer "Page not found": a hidden page there switches to Home, keeping the query.
    """
    pages = [
        st.Page(path, title=translate(key, lang), icon=icon, url_path=url, default=(url == ""))
        for path, key, icon, url in PAGES
    ]
    home = pages[0]

    def home_alias() -> None:
        st.switch_page(home, query_params=st.query_params.to_dict())

    title = translate("nav.home", lang)
    return (*pages, st.Page(home_alias, title=title, url_path="home", visibility="hidden"))
