"""Gold (DuckDB): the serving tables, built from silver into one DuckDB file.

The build reads silver Parquet (hive-partitioned by year) into a new temporary file beside
``gold/spotify.duckdb``, validates it (every table present, row counts that match the
silver manifest), then renames it over the old file. A failed or killed build leaves the
previous file untouched and serving; the build never opens the published file, so it holds
no lock that could block a running dashboard.

Every statement reads silver Parquet directly (only the columns it needs); the helper
tables several gold tables share go into an in-memory ``work`` database. DuckDB runs under
``DUCKDB_MEMORY_LIMIT`` (default 1GB) with its spill folder under ``DATA_DIR/.spill``: past
the cap it evicts blocks there (of the work tables and of sorts, joins and aggregates
alike), so memory does not grow with the data. The folder is removed after the build, also
after a failure. The one sort of all rows (``tracks_serving``) runs in runs of consecutive
years, each bounded by the cap.

Every statement is a step that names what it reads (:class:`Relation`); two cursors run
them (:mod:`pipeline.sqlgraph`), so one statement's serial phases overlap another's work
and both cores stay busy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import math
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline import publish
from pipeline.catalogue import (
    ARTIST_FEATURES,
    FEATURE_RANGES,
    PROFILE_FEATURES,
    REMASTER_FEATURES,
    TREND_FEATURES,
    avg_columns,
    feature_bin,
    pearson_means,
    pearson_structs,
    pearson_sums,
    remaster_match,
    sd_columns,
)
from pipeline.manifest import MANIFEST_NAME, read_manifest
from pipeline.publish import pid_alive
from pipeline.schema import AUDIO_FEATURES
from pipeline.settings import Settings, parse_bytes
from pipeline.sqlgraph import Step, run_steps
from pipeline.sqltext import sql_literal


class GoldBuildError(RuntimeError):
    """The new gold file failed validation; the old one is still published."""


SERVING_FEATURES = ", ".join(AUDIO_FEATURES)


@dataclass(frozen=True)
class Relation:
    """A table the build makes: a gold table, or a helper in the work database.

    ``sql`` reads ``t`` (silver tracks), ``ta`` (silver track_artists) and the helpers;
    ``after`` names those it reads, so the build can run it as soon as they exist.
    """

    name: str
    sql: str
    order: str = ""  # ORDER BY of the stored rows ("" for none)
    after: tuple[str, ...] = ("t",)
    # (column, DuckDB compression) pairs. VARCHAR columns not listed are stored plain:
    # decoding FSST cost ~3 ms a query on the 100k artist names. Other columns not listed
    # get the method DuckDB picks after trying each; naming it skips the trials.
    compression: tuple[tuple[str, str], ...] = ()
    # (column, expression) pairs computed when read instead of stored (generated columns).
    virtual: tuple[tuple[str, str], ...] = ()
    # The leading column of a descending ``order``: the rows are sorted and stored in runs of
    # consecutive values of it, each of at most the build's ``sort_rows``, so no sort holds
    # more than that, whatever the data's size (see :func:`sort_runs`).
    sorted_in_runs_of: str = ""
    # The next column of ``order`` (ascending): a value of ``sorted_in_runs_of`` with more
    # rows than a run holds is cut into ranges of it (at 50x, one year is 3.5M rows).
    split_runs_by: str = ""
    # The leading (ascending) column of ``order``, for a table without a run column: the
    # rows are inserted in ranges of it, each of about ``sort_rows`` (at 50x artist_stats
    # holds ~5M artists, and one sort of them ran out of a 1GB cap).
    sorted_in_ranges_of: str = ""

    # A helper that a bucketed relation reads one bucket of: when the build cuts its large
    # joins into buckets, the rows are written once into the spill folder, a Parquet folder
    # per hash bucket of this column, so each bucket reads only its own (see MemoryPlan).
    scatter_by: str = ""
    # A helper computed where it is read instead of stored, unless it is scattered.
    view: bool = False

    def query(self, bucket: int = 0, buckets: int = 1, scattered: Path | None = None) -> str:
        """The SQL, reading bucket ``bucket`` of ``buckets`` where it says ``BUCKET(name)``:
        the scattered files of that bucket, or the whole relation when there is one bucket."""
        if buckets == 1:
            return IN_BUCKET.sub(r"\1", self.sql)
        return IN_BUCKET.sub(lambda m: _bucket_files(scattered, m.group(1), bucket), self.sql)

    @property
    def bucketed(self) -> bool:
        return bool(IN_BUCKET.search(self.sql))


# Marks a read of one hash bucket of a scattered helper (see Relation.query).
IN_BUCKET = re.compile(r"BUCKET\((\w+)\)")


def _bucket_files(scattered: Path | None, name: str, bucket: int | None = None) -> str:
    """SQL reading a scattered helper's Parquet files: one bucket's, or all of them."""
    assert scattered is not None, "a bucketed read needs the scatter folder"
    folder = f"bucket={bucket}" if bucket is not None else "*"
    files = sql_literal(str(scattered / name / folder / "*.parquet"))  # from settings
    return f"read_parquet({files}, hive_partitioning = false)"


# Relations several tables share, computed once before them (work tables during the
# build; views for the "DuckDB direct on silver" benchmark, like ``t`` and ``ta``).
HELPERS: tuple[Relation, ...] = (
    Relation(
        # Artists numbered in (name, id) order: ranking on the number is ranking on the name.
        "artist_numbers",
        """SELECT artist_id, artist_name, CAST(row_number() OVER
                  (ORDER BY artist_name, artist_id) AS INTEGER) AS artist_num
           FROM (SELECT artist_id, min(artist_name) AS artist_name FROM ta GROUP BY artist_id)""",
        after=("ta",),
    ),
    Relation(
        # Each track's artists by artist number (the artist tables then group on an integer,
        # not a 22-character id), and the track columns they aggregate: the two sides of
        # artist_tracks' join, scattered by track when the build runs in buckets.
        "artist_pairs",
        """SELECT n.artist_num, a.track_id FROM ta a JOIN artist_numbers n USING (artist_id)""",
        after=("ta", "artist_numbers"),
        scatter_by="track_id",
        view=True,
    ),
    Relation(
        "track_figures",
        f"""SELECT id, album_id, year, explicit, {", ".join(ARTIST_FEATURES)} FROM t""",
        scatter_by="id",
        view=True,
    ),
    Relation(
        # Each (artist, track) once, with the track columns the artist tables aggregate.
        # Built a bucket of track ids at a time: at 60M rows the whole join ran out of a 1GB
        # cap. Scattered by artist, so that artist_aggregates reads a bucket of artists.
        "artist_tracks",
        f"""SELECT p.artist_num, t.album_id, t.year, t.explicit,
                   {", ".join(f"t.{f}" for f in ARTIST_FEATURES)}
            FROM (SELECT DISTINCT artist_num, track_id FROM BUCKET(artist_pairs)) p
            JOIN BUCKET(track_figures) t ON t.id = p.track_id""",
        after=("artist_pairs", "track_figures"),
        scatter_by="artist_num",
    ),
    Relation(
        # Each artist's figures, a hash bucket of artists at a time (every artist's rows are
        # in one bucket, so each bucket's aggregates are exact). Albums are counted from
        # distinct (artist, album) pairs, a GROUP BY that spills: count(DISTINCT) keeps a set
        # per artist in memory, and at 60M rows the whole aggregate ran out of a 1GB cap.
        "artist_aggregates",
        f"""WITH pairs AS (SELECT * FROM BUCKET(artist_tracks)),
            albums AS (
              SELECT artist_num, count(*) AS albums
              FROM (SELECT DISTINCT artist_num, album_id FROM pairs)
              GROUP BY artist_num)
            SELECT s.artist_num, s.tracks, a.albums, s.* EXCLUDE (artist_num, tracks)
            FROM (SELECT artist_num, count(*) AS tracks,
                         min(year) AS first_year, max(year) AS last_year,
                         {avg_columns(ARTIST_FEATURES)},
                         avg(CAST(explicit AS DOUBLE)) AS explicit_share
                  FROM pairs GROUP BY artist_num) s
            JOIN albums a USING (artist_num)""",
        after=("artist_tracks",),
    ),
    Relation(
        # Each track's density bin per feature, as a one-byte 0..19, and its decade: the 45
        # pair counts then group on small typed columns, which DuckDB counts in a perfect
        # hash table (see PERFECT_HASH_BITS) instead of hashing computed values.
        "density_bins",
        f"""SELECT decade, {", ".join(f"CAST({feature_bin(f)} AS UTINYINT) AS {f}" for f in FEATURE_RANGES)}
            FROM t""",  # noqa: E501
    ),
)
DENSITY_PAIRS = tuple(
    (x, y) for i, x in enumerate(FEATURE_RANGES) for y in tuple(FEATURE_RANGES)[i + 1 :]
)


def _profile_aggregates(feature: str) -> str:
    value = f"CAST({feature} AS DOUBLE)"
    return (
        f"count({value}) AS {feature}__n, avg({value}) AS {feature}__mean, "
        f"min({value}) AS {feature}__min, max({value}) AS {feature}__max"
    )


def _profile_struct(feature: str) -> str:
    fields = ("n", "mean", "min", "max")
    names = ("tracks", "mean", "min", "max")
    body = ", ".join(f"'{name}': {feature}__{f}" for name, f in zip(names, fields, strict=True))
    return f"{{'feature': '{feature}', {body}}}"


QUARTILES = {"q1": 0.25, "median": 0.5, "q3": 0.75}


def _quartiles_sql() -> str:
    """Each (decade, feature)'s quartiles, exactly as ``quantile_cont`` gives them, from the
    count of each distinct value: every operator here spills, and memory grows with the
    distinct values, not the rows. ``quantile_cont`` holds each group's values in memory
    that cannot spill: at 12M rows it failed under the 1GB cap beside the other cursor.

    With n values sorted, quantile q lies at 0-based position p = (n - 1) q; it is
    v[floor(p)] + (v[ceil(p)] - v[floor(p)]) (p - floor(p)), where v[k] is the value whose
    c rows hold ranks ``below`` to ``below + c - 1``. The running count is one global
    ordered window (a partitioned one took twice as long), made per group by subtracting
    its start. Checked equal to ``quantile_cont`` to the last bit but for a few ulps.
    """
    counts = " UNION ALL ".join(
        f"SELECT decade, '{f}' AS feature, CAST({f} AS DOUBLE) AS value, count(*) AS c "
        f"FROM t GROUP BY decade, {f}"
        for f in PROFILE_FEATURES
    )

    def value_at(rank: str) -> str:
        return f"min(value) FILTER (WHERE below <= {rank} AND {rank} < below + c)"

    quartiles = []
    for name, q in QUARTILES.items():
        pos = f"((n - 1) * {q})"
        lo, hi = value_at(f"floor{pos}"), value_at(f"ceil{pos}")
        quartiles.append(f"{lo} + ({hi} - {lo}) * ({pos} - floor{pos}) AS {name}")
    return f"""WITH counts AS ({counts}),
        running AS (
          SELECT *, sum(c) OVER (ORDER BY decade, feature, value ROWS UNBOUNDED PRECEDING) - c
                      AS before_all
          FROM counts),
        ranked AS (
          SELECT decade, feature, value, c, sum(c) OVER (PARTITION BY decade, feature) AS n,
                 before_all - min(before_all) OVER (PARTITION BY decade, feature) AS below
          FROM running)
        SELECT decade, feature, {", ".join(quartiles)}
        FROM ranked GROUP BY decade, feature, n"""


def _density_pair(x: str, y: str) -> str:
    return (
        f"SELECT decade, '{x}' AS feature_x, '{y}' AS feature_y, CAST({x} AS INTEGER) AS bin_x, "
        f"CAST({y} AS INTEGER) AS bin_y, count(*) AS tracks FROM density_bins "
        f"GROUP BY decade, {x}, {y}"
    )


def _correlations_sql() -> str:
    """Pearson's r of every feature pair, per decade and overall (decade NULL), in the
    catalogue's two passes (:func:`pipeline.catalogue.pearson_sums`)."""
    means, sums = pearson_means(), pearson_sums()
    return f"""WITH decade_means AS (SELECT decade, {means} FROM t GROUP BY decade),
          all_means AS (SELECT {means} FROM t),
          scopes AS (
            SELECT t.decade, {sums} FROM t JOIN decade_means m USING (decade) GROUP BY t.decade
            UNION ALL
            SELECT CAST(NULL AS INTEGER), {sums} FROM t, all_means m)
        SELECT decade, pair.feature_x AS feature_x, pair.feature_y AS feature_y,
               pair.corr AS corr
        FROM scopes, UNNEST([{pearson_structs()}]) AS u(pair)"""


