"""What each dashboard interaction shows, as plain functions (no Gradio here).

Every function returns its outputs plus a status line. Bad input and missing data never
raise: :func:`guard` turns them into an empty result and a friendly message. All data
comes from gold through the catalogue (:class:`GoldReader`) or from report files.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import charts
from pipeline.catalogue import DENSITY_BINS, FEATURE_RANGES, LIMIT, MAX_LIMIT, ParamError
from pipeline.chartstyle import PALETTE, unit_title
from pipeline.layers import insights
from pipeline.schema import AUDIO_FEATURES
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
    """ "Served from gold in 1.4 ms" for one or more gold queries: the queries' own time. A
    worker thread's first use opens its gold connection; that is said apart, never counted
    as query time (the benchmark times queries on open connections too)."""
    total = sum(s.millis for s in served)
    names = ", ".join(s.name for s in served)
    opened = sum(s.open_seconds for s in served) * 1000
    extra = f" Opening this worker's gold connection took {opened:.0f} ms more, once." if (
        opened >= 1) else ""  # fmt: skip
    return f"Served from gold in **{total:.1f} ms** ({names}).{extra}"


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
    title = (f"Average {', '.join(chosen)} per year, {_year(year_from)}–{_year(year_to)}, "
             f"{explicit or 'all'} tracks")  # fmt: skip
    return insights.band_figure(served.frame, chosen, title), status(served)


# --- Insights ----------------------------------------------------------------------------

FINDING_OUTPUTS = 4  # per finding: headline, chart, table, method


def _insights_empty(message: str) -> tuple:
    slots = [("", charts.empty(message), pd.DataFrame(), "")] * len(insights.LINKS)
    return (*[x for slot in slots for x in slot], message)


@guard(_insights_empty)
def insight_findings(v: Views):
    """Every finding of :mod:`pipeline.layers.insights`, the same code as the report."""
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


# --- Tables ------------------------------------------------------------------------------

HEADERS = {
    "artist_name": "Artist", "tracks": "Tracks", "albums": "Albums", "years": "Years",
    "name": "Title", "album": "Album", "primary_artist": "Artist", "artists": "Artists",
    "year": "Year", "explicit": "Explicit", "explicit_share": "Explicit share",
    **{f: unit_title(f) for f in AUDIO_FEATURES},
}  # fmt: skip
DECIMALS = {"tempo": 0, "loudness": 1, "duration_min": 2}  # 0–1 features: 2
HIDDEN = ("id", "artist_id", "artist_ids", "artist_num", "first_year", "last_year")
SHOWN_ROWS = 50  # rows drawn in a table; its CSV holds the whole (capped) result


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as people read it: no ids, artist lists joined by ", " (everywhere), numbers
    rounded to what the data supports, headers in words with units."""
    out = frame.copy()
    if {"first_year", "last_year"} <= set(out.columns):
        out.insert(
            out.columns.get_loc("first_year"),
            "years",
            [f"{a}–{b}" for a, b in zip(out.first_year, out.last_year, strict=True)],
        )
    for column in out.columns:
        if column == "artists":
            out[column] = out[column].map(lambda a: ", ".join(a) if a is not None else "")
        elif column == "explicit":
            out[column] = out[column].map({True: "yes", False: "no"})
        elif column == "explicit_share":
            out[column] = out[column].map(lambda x: f"{x:.0%}")
        elif out[column].dtype.kind == "f":
            out[column] = out[column].round(DECIMALS.get(column, 2))
    out = out.drop(columns=[c for c in HIDDEN if c in out.columns])
    return out.rename(columns=HEADERS)


def csv_file(frame: pd.DataFrame, stem: str) -> str:
    """The table's CSV in a fresh temporary folder (Gradio serves it from its cache)."""
    folder = Path(tempfile.mkdtemp(prefix="spotify-medallion-"))
    path = folder / f"{stem}.csv"
    readable(frame).to_csv(path, index=False)
    return str(path)


