"""The query catalogue: every question the product answers, defined once, in two forms.

Each :class:`Query` has a DuckDB form over gold (the serving path) and a Spark SQL form
over silver (the "direct query" that gold exists to replace), side by side. Both return
the same columns in the same, fully defined order; ``tests/test_catalogue.py`` runs every
query in both engines and asserts equal answers. The dashboard and the benchmarks use only
these queries.

User values reach SQL only as bound parameters (``$name`` in DuckDB, ``:name`` in Spark);
the only text formatted into SQL is built here from the constant feature lists below.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.schema import AUDIO_FEATURES, UNIT_FEATURES

# Features charted per year and per artist; correlations use the same list.
TREND_FEATURES: tuple[str, ...] = AUDIO_FEATURES
PROFILE_FEATURES: tuple[str, ...] = AUDIO_FEATURES
ARTIST_FEATURES: tuple[str, ...] = (*UNIT_FEATURES, "loudness", "tempo")
FEATURE_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (a, b) for i, a in enumerate(AUDIO_FEATURES) for b in AUDIO_FEATURES[i + 1 :]
)
EXPLICIT_FILTERS = ("all", "explicit", "clean")
# Value range binned by the density query, per feature (values outside are clamped).
FEATURE_RANGES: dict[str, tuple[float, float]] = {
    **{f: (0.0, 1.0) for f in UNIT_FEATURES},
    "loudness": (-60.0, 5.0),
    "tempo": (0.0, 250.0),
    "duration_min": (0.0, 20.0),
}
DENSITY_BINS = 20
YEAR_MIN, YEAR_MAX = 1000, 2100
MAX_TEXT = 200
MAX_LIMIT = 1000


class ParamError(ValueError):
    """A parameter value the catalogue refuses, with a message fit for the user."""


@dataclass(frozen=True)
class Param:
    """One parameter: its type, default and the values it accepts."""

    name: str
    kind: type
    default: Any
    help: str = ""
    choices: tuple | None = None
    low: int | None = None
    high: int | None = None
    nullable: bool = False
    many: bool = False  # a list of ``choices`` (e.g. features); never reaches SQL

    def validate(self, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip() and self.nullable):
            if self.nullable:
                return None
            raise ParamError(f"{self.name} is required")
        if self.many:
            return self._validate_many(value)
        return self._validate_one(value)

    def _validate_many(self, value: Any) -> tuple:
        items = (value,) if isinstance(value, str) else tuple(value)
        if not items:
            raise ParamError(f"{self.name}: choose at least one of {', '.join(self.choices)}")
        for item in items:
            if item not in self.choices:
                raise ParamError(
                    f"{self.name}: unknown value {str(item)[:40]!r}; "
                    f"expected one of {', '.join(self.choices)}"
                )
        return tuple(dict.fromkeys(items))

    def _validate_one(self, value: Any) -> Any:
        if self.kind is int:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise ParamError(f"{self.name} must be a whole number")
            try:
                number = float(value)
            except ValueError:
                raise ParamError(
                    f"{self.name} must be a whole number, got {str(value)[:40]!r}"
                ) from None
            if not math.isfinite(number) or number != int(number):
                raise ParamError(f"{self.name} must be a whole number, got {value!r}")
            value = int(number)
            if self.low is not None and value < self.low:
                raise ParamError(f"{self.name} must be at least {self.low}, got {value}")
            if self.high is not None and value > self.high:
                raise ParamError(f"{self.name} must be at most {self.high}, got {value}")
        elif self.kind is str:
            value = str(value).strip()
            if not value:
                raise ParamError(f"{self.name} must not be empty")
            if len(value) > MAX_TEXT:
                raise ParamError(f"{self.name} is too long ({len(value)} > {MAX_TEXT} characters)")
        if self.choices is not None and value not in self.choices:
            raise ParamError(
                f"{self.name}: unknown value {str(value)[:40]!r}; "
                f"expected one of {', '.join(map(str, self.choices))}"
            )
        return value


@dataclass(frozen=True)
class Query:
    """A named question, its parameters and its two equivalent SQL forms."""

    name: str
    description: str
    params: tuple[Param, ...]
    duckdb: str  # over gold tables, $name parameters
    spark: str  # over the silver views silver_tracks / silver_track_artists, :name parameters
    check: Callable[[dict], None] | None = None  # rules across parameters
    columns: Callable[[dict], list[str]] | None = None  # output columns chosen by a param
    sql_params: tuple[str, ...] = field(default=())  # params bound into SQL (default: all)
    # DuckDB straight over silver (views ``t`` / ``ta``), for queries whose gold form leans
    # on gold-only precomputation; the others run their gold form over views of silver.
    duckdb_silver: str | None = None

    def duckdb_direct(self) -> str:
        """The DuckDB SQL for the "DuckDB direct on silver" path (see gold.silver_views)."""
        return self.duckdb_silver or self.duckdb

    def bind(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults filled in, every value validated; raises :class:`ParamError`."""
        values = dict(values or {})
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ParamError(f"{self.name}: unknown parameter(s) {', '.join(unknown)}")
        bound = {p.name: p.validate(values.get(p.name, p.default)) for p in self.params}
        if self.check:
            self.check(bound)
        return bound

    def sql_args(self, bound: Mapping[str, Any]) -> dict[str, Any]:
        """The subset of bound values that the SQL text references."""
        names = self.sql_params or tuple(p.name for p in self.params if not p.many)
        return {n: bound[n] for n in names}


