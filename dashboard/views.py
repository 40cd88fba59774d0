"""What each dashboard interaction shows, as plain functions (no Gradio here).

Every function returns its outputs plus a status line. Bad input and missing data never
raise: :func:`guard` turns them into an empty result and a friendly message. All data
comes from gold through the catalogue (:class:`GoldReader`) or from report files.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import charts
from pipeline import insights
from pipeline.catalogue import DENSITY_BINS, FEATURE_RANGES, ParamError
from pipeline.serving import GoldMissingError, GoldReader, Served
from pipeline.settings import Settings

MAX_INPUT = 500  # characters accepted from a text box before the catalogue even sees it


class Views:
    """All views over one gold file and one reports folder."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.gold = GoldReader(settings.gold_db, settings.serving_memory_limit)
        self.reports = Path(settings.reports_dir)

    def run(self, name: str, **params: Any) -> Served:
        return self.gold.run(name, **params)


def status(*served: Served) -> str:
    """ "served in 1.4 ms" for one or more gold queries."""
    total = sum(s.millis for s in served)
    names = ", ".join(s.name for s in served)
    return f"Served from gold in **{total:.1f} ms** ({names})."


def guard(empty: Callable[[str], tuple]) -> Callable:
    """Wrap a view: friendly messages instead of exceptions, never a traceback."""

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except GoldMissingError as exc:
                return empty(f"Note: {exc}")
            except (ParamError, ValueError, TypeError) as exc:
                return empty(f"Note: {exc}")
            except FileNotFoundError as exc:
                return empty(f"Note: {exc}")
            except Exception as exc:  # noqa: BLE001 - the UI must never show a traceback
                return empty(f"Note: something went wrong: {type(exc).__name__}: {str(exc)[:200]}")

        return wrapper

    return decorator


def _year(value: Any) -> Any:
    """Numbers from the UI arrive as floats; pass whole numbers on, let the catalogue judge."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) > MAX_INPUT:
        raise ParamError(f"that text is too long ({len(text)} characters)")
    return text.strip()


def _decade(value: Any) -> int | None:
    if value in (None, "", "All"):
        return None
    return int(str(value).rstrip("s"))


# --- Overview ----------------------------------------------------------------------------


@guard(lambda m: ("", charts.empty(m), charts.empty(), m))
def overview(v: Views):
    kpi = v.run("overview")
    trends = v.run("year_trends", year_from=1920, year_to=2100,
                   features=["loudness", "energy", "danceability", "acousticness"])  # fmt: skip
    row = kpi.frame.iloc[0]
    built = v.gold.build_info()["built_at"]
    cards = (
        f"### {row.tracks:,} tracks · {row.artists:,} artists · {row.albums:,} albums"
        f" · {row.first_year}–{row.last_year}\n\nGold built {built}. {insights.BAND_NOTE}"
    )
    loud = insights.band_figure(trends.frame, ["loudness"],
                                "The loudness war: average loudness by year")  # fmt: skip
    trend = insights.band_figure(trends.frame, ["energy", "danceability", "acousticness"],
                                 "Energy, danceability and acousticness by year")  # fmt: skip
    return cards, loud, trend, status(kpi, trends)


# --- Trends ------------------------------------------------------------------------------


@guard(lambda m: (charts.empty(m), m))
def trends(v: Views, features, year_from, year_to, explicit):
    """Yearly means with 95% bands; each unit (0–1, dB, BPM, minutes) on its own axis."""
    chosen = list(features or [])
    served = v.run("year_trends", year_from=_year(year_from), year_to=_year(year_to),
                   explicit=explicit or "all", features=chosen)  # fmt: skip
    if served.frame.empty:
        return charts.empty("no tracks in that range"), status(served)
    title = f"Average {', '.join(chosen)} per year ({explicit or 'all'} tracks)"
    return insights.band_figure(served.frame, chosen, title), status(served)


# --- Insights ----------------------------------------------------------------------------

FINDING_OUTPUTS = 4  # per finding: headline, chart, table, method


def _insights_empty(message: str) -> tuple:
    slots = [("", charts.empty(message), pd.DataFrame(), "")] * len(insights.LINKS)
    return (*[x for slot in slots for x in slot], message)


@guard(_insights_empty)
def insight_findings(v: Views):
    """Every finding of :mod:`pipeline.insights`, the same code as the report."""
    start = time.perf_counter()
    items = insights.findings(v.gold)
    took = (time.perf_counter() - start) * 1000
    out: list = []
    for f in items:
        out += [f"### {f.title}\n\n{f.headline}", f.figure, tidy(f.table),
                f"*Method.* {f.method}"]  # fmt: skip
    return (
        *out,
        f"{len(items)} findings computed from gold in **{took:.0f} ms**. " + insights.BAND_NOTE,
    )


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as people read it: floats to 3 significant places, no index."""
    return frame.map(lambda x: float(f"{x:.3g}") if isinstance(x, float) else x)


