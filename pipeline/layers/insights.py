"""Insights: what the data says about music, each claim computed from gold with its uncertainty.

``python -m pipeline insights`` (``make insights``) writes ``REPORTS_DIR/insights.md`` and
``insights.html`` (self-contained: plotly.js inlined); the dashboard's Insights tab shows the
same findings from the same functions. Every number comes from catalogue queries on gold,
so the benchmark covers them and a Spark form exists for each; nothing assumes the
generator's trends: with the real Kaggle file the same code gives the real findings, and a
finding with too little data says so.

Method, stated once: a 95% confidence interval of a mean is mean ± 1.96·sd/√n (normal
approximation; years resting on fewer than :data:`MIN_TRACKS` tracks are flagged and drawn
faded, since the approximation and the mean are both shaky there). Decade figures pool the
years exactly from their counts, means and standard deviations. A share's interval is
Wilson's. The difference of two means has the interval of independent samples.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from pipeline import publish
from pipeline.catalogue import FEATURE_PAIRS, REMASTER_FEATURES, TREND_FEATURES
from pipeline.chartstyle import PALETTE, UNITS, style
from pipeline.serving import GoldReader

MIN_TRACKS = 100  # a year's mean on fewer tracks is flagged and drawn faded
Z95 = 1.96
# The original project's claim about loudness, checked against the data.
CLAIM_1980S_DB, CLAIM_2010_DB, CLAIM_TOLERANCE_DB = -12.0, -7.0, 1.5
BAND_NOTE = (
    "The shaded band is a 95% confidence interval: if the tracks of a year were drawn again "
    "from the same kind of catalogue, the band would hold the true average 19 times in 20. "
    f"Faded points rest on fewer than {MIN_TRACKS} tracks."
)
REPORT_MD, REPORT_HTML = "insights.md", "insights.html"
# Each finding's detail in the dashboard: the tab and the filters it opens with.
LINKS: dict[str, tuple[str, dict]] = {
    "loudness": ("Trends", {"features": ["loudness"], "year_from": 1950, "year_to": 2020}),
    "acoustic": ("Trends", {"features": ["acousticness", "energy"], "year_from": 1950,
                            "year_to": 2020}),
    "artifacts": ("Trends", {"features": ["loudness", "energy"], "year_from": 1920,
                             "year_to": 2020}),
    "correlations": ("Explore", {"decade": "All"}),
    "explicit": ("Trends", {"features": ["energy", "danceability"], "explicit": "explicit"}),
    "duration": ("Trends", {"features": ["duration_min"], "year_from": 1950, "year_to": 2020}),
    "collaborations": ("Artists", {}),
    "key_mode": ("Explore", {"decade": "All"}),
}  # fmt: skip
YEARS = {"year_from": 1000, "year_to": 2100}


@dataclass
class Finding:
    """One finding: a headline computed from the numbers, its chart, table and method."""

    key: str
    title: str
    headline: str
    method: str
    figure: go.Figure
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def link(self) -> tuple[str, dict]:
        """The dashboard tab that shows the detail, and the filters to open it with."""
        return LINKS[self.key]


# --- statistics ----------------------------------------------------------------------------


def interval(mean: float, sd: float | None, n: int) -> tuple[float, float]:
    """The 95% confidence interval of a mean (NaN when n < 2)."""
    if n < 2 or sd is None or not math.isfinite(sd):
        return math.nan, math.nan
    half = Z95 * sd / math.sqrt(n)
    return mean - half, mean + half


def with_bands(frame: pd.DataFrame, feature: str) -> pd.DataFrame:
    """year, tracks, mean, low, high, few (fewer than MIN_TRACKS) for one feature."""
    bounds = [
        interval(m, s, n)
        for m, s, n in zip(frame[feature], frame[f"{feature}_sd"], frame["tracks"], strict=True)
    ]
    return pd.DataFrame({
        "year": frame["year"], "tracks": frame["tracks"], "mean": frame[feature],
        "low": [b[0] for b in bounds], "high": [b[1] for b in bounds],
        "few": frame["tracks"] < MIN_TRACKS,
    })  # fmt: skip


def pooled(frame: pd.DataFrame, feature: str) -> tuple[int, float, float]:
    """(n, mean, sd) of the tracks of several years, exactly, from each year's n, mean, sd."""
    n = frame["tracks"].astype(float)
    mean = frame[feature].astype(float)
    sd = frame[f"{feature}_sd"].astype(float).fillna(0.0)
    total = float(n.sum())
    if total < 1:
        return 0, math.nan, math.nan
    grand = float((n * mean).sum() / total)
    squares = float(((n - 1) * sd**2 + n * mean**2).sum()) - total * grand**2
    return int(total), grand, math.sqrt(max(squares, 0.0) / (total - 1)) if total > 1 else math.nan


