"""Plotly figures of the Training lab, built once and updated in place while training runs.

`LiveFigures` keeps one figure per chart and only swaps its traces' x/y arrays, so a redraw
costs one serialisation, not a rebuild: the benchmark (`python -m bench training`) measures
what that costs next to a plain `model.fit`.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from models.training.boundary import Boundary

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
HEIGHT = 300


def _layout(title: str, x_title: str, y_title: str, y_from_zero: bool = False) -> dict:
    """The layout of a chart in the Training lab's style."""
    yaxis = {"title": {"text": y_title}}
    if y_from_zero:
        yaxis["rangemode"] = "tozero"
    return {
        "title": {"text": title},
        "height": HEIGHT,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": yaxis,
        "legend": {"orientation": "h", "y": -0.25},
        "uirevision": "keep",  # keep the student's zoom across redraws
    }


def _empty_figure(
    title: str, x_title: str, y_title: str, traces: list[go.Scatter] = ()
) -> go.Figure:
    """A chart in the Training lab's style, built in one call: each later `update_*` or
    `add_*` would validate the whole figure again (a millisecond or more each)."""
    return go.Figure(data=list(traces), layout=_layout(title, x_title, y_title))


def typed_array(values: np.ndarray) -> dict:
    """Plotly.js's typed-array form of float values, as Plotly's own `to_dict` writes it."""
    data = np.ascontiguousarray(values, "<f8").tobytes()
    return {"dtype": "f8", "bdata": base64.b64encode(data).decode("ascii")}


class LiveFigure(go.Figure):
    """A live chart whose layout's dictionary is made once: only its traces' x and y change.

    `st.plotly_chart` asks for `to_dict()` at every redraw, and Plotly's deep-copies the
    layout with its whole template and walks it for arrays: 0.4 ms of a chart's 0.6 ms.
    Changes to the layout go through `mark`, which drops the kept dictionary.
    """

    def __init__(self, traces: list[dict], layout: dict) -> None:
        # Unvalidated: the traces and layout are fixed (a test checks them against Plotly's
        # validators), and validating them, then every x/y swap, cost 1 ms a chart.
        super().__init__(data=traces, layout=layout, _validate=False)
        self._layout_dict: dict | None = None

    def to_dict(self) -> dict:
        if self._layout_dict is None:
            self._layout_dict = super().to_dict()["layout"]
        data = []
        for trace in self.data:
            entry = trace.to_plotly_json()
            for axis in ("x", "y"):
                if isinstance(entry.get(axis), np.ndarray):
                    entry[axis] = typed_array(entry[axis])
            data.append(entry)
        return {"data": data, "layout": self._layout_dict}

    def mark(self, x: float, text: str, colour: str, x_range: list[float] | None) -> None:
        """A dashed vertical line at `x` with `text` at its top, in `colour`; `x_range`
        gives the x axis a range when no curve does."""
        self.add_vline(x=x, line={"dash": "dash", "color": colour})
        self.add_annotation(
            x=x,
            y=1,
            yref="paper",
            text=text,
            showarrow=False,
            xanchor="right",
            font={"color": colour},
        )
        if x_range is not None:
            self.update_xaxes(range=x_range)
        self._layout_dict = None


