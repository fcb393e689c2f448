"""`python -m bench classroom` speaks Streamlit's protocol to a real server: sessions open the
Tensor explorer's deep link, find its Create button by key and click it, and each run ends
in `script_finished` without an exception element."""

from __future__ import annotations

import argparse

from bench import classroom


def test_sessions_open_a_deep_link_and_click_create() -> None:
    args = argparse.Namespace(
        sessions=3, page="tensors", query="t=fib&op=slice&a=t[1:4]", click=None, url=None,
        busy=1, timeout=180.0, settle=0.0,
    )  # fmt: skip
    figures = classroom.run(args)
    assert figures["unfinished"] == 0 and figures["errors"] == [], figures
    assert figures["exceptions"] == 0
    assert figures["click"] == "tensor_create"
    assert figures["alone"]["click_s"] > 0 and figures["click_answer"]["p50_s"] > 0
    assert figures["server_rss_mb"]["peak"] >= figures["server_rss_mb"]["before"] > 0


def test_only_the_loopback_and_a_bounded_class() -> None:
    base = dict(page="", query="", click=None, busy=0, timeout=1.0, settle=0.0)
    for bad in (
        argparse.Namespace(sessions=5, url="http://example.org:8501", **base),
        argparse.Namespace(sessions=classroom.MAX_SESSIONS + 1, url=None, **base),
    ):
        try:
            classroom.run(bad)
        except SystemExit as refusal:
            assert "--" in str(refusal)
        else:
            raise AssertionError(f"accepted {bad}")