def share_interval(k: int, n: int) -> tuple[float, float]:
    """Wilson's 95% interval of a share k / n."""
    if n == 0:
        return math.nan, math.nan
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return centre - half, centre + half


def decade_of(year: int) -> int:
    return year // 10 * 10


# --- charts ----------------------------------------------------------------------------------


def band_figure(frame: pd.DataFrame, features: list[str], title: str) -> go.Figure:
    """Yearly means with 95% bands; features of different units get their own rows (never
    one axis), years on few tracks are faded, and hovers name the feature, unit and n."""
    units = list(dict.fromkeys(UNITS.get(f, "") for f in features))
    fig = make_subplots(rows=len(units), cols=1, shared_xaxes=True, vertical_spacing=0.08)
    for i, feature in enumerate(features):
        row = units.index(UNITS.get(feature, "")) + 1
        _add_band(fig, with_bands(frame, feature), feature, PALETTE[i % len(PALETTE)], row)
    for row, unit in enumerate(units, 1):
        fig.update_yaxes(title_text=unit, row=row, col=1)
    fig.update_xaxes(title_text="year", row=len(units), col=1)
    return style(fig, title, height=260 + 180 * len(units))


def _add_band(fig: go.Figure, band: pd.DataFrame, name: str, colour: str, row: int) -> None:
    """One feature: every year's mean as a marker (faded on few tracks, hover with n and the
    interval), a line through the years with enough tracks, and their 95% band."""
    unit = UNITS.get(name, "")
    hover = (f"<b>{name}</b> %{{x}}: %{{y:.3f}} {unit}<br>95% CI %{{customdata[1]:.3f}} – "
             "%{customdata[2]:.3f}<br>%{customdata[0]:,} tracks%{customdata[3]}"
             "<extra></extra>")  # fmt: skip
    note = band["few"].map({True: f" (fewer than {MIN_TRACKS}: faded)", False: ""})
    custom = band[["tracks", "low", "high"]].assign(note=note).to_numpy(dtype=object)
    fig.add_scatter(
        x=band["year"], y=band["mean"], name=name, legendgroup=name, mode="markers",
        marker={"color": colour, "size": 5, "opacity": band["few"].map({True: 0.3,
                False: 1.0}).tolist()}, customdata=custom, hovertemplate=hover, row=row, col=1,
    )  # fmt: skip
    fig.add_scatter(
        x=band["year"], y=band["mean"].where(~band["few"]), mode="lines", line={"color": colour},
        hoverinfo="skip", showlegend=False, legendgroup=name, row=row, col=1,
    )  # fmt: skip
    solid = band[~band["few"]]
    fig.add_scatter(
        x=solid["year"], y=solid["high"], mode="lines", line={"width": 0}, hoverinfo="skip",
        showlegend=False, legendgroup=name, row=row, col=1,
    )  # fmt: skip
    fig.add_scatter(
        x=solid["year"], y=solid["low"], mode="lines", line={"width": 0}, fill="tonexty",
        fillcolor=_alpha(colour, 0.2), hoverinfo="skip", showlegend=False, legendgroup=name,
        row=row, col=1,
    )  # fmt: skip


