"""The few style rules every page shares, sent once per run (they take no space).

Plotly's toolbar shows on hover; a touch screen has no hover, so it stays on after a tap and
covers the top right of a drawing (a tensor's cells, a digit's bars). On such screens it is
hidden: pinch and drag still zoom and pan. The copy button of a code block (Streamlit shows
it on hover) stays visible there instead: a share link or a code panel is copied by a tap.
"""

from __future__ import annotations

import streamlit as st

_STYLE = """<style>
@media (hover: none) {
  .js-plotly-plot .modebar-container { display: none !important; }
  [data-testid='stCode'] div:has(> div > [data-testid='stElementToolbarButton']) {
    opacity: 1 !important; visibility: visible !important;
  }
}
</style>"""


def page_style() -> None:
    st.html(_STYLE)