# The gold tables, longest to build first: the build starts each as soon as what it reads
# exists, so the long ones overlap the short ones. Every table states its stored order.
TABLES: tuple[Relation, ...] = (
    Relation(
        # Only what the drill-down shows or filters on: every extra column is 1.2M more
        # values to sort and compress (album_id, decade, key, mode, mood and is_party_song
        # cost 0.25 s of the build and 10 MB of the file; the aggregates read silver).
        "tracks_serving",
        f"""SELECT id, name, album, primary_artist, artists, artist_ids, year, explicit,
                   {SERVING_FEATURES}
            FROM t""",
        # Newest first: the drill-down's order. The table is stored in it, so its rowid is
        # the drill-down's rank, and a top-N on rowid reads only the first row groups.
        "year DESC, name, id",
        sorted_in_runs_of="year",
        split_runs_by="name",
        # Text is stored plain: compressing titles and albums saved 42 MB for 0.1-0.2 s of the
        # build, and random ids barely shrink. The methods DuckDB would pick are named, which
        # skips its trials of the others (0.1 s).
        compression=(
            ("year", "rle"),
            ("explicit", "bitpacking"),
            *((feature, "alp") for feature in AUDIO_FEATURES),
        ),
        # Silver's primary_artist is artists[1]: not storing it saves 0.07 s of the build.
        virtual=(("primary_artist", "artists[1]"),),
    ),
    Relation(
        "feature_density",
        f"""WITH half AS ({" UNION ALL ".join(_density_pair(x, y) for x, y in DENSITY_PAIRS)})
            SELECT decade, feature_x, feature_y, bin_x, bin_y, tracks FROM half
            UNION ALL
            SELECT decade, feature_y, feature_x, bin_y, bin_x, tracks FROM half""",  # noqa: E501
        "feature_x, feature_y, decade, bin_x, bin_y",
        after=("density_bins",),
    ),
    Relation(
        "artist_stats",
        """SELECT n.artist_id, s.artist_num, n.artist_name, lower(n.artist_name) AS artist_key,
                  s.* EXCLUDE (artist_num)
           FROM artist_aggregates s JOIN artist_numbers n USING (artist_num)""",
        "artist_key, tracks DESC, artist_id",  # sorted by key: name lookups prune by zone map
        after=("artist_aggregates", "artist_numbers"),
        sorted_in_ranges_of="artist_key",
    ),
    Relation(
        "feature_correlations",
        _correlations_sql(),
        "decade NULLS FIRST, feature_x, feature_y",
    ),
    Relation(
        "decade_profile",
        f"""WITH wide AS (
              SELECT decade, {", ".join(_profile_aggregates(f) for f in PROFILE_FEATURES)}
              FROM t GROUP BY decade),
            stats AS (
              SELECT decade, p.feature AS feature, p.tracks AS tracks, p.mean AS mean,
                     p.min AS min, p.max AS max
              FROM wide, UNNEST([{", ".join(_profile_struct(f) for f in PROFILE_FEATURES)}]) AS u(p))
            SELECT s.decade, s.feature, s.tracks, s.mean, s.min, q.q1, q.median, q.q3, s.max
            FROM stats s JOIN ({_quartiles_sql()}) q USING (decade, feature)""",  # noqa: E501
        "feature, decade",
    ),
    Relation(
        "artist_year",
        """WITH per_year AS (SELECT artist_num, year, count(*) AS tracks FROM artist_tracks
                              GROUP BY artist_num, year),
            ranked AS (
              SELECT n.artist_id, s.artist_num, s.total AS artist_total,
                     CAST(row_number() OVER (ORDER BY s.total DESC, s.artist_num) AS INTEGER)
                       AS artist_rank
              FROM (SELECT artist_num, sum(tracks) AS total FROM per_year GROUP BY artist_num) s
              JOIN artist_numbers n USING (artist_num))
            SELECT r.artist_id, p.artist_num, r.artist_rank, r.artist_total, p.year, p.tracks
            FROM per_year p JOIN ranked r USING (artist_num)""",
        # Biggest artists first: top_artists reads only the row groups it needs.
        "artist_rank, year",
        after=("artist_tracks", "artist_numbers"),
    ),
    Relation(
        "year_trends",
        # One pass: per year, and per year and explicit flag (bronze leaves no null flag).
        f"""SELECT year,
                   CASE WHEN grouping(explicit) = 1 THEN 'all'
                        WHEN explicit THEN 'explicit' ELSE 'clean' END AS explicit_filter,
                   count(*) AS tracks, count_if(explicit) AS explicit_tracks,
                   avg(CAST(explicit AS DOUBLE)) AS explicit_share, {avg_columns(TREND_FEATURES)},
                   {sd_columns(TREND_FEATURES)},
                   count_if(artist_count > 1) AS multi_artist_tracks
            FROM t GROUP BY GROUPING SETS ((year), (year, explicit))""",
        "year, explicit_filter",
    ),
    Relation(
        "overview",
        """SELECT count(*) AS tracks, (SELECT count(artist_id) FROM artist_numbers) AS artists,
                  count(DISTINCT album_id) AS albums, min(year) AS first_year,
                  max(year) AS last_year
           FROM t""",
        after=("t", "artist_numbers"),  # one row per distinct artist_id
    ),
    Relation(
        # Remastered tracks against the others of the same year (the insights' remaster bias).
        "remaster_year",
        f"""SELECT year, {remaster_match("regexp_matches")} AS remastered, count(*) AS tracks,
                   {avg_columns(REMASTER_FEATURES)}, {sd_columns(REMASTER_FEATURES)}
            FROM t GROUP BY ALL""",
        "year, remastered",
    ),
    Relation(
        "key_mode",
        """SELECT decade, key, mode, count(*) AS tracks FROM t
           GROUP BY decade, key, mode""",
        "decade, key, mode",
    ),
)
# Memory a row of tracks_serving takes in a sort, about (its keys, payload and DuckDB's
# sort structures): a statement run alone sorts DUCKDB_MEMORY_LIMIT / this rows at once
# (about 1.95M under 1GB; DuckDB's sort spills past the cap). A sort beside another
# statement gets a quarter of that, so the other keeps most of the cap. Fewer, larger runs
# matter: at 12M rows tracks_serving took 98 s in runs of 244,000 rows, 39 s in runs of
# 976,000 and 32 s in runs of 1.95M (back to back, same machine; peak 1.1 GiB each).
SORT_BYTES_PER_ROW = 512
SHARED_SORT_DIVISOR = 4
# Rows per row group (DuckDB's default is 122,880). Zone maps skip whole row groups, so
# smaller ones let selective reads (a top-N, a name lookup) skip more: the drill-down
# query reads ~16k rows instead of ~220k.
ROW_GROUP_SIZE = 16_384
# Steps that run after every other, alone: the sort of all rows must not share the memory
# cap with another statement. At 50x (60M rows) tracks_serving beside artist_numbers or
# artist_year ran out of a 1GB (and a 1.5GB) cap; alone, a year of 3.5M rows sorts in 1GB.
RUN_ALONE = ("tracks_serving",)
# Statements the build runs at once, on cursors of one connection (see pipeline.sqlgraph).
# Two keep both cores busy; a third adds contention.
BUILD_CURSORS = 2
# Silver rows per byte of DUCKDB_MEMORY_LIMIT past which the statements run one at a time
# (5M rows under 1GB): two at once share the cap and spill more. At 60M rows under 1GB two
# big aggregates (feature_density beside feature_correlations) ran out of it; at 12M rows
# two at once took 152 s and one at a time 141 s (back to back).
SERIAL_ROWS_PER_BYTE = 0.005


