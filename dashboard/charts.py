"""Plotly figure builders: one look for every chart (fixed colours per engine/variant)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from bench.report import COLORS, VARIANT_NAMES

TEMPLATE = "plotly_white"


def empty(message: str = "") -> go.Figure:
    """A blank figure carrying a message (missing data, bad input)."""
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, xaxis={"visible": False}, yaxis={"visible": False},
                      annotations=[{"text": message, "showarrow": False, "font": {"size": 14}}]
                      if message else [], height=320)  # fmt: skip
    return fig


def lines(frame: pd.DataFrame, x: str, ys: list[str], title: str, y_title: str = "") -> go.Figure:
    fig = go.Figure()
    for y in ys:
        fig.add_scatter(x=frame[x], y=frame[y], mode="lines", name=y)
    fig.update_layout(template=TEMPLATE, title=title, xaxis_title=x, yaxis_title=y_title,
                      height=380, legend={"orientation": "h"})  # fmt: skip
    return fig


def quartiles(frame: pd.DataFrame, feature: str) -> go.Figure:
    """Box-like bars per decade from precomputed min / q1 / median / q3 / max."""
    fig = go.Figure()
    fig.add_box(
        x=frame["decade"].astype(str) + "s", q1=frame["q1"], median=frame["median"],
        q3=frame["q3"], lowerfence=frame["min"], upperfence=frame["max"], mean=frame["mean"],
        name=feature, marker_color="#1db954",
    )  # fmt: skip
    fig.update_layout(template=TEMPLATE, title=f"{feature} by decade (quartiles)", height=380)
    return fig


def bars(frame: pd.DataFrame, x: str, y: str, title: str, color: str = "#1db954") -> go.Figure:
    fig = go.Figure(go.Bar(x=frame[x], y=frame[y], marker_color=color))
    fig.update_layout(template=TEMPLATE, title=title, height=360)
    return fig


def compare_bars(labels: list[str], series: dict[str, list[float]], title: str) -> go.Figure:
    fig = go.Figure()
    for name, values in series.items():
        fig.add_bar(name=name, x=labels, y=values)
    fig.update_layout(template=TEMPLATE, title=title, barmode="group", height=360)
    return fig


def heatmap(z, x, y, title: str, colorscale: str = "Viridis", zmid=None) -> go.Figure:
    fig = go.Figure(go.Heatmap(z=z, x=x, y=y, colorscale=colorscale, zmid=zmid))
    fig.update_layout(template=TEMPLATE, title=title, height=460)
    return fig


def serving_latency(rows: list[dict]) -> go.Figure:
    """Per query: median latency by variant (log scale)."""
    frame = pd.DataFrame(rows)
    fig = go.Figure()
    for variant, part in frame.groupby("variant", sort=False):
        fig.add_bar(name=VARIANT_NAMES.get(variant, variant), x=part["query"],
                    y=part["median_ms"], marker_color=COLORS.get(variant))  # fmt: skip
    fig.update_layout(
        template=TEMPLATE, title="Query latency: Spark direct vs DuckDB serving",
        barmode="group", yaxis={"type": "log", "title": "ms (log)"}, height=420,
    )  # fmt: skip
    return fig


def storage(sizes: dict[str, int]) -> go.Figure:
    fig = px.bar(
        x=list(sizes), y=[v / 1e6 for v in sizes.values()], template=TEMPLATE,
        labels={"x": "layout", "y": "MB"}, title="Bytes on disk: CSV vs Parquet",
    )  # fmt: skip
    fig.update_traces(marker_color="#4285f4")
    fig.update_layout(height=360)
    return fig