def _year_range(bound: dict) -> None:
    if bound["year_from"] > bound["year_to"]:
        raise ParamError(f"year range is reversed: from {bound['year_from']} to {bound['year_to']}")


def _artist_given(bound: dict) -> None:
    if bound["artist"] is None and bound["artist_id"] is None:
        raise ParamError("artist_profile: give an artist's name, an artist_id, or both")


def _cols(*names: str) -> str:
    return ", ".join(names)


def avg_columns(features, prefix: str = "") -> str:
    """``avg(f) AS f, ...`` for constant feature names: shared by the catalogue and gold."""
    return ", ".join(f"avg({prefix}{f}) AS {f}" for f in features)


def sd_columns(features) -> str:
    """``stddev_samp(f) AS f_sd, ...``: the spread behind each mean (confidence bands)."""
    return ", ".join(f"stddev_samp({f}) AS {f}_sd" for f in features)


# A name or album that says "remaster" as a word (remaster, remastered, remastering,
# remasters), any case. No backslashes, so the pattern means the same in both engines' SQL;
# only the function's name differs (DuckDB regexp_matches, Spark regexp_like).
REMASTER_PATTERN = "(^|[^a-z0-9])remaster(ed|ing|s)?([^a-z0-9]|$)"


def remaster_match(function: str) -> str:
    return f"{function}(lower(concat(name, ' ', album)), '{REMASTER_PATTERN}')"


REMASTER_FEATURES = ("loudness", "energy")


# Pearson's r in two passes, written once for gold's build and both direct forms: the
# scope's means (``m``), then sums of products of deviations from them over the rows
# (``t``). Exact to ~1e-13 and cheaper than corr(), which keeps six running moments per
# pair and row: in Spark, 45 corr() aggregates outgrow whole-stage code generation and ran
# at 10-11 s a query against 2.7-3 s for these sums (1.2M rows, same session, same answer
# to 1e-13). Silver has no null or NaN feature, so every row of the scope counts, as in
# corr(); a constant feature gives NaN.
CORR_FEATURES = tuple(f for f in AUDIO_FEATURES if any(f in pair for pair in FEATURE_PAIRS))


def pearson_means() -> str:
    """``avg(f) AS m_f, ...``: the first pass."""
    return ", ".join(f"avg({f}) AS m_{f}" for f in CORR_FEATURES)


def pearson_sums() -> str:
    """``sum((t.a - m.m_a) * (t.b - m.m_b)) AS s_a__b, ...`` for every pair and square."""
    squares = tuple((f, f) for f in CORR_FEATURES)
    return ", ".join(
        f"sum((t.{a} - m.m_{a}) * (t.{b} - m.m_{b})) AS s_{a}__{b}"
        for a, b in (*FEATURE_PAIRS, *squares)
    )


def pearson_r(a: str, b: str) -> str:
    """Pearson's r of ``a`` and ``b`` from the sums of :func:`pearson_sums`."""
    return f"s_{a}__{b} / sqrt(s_{a}__{a} * s_{b}__{b})"


