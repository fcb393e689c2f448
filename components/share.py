"""A link to the page as it is now, for a classmate or the projector: the full address, a
copy button that is always visible (phones have no hover) and a QR code to scan.

The address is the one the browser shows (`st.context.url`: scheme, host, port, page), so it
works as it is when pasted elsewhere; only query values that need it are percent-encoded.
"""

from __future__ import annotations

import io
from functools import lru_cache
from urllib.parse import urlencode

import segno
import streamlit as st

from components.i18n import t

SAFE = ":,[]()"  # left as they are in the query: tensor literals and slices stay readable

# Streamlit's copy button of a code block shows only on hover: keep it on for touch screens.
_VISIBLE_COPY = (
    "<style>.st-key-{key} [data-testid='stCode'] "
    "div:has(> div > [data-testid='stElementToolbarButton'])"
    " {{opacity: 1 !important; visibility: visible !important}}</style>"
)


def page_url(params: dict[str, str], page: str) -> str:
    """The full address of this page with `params`; `page` ("training") when the browser has
    not said where it is (AppTest, a very first run)."""
    base = st.context.url or f"http://localhost:{st.get_option('server.port')}/{page}"
    query = urlencode({k: v for k, v in params.items() if v}, safe=SAFE)
    return f"{base}?{query}" if query else base


@lru_cache(maxsize=256)
def qr_png(url: str) -> bytes:
    """A QR code of `url` as PNG, black on white with a quiet zone, large enough to project.

    Kept per address: encoding it took 11 ms, half of a Tensor explorer rerun, on every
    rerun of every session (`python -m bench classroom`)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def share_box(params: dict[str, str], page: str, key: str) -> str:
    """The link, its copy button and its QR code; returns the link."""
    url = page_url(params, page)
    with st.container(key=key):
        st.html(_VISIBLE_COPY.format(key=key))
        st.code(url, language=None, wrap_lines=True)
        st.caption(t("share.copy_help", length=len(url)))
        with st.popover(t("share.qr"), icon="📱"):
            st.image(qr_png(url), caption=t("share.qr_help"), width=260)
    return url
