"""Tensor Playground: navigation and the shared sidebar, nothing else.

The pages live in `app_pages/`, not `pages/`: with a `pages/` folder beside app.py,
Streamlit 1.67 starts every process in its old "pages directory" mode, so the first visitor
of a fresh server who opens a deep link (a teacher's `/tensors?t=…`) gets that page run
alone, without this navigation, sidebar or language, until someone opens `/`.

`import pylibsrtp` must come before anything imports TensorFlow: TF 2.20+ exports OpenSSL's
HMAC_Init_ex and streamlit-webrtc's SRTP would call TF's copy and crash (PITFALLS.md #1).

`tune_process()` keeps one session's rerun from costing the others (components/process_tuning.py):
no full garbage collection of TensorFlow's heap, no emptied TensorFlow kernel cache.
`page_style()` sends the style rules every page shares (components/page_style.py).
`warm_up()` starts, on the server's first page view, what would otherwise make the first
student wait (components/warm_up.py).
"""

import pylibsrtp  # noqa: F401  (must be first, see above)

import streamlit as st

from components.navigation import build_pages
from components.page_style import page_style
from components.process_tuning import tune_process
from components.sidebar import render_sidebar
from components.warm_up import warm_up

st.set_page_config(page_title="Tensor Playground", page_icon="🧊", layout="wide")
page = st.navigation(build_pages())
render_sidebar()
page_style()
tune_process()
warm_up()
page.run()
