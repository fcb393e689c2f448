"""Tensor Playground: navigation and the shared sidebar, nothing else.

`import pylibsrtp` must come before anything imports TensorFlow: TF 2.20+ exports OpenSSL's
HMAC_Init_ex and streamlit-webrtc's SRTP would call TF's copy and crash (PITFALLS.md #1).
"""

import pylibsrtp  # noqa: F401  (must be first, see above)

import streamlit as st

from components.navigation import build_pages
from components.sidebar import render_sidebar

st.set_page_config(page_title="Tensor Playground", page_icon="🧊", layout="wide")
page = st.navigation(build_pages())
render_sidebar()
page.run()
