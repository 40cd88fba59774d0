"""Gold (DuckDB): the serving tables, built from silver into one DuckDB file.

The build reads silver Parquet (hive-partitioned by year) into a new temporary file beside
``gold/spotify.duckdb``, validates it (every table present, row counts that match the
silver manifest), then renames it over the old file. A failed or killed build leaves the
previous file untouched and serving; the build never opens the published file, so it holds
no lock that could block a running dashboard.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.catalogue import (
    ARTIST_FEATURES,
    FEATURE_PAIRS,
    FEATURE_RANGES,
    PROFILE_FEATURES,
    TREND_FEATURES,
    avg_columns,
    feature_bin,
)
from pipeline.manifest import MANIFEST_NAME, read_manifest
from pipeline.parsing import sql_literal
from pipeline.publish import pid_alive
from pipeline.schema import AUDIO_FEATURES
from pipeline.settings import Settings
from pipeline.spark import local_cores


class GoldBuildError(RuntimeError):
    """The new gold file failed validation; the old one is still published."""


SERVING_FEATURES = ", ".join(AUDIO_FEATURES)

# Relations several tables share, computed once before them (temp tables during the build;
# views for the "DuckDB direct on silver" benchmark, like ``t`` and ``ta``).
HELPERS: tuple[tuple[str, str], ...] = (
    (
        # Artists numbered in (name, id) order: ranking on the number is ranking on the name.
        "artist_numbers",
        """SELECT artist_id, artist_name, CAST(row_number() OVER
                  (ORDER BY artist_name, artist_id) AS INTEGER) AS artist_num
           FROM (SELECT artist_id, min(artist_name) AS artist_name FROM ta GROUP BY artist_id)""",
    ),
    (
        # Each (artist, track) once, with the track columns the artist tables aggregate.
        "artist_tracks",
        f"""SELECT p.artist_id, p.track_id, t.album_id, t.year, t.explicit,
                   {", ".join(f"t.{f}" for f in ARTIST_FEATURES)}
            FROM (SELECT DISTINCT artist_id, track_id FROM ta) p JOIN t ON t.id = p.track_id""",
    ),
)
DENSITY_PAIRS = tuple(
    (x, y) for i, x in enumerate(FEATURE_RANGES) for y in tuple(FEATURE_RANGES)[i + 1 :]
)


def _profile_aggregates(feature: str) -> str:
    value = f"CAST({feature} AS DOUBLE)"
    return (
        f"count({value}) AS {feature}__n, avg({value}) AS {feature}__mean, "
        f"min({value}) AS {feature}__min, "
        f"quantile_cont({value}, [0.25, 0.5, 0.75]) AS {feature}__q, "
        f"max({value}) AS {feature}__max"
    )


def _profile_struct(feature: str) -> str:
    fields = ("n", "mean", "min", "q", "max")
    names = ("tracks", "mean", "min", "q", "max")
    body = ", ".join(f"'{name}': {feature}__{f}" for name, f in zip(names, fields, strict=True))
    return f"{{'feature': '{feature}', {body}}}"


def _density_pair(x: str, y: str) -> str:
    return (
        f"SELECT decade, '{x}' AS feature_x, '{y}' AS feature_y, {x} AS bin_x, {y} AS bin_y, "
        f"count(*) AS tracks FROM bins GROUP BY decade, {x}, {y}"
    )


# (table, SQL, ORDER BY when materialised) in build order. The SQL reads ``t`` (silver
# tracks) and ``ta`` (silver track_artists): temp tables during the build, or views over
# silver Parquet for the "DuckDB direct on silver" benchmark (see :func:`silver_views`).
TABLES: tuple[tuple[str, str, str], ...] = (
    (
        # Only what the drill-down shows or filters on: every extra column is 1.2M more
        # values to sort and compress (album_id, decade, key, mode, mood and is_party_song
        # cost 0.25 s of the build and 10 MB of the file; the aggregates read silver).
        "tracks_serving",
        f"""SELECT id, name, album, primary_artist, artists, artist_ids, year, explicit,
                   {SERVING_FEATURES}
            FROM t""",
        # Newest first: the drill-down's order, numbered into serve_order (see NUMBERED).
        "year DESC, name, id",
    ),
    (
        "overview",
        """SELECT count(*) AS tracks, (SELECT count(DISTINCT artist_id) FROM ta) AS artists,
                  count(DISTINCT album_id) AS albums, min(year) AS first_year,
                  max(year) AS last_year
           FROM t""",
        "",
    ),
    (
        "year_trends",
        f"""SELECT year, f.explicit_filter, count(*) AS tracks,
                   count_if(explicit) AS explicit_tracks,
                   avg(CAST(explicit AS DOUBLE)) AS explicit_share, {avg_columns(TREND_FEATURES)}
            FROM t, (VALUES ('all'), ('explicit'), ('clean')) f(explicit_filter)
            WHERE f.explicit_filter = 'all' OR explicit = (f.explicit_filter = 'explicit')
            GROUP BY year, f.explicit_filter""",
        "year, explicit_filter",
    ),
    (
        "decade_profile",
        f"""WITH wide AS (
              SELECT decade, {", ".join(_profile_aggregates(f) for f in PROFILE_FEATURES)}
              FROM t GROUP BY decade)
            SELECT decade, p.feature AS feature, p.tracks AS tracks, p.mean AS mean,
                   p.min AS min, p.q[1] AS q1, p.q[2] AS median, p.q[3] AS q3, p.max AS max
            FROM wide, UNNEST([{", ".join(_profile_struct(f) for f in PROFILE_FEATURES)}]) AS u(p)""",  # noqa: E501
        "feature, decade",
    ),
    (
        "artist_stats",
        f"""SELECT a.artist_id, n.artist_num, n.artist_name, lower(n.artist_name) AS artist_key,
                   count(*) AS tracks, count(DISTINCT a.album_id) AS albums,
                   min(a.year) AS first_year, max(a.year) AS last_year,
                   {avg_columns(ARTIST_FEATURES, "a.")},
                   avg(CAST(a.explicit AS DOUBLE)) AS explicit_share
            FROM artist_tracks a JOIN artist_numbers n USING (artist_id)
            GROUP BY a.artist_id, n.artist_num, n.artist_name""",
        "artist_key, tracks DESC, artist_id",  # sorted by key: name lookups prune by zone map
    ),
    (
        "artist_year",
        """WITH per_year AS (SELECT artist_id, year, count(*) AS tracks FROM artist_tracks
                              GROUP BY artist_id, year),
            ranked AS (
              SELECT n.artist_id, n.artist_num, s.total AS artist_total,
                     CAST(row_number() OVER (ORDER BY s.total DESC, n.artist_num) AS INTEGER)
                       AS artist_rank
              FROM (SELECT artist_id, sum(tracks) AS total FROM per_year GROUP BY artist_id) s
              JOIN artist_numbers n USING (artist_id))
            SELECT p.artist_id, r.artist_num, r.artist_rank, r.artist_total, p.year, p.tracks
            FROM per_year p JOIN ranked r USING (artist_id)""",
        # Biggest artists first: top_artists reads only the row groups it needs.
        "artist_rank, year",
    ),
    (
        "key_mode",
        """SELECT decade, key, mode, count(*) AS tracks FROM t
           GROUP BY decade, key, mode""",
        "decade, key, mode",
    ),
    (
        "feature_correlations",
        f"""WITH scopes AS (
              SELECT decade, {", ".join(f"corr({a}, {b}) AS c{i}" for i, (a, b) in enumerate(FEATURE_PAIRS))}
              FROM t GROUP BY GROUPING SETS ((decade), ()))
            SELECT decade, pair.feature_x AS feature_x, pair.feature_y AS feature_y,
                   pair.corr AS corr FROM scopes,
              UNNEST([{", ".join(f"{{'feature_x': '{a}', 'feature_y': '{b}', 'corr': c{i}}}" for i, (a, b) in enumerate(FEATURE_PAIRS))}]) AS u(pair)""",  # noqa: E501
        "decade NULLS FIRST, feature_x, feature_y",
    ),
    (
        "feature_density",
        f"""WITH bins AS (
              SELECT decade, {", ".join(f"{feature_bin(f)} AS {f}" for f in FEATURE_RANGES)} FROM t),
            half AS ({" UNION ALL ".join(_density_pair(x, y) for x, y in DENSITY_PAIRS)})
            SELECT decade, feature_x, feature_y, bin_x, bin_y, tracks FROM half
            UNION ALL
            SELECT decade, feature_y, feature_x, bin_y, bin_x, tracks FROM half""",  # noqa: E501
        "feature_x, feature_y, decade, bin_x, bin_y",
    ),
)
# Rows per row group (DuckDB's default is 122,880). Zone maps skip whole row groups, so
# smaller ones let selective reads (a top-N, a name lookup) skip more: the drill-down
# query reads ~16k rows instead of ~220k.
ROW_GROUP_SIZE = 16_384
# Tables from this one on are small; they store text without FSST compression, whose
# decoding cost ~3 ms a query on the 100k artist names (tracks_serving stays compressed).
FIRST_PLAIN_TEXT_TABLE = "overview"
# Tables whose stored order is numbered into a column (1, 2, ...). Numbering the rows after
# the one sort costs 0.06 s; a row_number() window sorted the 1.2M wide rows a second time
# (0.4 s). The drill-down's top-N on serve_order then reads only the first row groups.
NUMBERED = {"tracks_serving": "serve_order"}
EXPECTED_TABLES = (*(name for name, _, _ in TABLES), "dq_nulls", "dq_metrics", "_build")


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


def _silver_snapshot(settings: Settings) -> tuple[Path, dict, str]:
    """The resolved silver version (stable even if silver is republished), its manifest
    and the sha256 of that manifest file."""
    silver = Path(settings.silver_dir).resolve()
    manifest = read_manifest(silver)
    digest = hashlib.sha256((silver / MANIFEST_NAME).read_bytes()).hexdigest()
    return silver, manifest, digest


def _silver_sources(silver: Path) -> dict[str, str]:
    """name -> SQL reading silver Parquet."""
    tracks = sql_literal(str(silver / "tracks" / "*" / "*.parquet"))
    artists = sql_literal(str(silver / "track_artists" / "*.parquet"))
    return {
        "t": f"SELECT * FROM read_parquet({tracks}, hive_partitioning = true)",
        "ta": f"SELECT * FROM read_parquet({artists})",
    }


def _load_silver(con: duckdb.DuckDBPyConnection, silver: Path, kind: str = "TEMP TABLE") -> None:
    """Create ``t``, ``ta`` and the :data:`HELPERS` over silver: materialised (build) or as
    views (benchmark).

    DuckDB cannot bind parameters in a view definition, so the paths are inlined as quoted
    literals; they come from settings, never from a user. Loading ignores row order (every
    gold table states its own), which makes it a third faster.
    """
    con.execute("SET preserve_insertion_order = false")
    for name, sql in _silver_sources(silver).items():
        con.execute(f"CREATE OR REPLACE {kind} {name} AS {sql}")
    con.execute("RESET preserve_insertion_order")  # stored order follows each ORDER BY
    for name, sql in HELPERS:
        con.execute(f"CREATE OR REPLACE {kind} {name} AS {sql}")


def silver_views(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Make the gold table names views computed from silver Parquet on every query.

    The catalogue's DuckDB SQL then runs unchanged on silver: the "DuckDB direct" path
    that separates the engine from gold's pre-aggregation.
    """
    _load_silver(con, Path(settings.silver_dir).resolve(), kind="TEMP VIEW")
    for name, sql, _ in TABLES:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")