@guard(lambda m: (charts.empty(m), m))
def decade_profile(v: Views, feature):
    served = v.run("decade_profile", feature=feature)
    return charts.quartiles(served.frame, feature), status(served)


# --- Artists -----------------------------------------------------------------------------


@guard(lambda m: ([], pd.DataFrame(), m))
def artist_search(v: Views, text):
    text = _text(text)
    if not text:
        return [], pd.DataFrame(), "Type part of an artist's name."
    served = v.run("artist_search", text=text, limit=10)
    frame = served.frame[["artist_name", "tracks", "albums", "first_year", "last_year"]]
    if frame.empty:
        return [], frame, f"No artist name contains {text!r}. " + status(served)
    return list(dict.fromkeys(frame.artist_name)), frame, status(served)


@guard(lambda m: (m, charts.empty(), charts.empty(), pd.DataFrame(), m))
def artist_profile(v: Views, name):
    name = _text(name)
    if not name:
        return "Pick an artist.", charts.empty(), charts.empty(), pd.DataFrame(), ""
    profile = v.run("artist_profile", artist=name)
    if profile.frame.empty:
        message = f"No artist called {name!r}."
        return message, charts.empty(message), charts.empty(), pd.DataFrame(), status(profile)
    artist = profile.frame.iloc[0]
    timeline = v.run("artist_timeline", artist_id=artist.artist_id)
    tracks = v.run("tracks", artist_id=artist.artist_id, year_from=1000, year_to=2100,
                   limit=200)  # fmt: skip
    overall = v.run("year_trends", year_from=1000, year_to=2100, features=["danceability",
                    "energy", "valence", "acousticness", "speechiness", "liveness"])  # fmt: skip
    features = ["danceability", "energy", "valence", "acousticness", "speechiness", "liveness"]
    weights = overall.frame["tracks"]
    global_avg = [float((overall.frame[f] * weights).sum() / weights.sum()) for f in features]
    others = f" ({len(profile.frame) - 1} other artists share this name)" if len(
        profile.frame) > 1 else ""  # fmt: skip
    summary = (
        f"### {artist.artist_name}{others}\n{artist.tracks:,} tracks on {artist.albums:,} albums,"
        f" {artist.first_year}–{artist.last_year}; explicit {artist.explicit_share:.0%}"
    )
    timeline_fig = charts.bars(timeline.frame, "year", "tracks", "Tracks per year")
    compare = charts.compare_bars(
        features,
        {artist.artist_name: [float(artist[f]) for f in features], "all tracks": global_avg},
        "Audio features: this artist against all tracks",
    )
    return summary, timeline_fig, compare, tracks.frame, status(profile, timeline, tracks, overall)


@guard(lambda m: (pd.DataFrame(), m))
def top_artists(v: Views, year_from, year_to, limit):
    served = v.run("top_artists", year_from=_year(year_from), year_to=_year(year_to),
                   limit=_year(limit))  # fmt: skip
    return served.frame, status(served)


# --- Explore -----------------------------------------------------------------------------


def _centres(feature: str) -> list[float]:
    lo, hi = FEATURE_RANGES[feature]
    step = (hi - lo) / DENSITY_BINS
    return [round(lo + step * (i + 0.5), 4) for i in range(DENSITY_BINS)]


@guard(lambda m: (charts.empty(m), m))
def density(v: Views, feature_x, feature_y, decade):
    served = v.run("density", feature_x=feature_x, feature_y=feature_y, decade=_decade(decade))
    grid = [[0] * DENSITY_BINS for _ in range(DENSITY_BINS)]
    for bx, by, n in served.frame.itertuples(index=False):
        grid[by][bx] = int(n)
    scope = decade if decade not in (None, "", "All") else "all decades"
    fig = charts.heatmap(grid, _centres(feature_x), _centres(feature_y),
                         f"Tracks by {feature_x} and {feature_y} ({scope})")  # fmt: skip
    fig.update_layout(xaxis_title=feature_x, yaxis_title=feature_y)
    return fig, status(served)


@guard(lambda m: (charts.empty(m), m))
def correlations(v: Views, decade):
    served = v.run("correlations", decade=_decade(decade))
    frame = served.frame
    names = list(dict.fromkeys([*frame.feature_x, *frame.feature_y]))
    matrix = pd.DataFrame(1.0, index=names, columns=names)
    for fx, fy, c in frame.itertuples(index=False):
        matrix.loc[fx, fy] = matrix.loc[fy, fx] = c
    fig = charts.heatmap(matrix.values, names, names, "Correlation of audio features",
                         colorscale="RdBu", zmid=0)  # fmt: skip
    return fig, status(served)


KEYS = ["C", "C♯/D♭", "D", "D♯/E♭", "E", "F", "F♯/G♭", "G", "G♯/A♭", "A", "A♯/B♭", "B"]


