"""The one look of every chart: the dashboard's, the insights report's and latency.html.

Okabe-Ito colours (told apart by the common kinds of colour blindness), units on every axis,
a transparent background and mid-grey text so a chart reads on the light and the dark theme
alike, and the legend above the plot so it never covers an axis title.
"""

from __future__ import annotations

import math
import textwrap

import plotly.graph_objects as go

from pipeline.schema import UNIT_FEATURES

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
UNITS = {
    **{f: "0–1" for f in UNIT_FEATURES},
    "loudness": "dB",
    "tempo": "BPM",
    "duration_min": "minutes",
}
TITLE_CHARS = 42  # a title line fits a 390 px phone screen; longer titles wrap
LEGEND_ROW_PX = 320  # a legend row's width on a 390 px phone
TEXT = "#7f7f7f"  # mid-grey: legible on white and on Gradio's dark background
GRID = "rgba(127,127,127,0.25)"


def unit_title(feature: str) -> str:
    """``loudness (dB)``: a feature named with its unit, for axis titles and tables."""
    unit = UNITS.get(feature)
    return f"{feature} ({unit})" if unit else feature


def style(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    """Apply the look; ``title`` should name the chart's filters (years, decade, …).

    The title sits just above the plot and wraps to fit a phone; the legend goes at the very
    bottom, under the x-axis title, in rows reserved by a width estimate of its entries, so
    neither can cover the other or an axis title at any screen width.
    """
    lines = textwrap.wrap(title, TITLE_CHARS) or [""]
    names = [t.name for t in fig.data if t.showlegend is not False and t.name]
    legend_rows = _legend_rows(names) if len(fig.data) > 1 and names else 0
    top, bottom = 24 + 18 * len(lines), 56 + 24 * legend_rows
    fig.update_layout(
        template="plotly_white",
        title={"text": "<br>".join(lines), "font": {"size": 14}, "yref": "paper", "y": 1,
               "yanchor": "bottom", "pad": {"b": 8}},
        height=height + top + bottom - 140, colorway=PALETTE,
        margin={"l": 60, "r": 20, "t": top, "b": bottom},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", font={"color": TEXT},
        hoverlabel={"namelength": -1},
    )  # fmt: skip
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID)
    return fig


def _legend_rows(names: list[str]) -> int:
    """Rows the legend takes on a phone: entries of ~7 px a character plus the symbol."""
    width = sum(40 + 7 * len(n) for n in names)
    return max(1, math.ceil(width / LEGEND_ROW_PX))
