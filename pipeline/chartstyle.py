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
LEGEND_PER_ROW = 3  # legend entries a phone-width row holds; rows above it are reserved
TEXT = "#7f7f7f"  # mid-grey: legible on white and on Gradio's dark background
GRID = "rgba(127,127,127,0.25)"


def unit_title(feature: str) -> str:
    """``loudness (dB)``: a feature named with its unit, for axis titles and tables."""
    unit = UNITS.get(feature)
    return f"{feature} ({unit})" if unit else feature


def style(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    """Apply the look; ``title`` should name the chart's filters (years, decade, …)."""
    lines = textwrap.wrap(title, TITLE_CHARS) or [""]
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.name)
    legend_rows = math.ceil(entries / LEGEND_PER_ROW) if entries > 1 else 0
    top = 30 + 18 * len(lines) + 22 * legend_rows  # title, then the legend, then the plot
    fig.update_layout(
        template="plotly_white",
        title={"text": "<br>".join(lines), "font": {"size": 14}, "yref": "container", "y": 0.99,
               "yanchor": "top"},
        height=height + top - 90, colorway=PALETTE,
        margin={"l": 60, "r": 20, "t": top, "b": 50},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", font={"color": TEXT},
        hoverlabel={"namelength": -1},
    )  # fmt: skip
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID)
    return fig