@guard(lambda m: (charts.empty(m), m))
def key_mode(v: Views, decade):
    served = v.run("key_mode", decade=_decade(decade))
    grid = [[0] * 12 for _ in range(2)]
    for key, mode, n in served.frame.itertuples(index=False):
        grid[int(mode)][int(key)] = int(n)
    fig = charts.heatmap(grid, KEYS, ["minor", "major"], "Tracks by key and mode")
    return fig, status(served)


@guard(lambda m: (pd.DataFrame(), m))
def track_list(v: Views, year_from, year_to, explicit, name_contains, limit):
    text = _text(name_contains) or None
    served = v.run("tracks", year_from=_year(year_from), year_to=_year(year_to),
                   explicit=explicit or "all", name_contains=text, limit=_year(limit))  # fmt: skip
    frame = served.frame.copy()
    frame["artists"] = frame["artists"].map(lambda a: ", ".join(a))
    return frame, status(served)


# --- Reports -----------------------------------------------------------------------------


def _load_json(path: Path, what: str) -> dict:
    if not path.exists():
        raise FileNotFoundError(f"no {what} at {path}: run `make all` to create it")
    return json.loads(path.read_text())


@guard(lambda m: (charts.empty(m), charts.empty(), pd.DataFrame(), m))
def data_quality(v: Views):
    report = _load_json(v.reports / "data_quality.json", "data-quality report")
    layers = report["layers"]
    funnel = pd.DataFrame({"layer": ["raw CSV", "bronze", "silver", "gold"],
                           "rows": [layers["raw"], layers["bronze"], layers["silver"],
                                    layers["gold_tracks"]]})  # fmt: skip
    funnel_fig = charts.bars(funnel, "layer", "rows", "Rows per layer")
    reasons = [("quarantine: " + k, n) for k, n in report["quarantine_by_reason"].items()]
    reasons += [("reject: " + k, n) for k, n in report["rejects_by_reason"].items()]
    reasons_frame = pd.DataFrame(reasons or [("none", 0)], columns=["reason", "rows"])
    reasons_fig = charts.bars(reasons_frame, "reason", "rows", "Rows dropped, by reason",
                              color="#e25a1c")  # fmt: skip
    examples = [
        {"reason": reason, **{k: str(v_) for k, v_ in row.items()}}
        for section in ("quarantine_examples", "reject_examples")
        for reason, rows in report[section].items()
        for row in rows
    ]
    examples += [  # kept, but worth a look (an older report has none)
        {"reason": "kept: possible duplicate", **{k: str(v_) for k, v_ in row.items()}}
        for row in report.get("possible_duplicates", [])
    ]
    checks = " · ".join(f"{c['check']}: {'OK' if c['ok'] else 'FAILED'}" for c in report["checks"])
    return funnel_fig, reasons_fig, pd.DataFrame(examples), checks


@guard(lambda m: (charts.empty(m), charts.empty(), pd.DataFrame(), pd.DataFrame(),
                  charts.empty(), m))  # fmt: skip
def benchmarks(v: Views):
    from bench.report import ETL_STEPS, environment_lines, rows

    result = _load_json(v.reports / "benchmarks" / "latest.json", "benchmark results")
    all_rows = rows(result)
    serving = [
        {"query": r.info.get("query"), "variant": r.variant, "median_ms": r.median * 1e3}
        for r in all_rows
        if r.variant in ("duckdb_gold", "duckdb_silver", "spark_hot", "spark_cold")
    ]
    storage = next((r.info["sizes"] for r in all_rows if r.variant == "storage"), {})
    etl = []
    for r in all_rows:
        if r.variant == "etl" and r.info.get("query") == "bronze+silver":
            etl += [("Spark bronze", r.info["bronze_s"]), ("Spark silver", r.info["silver_s"])]
        elif r.variant == "etl":
            etl.append((ETL_STEPS.get(r.info.get("query"), r.info.get("query")), r.median))
    env = pd.DataFrame(environment_lines(result.get("environment", {})), columns=["", "value"])
    scale_fig = charts.empty("run `make bench-scale` for the scale curve")
    scale_path = v.reports / "scale.json"
    if scale_path.exists():
        runs = json.loads(scale_path.read_text())["runs"]
        points = pd.DataFrame(
            [{"rows": run["rows"], "series": f"{b['query']} · {b['variant']}",
              "seconds": b["median"]} for run in runs for b in run["benchmarks"]]
        )  # fmt: skip
        scale_fig = charts.lines(points.pivot(index="rows", columns="series", values="seconds")
                                 .reset_index(), "rows", sorted(points.series.unique()),
                                 "Scale: seconds against rows")  # fmt: skip
        scale_fig.update_layout(xaxis_type="log", yaxis_type="log")
    failures = result.get("failures", [])
    note = (
        f"{len(all_rows)} benchmarks, {len(failures)} failed answer checks. "
        "Full report: [latency.html](/reports/latency.html)"
    )
    return (charts.serving_latency(serving), charts.storage(storage),
            pd.DataFrame(etl, columns=["step", "seconds"]), env, scale_fig, note)  # fmt: skip