def rows_note(shown: int, total: int, capped: bool, what: str) -> str:
    """ "Showing 50 of 1,234 tracks." / "… of at least 1,000 (the catalogue's limit)"."""
    of = f"at least {total:,} {what} (the catalogue's limit of {MAX_LIMIT:,} rows)" if (
        capped) else f"{total:,} {what}"  # fmt: skip
    return f"Showing {shown:,} of {of}. The CSV holds all {min(total, MAX_LIMIT):,}."


def artist_label(row: Any) -> str:
    """What tells artists apart in a list: name, tracks and years."""
    tracks = f"{row.tracks:,} track{'' if row.tracks == 1 else 's'}"
    return f"{row.artist_name} · {tracks} · {row.first_year}–{row.last_year}"


def _links(frame: pd.DataFrame, id_column: str, name_column: str) -> list[tuple[str, str]]:
    """(label, artist id) per shown row: what a click on that row opens."""
    return [(str(n), str(i)) for n, i in zip(frame[name_column], frame[id_column], strict=True)]


# --- Artists -----------------------------------------------------------------------------

ARTIST_HEADERS = ["Artist", "Years", "Tracks", "Albums"]
TRACK_HEADERS = ["Title", "Album", "Artist", "Artists", "Year", "Explicit"]
ID_PATTERN = re.compile(r"[0-9A-Za-z]{22}")  # a Spotify id


def _no_artists(message: str) -> tuple:
    return [], pd.DataFrame(columns=ARTIST_HEADERS), [], None, message


@guard(_no_artists)
def artist_search(v: Views, text):
    """Choices (label, id) for the artist list, the matching artists, the rows' links, a CSV
    of every match (up to the catalogue's limit) and the status line."""
    text = _text(text)
    if not text:
        return _no_artists("Type part of an artist's name and press Enter.")
    served = v.run("artist_search", text=text, limit=MAX_LIMIT)
    full = served.frame
    if full.empty:
        return _no_artists(f"No artist name contains {text!r}. Try a shorter part of the name. "
                           + status(served))  # fmt: skip
    shown = full.head(SHOWN_ROWS)
    choices = [(artist_label(r), r.artist_id) for r in shown.itertuples()]
    note = rows_note(len(shown), len(full), len(full) >= MAX_LIMIT, "matching artists")
    table = readable(shown[["artist_id", "artist_name", "first_year", "last_year", "tracks",
                            "albums"]])  # fmt: skip
    return (choices, table, _links(shown, "artist_id", "artist_name"), csv_file(full, "artists"),
            f"{note} Click a row to open the artist. {status(served)}")  # fmt: skip


def _find_artist(v: Views, choice: str) -> Served:
    """An artist id (from a list or a click) or a name typed by the user."""
    if ID_PATTERN.fullmatch(choice):
        served = v.run("artist_profile", artist_id=choice)
        if not served.frame.empty:
            return served
    return v.run("artist_profile", artist=choice)


def _no_profile(message: str) -> tuple:
    return (message, charts.empty(message), charts.empty(), pd.DataFrame(columns=TRACK_HEADERS),
            [], None, message)  # fmt: skip


@guard(_no_profile)
def artist_profile(v: Views, artist):
    """One artist (an id, or a name: then the one with most tracks, and the others named)."""
    choice = _text(artist)
    if not choice:
        return _no_profile("Pick an artist.")
    profile = _find_artist(v, choice)
    if profile.frame.empty:
        return _no_profile(f"No artist called {choice!r}. " + status(profile))
    artist = profile.frame.iloc[0]
    timeline = v.run("artist_timeline", artist_id=artist.artist_id)
    tracks = v.run("tracks", artist_id=artist.artist_id, year_from=1000, year_to=2100,
                   limit=MAX_LIMIT)  # fmt: skip
    overall = v.run("year_trends", year_from=1000, year_to=2100, features=list(PROFILE_BARS))
    weights = overall.frame["tracks"]
    global_avg = [float((overall.frame[f] * weights).sum() / weights.sum()) for f in PROFILE_BARS]
    namesakes = v.run("artist_profile", artist=artist.artist_name)
    summary = (
        f"### {artist.artist_name}\n{artist.tracks:,} tracks on {artist.albums:,} albums,"
        f" {artist.first_year}–{artist.last_year}; explicit {artist.explicit_share:.0%}"
        + _namesakes(namesakes.frame, artist.artist_id)
    )
    timeline_fig = charts.bars(
        timeline.frame, "year", "tracks", f"{artist.artist_name}: tracks per year", "year", "tracks"
    )
    compare = charts.compare_bars(
        list(PROFILE_BARS),
        {artist.artist_name: [float(artist[f]) for f in PROFILE_BARS], "all tracks": global_avg},
        f"{artist.artist_name}: audio features against all tracks", "mean (0–1)",
    )  # fmt: skip
    full = tracks.frame
    shown = full.head(SHOWN_ROWS)
    note = rows_note(len(shown), int(artist.tracks), False, "tracks")
    links = _links(shown.assign(first=shown["artist_ids"].map(lambda a: a[0])), "first",
                   "primary_artist")  # fmt: skip
    return (summary, timeline_fig, compare, readable(shown), links,
            csv_file(full, "artist_tracks"),
            note + " " + status(profile, timeline, tracks, overall, namesakes))  # fmt: skip