class LiveFigures:
    """Loss, metric and learning-rate charts fed from the live records of one run.

    `charts` maps a chart id to its (title, y title, series keys); `labels` names each key;
    the charts in `from_zero` start their y axis at zero.
    """

    def __init__(
        self,
        charts: dict[str, tuple[str, str, tuple[str, ...]]],
        x_title: str,
        labels: dict[str, str],
        from_zero: tuple[str, ...] = (),
    ) -> None:
        self.series: dict[str, tuple[list[float], list[float]]] = {}
        self.figures: dict[str, LiveFigure] = {}
        self._traces: dict[str, tuple[LiveFigure, int]] = {}
        for chart, (title, y_title, keys) in charts.items():
            traces = [
                {
                    "type": "scatter",
                    "x": [],
                    "y": [],
                    "mode": "lines+markers",
                    "name": labels.get(key, key),
                    "line": {
                        "color": COLORS[index % len(COLORS)],
                        "dash": "dot" if key.startswith("val_") else "solid",
                    },
                    "marker": {"size": 4},
                }
                for index, key in enumerate(keys)
            ]
            figure = LiveFigure(traces, _layout(title, x_title, y_title, chart in from_zero))
            for index, key in enumerate(keys):
                self._traces[key] = (figure, index)
                self.series[key] = ([], [])
            self.figures[chart] = figure

    def add(self, x: float, values: dict[str, float]) -> None:
        """Append one point to every series the record has (others are left as they are)."""
        for key, (xs, ys) in self.series.items():
            if key in values:
                xs.append(x)
                ys.append(values[key])

    def refresh(self) -> dict[str, LiveFigure]:
        """Copy the series into the figures' traces (in place) and return the figures."""
        for key, (figure, index) in self._traces.items():
            xs, ys = self.series[key]
            # Arrays, not lists: Plotly validates and serialises a list value by value
            # (4 ms a redraw for 500 epochs), an array in one piece.
            figure.data[index].x = np.asarray(xs, np.float64)
            figure.data[index].y = np.asarray(ys, np.float64)
        return self.figures


def compare_figure(
    runs: list[tuple[str, list[float]]], title: str, y_title: str, x_title: str
) -> go.Figure:
    """One curve per earlier run of the same series (e.g. val_loss of SGD vs Adam)."""
    figure = _empty_figure(title, x_title, y_title)
    for index, (name, values) in enumerate(runs):
        figure.add_scatter(
            x=list(range(1, len(values) + 1)),
            y=values,
            mode="lines",
            name=name,
            line={"color": COLORS[index % len(COLORS)]},
        )
    return figure


def boundary_figure(
    plane: Boundary,
    x: np.ndarray,
    classes: np.ndarray,
    class_names: tuple[str, ...],
    binary: bool,
    title: str,
) -> go.Figure:
    """The model's regions (or P(class 1) for binary) with the validation points on top."""
    figure = _empty_figure(title, "x1", "x2")
    figure.add_heatmap(
        x=plane.xs,
        y=plane.ys,
        z=plane.z,
        opacity=0.45,
        showscale=binary,
        colorscale="RdBu" if binary else "Viridis",
        zmin=0,
        zmax=1 if binary else len(class_names) - 1,
        hoverinfo="skip",
    )
    for index, name in enumerate(class_names):
        chosen = classes == index
        figure.add_scatter(
            x=x[chosen, 0],
            y=x[chosen, 1],
            mode="markers",
            name=name,
            marker={
                "size": 5,
                "color": COLORS[index % len(COLORS)],
                "line": {"width": 0.5, "color": "white"},
            },
        )
    figure.update_layout(height=420)
    return figure


def update_boundary(figure: go.Figure, plane: Boundary) -> None:
    """New predictions on the same grid: only the heatmap's z changes."""
    figure.data[0].z = plane.z


def confusion_figure(
    confusion: np.ndarray, class_names: tuple[str, ...], title: str, x_title: str, y_title: str
) -> go.Figure:
    """Rows are the true classes, columns the predicted ones, counts written in the cells."""
    names = list(class_names)
    figure = go.Figure(
        go.Heatmap(
            z=confusion,
            x=names,
            y=names,
            colorscale="Blues",
            text=confusion,
            texttemplate="%{text}",
            showscale=False,
        )
    )
    figure.update_layout(
        title=title,
        height=140 + 32 * len(names),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis_title=x_title,
        yaxis_title=y_title,
        yaxis_autorange="reversed",
    )
    figure.update_xaxes(type="category")
    figure.update_yaxes(type="category")
    return figure