def pearson_structs() -> str:
    """The pairs as DuckDB structs ``{'feature_x': .., 'feature_y': .., 'corr': r}``."""
    return ", ".join(
        f"{{'feature_x': '{a}', 'feature_y': '{b}', 'corr': {pearson_r(a, b)}}}"
        for a, b in FEATURE_PAIRS
    )


YEAR_FROM = Param("year_from", int, 1950, "first year", low=YEAR_MIN, high=YEAR_MAX)
YEAR_TO = Param("year_to", int, 2020, "last year", low=YEAR_MIN, high=YEAR_MAX)
EXPLICIT = Param("explicit", str, "all", "all, explicit or clean", choices=EXPLICIT_FILTERS)
DECADE = Param("decade", int, None, "a decade such as 1990, or empty for all", low=YEAR_MIN,
               high=YEAR_MAX, nullable=True)  # fmt: skip
LIMIT = Param("limit", int, 20, "maximum rows", low=1, high=MAX_LIMIT)
SD_COLUMNS = tuple(f"{f}_sd" for f in TREND_FEATURES)
SPARK_EXPLICIT = "(:explicit = 'all' OR explicit = (:explicit = 'explicit'))"


@dataclass(frozen=True)
class Silver:
    """How one engine's direct query names silver: its two views and its parameter marker."""

    tracks: str
    artists: str
    param: str  # prefixes a parameter name: ":" in Spark SQL, "$" in DuckDB

    def render(self, template: str) -> str:
        """``template`` for this engine: ``{tracks}`` and ``{artists}`` name silver's views,
        ``{p}`` marks a parameter (``{p}limit``)."""
        names = {"{tracks}": self.tracks, "{artists}": self.artists, "{p}": self.param}
        for token, text in names.items():
            template = template.replace(token, text)
        return template


SPARK_SILVER = Silver("silver_tracks", "silver_track_artists", ":")
DUCKDB_SILVER = Silver("t", "ta", "$")  # gold.silver_views


def _direct_correlations() -> dict[str, str]:
    """Both direct forms of ``correlations``: one scope in the two passes of
    :func:`pearson_sums`; only the unpivot differs by engine."""
    scope = f"""
            WITH scope AS (SELECT * FROM {{tracks}}
                           WHERE CAST({{p}}decade AS INT) IS NULL
                              OR decade = CAST({{p}}decade AS INT)),
            m AS (SELECT {pearson_means()} FROM scope),
            s AS (SELECT {pearson_sums()} FROM scope t CROSS JOIN m)"""
    cells = ", ".join(f"'{a}', '{b}', {pearson_r(a, b)}" for a, b in FEATURE_PAIRS)
    spark = f"SELECT stack({len(FEATURE_PAIRS)}, {cells}) AS (feature_x, feature_y, corr) FROM s"
    duckdb = (
        "SELECT pair.feature_x AS feature_x, pair.feature_y AS feature_y, pair.corr AS corr "
        f"FROM s, UNNEST([{pearson_structs()}]) AS u(pair)"
    )
    order = "\n            ORDER BY feature_x, feature_y"
    return {
        "spark": f"{SPARK_SILVER.render(scope)}\n            {spark}{order}",
        "duckdb_silver": f"{DUCKDB_SILVER.render(scope)}\n            {duckdb}{order}",
    }


def direct_forms(template: str) -> dict[str, str]:
    """A query's two direct forms on silver from its one template (see :meth:`Silver.render`):
    ``Query(..., **direct_forms(TEMPLATE))``. Parameters that may be NULL are written
    ``CAST({p}x AS STRING)``: Spark needs the type, DuckDB accepts it."""
    return {"duckdb_silver": DUCKDB_SILVER.render(template), "spark": SPARK_SILVER.render(template)}


