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
    PROFILE_FEATURES,
    TREND_FEATURES,
    avg_columns,
)
from pipeline.manifest import MANIFEST_NAME, read_manifest
from pipeline.publish import pid_alive
from pipeline.schema import AUDIO_FEATURES
from pipeline.settings import Settings
from pipeline.spark import local_cores


class GoldBuildError(RuntimeError):
    """The new gold file failed validation; the old one is still published."""


SERVING_FEATURES = ", ".join(AUDIO_FEATURES)

# (table, SQL, ORDER BY when materialised) in build order. The SQL reads ``t`` (silver
# tracks) and ``ta`` (silver track_artists): temp tables during the build, or views over
# silver Parquet for the "DuckDB direct on silver" benchmark (see :func:`silver_views`).
TABLES: tuple[tuple[str, str, str], ...] = (
    (
        "tracks_serving",
        f"""SELECT id, name, album, album_id, primary_artist, artists, artist_ids, year,
                   decade, explicit, {SERVING_FEATURES}, key, mode, mood, is_party_song
            FROM t""",
        "year",
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
        f"""WITH long AS (
              UNPIVOT (SELECT decade, {", ".join(f"CAST({f} AS DOUBLE) AS {f}" for f in PROFILE_FEATURES)} FROM t)
              ON {", ".join(PROFILE_FEATURES)} INTO NAME feature VALUE value)
            SELECT decade, feature, count(value) AS tracks, avg(value) AS mean,
                   min(value) AS min, quantile_cont(value, 0.25) AS q1,
                   quantile_cont(value, 0.5) AS median, quantile_cont(value, 0.75) AS q3,
                   max(value) AS max
            FROM long GROUP BY decade, feature""",  # noqa: E501
        "feature, decade",
    ),
    (
        "artist_stats",
        f"""WITH pairs AS (SELECT DISTINCT artist_id, track_id FROM ta),
            names AS (SELECT artist_id, min(artist_name) AS artist_name FROM ta
                      GROUP BY artist_id)
            SELECT p.artist_id, n.artist_name, lower(n.artist_name) AS artist_key,
                   count(*) AS tracks, count(DISTINCT t.album_id) AS albums,
                   min(t.year) AS first_year, max(t.year) AS last_year,
                   {avg_columns(ARTIST_FEATURES, "t.")},
                   avg(CAST(t.explicit AS DOUBLE)) AS explicit_share
            FROM pairs p JOIN t ON t.id = p.track_id JOIN names n USING (artist_id)
            GROUP BY p.artist_id, n.artist_name""",
        "tracks DESC, artist_id",
    ),
    (
        "artist_year",
        """WITH names AS (SELECT artist_id, min(artist_name) AS artist_name FROM ta
                          GROUP BY artist_id)
           SELECT a.artist_id, n.artist_name, t.year, count(DISTINCT a.track_id) AS tracks
           FROM ta a JOIN t ON t.id = a.track_id JOIN names n USING (artist_id)
           GROUP BY a.artist_id, n.artist_name, t.year""",
        "artist_id, year",
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
              FROM t GROUP BY decade
              UNION ALL
              SELECT NULL, {", ".join(f"corr({a}, {b})" for a, b in FEATURE_PAIRS)} FROM t)
            SELECT decade, pair.feature_x AS feature_x, pair.feature_y AS feature_y,
                   pair.corr AS corr FROM scopes,
              UNNEST([{", ".join(f"{{'feature_x': '{a}', 'feature_y': '{b}', 'corr': c{i}}}" for i, (a, b) in enumerate(FEATURE_PAIRS))}]) AS u(pair)""",  # noqa: E501
        "decade NULLS FIRST, feature_x, feature_y",
    ),
)
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


def _silver_sources(silver: Path) -> dict[str, tuple[str, str]]:
    """name -> (SQL reading silver Parquet, its path glob)."""
    return {
        "t": (
            "SELECT * FROM read_parquet('{glob}', hive_partitioning = true)",
            str(silver / "tracks" / "*" / "*.parquet"),
        ),
        "ta": ("SELECT * FROM read_parquet('{glob}')", str(silver / "track_artists" / "*.parquet")),
    }


def _load_silver(con: duckdb.DuckDBPyConnection, silver: Path, kind: str = "TEMP TABLE") -> None:
    """Create ``t`` and ``ta`` over silver: materialised (build) or as views (benchmark).

    DuckDB cannot bind parameters in a view definition, so the path is inlined with its
    quotes escaped; it comes from settings, never from a user.
    """
    for name, (sql, glob) in _silver_sources(silver).items():
        con.execute(
            f"CREATE OR REPLACE {kind} {name} AS " + sql.format(glob=glob.replace("'", "''"))
        )


def silver_views(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Make the gold table names views computed from silver Parquet on every query.

    The catalogue's DuckDB SQL then runs unchanged on silver: the "DuckDB direct" path
    that separates the engine from gold's pre-aggregation.
    """
    _load_silver(con, Path(settings.silver_dir).resolve(), kind="TEMP VIEW")
    for name, sql, _ in TABLES:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")


def _quality_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Silver facts for the data-quality report: nulls per column and named metrics."""
    columns = [r[0] for r in con.execute("DESCRIBE t").fetchall()]
    nulls = " UNION ALL ".join(
        f"SELECT '{c}' AS column_name, count(*) - count({c}) AS nulls FROM t" for c in columns
    )
    con.execute(f"CREATE TABLE dq_nulls AS {nulls}")
    metrics = {
        "tracks": "count(*)",
        "multi_artist_tracks": "count_if(artist_count > 1)",
        "non_ascii_tracks": "count_if(regexp_matches(name || album || array_to_string(artists, ''),"
        " '[^\\x00-\\x7F]'))",
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
    with duckdb.connect(str(tmp)) as con:
        con.execute("SET threads = $n", {"n": threads})
        _load_silver(con, silver)
        for name, sql, order in TABLES:
            step = time.perf_counter()
            con.execute(f"CREATE TABLE {name} AS {sql}" + (f" ORDER BY {order}" if order else ""))
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
