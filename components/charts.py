"""Plotly figures more than one page draws."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

BAR_COLOUR = "#4c78a8"


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    xaxis: dict,
    bar_px: int = 44,
) -> go.Figure:
    """One bar per label, the first on top, `bar_px` pixels each, its text on it; the labels
    get the margin they need (never cut)."""
    figure = go.Figure(
        go.Bar(
            x=list(values)[::-1],
            y=list(labels)[::-1],
            orientation="h",
            text=list(texts)[::-1],
            textposition="auto",
            marker_color=BAR_COLOUR,
        )
    )
    figure.update_layout(
        height=70 + bar_px * len(labels),
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis=xaxis,
        yaxis={"automargin": True},
    )
    return figure