def _direct_artist_query(name_predicate: str, tail: str) -> str:
    """Silver-side statistics of the artists whose canonical name passes the predicate.

    The name filter runs first, so the engine aggregates only the matching artists' tracks
    (the fair way to write the direct query), then the same columns as gold's
    ``artist_stats`` follow, ended by ``tail`` (ORDER BY ...). A template for
    :func:`direct_forms`.
    """
    return f"""
WITH names AS (SELECT artist_id, min(artist_name) AS artist_name FROM {{artists}}
               GROUP BY artist_id),
picked AS (SELECT artist_id, artist_name FROM names WHERE {name_predicate}),
pairs AS (SELECT DISTINCT a.artist_id, a.track_id FROM {{artists}} a
          JOIN picked USING (artist_id)),
stats AS (
  SELECT p.artist_id, count(*) AS tracks, count(DISTINCT t.album_id) AS albums,
         min(t.year) AS first_year, max(t.year) AS last_year,
         {avg_columns(ARTIST_FEATURES, "t.")}, avg(CAST(t.explicit AS DOUBLE)) AS explicit_share
  FROM pairs p JOIN {{tracks}} t ON t.id = p.track_id
  GROUP BY p.artist_id)
SELECT {ARTIST_COLUMNS} FROM stats s JOIN picked n ON n.artist_id = s.artist_id
{tail}"""


ARTIST_COLUMNS = _cols(
    "s.artist_id", "n.artist_name", "s.tracks", "s.albums", "s.first_year", "s.last_year",
    *(f"s.{f}" for f in ARTIST_FEATURES), "s.explicit_share",
)  # fmt: skip
GOLD_ARTIST_COLUMNS = ARTIST_COLUMNS.replace("n.artist_name", "s.artist_name")
# (name predicate, ORDER BY ...) of the direct artist queries, in both engines' forms.
ARTIST_SEARCH = (
    "contains(lower(artist_name), lower({p}text))",
    "ORDER BY s.tracks DESC, n.artist_name, s.artist_id LIMIT {p}limit",
)
# artist_id (optional) picks one of several artists who share a name.
ARTIST_PROFILE = (
    "(CAST({p}artist AS STRING) IS NULL OR lower(artist_name) = lower({p}artist)) AND "
    "(CAST({p}artist_id AS STRING) IS NULL OR artist_id = CAST({p}artist_id AS STRING))",
    "ORDER BY s.tracks DESC, s.artist_id",
)
TRACK_COLUMNS = _cols(
    "id", "name", "album", "primary_artist", "artists", "artist_ids", "year", "explicit",
    "danceability", "energy", "valence", "acousticness", "tempo", "loudness", "duration_min",
)  # fmt: skip


def bin_sql(value: str, low: str, width: str) -> str:
    """SQL for the density bin (0..DENSITY_BINS-1) of ``value`` in ``[low, low + width)``.

    One text for every engine and for gold's precomputed ``feature_density``, so the bins
    are computed by the same floating-point steps everywhere.
    """
    scaled = f"floor((({value}) - ({low})) / ({width}) * {DENSITY_BINS})"
    return f"CAST(least(greatest({scaled}, 0), {DENSITY_BINS - 1}) AS INT)"


def feature_bin(feature: str) -> str:
    """:func:`bin_sql` of one (constant) feature column."""
    low, high = FEATURE_RANGES[feature]
    return bin_sql(f"CAST({feature} AS DOUBLE)", str(low), str(high - low))


def _bin(param: str) -> str:
    """:func:`bin_sql` of the feature named by a bound parameter.

    The parameter selects a column through a CASE over the constant feature list, so the
    name is compared as a value and never spliced into SQL. Same text in both engines.
    """
    value = " ".join(f"WHEN '{f}' THEN CAST({f} AS DOUBLE)" for f in FEATURE_RANGES)
    low = " ".join(f"WHEN '{f}' THEN {lo}" for f, (lo, _) in FEATURE_RANGES.items())
    width = " ".join(f"WHEN '{f}' THEN {hi - lo}" for f, (lo, hi) in FEATURE_RANGES.items())
    return bin_sql(
        f"CASE {param} {value} END", f"CASE {param} {low} END", f"CASE {param} {width} END"
    )


def _distinct_features(bound: dict) -> None:
    if bound["feature_x"] == bound["feature_y"]:
        raise ParamError("choose two different features")


# The tracks query's filter, one template for gold's form and both direct ones.
TRACK_FILTER = """year BETWEEN {p}year_from AND {p}year_to
              AND ({p}explicit = 'all' OR explicit = ({p}explicit = 'explicit'))
              AND (CAST({p}name_contains AS STRING) IS NULL
                   OR contains(lower(name), lower(CAST({p}name_contains AS STRING))))
              AND (CAST({p}artist_id AS STRING) IS NULL
                   OR array_contains(artist_ids, CAST({p}artist_id AS STRING)))"""