PROFILE_BARS = ("danceability", "energy", "valence", "acousticness", "speechiness", "liveness")


def _namesakes(frame: pd.DataFrame, shown_id: str) -> str:
    others = frame[frame["artist_id"] != shown_id]
    if others.empty:
        return ""
    listed = "; ".join(artist_label(r) for r in others.head(5).itertuples())
    verb = "artists share" if len(others) > 1 else "artist shares"
    return f"\n\n{len(others)} other {verb} this name (search the name to open them): {listed}."


@guard(lambda m: (pd.DataFrame(columns=["Artist", "Tracks"]), [], None, m))
def top_artists(v: Views, year_from, year_to, limit):
    served = v.run("top_artists", year_from=_year(year_from), year_to=_year(year_to),
                   limit=_year(limit))  # fmt: skip
    frame = served.frame
    years = f"{_year(year_from)}–{_year(year_to)}"
    if frame.empty:
        return (pd.DataFrame(columns=["Artist", "Tracks"]), [], None,
                f"No tracks from {years}. " + status(served))  # fmt: skip
    note = (f"The top {len(frame):,} artists by tracks released {years}. Click a row to open "
            "the artist. ")  # fmt: skip
    return (readable(frame), _links(frame, "artist_id", "artist_name"),
            csv_file(frame, "top_artists"), note + status(served))  # fmt: skip


# --- Explore -----------------------------------------------------------------------------


def _centres(feature: str) -> list[float]:
    lo, hi = FEATURE_RANGES[feature]
    step = (hi - lo) / DENSITY_BINS
    return [round(lo + step * (i + 0.5), 4) for i in range(DENSITY_BINS)]


def _scope(decade: Any) -> str:
    return decade if decade not in (None, "", "All") else "all decades"


@guard(lambda m: (charts.empty(m), m))
def density(v: Views, feature_x, feature_y, decade):
    served = v.run("density", feature_x=feature_x, feature_y=feature_y, decade=_decade(decade))
    grid = [[0] * DENSITY_BINS for _ in range(DENSITY_BINS)]
    for bx, by, n in served.frame.itertuples(index=False):
        grid[by][bx] = int(n)
    fig = charts.density(grid, _centres(feature_x), _centres(feature_y), feature_x, feature_y,
                         f"Tracks by {feature_x} and {feature_y}, {_scope(decade)}")  # fmt: skip
    return fig, status(served)


@guard(lambda m: (charts.empty(m), m))
def correlations(v: Views, decade):
    served = v.run("correlations", decade=_decade(decade))
    frame = served.frame
    names = list(dict.fromkeys([*frame.feature_x, *frame.feature_y]))
    matrix = pd.DataFrame(1.0, index=names, columns=names)
    for fx, fy, c in frame.itertuples(index=False):
        matrix.loc[fx, fy] = matrix.loc[fy, fx] = c
    fig = charts.correlation(matrix, f"Pearson r between audio features, {_scope(decade)}")
    return fig, status(served)


KEYS = ["C", "C♯/D♭", "D", "D♯/E♭", "E", "F", "F♯/G♭", "G", "G♯/A♭", "A", "A♯/B♭", "B"]