# Silver rows per byte of DUCKDB_MEMORY_LIMIT that one bucket of a bucketed relation
# (artist_tracks) joins at once: 5M rows under 1GB, so 1.2M rows take one bucket, 12M
# three and 60M thirteen. At 60M rows in one piece the join ran out of a 1GB cap.
BUCKET_ROWS_PER_BYTE = 0.005


@dataclass(frozen=True)
class MemoryPlan:
    """How the build stays under DUCKDB_MEMORY_LIMIT whatever silver's size: rows a sort
    holds, hash buckets a large join is cut into, and statements run at once."""

    sort_rows: int
    buckets: int = 1
    cursors: int = BUILD_CURSORS
    # Where scattered helpers are written when there is more than one bucket.
    scatter_dir: Path | None = None

    @classmethod
    def of(cls, silver_rows: int, settings: Settings, scatter_dir: Path | None = None):
        limit = parse_bytes(settings.duckdb_memory_limit)
        return cls(
            sort_rows=limit // SORT_BYTES_PER_ROW,
            buckets=max(1, math.ceil(silver_rows / (BUCKET_ROWS_PER_BYTE * limit))),
            cursors=1 if silver_rows > SERIAL_ROWS_PER_BYTE * limit else BUILD_CURSORS,
            scatter_dir=scatter_dir,
        )

    def scatters(self, relation: Relation) -> bool:
        """Whether the build writes ``relation`` into bucket folders (then reads it as a view)."""
        return bool(relation.scatter_by) and self.buckets > 1

    def sort_rows_for(self, relation: Relation) -> int:
        """Rows one sort of ``relation`` holds: all of ``sort_rows`` when nothing runs beside
        it, else its share."""
        alone = relation.name in RUN_ALONE or self.cursors == 1
        return self.sort_rows if alone else max(1, self.sort_rows // SHARED_SORT_DIVISOR)


# Group keys up to this many bits are counted in a perfect hash table (DuckDB's default,
# 12, is too small for decade x bin x bin: 0.15 s against 0.22 s for the density pairs).
PERFECT_HASH_BITS = 20
EXPECTED_TABLES = (
    *(table.name for table in TABLES),
    "dq_nulls",
    "dq_metrics",
    "dq_repeat_examples",
    "_build",
)
REPEAT_EXAMPLES = 5  # possible duplicates shown by the data-quality report


@dataclass
class GoldResult:
    path: Path
    table_rows: dict[str, int]
    seconds: float
    silver_rows: int

    def summary(self) -> str:
        tables = ", ".join(f"{k} {v:,}" for k, v in self.table_rows.items())
        return (
            f"[gold] {len(self.table_rows)} tables from {self.silver_rows:,} silver rows in "
            f"{self.seconds:.2f}s -> {self.path} ({tables})"
        )


def _silver_snapshot(silver: Path) -> tuple[dict, str]:
    """The manifest of a silver version and the sha256 of that manifest file."""
    manifest = read_manifest(silver)
    digest = hashlib.sha256((silver / MANIFEST_NAME).read_bytes()).hexdigest()
    return manifest, digest


def _silver_sources(silver: Path) -> dict[str, str]:
    """name -> SQL reading silver Parquet."""
    tracks = sql_literal(str(silver / "tracks" / "*" / "*.parquet"))
    artists = sql_literal(str(silver / "track_artists" / "*.parquet"))
    return {
        "t": f"SELECT * FROM read_parquet({tracks}, hive_partitioning = true)",
        "ta": f"SELECT track_id, artist_id, artist_name FROM read_parquet({artists})",
    }


def silver_views(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Make the gold table names views computed from silver Parquet on every query.

    The catalogue's DuckDB SQL then runs unchanged on silver: the "DuckDB direct" path
    that separates the engine from gold's pre-aggregation. DuckDB cannot bind parameters
    in a view definition, so the paths are inlined as quoted literals; they come from
    settings, never from a user.
    """
    for name, sql in _silver_sources(Path(settings.silver_dir).resolve()).items():
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
    for relation in (*HELPERS, *TABLES):
        con.execute(f"CREATE OR REPLACE TEMP VIEW {relation.name} AS {relation.query()}")


def _create(
    con: duckdb.DuckDBPyConnection, database: str, relation: Relation, plan: MemoryPlan
) -> None:
    """Create ``database.name`` from ``relation``, stored in its order and text compression.

    CREATE TABLE AS cannot choose a column's compression, so the columns are declared from
    the query's own description first. A bucketed relation is inserted a bucket at a time.
    """
    if plan.scatters(relation):
        _scatter(con, database, relation, plan)
        return
    if relation.view:
        con.execute(f"CREATE VIEW {database}.{relation.name} AS {relation.query()}")
        return
    virtual, compression = dict(relation.virtual), dict(relation.compression)
    columns = con.execute(f"DESCRIBE {relation.query()}").fetchall()
    definitions = ", ".join(
        _column(name, type_, compression.get(name), virtual.get(name))
        for name, type_, *_ in columns
    )
    table = f"{database}.{relation.name}"
    con.execute(f"CREATE TABLE {table} ({definitions})")
    if relation.bucketed:  # no stored order: the artist tables aggregate it
        for bucket in range(plan.buckets):
            sql = relation.query(bucket, plan.buckets, plan.scatter_dir)
            con.execute(f"INSERT INTO {table} BY NAME {sql}")
        return
    stored = relation.query()
    if virtual:
        stored = f"SELECT * EXCLUDE ({', '.join(virtual)}) FROM ({stored})"
    order = f" ORDER BY {relation.order}" if relation.order else ""
    if relation.sorted_in_ranges_of:
        total = con.execute(f"SELECT count(*) FROM ({stored})").fetchone()[0]
        pieces = max(1, -(-total // plan.sort_rows_for(relation)))
        for part, args in _ranges(con, relation, relation.sorted_in_ranges_of, pieces):
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM ({stored}) WHERE true{part}{order}",
                args,
            )
        return
    if not relation.sorted_in_runs_of:
        con.execute(f"INSERT INTO {table} BY NAME {stored}{order}")
        return
    key = relation.sorted_in_runs_of
    counts = con.execute(f"SELECT {key}, count(*) FROM ({stored}) GROUP BY {key}").fetchall()
    rows, sort_rows = dict(counts), plan.sort_rows_for(relation)
    for high, low in sort_runs(counts, sort_rows):
        where, args = f"{key} BETWEEN $low AND $high", {"low": low, "high": high}
        if low == high and rows[low] > sort_rows and relation.split_runs_by:
            parts = _ranges(con, relation, relation.split_runs_by, -(-rows[low] // sort_rows),
                            f"{key} = $v", {"v": low})  # fmt: skip
        else:
            parts = [("", {})]
        for part, part_args in parts:
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM ({stored}) WHERE {where}{part}{order}",
                {**args, **part_args},
            )


def _scatter(
    con: duckdb.DuckDBPyConnection, database: str, relation: Relation, plan: MemoryPlan
) -> None:
    """Write ``relation`` once into the scatter folder, a Parquet folder per hash bucket of
    its ``scatter_by`` column, and name a view over all of it: a bucketed reader then reads
    only its bucket's files, so the build reads its input once, not once per bucket.

    A bucketed relation is computed (and appended) a bucket of its own input at a time."""
    assert plan.scatter_dir is not None, "a plan with buckets needs its scatter folder"
    folder = plan.scatter_dir / relation.name
    folder.mkdir(parents=True, exist_ok=True)
    bucket = f"hash({relation.scatter_by}) % {plan.buckets}"
    for part in range(plan.buckets) if relation.bucketed else (0,):
        sql = relation.query(part, plan.buckets, plan.scatter_dir)
        con.execute(
            f"COPY (SELECT *, {bucket} AS bucket FROM ({sql})) TO {sql_literal(str(folder))} "
            "(FORMAT parquet, PARTITION_BY (bucket), APPEND)"
        )
    for part in range(plan.buckets):  # a bucket no row hashed to still reads as empty
        empty = folder / f"bucket={part}"
        if not empty.exists():
            empty.mkdir(parents=True)
            sql = f"SELECT * FROM ({relation.query(0, plan.buckets, plan.scatter_dir)}) LIMIT 0"
            con.execute(f"COPY ({sql}) TO {sql_literal(str(empty / 'empty.parquet'))}")
    reader = _bucket_files(plan.scatter_dir, relation.name)
    con.execute(f"CREATE VIEW {database}.{relation.name} AS SELECT * FROM {reader}")


def _ranges(
    con: duckdb.DuckDBPyConnection,
    relation: Relation,
    by: str,
    pieces: int,
    where: str = "true",
    args: dict | None = None,
) -> list[tuple[str, dict]]:
    """WHERE clauses (each `` AND …``) cutting the rows that pass ``where`` into about
    ``pieces`` ranges of ``by``, in its ascending order (NULLs last, as DuckDB sorts them).
    The cut points come from a fixed sample, so any cuts keep the order."""
    sample = [r[0] for r in con.execute(
        f"SELECT {by} FROM ({relation.query()}) WHERE {where} AND {by} IS NOT NULL "
        f"USING SAMPLE reservoir(10000 ROWS) REPEATABLE (42) ORDER BY {by}", args or {},
    ).fetchall()]  # fmt: skip
    cuts = sorted({sample[len(sample) * i // pieces] for i in range(1, pieces)} if sample else ())
    bounds = [None, *cuts, None]
    parts = []
    for i, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        conditions, args = [], {}
        if lo is not None:  # the last range also holds the NULLs, which sort last
            lower = f"{by} >= $lo{i}"
            conditions.append(lower if hi is not None else f"({lower} OR {by} IS NULL)")
            args[f"lo{i}"] = lo
        if hi is not None:
            conditions.append(f"{by} < $hi{i}")
            args[f"hi{i}"] = hi
        parts.append(("".join(f" AND {c}" for c in conditions), args))
    return parts


def sort_runs(counts: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """(high, low) key ranges, highest first, each of at most ``limit`` rows (or one key)."""
    runs: list[list[int]] = []
    rows = 0
    for key, n in sorted(counts, reverse=True):
        if runs and rows + n <= limit:
            runs[-1][1] = key
            rows += n
        else:
            runs.append([key, key])
            rows = n
    return [(high, low) for high, low in runs]


def _column(name: str, type_: str, compression: str | None, virtual: str | None) -> str:
    """A column definition: generated, or stored with the given (or default) compression."""
    if virtual:
        return f'"{name}" {type_} GENERATED ALWAYS AS ({virtual}) VIRTUAL'
    if compression is None and type_ == "VARCHAR":
        compression = "uncompressed"
    return f'"{name}" {type_}' + (f" USING COMPRESSION {compression}" if compression else "")


def _quality_tables(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """Silver facts for the data-quality report: nulls per column and named metrics."""
    columns = [r[0] for r in con.execute("DESCRIBE t").fetchall()]
    counts = ", ".join(f'count(*) - count("{c}") AS "{c}"' for c in columns)
    con.execute(
        f"CREATE TABLE {database}.dq_nulls AS UNPIVOT (SELECT {counts} FROM t) "
        "ON COLUMNS(*) INTO NAME column_name VALUE nulls"
    )
    metrics = {
        "tracks": "count(*)",
        "multi_artist_tracks": "count_if(artist_count > 1)",
        # More bytes than characters: some character is not ASCII (5x faster than a regex).
        "non_ascii_tracks": "count_if(strlen(name) <> length(name) OR strlen(album) <> "
        "length(album) OR list_bool_or(list_transform(artists, lambda a: strlen(a) <> length(a))))",
        "pre_1950_tracks": "count_if(year < 1950)",
        "year_1908_tracks": "count_if(year = 1908)",
        "tempo_zero": "count_if(tempo = 0)",
        "time_signature_zero": "count_if(time_signature = 0)",
        "loudness_min_60": "count_if(loudness <= -60)",
        "loudness_above_0": "count_if(loudness > 0)",
        "shorter_than_30s": "count_if(duration_ms < 30000)",
        "longer_than_30min": "count_if(duration_ms > 1800000)",
        # rows repeating an earlier (name, artist_ids) pair: re-releases, or other songs of
        # the same name (FACTS section 14: 5.2% of the full file); kept, as different ids
        "name_artist_ids_repeats": "(SELECT coalesce(sum(tracks - 1), 0) FROM work.dq_repeats)",
    }
    # (name, artist_ids) pairs on more than one track, keyed by two 64-bit hashes of the
    # pair: a group key of 16 bytes instead of the text keeps the aggregate in memory (at 12M
    # rows the text keys spilled; this step took 25 s). Two different pairs share a key only
    # if both hashes collide.
    con.execute(
        f"""CREATE TABLE work.dq_repeats AS
            SELECT {PAIR_KEYS}, count(*) AS tracks FROM t GROUP BY ALL HAVING count(*) > 1"""
    )
    select = ", ".join(f"CAST({expr} AS BIGINT) AS {name}" for name, expr in metrics.items())
    con.execute(f"CREATE TABLE {database}.dq_metrics AS UNPIVOT (SELECT {select} FROM t) "
                "ON COLUMNS(*) INTO NAME metric VALUE value")  # fmt: skip
    # The most repeated pairs, with the albums they appear on: the report's examples of
    # possible duplicates. Only the tracks of pairs repeated at least as often as the n-th
    # most repeated are read back, then ranked on their text.
    con.execute(
        f"""CREATE TABLE {database}.dq_repeat_examples AS
            WITH top_keys AS (
              SELECT h1, h2, tracks FROM work.dq_repeats
              WHERE tracks >= (SELECT min(tracks) FROM
                               (SELECT tracks FROM work.dq_repeats ORDER BY tracks DESC LIMIT $n))),
            hit_ids AS MATERIALIZED (
              SELECT t.id, k.tracks FROM (SELECT id, {PAIR_KEYS} FROM t) t
              JOIN top_keys k USING (h1, h2)),
            hit AS MATERIALIZED (
              SELECT t.name, t.artist_ids, t.artists, t.album_id, t.album, t.year, h.tracks
              FROM t JOIN hit_ids h USING (id)),
            top AS (SELECT DISTINCT name, artist_ids, tracks FROM hit
                    ORDER BY tracks DESC, name, artist_ids LIMIT $n)
            SELECT top.name, array_to_string(any_value(h.artists), ', ') AS artists,
                   top.tracks, count(DISTINCT h.album_id) AS albums,
                   left(string_agg(DISTINCT h.album, ' | ' ORDER BY h.album), 160) AS on_albums,
                   min(h.year) AS first_year, max(h.year) AS last_year
            FROM top JOIN hit h ON h.name = top.name AND h.artist_ids = top.artist_ids
            GROUP BY top.name, top.artist_ids, top.tracks
            ORDER BY top.tracks DESC, top.name""",
        {"n": REPEAT_EXAMPLES},
    )
    con.execute("DROP TABLE work.dq_repeats")


# The two hash keys of a track's (name, artist_ids) pair (see _quality_tables).
PAIR_KEYS = "hash(name, artist_ids) AS h1, hash(artist_ids, name) AS h2"


def _validate(con: duckdb.DuckDBPyConnection, silver_rows: int) -> dict[str, int]:
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    missing = [t for t in EXPECTED_TABLES if t not in present]
    if missing:
        raise GoldBuildError(f"gold is missing tables: {', '.join(missing)}")
    rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in EXPECTED_TABLES}
    served = rows["tracks_serving"]
    trend_total = con.execute(
        "SELECT coalesce(sum(tracks), 0) FROM year_trends WHERE explicit_filter = 'all'"
    ).fetchone()[0]
    if served != silver_rows or trend_total != silver_rows:
        raise GoldBuildError(
            f"row counts do not match silver ({silver_rows:,}): tracks_serving {served:,}, "
            f"year_trends total {trend_total:,}"
        )
    return rows


def build_gold(settings: Settings, verbose: bool = True) -> GoldResult:
    """Build ``gold/spotify.duckdb`` from silver and publish it atomically, one build at a
    time, from one silver version (pinned: a republish of silver does not change it)."""
    gold_dir = Path(settings.gold_dir).absolute()
    with publish.writer_lock(gold_dir), publish.pinned(settings.silver_dir) as silver:
        return _build_gold(settings, silver, verbose)


def _build_gold(settings: Settings, silver: Path, verbose: bool) -> GoldResult:
    start = time.perf_counter()
    manifest, manifest_sha = _silver_snapshot(silver)
    target = Path(settings.gold_db).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    _remove_stale_builds(target)
    try:
        with publish.scratch_dir(settings.spill_dir, "gold") as spill, duckdb.connect() as con:
            limit_memory(con, settings, spill)
            rows = _build_file(
                con, tmp, silver, manifest, manifest_sha, settings, spill, start, verbose
            )
            os.replace(tmp, target)  # the file is closed: no lock follows it
            seconds = round(time.perf_counter() - start, 3)
            # Closing frees the work tables (~0.1 s), after the new gold is served.
    except duckdb.OutOfMemoryException as exc:
        _remove_db(tmp)
        raise GoldBuildError(out_of_memory("the gold build", settings, exc)) from exc
    except BaseException:
        _remove_db(tmp)
        raise
    return GoldResult(target, rows, seconds, manifest["rows_out"])


def limit_memory(con: duckdb.DuckDBPyConnection, settings: Settings, spill: Path) -> None:
    """Cap DuckDB's memory at ``DUCKDB_MEMORY_LIMIT``; past it, DuckDB writes blocks to
    ``spill``: operators' intermediates and the work tables alike."""
    con.execute("SET memory_limit = $m", {"m": settings.duckdb_memory_limit})
    con.execute("SET temp_directory = $d", {"d": str(spill)})


def out_of_memory(what: str, settings: Settings, exc: Exception) -> str:
    """The one-line message for a step that cannot stay under the memory cap."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    where = " ".join(getattr(exc, "__notes__", ()))
    limit = settings.duckdb_memory_limit
    return (
        f"{what}{' ' + where if where else ''} needs more memory than "
        f"DUCKDB_MEMORY_LIMIT={limit} allows ({first}); raise DUCKDB_MEMORY_LIMIT"
    )


def _build_file(con, tmp, silver, manifest, manifest_sha, settings, spill, start, verbose):
    """Build and validate the new file at ``tmp``, and close it; return rows per table."""
    threads = settings.duckdb_threads
    path = sql_literal(str(tmp))  # from settings, never from a user
    con.execute(f"ATTACH {path} AS gold (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
    # Silver and the helpers, never written to a file. The buffer manager keeps their blocks
    # in memory up to the cap and past it evicts them to the spill folder, so the copy of
    # silver costs at most DUCKDB_MEMORY_LIMIT, whatever the rows.
    con.execute("ATTACH ':memory:' AS work")
    con.execute("USE work")
    con.execute("SET threads = $n", {"n": threads})
    con.execute("SET perfect_ht_threshold = $bits", {"bits": PERFECT_HASH_BITS})
    # Loading ignores row order (a third faster); every gold table states its own.
    con.execute("SET preserve_insertion_order = false")

    def done(name: str, seconds: float) -> None:
        if verbose:
            print(f"[gold]   {name}: {seconds:.2f}s", flush=True)

    plan = MemoryPlan.of(manifest["rows_out"], settings, spill / "buckets")
    run_steps(con, _build_steps(silver, plan), plan.cursors, done, prepare=_use_work)
    con.execute("USE gold")
    con.execute("DETACH work")
    con.execute(
        """CREATE TABLE _build AS SELECT $build_id AS build_id, $built_at AS built_at,
             $sha AS silver_manifest_sha256, $silver_path AS silver_path,
             CAST($rows AS BIGINT) AS silver_rows, version() AS duckdb_version,
             CAST($threads AS INTEGER) AS threads,
             CAST(NULL AS DOUBLE) AS seconds, CAST(NULL AS VARCHAR) AS table_rows""",
        {
            "build_id": uuid.uuid4().hex,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "sha": manifest_sha,
            "silver_path": str(silver),
            "rows": manifest["rows_out"],
            "threads": threads,
        },
    )
    rows = _validate(con, manifest["rows_out"])
    con.execute(
        "UPDATE _build SET seconds = $s, table_rows = $r",
        {"s": round(time.perf_counter() - start, 3), "r": json.dumps(rows)},
    )
    con.execute("CHECKPOINT")
    con.execute("USE memory")
    con.execute("DETACH gold")
    return rows


def _use_work(cursor: duckdb.DuckDBPyConnection) -> None:
    cursor.execute("USE work")


def _build_steps(silver: Path, plan: MemoryPlan) -> list[Step]:
    """Every statement of the build, each after what it reads: silver into ``work``, the
    helpers there, then the gold tables and the quality tables into ``gold``."""

    # Silver is a view over Parquet, never copied: each statement reads only its columns
    # (and tracks_serving only its years), so no step holds a copy of silver. Copying ``t``
    # into the work database made the 1.2M build about 3 s faster (9.4-9.6 s against
    # 12.7-13.0 s, alternating runs), but at 12M rows the copy spilled 3 GB under the 1GB
    # cap and the build then failed to pin memory for artist_year.
    def load(name: str, sql: str) -> Step:
        return Step(name, lambda con: con.execute(f"CREATE VIEW work.{name} AS {sql}"))

    def make(relation: Relation, database: str, after: tuple[str, ...] = ()) -> Step:
        run = lambda con: _create(con, database, relation, plan)  # noqa: E731
        return Step(relation.name, run, after or relation.after)

    steps = [
        *(load(name, sql) for name, sql in _silver_sources(silver).items()),
        *(make(helper, "work") for helper in HELPERS),
        *(make(table, "gold") for table in TABLES if table.name not in RUN_ALONE),
        Step("quality", lambda con: _quality_tables(con, "gold"), after=("t",)),
    ]
    steps += _drop_helpers(steps, plan)
    done = tuple(step.name for step in steps)
    return steps + [make(t, "gold", after=done) for t in TABLES if t.name in RUN_ALONE]


def _drop_helpers(steps: list[Step], plan: MemoryPlan | None = None) -> list[Step]:
    """Steps dropping each work table once every step that reads it is done: at 60M rows
    artist_tracks alone spilled about 7 GB, which the sort of all rows then needs on disk.
    A view helper's readers read what it reads too; a scattered helper's files go with it."""
    plan = plan or MemoryPlan(sort_rows=1)
    views = {helper.name for helper in HELPERS if helper.view}

    def readers(name: str) -> tuple[str, ...]:
        direct = tuple(step.name for step in steps if name in step.after)
        return direct + tuple(r for v in direct if v in views for r in readers(v))

    def drop(helper: Relation) -> Callable[[duckdb.DuckDBPyConnection], None]:
        scattered = plan.scatters(helper)
        kind = "VIEW" if helper.view or scattered else "TABLE"

        def run(con: duckdb.DuckDBPyConnection) -> None:
            con.execute(f"DROP {kind} work.{helper.name}")
            if scattered:
                shutil.rmtree(plan.scatter_dir / helper.name, ignore_errors=True)

        return run

    return [Step(f"drop {h.name}", drop(h), readers(h.name)) for h in HELPERS]


def _remove_stale_builds(target: Path) -> None:
    """Delete temp files of builds whose process is gone (killed runs), and our own."""
    for tmp in target.parent.glob(f".{target.name}.tmp-*"):
        pid_text = tmp.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or not pid_alive(int(pid_text))):
            _remove_db(tmp)


def _remove_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