def _number_rows(con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
    """Add ``column`` = 1, 2, ... in the table's stored order (its rowid order)."""
    con.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER")
    con.execute(f"UPDATE {table} SET {column} = CAST(rowid + 1 AS INTEGER)")


def _plain_text_from_here(con: duckdb.DuckDBPyConnection) -> None:
    """Checkpoint what is built (compressed), then store new text segments plainly."""
    con.execute("CHECKPOINT")
    con.execute("SET disabled_compression_methods = 'fsst,dict_fsst'")


def _quality_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Silver facts for the data-quality report: nulls per column and named metrics."""
    columns = [r[0] for r in con.execute("DESCRIBE t").fetchall()]
    counts = ", ".join(f'count(*) - count("{c}") AS "{c}"' for c in columns)
    con.execute(
        f"CREATE TABLE dq_nulls AS UNPIVOT (SELECT {counts} FROM t) "
        "ON COLUMNS(*) INTO NAME column_name VALUE nulls"
    )
    metrics = {
        "tracks": "count(*)",
        "multi_artist_tracks": "count_if(artist_count > 1)",
        # More bytes than characters: some character is not ASCII (5x faster than a regex).
        "non_ascii_tracks": "count_if(strlen(name || album || array_to_string(artists, ''))"
        " <> length(name || album || array_to_string(artists, '')))",
        "pre_1950_tracks": "count_if(year < 1950)",
        "year_1908_tracks": "count_if(year = 1908)",
        "tempo_zero": "count_if(tempo = 0)",
        "time_signature_zero": "count_if(time_signature = 0)",
        "loudness_min_60": "count_if(loudness <= -60)",
        "loudness_above_0": "count_if(loudness > 0)",
        "shorter_than_30s": "count_if(duration_ms < 30000)",
        "longer_than_30min": "count_if(duration_ms > 1800000)",
        "name_artist_repeats": "(SELECT count(*) - count(DISTINCT (name, artists)) FROM t)",
    }
    select = ", ".join(f"CAST({expr} AS BIGINT) AS {name}" for name, expr in metrics.items())
    con.execute(f"CREATE TABLE dq_metrics AS UNPIVOT (SELECT {select} FROM t) "
                "ON COLUMNS(*) INTO NAME metric VALUE value")  # fmt: skip


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
    """Build ``gold/spotify.duckdb`` from silver and publish it atomically."""
    start = time.perf_counter()
    silver, manifest, manifest_sha = _silver_snapshot(settings)
    target = Path(settings.gold_db).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    _remove_stale_builds(target)
    try:
        rows = _build_file(tmp, silver, manifest, manifest_sha, settings, start, verbose)
        os.replace(tmp, target)
    except BaseException:
        _remove_db(tmp)
        raise
    return GoldResult(target, rows, round(time.perf_counter() - start, 3), manifest["rows_out"])


def _build_file(tmp, silver, manifest, manifest_sha, settings, start, verbose) -> dict[str, int]:
    threads = local_cores(settings.spark_master) or os.cpu_count() or 1
    with duckdb.connect() as con:
        path = sql_literal(str(tmp))  # from settings, never from a user
        con.execute(f"ATTACH {path} AS gold (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        con.execute("USE gold")
        con.execute("SET threads = $n", {"n": threads})
        _load_silver(con, silver)
        for name, sql, order in TABLES:
            if name == FIRST_PLAIN_TEXT_TABLE:
                _plain_text_from_here(con)
            step = time.perf_counter()
            con.execute(f"CREATE TABLE {name} AS {sql}" + (f" ORDER BY {order}" if order else ""))
            if name in NUMBERED:
                _number_rows(con, name, NUMBERED[name])
            if verbose:
                print(f"[gold]   {name}: {time.perf_counter() - step:.2f}s", flush=True)
            if settings.gold_pause_s:  # test hook: widen the window for a kill test
                time.sleep(settings.gold_pause_s)
        _quality_tables(con)
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
    return rows


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