@guard(lambda m: (charts.empty(m), m))
def key_mode(v: Views, decade):
    served = v.run("key_mode", decade=_decade(decade))
    grid = [[0] * 12 for _ in range(2)]
    for key, mode, n in served.frame.itertuples(index=False):
        grid[int(mode)][int(key)] = int(n)
    return charts.key_mode(grid, KEYS, f"Keys and modes, {_scope(decade)}"), status(served)


def _decade_years(decade: Any) -> tuple[int, int]:
    start = _decade(decade)
    return (1000, 2100) if start is None else (start, start + 9)


@guard(lambda m: (pd.DataFrame(columns=TRACK_HEADERS), [], None, m))
def track_list(v: Views, decade, explicit, name_contains, limit):
    """The tracks of Explore's decade (the one decade control drives every Explore view)."""
    text = _text(name_contains) or None
    year_from, year_to = _decade_years(decade)
    shown_limit = LIMIT.validate(_year(limit))
    served = v.run("tracks", year_from=year_from, year_to=year_to, explicit=explicit or "all",
                   name_contains=text, limit=MAX_LIMIT)  # fmt: skip
    full = served.frame
    filters = f"{_scope(decade)}, {explicit or 'all'} tracks" + (
        f", title contains {text!r}" if text else "")  # fmt: skip
    if full.empty:
        return (pd.DataFrame(columns=TRACK_HEADERS), [], None,
                f"No track matches ({filters}). " + status(served))  # fmt: skip
    shown = full.head(shown_limit)
    note = rows_note(len(shown), len(full), len(full) >= MAX_LIMIT, f"tracks ({filters})")
    links = _links(shown.assign(first=shown["artist_ids"].map(lambda a: a[0])), "first",
                   "primary_artist")  # fmt: skip
    return (readable(shown), links, csv_file(full, "tracks"),
            f"{note} Click a row to open its artist. {status(served)}")  # fmt: skip


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
    lost = [""] + [f"{b - a:+,}" if b != a else "±0" for a, b in
                   zip(funnel["rows"][:-1], funnel["rows"][1:], strict=True)]  # fmt: skip
    text = [f"{n:,}<br>{d}" if d else f"{n:,}" for n, d in zip(funnel["rows"], lost,
                                                                strict=True)]  # fmt: skip
    funnel_fig = charts.bars(funnel, "layer", "rows", "Rows per layer (the change from the "
                             "layer before is written on each bar)", "layer", "rows",
                             text=text)  # fmt: skip
    reasons = [("quarantine: " + k, n) for k, n in report["quarantine_by_reason"].items()]
    reasons += [("reject: " + k, n) for k, n in report["rejects_by_reason"].items()]
    reasons_frame = pd.DataFrame(reasons or [("none", 0)], columns=["reason", "rows"])
    reasons_fig = charts.bars(reasons_frame, "reason", "rows", "Rows dropped, by reason",
                              "reason", "rows", colour=PALETTE[3],
                              text=[f"{n:,}" for n in reasons_frame["rows"]])  # fmt: skip
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
    dropped = int(reasons_frame["rows"].sum())
    checks += (f"\n\nExample rows: showing {len(examples):,}, a few per reason, of {dropped:,} "
               "dropped rows and the possible duplicates kept.")  # fmt: skip
    return funnel_fig, reasons_fig, pd.DataFrame(examples), checks


@guard(lambda m: (charts.empty(m), charts.empty(), pd.DataFrame(), pd.DataFrame(),
                  charts.empty(), m))  # fmt: skip
def benchmarks(v: Views):
    from bench.results import ETL_STEPS, environment_lines, rows

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
            [{"rows": run["rows"], "variant": b["variant"], "seconds": b["median"]}
             for run in runs for b in run["benchmarks"]]
        )  # fmt: skip
        if not points.empty:
            scale_fig = charts.scale(points)
    failures = result.get("failures", [])
    note = (
        f"{len(all_rows)} benchmarks, {len(failures)} failed answer checks. "
        "Full report: [latency.html](/reports/latency.html)"
    )
    return (charts.serving_latency(serving), charts.storage(storage),
            pd.DataFrame(etl, columns=["step", "seconds"]).round({"seconds": 1}), env, scale_fig,
            note)  # fmt: skip
