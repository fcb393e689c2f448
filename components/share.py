"""A link to the page as it is now, for a classmate or the projector: the full address, a
copy button (kept visible on touch screens by components/page_style.py) and a QR code.

The address is the one the browser shows (`st.context.url`: scheme, host, port, page), so it
works as it is when pasted elsewhere; only query values that need it are percent-encoded.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

import segno
import streamlit as st

from components.i18n import t

SAFE = ":,[]()"  # left as they are in the query: tensor literals and slices stay readable


def page_url(params: dict[str, str], page: str) -> str:
    """The full address of this page with `params`; `page` ("training") when the browser has
    not said where it is (AppTest, a very first run)."""
    base = st.context.url or f"http://localhost:{st.get_option('server.port')}/{page}"
    query = urlencode({k: v for k, v in params.items() if v}, safe=SAFE)
    return f"{base}?{query}" if query else base


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """A QR code of `url` as a PNG `data:` address, black on white with a quiet zone, large
    enough to project.

    Kept per address: encoding it took 11 ms, half of a Tensor explorer rerun, on every
    rerun of every session (`python -m bench classroom`). An address, not bytes: given
    bytes, `st.image` decodes, copies and stores the picture again on every rerun of every
    session (its media file manager), though the popover is closed."""
    return segno.make(url, error="m").png_data_uri(scale=6, border=4)


def share_box(params: dict[str, str], page: str, key: str) -> str:
    """The link, its copy button and its QR code; returns the link."""
    url = page_url(params, page)
    with st.container(key=key):
        st.code(url, language=None, wrap_lines=True)
        st.caption(t("share.copy_help", length=len(url)))
        qr = st.popover(t("share.qr"), icon="📱", key=f"{key}_qr", on_change="rerun")
        if qr.open:  # drawn when asked for, not on every rerun of every session
            qr.image(qr_data_uri(url), caption=t("share.qr_help"), width=260)
    return url
