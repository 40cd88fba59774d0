"""Plotly figure builders for the dashboard, all in the one look of
:mod:`pipeline.chartstyle` (palette, units on axes, theme-neutral background)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bench.results import COLORS, VARIANT_NAMES
from pipeline.chartstyle import PALETTE, TEXT, style, unit_title


def empty(message: str = "") -> go.Figure:
    """A blank figure carrying a message (missing data, bad input)."""
    fig = go.Figure()
    style(fig, "", height=320)
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False},
                      annotations=[{"text": message, "showarrow": False, "font": {"size": 14}}]
                      if message else [])  # fmt: skip
    return fig


def bars(frame: pd.DataFrame, x: str, y: str, title: str, x_title: str, y_title: str,
         colour: str = PALETTE[0], text: list[str] | None = None) -> go.Figure:  # fmt: skip
    fig = go.Figure(go.Bar(
        x=frame[x], y=frame[y], marker_color=colour, text=text, textposition="auto",
        hovertemplate=f"{x_title} %{{x}}: %{{y:,}} {y_title}<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title)
    return style(fig, title, height=360)


def compare_bars(labels: list[str], series: dict[str, list[float]], title: str,
                 y_title: str) -> go.Figure:  # fmt: skip
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_bar(name=name, x=labels, y=values, marker_color=PALETTE[i],
                    hovertemplate=f"{name}<br>%{{x}}: %{{y:.2f}}<extra></extra>")  # fmt: skip
    fig.update_layout(barmode="group", yaxis_title=y_title)
    return style(fig, title, height=360)


def quartiles(frame: pd.DataFrame, feature: str) -> go.Figure:
    """Per decade: quartile boxes, whiskers at 1.5×IQR (clamped to the data's min and max),
    the mean, and the tracks behind each box in the label and the hover."""
    iqr = frame["q3"] - frame["q1"]
    low = np.maximum(frame["min"], frame["q1"] - 1.5 * iqr)
    high = np.minimum(frame["max"], frame["q3"] + 1.5 * iqr)
    labels = [f"{d}s<br>n={n:,}" for d, n in zip(frame["decade"], frame["tracks"], strict=True)]
    fig = go.Figure(go.Box(
        x=labels, q1=frame["q1"], median=frame["median"], q3=frame["q3"], lowerfence=low,
        upperfence=high, mean=frame["mean"], name=feature, marker_color=PALETTE[0],
        boxpoints=False,
    ))  # fmt: skip
    fig.update_layout(yaxis_title=unit_title(feature), xaxis_title="decade (tracks)")
    return style(fig, f"{feature} by decade: quartiles, whiskers at 1.5×IQR", height=400)


def density(grid: list[list[int]], xs: list[float], ys: list[float], fx: str, fy: str,
            title: str) -> go.Figure:  # fmt: skip
    """Track counts per cell on a log colour scale (a linear one paints most cells alike);
    the hover names both features and gives the exact count."""
    z = np.array(grid, dtype=float)
    logged = np.where(z > 0, np.log10(np.maximum(z, 1)), np.nan)
    top = max(1.0, float(np.nanmax(logged)) if np.isfinite(logged).any() else 1.0)
    ticks = [t for t in range(math.ceil(top) + 1) if t <= top]
    fig = go.Figure(go.Heatmap(
        z=logged, x=xs, y=ys, customdata=z, colorscale="Viridis", zmin=0, zmax=top,
        colorbar={"title": "tracks", "tickvals": ticks,
                  "ticktext": [f"{10**t:,.0f}" for t in ticks]},
        hovertemplate=f"{fx} %{{x}}<br>{fy} %{{y}}<br>%{{customdata:,}} tracks<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(xaxis_title=unit_title(fx), yaxis_title=unit_title(fy))
    return style(fig, title, height=460)


def correlation(matrix: pd.DataFrame, title: str) -> go.Figure:
    """Pearson r with the value written in every cell."""
    fig = go.Figure(go.Heatmap(
        z=matrix.values, x=list(matrix.columns), y=list(matrix.index), colorscale="RdBu",
        zmid=0, zmin=-1, zmax=1, texttemplate="%{z:.2f}", textfont={"size": 10},
        colorbar={"title": "r"},
        hovertemplate="%{y} – %{x}: r = %{z:.3f}<extra></extra>",
    ))  # fmt: skip
    return style(fig, title, height=480)


def key_mode(grid: list[list[int]], keys: list[str], title: str) -> go.Figure:
    total = max(sum(map(sum, grid)), 1)
    fig = go.Figure()
    for i, mode in enumerate(("minor", "major")):
        fig.add_bar(name=mode, x=keys, y=[n / total for n in grid[i]], marker_color=PALETTE[i],
                    customdata=grid[i], hovertemplate=f"{mode} %{{x}}: %{{y:.1%}} "
                    "(%{customdata:,} tracks)<extra></extra>")  # fmt: skip
    fig.update_layout(barmode="group", yaxis_title="share of tracks", yaxis_tickformat=".0%",
                      xaxis_title="key")  # fmt: skip
    return style(fig, title, height=380)


def serving_latency(rows: list[dict]) -> go.Figure:
    """Per query: median latency by variant (log scale)."""
    frame = pd.DataFrame(rows)
    fig = go.Figure()
    for variant, part in frame.groupby("variant", sort=False):
        fig.add_bar(name=VARIANT_NAMES.get(variant, variant), x=part["query"],
                    y=part["median_ms"], marker_color=COLORS.get(variant),
                    hovertemplate="%{x}: %{y:.3g} ms<extra></extra>")  # fmt: skip
    fig.update_layout(barmode="group", yaxis={"type": "log", "title": "median ms (log)"})
    return style(fig, "Query latency: Spark direct vs DuckDB serving", height=420)


def storage(sizes: dict[str, int]) -> go.Figure:
    fig = go.Figure(go.Bar(x=list(sizes), y=[v / 1e6 for v in sizes.values()],
                           marker_color=PALETTE[0], texttemplate="%{y:.0f} MB",
                           hovertemplate="%{x}: %{y:.1f} MB<extra></extra>"))  # fmt: skip
    fig.update_layout(xaxis_title="layout", yaxis_title="MB")
    return style(fig, "Bytes on disk: CSV vs Parquet", height=360)


def scale(points: pd.DataFrame) -> go.Figure:
    """Seconds against rows, one line per variant: the median over its queries (a line per
    query and variant is unreadable); log axes with titles."""
    fig = go.Figure()
    by = points.groupby(["variant", "rows"])["seconds"].median().reset_index()
    for variant, part in by.groupby("variant", sort=False):
        fig.add_scatter(x=part["rows"], y=part["seconds"], mode="lines+markers",
                        name=VARIANT_NAMES.get(variant, variant),
                        line={"color": COLORS.get(variant, TEXT)},
                        hovertemplate="%{x:,} rows: %{y:.3g} s<extra></extra>")  # fmt: skip
    fig.update_layout(
        xaxis={"type": "log", "title": "rows (log)"},
        yaxis={"type": "log", "title": "median seconds over queries (log)"},
    )
    return style(fig, "Scale: query time against rows", height=400)