QUERIES: tuple[Query, ...] = (
    Query(
        name="overview",
        description="Headline numbers: tracks, artists, albums and the year span.",
        params=(),
        duckdb="SELECT tracks, artists, albums, first_year, last_year FROM overview",
        spark="""
            SELECT count(*) AS tracks,
                   (SELECT count(DISTINCT artist_id) FROM silver_track_artists) AS artists,
                   count(DISTINCT album_id) AS albums, min(year) AS first_year,
                   max(year) AS last_year
            FROM silver_tracks""",
    ),
    Query(
        name="year_trends",
        description="Per year: track count, average audio features and explicit share.",
        params=(
            YEAR_FROM,
            YEAR_TO,
            EXPLICIT,
            Param(
                "features",
                str,
                ("loudness", "energy", "danceability", "acousticness"),
                "features to return",
                choices=TREND_FEATURES,
                many=True,
            ),
        ),  # fmt: skip
        duckdb=f"""
            SELECT year, tracks, {_cols(*TREND_FEATURES)}, {_cols(*SD_COLUMNS)}, explicit_share
            FROM year_trends
            WHERE explicit_filter = $explicit AND year BETWEEN $year_from AND $year_to
            ORDER BY year""",
        spark=f"""
            SELECT year, count(*) AS tracks, {avg_columns(TREND_FEATURES)},
                   {sd_columns(TREND_FEATURES)}, avg(CAST(explicit AS DOUBLE)) AS explicit_share
            FROM silver_tracks
            WHERE year BETWEEN :year_from AND :year_to AND {SPARK_EXPLICIT}
            GROUP BY year ORDER BY year""",
        check=_year_range,
        # each chosen feature's mean, then its standard deviation (for confidence bands)
        columns=lambda b: [
            "year",
            "tracks",
            *b["features"],
            *(f"{f}_sd" for f in b["features"]),
            "explicit_share",
        ],  # fmt: skip
    ),
    Query(
        name="decade_profile",
        description="Per decade: mean, min, quartiles and max of one audio feature.",
        params=(Param("feature", str, "loudness", "the feature", choices=PROFILE_FEATURES),),
        duckdb="""
            SELECT decade, tracks, mean, min, q1, median, q3, max FROM decade_profile
            WHERE feature = $feature ORDER BY decade""",
        spark=f"""
            WITH long AS (
              SELECT decade, stack({len(PROFILE_FEATURES)},
                {", ".join(f"'{f}', CAST({f} AS DOUBLE)" for f in PROFILE_FEATURES)}
              ) AS (feature, value)
              FROM silver_tracks)
            SELECT decade, count(value) AS tracks, avg(value) AS mean, min(value) AS min,
                   percentile(value, 0.25) AS q1, percentile(value, 0.5) AS median,
                   percentile(value, 0.75) AS q3, max(value) AS max
            FROM long WHERE feature = :feature GROUP BY decade ORDER BY decade""",
    ),
    Query(
        name="top_artists",
        description="Artists with the most tracks released in a year range.",
        params=(YEAR_FROM, YEAR_TO, LIMIT),
        # Top-k with a threshold (exact). The `limit` artists with most tracks overall
        # (artist_rank) give a bar: the lowest of their counts in the range. An artist whose
        # total is below the bar cannot reach the top, so only artists at or above it are
        # counted; artist_year is stored biggest artists first, so that reads few row
        # groups. artist_num numbers artists in (artist_name, artist_id) order, so
        # (tracks DESC, artist_num) is the Spark form's order.
        duckdb="""
            WITH probe AS (
              SELECT artist_num,
                     coalesce(sum(tracks) FILTER (year BETWEEN $year_from AND $year_to), 0)
                       AS tracks
              FROM artist_year WHERE artist_rank <= $limit GROUP BY artist_num),
            top AS (
              SELECT artist_num, sum(tracks) AS tracks FROM artist_year
              WHERE artist_total >= (SELECT min(tracks) FROM probe)
                AND year BETWEEN $year_from AND $year_to
              GROUP BY artist_num ORDER BY tracks DESC, artist_num LIMIT $limit)
            SELECT s.artist_id, s.artist_name, CAST(top.tracks AS BIGINT) AS tracks
            FROM top JOIN artist_stats s USING (artist_num)
            ORDER BY top.tracks DESC, top.artist_num""",
        # Distinct (artist, track) pairs by a GROUP BY, which spills; count(DISTINCT) holds a
        # set per artist in memory and at 60M rows ran out of the bench's 1GB cap.
        **direct_forms("""
            WITH names AS (SELECT artist_id, min(artist_name) AS artist_name FROM {artists}
                           GROUP BY artist_id),
            pairs AS (SELECT DISTINCT a.artist_id, a.track_id
                      FROM {artists} a JOIN {tracks} t ON t.id = a.track_id
                      WHERE t.year BETWEEN {p}year_from AND {p}year_to)
            SELECT p.artist_id, n.artist_name, count(*) AS tracks
            FROM pairs p JOIN names n USING (artist_id)
            GROUP BY p.artist_id, n.artist_name
            ORDER BY tracks DESC, artist_name, artist_id LIMIT {p}limit"""),
        check=_year_range,
    ),
    Query(
        name="artist_search",
        description="Artists whose name contains the text (case-insensitive, literal).",
        params=(Param("text", str, "", "part of a name"), LIMIT),
        duckdb=f"""
            SELECT {GOLD_ARTIST_COLUMNS} FROM artist_stats s
            WHERE contains(s.artist_key, lower($text))
            ORDER BY s.tracks DESC, s.artist_name, s.artist_id LIMIT $limit""",
        **direct_forms(_direct_artist_query(*ARTIST_SEARCH)),
    ),
    Query(
        name="artist_profile",
        description="Artists whose name equals the text, ignoring case, and whose id is "
        "artist_id if given (a name, an id or both): their statistics.",
        params=(
            Param("artist", str, None, "the artist's name", nullable=True),
            Param(
                "artist_id",
                str,
                None,
                "one artist's id, when several share the name",
                nullable=True,
            ),
        ),  # fmt: skip
        duckdb=f"""
            SELECT {GOLD_ARTIST_COLUMNS} FROM artist_stats s
            WHERE ($artist IS NULL OR s.artist_key = lower($artist))
              AND ($artist_id IS NULL OR s.artist_id = $artist_id)
            ORDER BY s.tracks DESC, s.artist_id""",
        check=_artist_given,
        **direct_forms(_direct_artist_query(*ARTIST_PROFILE)),
    ),
    Query(
        name="artist_timeline",
        description="One artist's track count per year.",
        params=(Param("artist_id", str, "", "the artist id"),),
        duckdb="""
            SELECT year, tracks FROM artist_year
            WHERE artist_num = (SELECT artist_num FROM artist_stats WHERE artist_id = $artist_id)
            ORDER BY year""",
        **direct_forms("""
            SELECT t.year, count(DISTINCT a.track_id) AS tracks
            FROM {artists} a JOIN {tracks} t ON t.id = a.track_id
            WHERE a.artist_id = {p}artist_id GROUP BY t.year ORDER BY t.year"""),
    ),
    Query(
        name="explicit_share",
        description="Per year: tracks, explicit tracks and the explicit share.",
        params=(YEAR_FROM, YEAR_TO),
        duckdb="""
            SELECT year, tracks, explicit_tracks, explicit_share FROM year_trends
            WHERE explicit_filter = 'all' AND year BETWEEN $year_from AND $year_to
            ORDER BY year""",
        spark="""
            SELECT year, count(*) AS tracks, count_if(explicit) AS explicit_tracks,
                   avg(CAST(explicit AS DOUBLE)) AS explicit_share
            FROM silver_tracks WHERE year BETWEEN :year_from AND :year_to
            GROUP BY year ORDER BY year""",
        check=_year_range,
    ),
    Query(
        name="collaborations",
        description="Per year: tracks, tracks credited to more than one artist, and their share.",
        params=(YEAR_FROM, YEAR_TO),
        duckdb="""
            SELECT year, tracks, multi_artist_tracks,
                   multi_artist_tracks / tracks AS multi_artist_share
            FROM year_trends
            WHERE explicit_filter = 'all' AND year BETWEEN $year_from AND $year_to
            ORDER BY year""",
        spark="""
            SELECT year, count(*) AS tracks, count_if(artist_count > 1) AS multi_artist_tracks,
                   count_if(artist_count > 1) / count(*) AS multi_artist_share
            FROM silver_tracks WHERE year BETWEEN :year_from AND :year_to
            GROUP BY year ORDER BY year""",
        check=_year_range,
    ),
    Query(
        name="remaster_bias",
        description="Per year: tracks whose name or album says 'remaster' and the others, "
        "with their mean and spread of loudness and energy.",
        params=(),
        duckdb=f"""
            SELECT year, remastered, tracks, {_cols(*REMASTER_FEATURES)},
                   {_cols(*(f"{f}_sd" for f in REMASTER_FEATURES))}
            FROM remaster_year ORDER BY year, remastered""",
        spark=f"""
            SELECT year, remastered, count(*) AS tracks, {avg_columns(REMASTER_FEATURES)},
                   {sd_columns(REMASTER_FEATURES)}
            FROM (SELECT *, {remaster_match("regexp_like")} AS remastered FROM silver_tracks)
            GROUP BY year, remastered ORDER BY year, remastered""",
    ),
    Query(
        name="key_mode",
        description="Track counts by musical key and mode, for one decade or all.",
        params=(DECADE,),
        duckdb="""
            SELECT key, mode, CAST(sum(tracks) AS BIGINT) AS tracks FROM key_mode
            WHERE $decade IS NULL OR decade = $decade
            GROUP BY key, mode ORDER BY key, mode""",
        spark="""
            SELECT key, mode, count(*) AS tracks FROM silver_tracks
            WHERE CAST(:decade AS INT) IS NULL OR decade = CAST(:decade AS INT)
            GROUP BY key, mode ORDER BY key, mode""",
    ),
    Query(
        name="correlations",
        description="Pearson correlation of each pair of audio features, one decade or all.",
        params=(DECADE,),
        duckdb="""
            SELECT feature_x, feature_y, corr FROM feature_correlations
            WHERE decade IS NOT DISTINCT FROM $decade ORDER BY feature_x, feature_y""",
        **_direct_correlations(),
    ),
    Query(
        name="density",
        description="Track counts on a 20 x 20 grid of two audio features, one decade or all.",
        params=(
            Param("feature_x", str, "loudness", "x feature", choices=tuple(FEATURE_RANGES)),
            Param("feature_y", str, "energy", "y feature", choices=tuple(FEATURE_RANGES)),
            DECADE,
        ),
        duckdb="""
            SELECT bin_x, bin_y, CAST(sum(tracks) AS BIGINT) AS tracks FROM feature_density
            WHERE feature_x = $feature_x AND feature_y = $feature_y
              AND ($decade IS NULL OR decade = $decade)
            GROUP BY bin_x, bin_y ORDER BY bin_x, bin_y""",
        **direct_forms(f"""
            SELECT {_bin("{p}feature_x")} AS bin_x, {_bin("{p}feature_y")} AS bin_y,
                   count(*) AS tracks
            FROM {{tracks}}
            WHERE CAST({{p}}decade AS INT) IS NULL OR decade = CAST({{p}}decade AS INT)
            GROUP BY bin_x, bin_y ORDER BY bin_x, bin_y"""),
        check=_distinct_features,
    ),
    Query(
        name="tracks",
        description="Drill-down: tracks in a year range, optionally by explicit flag, "
        "title text or artist id, newest first.",
        params=(
            YEAR_FROM,
            YEAR_TO,
            EXPLICIT,
            Param("name_contains", str, None, "text in the title", nullable=True),
            Param("artist_id", str, None, "an artist id", nullable=True),
            LIMIT,
        ),
        # tracks_serving is stored in (year DESC, name, id) order, so its rowid is that
        # order and the top-N reads only the first row groups it needs.
        duckdb=DUCKDB_SILVER.render(f"""
            SELECT {TRACK_COLUMNS} FROM tracks_serving WHERE {TRACK_FILTER}
            ORDER BY rowid LIMIT $limit"""),
        **direct_forms(f"""
            SELECT {TRACK_COLUMNS} FROM {{tracks}} WHERE {TRACK_FILTER}
            ORDER BY year DESC, name, id LIMIT {{p}}limit"""),
        check=_year_range,
    ),
)

CATALOGUE: dict[str, Query] = {q.name: q for q in QUERIES}


def get(name: str) -> Query:
    """The query called ``name``, or a :class:`ParamError` listing the known ones."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise ParamError(f"unknown query {name!r}; known: {', '.join(CATALOGUE)}") from None