def _alpha(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def bars_with_intervals(frame: pd.DataFrame, x: str, title: str) -> go.Figure:
    """Bars of ``value`` with ``low``..``high`` error bars and ``n`` in the hover; one row
    per ``series`` (a feature), each on its own axis in its own unit."""
    groups = list(dict.fromkeys(frame["series"]))
    fig = make_subplots(rows=max(len(groups), 1), cols=1, shared_xaxes=True,
                        vertical_spacing=0.12)  # fmt: skip
    for i, group in enumerate(groups):
        part = frame[frame["series"] == group]
        fig.add_bar(
            x=part[x], y=part["value"], name=str(group), marker_color=PALETTE[i],
            error_y={"type": "data", "symmetric": False, "array": part["high"] - part["value"],
                     "arrayminus": part["value"] - part["low"]},
            customdata=part[["n", "low", "high"]].to_numpy(),
            hovertemplate=f"{group} %{{x}}: %{{y:+.3f}} {UNITS.get(group, '')}<br>95% CI "
            "%{customdata[1]:+.3f} to %{customdata[2]:+.3f}<br>%{customdata[0]:,} tracks"
            "<extra></extra>", row=i + 1, col=1,
        )  # fmt: skip
        fig.update_yaxes(title_text=f"{group} ({UNITS.get(group, '')})", row=i + 1, col=1)
    fig.update_xaxes(title_text=x, row=max(len(groups), 1), col=1)
    return style(fig, title, height=260 + 180 * max(len(groups), 1))


# --- findings ----------------------------------------------------------------------------------


def _yearly(reader: GoldReader, features: list[str]) -> pd.DataFrame:
    return reader.run("year_trends", **YEARS, features=features).frame


def _decades(frame: pd.DataFrame, feature: str) -> pd.DataFrame:
    rows = []
    for decade, part in frame.groupby(frame["year"].map(decade_of)):
        n, mean, sd = pooled(part, feature)
        low, high = interval(mean, sd, n)
        rows.append({"decade": f"{decade}s", "tracks": n, "mean": mean, "low": low,
                     "high": high})  # fmt: skip
    return pd.DataFrame(rows, columns=["decade", "tracks", "mean", "low", "high"])


def _steepest(band: pd.DataFrame, window: int = 10) -> tuple[int, int, float] | None:
    """(first year, last year, slope per year) of the steepest rise of yearly means over a
    window of years, least squares on the years with enough tracks."""
    solid = band[~band["few"]].set_index("year")["mean"]
    best = None
    for start in solid.index:
        part = solid[(solid.index >= start) & (solid.index < start + window)]
        if len(part) < window * 0.7:
            continue
        x = part.index.to_numpy(dtype=float)
        slope = float(((x - x.mean()) * (part - part.mean())).sum() / ((x - x.mean()) ** 2).sum())
        if best is None or slope > best[2]:
            best = (int(x.min()), int(x.max()), slope)
    return best


def _difference(a: pd.Series, b: pd.Series) -> tuple[float, float, float]:
    """b − a of two decade rows (tracks, mean, low, high), with its 95% interval."""
    se = math.hypot(*((r["high"] - r["mean"]) / Z95 for r in (a, b)))
    diff = b["mean"] - a["mean"]
    return diff, diff - Z95 * se, diff + Z95 * se


def loudness(reader: GoldReader) -> Finding:
    frame = _yearly(reader, ["loudness"])
    decades = _decades(frame, "loudness")
    by = decades.set_index("decade")
    band = with_bands(frame, "loudness")
    method = ("Mean loudness (dB) per year with its 95% interval; decades pool their years. "
              "The steepest rise is the largest least-squares slope of the yearly means over "
              f"10 consecutive years with at least {MIN_TRACKS} tracks each.")  # fmt: skip
    figure = band_figure(frame, ["loudness"], "Average loudness by year, with 95% band")
    if not {"1980s", "2010s"} <= set(by.index) or min(by.loc[["1980s", "2010s"], "tracks"]) < 30:
        headline = ("Too little data to compare the 1980s with the 2010s (fewer than 30 tracks "
                    "in one of them).")  # fmt: skip
        return Finding("loudness", "The loudness war", headline, method, figure, decades)
    diff, low, high = _difference(by.loc["1980s"], by.loc["2010s"])
    early, late = by.loc["1980s", "mean"], by.loc["2010s", "mean"]
    steep = _steepest(band)
    steep_text = (f" The steepest rise: {steep[2]:+.2f} dB a year over {steep[0]}–{steep[1]}."
                  if steep else "")  # fmt: skip
    verdict, why = _verdict(early, late, low, high)
    headline = (
        f"Average loudness rose from {early:.1f} dB in the 1980s to {late:.1f} dB in the 2010s, "
        f"a change of {diff:+.1f} dB (95% CI {low:+.1f} to {high:+.1f}).{steep_text} "
        f"The original claim (about {CLAIM_1980S_DB:.0f} dB in the 80s to about "
        f"{CLAIM_2010_DB:.0f} dB by 2010) is **{verdict}**: {why}"
    )
    return Finding("loudness", "The loudness war", headline, method, figure, decades)


def _verdict(early: float, late: float, low: float, high: float) -> tuple[str, str]:
    if low <= 0:
        return "not supported", "the data shows no significant rise."
    off = [abs(early - CLAIM_1980S_DB), abs(late - CLAIM_2010_DB)]
    if max(off) <= CLAIM_TOLERANCE_DB:
        return "supported", (f"the rise is significant and both levels are within "
                             f"{CLAIM_TOLERANCE_DB} dB of the claim.")  # fmt: skip
    return "partly supported", (
        f"the rise is significant, but the levels differ from the claim by {off[0]:.1f} dB "
        f"(1980s) and {off[1]:.1f} dB (2010s)."
    )


def acoustic(reader: GoldReader) -> Finding:
    frame = _yearly(reader, ["acousticness", "energy"])
    a, e = with_bands(frame, "acousticness"), with_bands(frame, "energy")
    solid = ~a["few"]
    above = (e["mean"] > a["mean"])[solid]
    years = a["year"][solid]
    crossings = [int(y) for y, prev, now in zip(years[1:], above[:-1], above[1:], strict=True)
                 if now and not prev]  # fmt: skip
    figure = band_figure(frame, ["acousticness", "energy"], "Acousticness and energy by year")
    method = (f"Yearly means with 95% bands, on years with at least {MIN_TRACKS} tracks. A "
              "crossing is a year where energy's mean passes above acousticness'.")  # fmt: skip
    if years.empty:
        headline = f"Too little data: no year has {MIN_TRACKS} tracks."
    elif crossings:
        last = crossings[-1]
        row_a, row_e = a[a["year"] == last].iloc[0], e[e["year"] == last].iloc[0]
        separate = row_e["low"] > row_a["high"]
        headline = (
            f"Energy overtook acousticness in {last} ({row_e['mean']:.2f} against "
            f"{row_a['mean']:.2f}, {int(row_a['tracks']):,} tracks)"
            + ("; their bands no longer overlap." if separate else "; their bands overlap there.")
        )
    else:
        lead = "energy" if above.iloc[-1] else "acousticness"
        headline = f"The two never cross: {lead} stays above in every year with enough tracks."
    ac, en = _decades(frame, "acousticness"), _decades(frame, "energy")
    table = pd.DataFrame({"decade": ac["decade"], "tracks": ac["tracks"],
                          "acousticness": ac["mean"], "acousticness low": ac["low"],
                          "acousticness high": ac["high"], "energy": en["mean"],
                          "energy low": en["low"], "energy high": en["high"]})  # fmt: skip
    return Finding("acoustic", "Acoustic evolution", headline, method, figure, table)


def artifacts(reader: GoldReader) -> Finding:
    frame = _yearly(reader, ["loudness", "energy"])
    few = frame[frame["tracks"] < MIN_TRACKS]
    early = frame[(frame["year"] < 1960) & (frame["tracks"] >= 1)]["loudness"]
    late = frame[frame["year"] >= 1960]["loudness"]
    remaster = reader.run("remaster_bias").frame
    diffs = _remaster_diffs(remaster)
    table = _remaster_table(remaster, diffs)
    figure = bars_with_intervals(
        diffs.assign(series=diffs["feature"]),
        "decade", "Remastered minus other tracks of the same years, by decade",
    )  # fmt: skip
    swing = ("The yearly mean loudness jumps from one year to the next by a standard deviation "
             f"of {early.diff().std():.1f} dB before 1960, against {late.diff().std():.1f} dB "
             "from 1960 on. " if len(early) > 2 and len(late) > 2 else "")  # fmt: skip
    flagged = (f"{len(few)} years rest on fewer than {MIN_TRACKS} tracks "
               f"({_year_list(few['year'])}) and are drawn faded. ")  # fmt: skip
    remastered = int(remaster.loc[remaster["remastered"], "tracks"].sum())
    if remastered < 30:
        rem = (f"{'Only ' + str(remastered) if remastered else 'No'} track"
               f"{'' if remastered == 1 else 's'} say 'remaster': too little data to measure a "
               "remaster bias.")  # fmt: skip
    else:
        total = int(remaster["tracks"].sum())
        loud = diffs[(diffs["feature"] == "loudness") & (diffs["n"] >= 30)]
        rem = (f"{remastered:,} tracks ({remastered / total:.1%}) say 'remaster' in their name "
               "or album. Against the other tracks of the same years their loudness differs by "
               f"{loud['value'].min():+.1f} to {loud['value'].max():+.1f} dB across the "
               f"{len(loud)} decades with 30 or more of them (per decade, with intervals, in "
               "the table)."
               if not loud.empty else f"{remastered:,} tracks say 'remaster', but no decade "
               "has 30 of them beside other tracks of the same years: too little data to measure a "
               "bias.")  # fmt: skip
    method = ("Years with few tracks are counted from gold. The remaster bias compares, year "
              "by year, tracks whose name or album says 'remaster' (as a word, any case) with "
              "the other tracks of that year, and averages the differences over the decade, "
              "weighted by the remastered tracks; the interval combines each year's "
              "standard errors.")  # fmt: skip
    headline = flagged + swing + rem
    return Finding("artifacts", "Data artifacts", headline, method, figure, table)


def _year_list(years: pd.Series, most: int = 8) -> str:
    listed = ", ".join(str(y) for y in years.head(most))
    return listed + (f" and {len(years) - most} more" if len(years) > most else "")


def _remaster_diffs(frame: pd.DataFrame) -> pd.DataFrame:
    """Per decade and feature: the year-matched difference remastered − other, with its
    interval and the remastered tracks behind it (years that have both kinds of track)."""
    columns = ["decade", "feature", "value", "low", "high", "n"]
    if set(frame["remastered"]) != {True, False}:
        return pd.DataFrame(columns=columns)
    paired = frame.pivot(index="year", columns="remastered")
    paired = paired.dropna(subset=[("tracks", True), ("tracks", False)])
    rows = []
    for decade, part in paired.groupby(paired.index.map(decade_of)):
        n_r, n_o = part[("tracks", True)], part[("tracks", False)]
        w = n_r / n_r.sum()
        for feature in REMASTER_FEATURES:
            diff = float((w * (part[(feature, True)] - part[(feature, False)])).sum())
            var = (part[(f"{feature}_sd", True)].fillna(0) ** 2 / n_r
                   + part[(f"{feature}_sd", False)].fillna(0) ** 2 / n_o)  # fmt: skip
            se = math.sqrt(float((w**2 * var).sum()))
            rows.append({"decade": f"{decade}s", "feature": feature, "value": diff,
                         "low": diff - Z95 * se, "high": diff + Z95 * se,
                         "n": int(n_r.sum())})  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _remaster_table(frame: pd.DataFrame, diffs: pd.DataFrame) -> pd.DataFrame:
    """One row per decade of release: remastered tracks, their share (Wilson interval) and
    the loudness and energy differences with their intervals."""
    decade = frame["year"].map(decade_of)
    rows = []
    for d, part in frame.groupby(decade):
        k = int(part.loc[part["remastered"], "tracks"].sum())
        n = int(part["tracks"].sum())
        low, high = share_interval(k, n)
        row = {"decade": f"{d}s", "tracks": n, "remastered": k, "share": k / n,
               "share 95% CI": f"{low:.1%} to {high:.1%}"}  # fmt: skip
        for feature in REMASTER_FEATURES:
            got = diffs[(diffs["decade"] == f"{d}s") & (diffs["feature"] == feature)]
            ok = not got.empty and k >= 2
            r = got.iloc[0] if ok else None
            row[f"{feature} difference"] = r["value"] if ok else math.nan
            row[f"{feature} 95% CI"] = f"{r['low']:+.3f} to {r['high']:+.3f}" if ok else "–"
        rows.append(row)
    return pd.DataFrame(rows)


def correlations(reader: GoldReader) -> Finding:
    overall = reader.run("correlations").frame
    counts = reader.run("year_trends", **YEARS, features=["energy"]).frame
    n = int(counts["tracks"].sum())
    matrix = overall.pivot(index="feature_x", columns="feature_y", values="corr")
    features = list(TREND_FEATURES)
    full = pd.DataFrame(1.0, index=features, columns=features)
    for a, b in FEATURE_PAIRS:
        r = matrix.loc[a, b] if a in matrix.index and b in matrix.columns else math.nan
        full.loc[a, b] = full.loc[b, a] = r
    fig = go.Figure(go.Heatmap(
        z=full.to_numpy(), x=features, y=features, zmin=-1, zmax=1, colorscale="RdBu",
        text=full.round(2).to_numpy(), texttemplate="%{text}",
        hovertemplate="%{y} × %{x}: r = %{z:.2f}<extra></extra>",
    ))  # fmt: skip
    style(fig, f"Pearson r between audio features, all {n:,} tracks", height=520)
    strongest = overall.dropna().assign(size=lambda f: f["corr"].abs())
    strongest = strongest.sort_values(["size", "feature_x"], ascending=[False, True]).head(4)
    decades = counts.groupby(counts["year"].map(decade_of))["tracks"].sum()
    checked = [d for d, k in decades.items() if k >= MIN_TRACKS * 5]
    per_decade = {d: reader.run("correlations", decade=int(d)).frame for d in checked}
    rows = []
    for r in strongest.itertuples():
        values = [f.loc[(f.feature_x == r.feature_x) & (f.feature_y == r.feature_y), "corr"]
                  for f in per_decade.values()]  # fmt: skip
        values = [float(v.iloc[0]) for v in values if len(v) and pd.notna(v.iloc[0])]
        holds = bool(values) and all(v * r.corr > 0 and abs(v) >= abs(r.corr) / 2 for v in values)
        rows.append({"pair": f"{r.feature_x} – {r.feature_y}", "r": r.corr, "n": n,
                     "decades checked": len(values), "holds in every decade": holds,
                     "range by decade": f"{min(values):+.2f} to {max(values):+.2f}"
                     if values else "–"})  # fmt: skip
    table = pd.DataFrame(rows)
    if table.empty:
        headline = "Too little data to correlate the features."
    else:
        parts = [f"{p} r = {r:+.2f}" for p, r in zip(table["pair"], table["r"], strict=True)]
        held = int(table["holds in every decade"].sum())
        headline = (
            f"The strongest pairs over {n:,} tracks: {'; '.join(parts)}. "
            f"{held} of {len(table)} keep their sign and at least half their size in "
            f"every decade with {MIN_TRACKS * 5}+ tracks ({len(checked)} decades)."
        )
    method = (
        "Pearson r over all tracks from gold's feature_correlations; a pair 'holds' when "
        "each checked decade has the same sign and at least half the overall |r|."
    )
    return Finding("correlations", "Feature correlations", headline, method, fig, table)


def beyond(reader: GoldReader) -> list[Finding]:
    """Explicit share, duration, collaborations, key and mode."""
    return [_explicit(reader), _duration(reader), _collaborations(reader), _key_mode(reader)]


def _share_frame(frame: pd.DataFrame, k: str, n: str) -> pd.DataFrame:
    bounds = [share_interval(int(a), int(b)) for a, b in zip(frame[k], frame[n], strict=True)]
    return pd.DataFrame({"year": frame["year"], "tracks": frame[n], "mean": frame[k] / frame[n],
                         "low": [b[0] for b in bounds], "high": [b[1] for b in bounds],
                         "few": frame[n] < MIN_TRACKS})  # fmt: skip


def _share_figure(band: pd.DataFrame, name: str, title: str) -> go.Figure:
    fig = make_subplots(rows=1, cols=1)
    _add_band(fig, band, name, PALETTE[0], 1)
    fig.update_yaxes(title_text="share (0–1)", tickformat=".0%")
    fig.update_xaxes(title_text="year")
    return style(fig, title)


def _share_decades(band: pd.DataFrame) -> pd.DataFrame:
    """decade, tracks, share, low, high: the years of each decade pooled, Wilson intervals."""
    rows = []
    for decade, part in band.groupby(band["year"].map(decade_of)):
        n = int(part["tracks"].sum())
        k = round(float((part["mean"] * part["tracks"]).sum()))
        low, high = share_interval(k, n)
        rows.append({"decade": f"{decade}s", "tracks": n, "share": k / n if n else math.nan,
                     "low": low, "high": high})  # fmt: skip
    return pd.DataFrame(rows, columns=["decade", "tracks", "share", "low", "high"])


def _last_solid(band: pd.DataFrame, decade: int) -> str:
    part = band[(band["year"] // 10 * 10 == decade) & ~band["few"]]
    if part.empty:
        return ""
    k = float((part["mean"] * part["tracks"]).sum())
    n = int(part["tracks"].sum())
    low, high = share_interval(round(k), n)
    return f"{k / n:.1%} in the {decade}s (95% CI {low:.1%}–{high:.1%}, {n:,} tracks)"


def _share_finding(
    reader: GoldReader, query: str, count: str, key: str, title: str, lead: str, method: str
) -> Finding:
    """A yearly share (``count`` of ``tracks``) with Wilson bands, pooled by decade."""
    band = _share_frame(reader.run(query, **YEARS).frame, count, "tracks")
    said = [t for t in (_last_solid(band, d) for d in (1990, 2000, 2010)) if t]
    headline = (f"{lead}: " + "; ".join(said) + "." if said
                else f"Too little data: no decade from the 1990s has a year with "
                f"{MIN_TRACKS} tracks.")  # fmt: skip
    figure = _share_figure(band, title.lower(), f"{title}: share of tracks by year")
    return Finding(key, title, headline, method, figure, _share_decades(band))


def _explicit(reader: GoldReader) -> Finding:
    return _share_finding(reader, "explicit_share", "explicit_tracks", "explicit",
                          "Explicit lyrics", "The explicit share",
                          "Explicit tracks / all tracks per year, Wilson 95% "
                          "intervals.")  # fmt: skip


def _duration(reader: GoldReader) -> Finding:
    frame = _yearly(reader, ["duration_min"])
    decades = _decades(frame, "duration_min")
    by = decades.set_index("decade")
    said = [f"{by.loc[d, 'mean']:.2f} min in the {d}" for d in ("1990s", "2000s", "2010s")
            if d in by.index and by.loc[d, "tracks"] >= 30]  # fmt: skip
    headline = ("Average track length: " + ", ".join(said) + "." if said
                else "Too little data for track length.")  # fmt: skip
    if "2010s" in by.index and "2020s" in by.index and by.loc["2020s", "tracks"] >= 30:
        diff, low, high = _difference(by.loc["2010s"], by.loc["2020s"])
        verdict = "no significant change" if low <= 0 <= high else "a significant change"
        headline += (f" The streaming era: 2020 against the 2010s, {diff:+.2f} min "
                     f"(95% CI {low:+.2f} to {high:+.2f}): {verdict}.")  # fmt: skip
    return Finding("duration", "Track length", headline,
                   "Mean duration in minutes per year and decade, 95% intervals.",
                   band_figure(frame, ["duration_min"], "Average track length by year"),
                   decades)  # fmt: skip


def _collaborations(reader: GoldReader) -> Finding:
    return _share_finding(reader, "collaborations", "multi_artist_tracks", "collaborations",
                          "Collaborations", "Tracks credited to more than one artist",
                          "Tracks with two or more artists / all tracks per year, Wilson "
                          "intervals.")  # fmt: skip


KEYS = ("C", "C♯/D♭", "D", "D♯/E♭", "E", "F", "F♯/G♭", "G", "G♯/A♭", "A", "A♯/B♭", "B")


def _key_mode(reader: GoldReader) -> Finding:
    frame = reader.run("key_mode").frame
    total = int(frame["tracks"].sum())
    if total == 0:
        return Finding("key_mode", "Keys and modes", "No tracks.", "", go.Figure())
    frame = frame.assign(key_name=frame["key"].map(lambda k: KEYS[int(k)] if 0 <= k < 12 else k),
                         mode_name=frame["mode"].map({1: "major", 0: "minor"}))  # fmt: skip
    fig = go.Figure()
    for i, (mode, part) in enumerate(frame.groupby("mode_name", sort=True)):
        fig.add_bar(x=part["key_name"], y=part["tracks"] / total, name=mode,
                    marker_color=PALETTE[i],
                    hovertemplate=f"{mode} %{{x}}: %{{y:.1%}}<extra></extra>")  # fmt: skip
    fig.update_layout(barmode="group", yaxis_tickformat=".0%", yaxis_title="share of tracks",
                      xaxis_title="key")  # fmt: skip
    major = int(frame.loc[frame["mode"] == 1, "tracks"].sum())
    low, high = share_interval(major, total)
    top = frame.sort_values(["tracks", "key"], ascending=[False, True]).iloc[0]
    headline = (f"{major / total:.1%} of tracks are in a major key (95% CI {low:.1%}–{high:.1%}); "
                f"the most common key is {top.key_name} {top.mode_name} "
                f"({top.tracks / total:.1%}).")  # fmt: skip
    return Finding("key_mode", "Keys and modes", headline, "Counts of key × mode from gold.",
                   style(fig, "Keys and modes, share of all tracks"),
                   _key_table(frame, total))  # fmt: skip


def _key_table(frame: pd.DataFrame, total: int) -> pd.DataFrame:
    """One row per key: its tracks and share of all tracks in major and in minor."""
    wide = frame.pivot_table(
        index="key", columns="mode_name", values="tracks", aggfunc="sum", fill_value=0
    ).reindex(columns=["major", "minor"], fill_value=0)
    return pd.DataFrame({"key": [KEYS[int(k)] if 0 <= k < 12 else str(k) for k in wide.index],
                         "major": (wide["major"] / total).to_numpy(),
                         "minor": (wide["minor"] / total).to_numpy(),
                         "tracks": wide.sum(axis=1).astype(int).to_numpy()})  # fmt: skip


def findings(reader: GoldReader) -> list[Finding]:
    """Every finding, in the order the report and the dashboard show them."""
    return [loudness(reader), acoustic(reader), artifacts(reader), correlations(reader),
            *beyond(reader)]  # fmt: skip


# --- the report ------------------------------------------------------------------------------


def _table_md(frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return []
    shown = frame.map(_cell)
    lines = ["| " + " | ".join(map(str, shown.columns)) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in shown.astype(str).to_numpy().tolist()]
    return lines


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def render_markdown(items: list[Finding]) -> str:
    out = ["# Insights", "", "What the data says, computed from gold; every number with its "
           "uncertainty. " + BAND_NOTE, ""]  # fmt: skip
    for f in items:
        out += [f"## {f.title}", "", f.headline, "", *_table_md(f.table), "",
                f"*Method.* {f.method}", ""]  # fmt: skip
    return "\n".join(out)


def render_html(items: list[Finding]) -> str:
    """One self-contained page: plotly.js inlined, fixed element ids (a rebuild from the same
    gold gives the same bytes)."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Insights</title>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<script>{get_plotlyjs()}</script>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:auto;padding:1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}</style>",
        "</head><body><h1>Insights</h1>",
        f"<p>What the data says, computed from gold. {html.escape(BAND_NOTE)}</p>",
    ]
    for i, f in enumerate(items):
        chart = f.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{i}")
        parts += [f"<h2>{html.escape(f.title)}</h2>", f"<p>{_bold(html.escape(f.headline))}</p>",
                  chart, f.table.map(_cell).to_html(index=False, border=0) if not f.table.empty
                  else "", f"<p><em>Method.</em> {html.escape(f.method)}</p>"]  # fmt: skip
    parts.append("<p><a href='/'>Open the dashboard</a></p></body></html>")
    return "\n".join(parts)


def _bold(text: str) -> str:
    pieces = text.split("**")
    return "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(pieces))


def write_reports(gold_db: Path, reports_dir: Path, memory_limit: str) -> list[Finding]:
    """Write insights.md and insights.html into ``reports_dir`` atomically."""
    items = findings(GoldReader(gold_db, memory_limit))
    reports_dir.mkdir(parents=True, exist_ok=True)
    publish.write_text_atomic(reports_dir / REPORT_MD, render_markdown(items))
    publish.write_text_atomic(reports_dir / REPORT_HTML, render_html(items))
    return items
