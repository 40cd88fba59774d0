"""Storage suite: CSV against Parquet, in bytes on disk and in scan latency.

Scans (same SQL text in both engines, over a ``csv_tracks`` and a ``pq_tracks`` view):
a full-scan aggregate, a selective year filter (partition pruning on silver's ``year=``
folders plus predicate pushdown) and a 2-column projection materialised to pandas.
The CSV is read with the explicit schema in both engines (never inferred). Parquet means
silver tracks. CSV rows include the rows silver rejected, so answers are compared
across engines for the same format, not across formats.

What each scan read comes from one extra, untimed run with the engine's own accounting:
Spark's file-scan SQL metrics (files selected after partition pruning and their size) and
DuckDB's profiler (files opened and bytes read from them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import policy
from bench.conftest import LazyAnswers, capped_duckdb, common_info, record_failure
from pipeline.compare import compare_frames
from pipeline.layers.bronze import READ_OPTIONS
from pipeline.manifest import dir_bytes
from pipeline.schema import duckdb_columns
from pipeline.spark import RAW_SCHEMA, conf_override

SCANS = {
    "full_aggregate": "SELECT count(*) AS n, avg(energy) AS energy, max(tempo) AS tempo "
    "FROM {table}",
    "year_filter": "SELECT count(*) AS n, avg(energy) AS energy FROM {table} WHERE year = 2015",
    "projection": "SELECT id, energy FROM {table}",
}
FORMATS = {"csv": "csv_tracks", "parquet": "pq_tracks"}


@pytest.fixture(scope="module")
def engines(settings, spark):
    """Spark and DuckDB, each with the same two views."""
    silver = Path(settings.silver_dir).resolve() / "tracks"
    csv_path = str(Path(settings.raw_csv).resolve())
    csv_opts = {**READ_OPTIONS, "mode": "DROPMALFORMED"}
    spark.read.options(**csv_opts).schema(RAW_SCHEMA).csv(csv_path).createOrReplaceTempView(
        "csv_tracks"
    )
    spark.read.parquet(str(silver)).createOrReplaceTempView("pq_tracks")
    with capped_duckdb(settings, "bench-storage") as con:
        _duckdb_views(con, csv_path, silver)
        yield {
            "spark": lambda sql: spark.sql(sql).toPandas(),
            "duckdb": lambda sql: con.execute(sql).df(),
            "spark_read": lambda sql: spark_files_read(spark, sql),
            "duckdb_read": lambda sql: duckdb_files_read(con, sql),
        }


def _duckdb_views(con, csv_path: str, silver: Path) -> None:
    columns = ", ".join(f"'{k}': '{v}'" for k, v in duckdb_columns().items())
    con.execute(
        f"CREATE VIEW csv_tracks AS SELECT * FROM read_csv('{csv_path}', header = true, "
        f"quote = '\"', escape = '\"', columns = {{{columns}}}, ignore_errors = true)"
    )
    con.execute(
        f"CREATE VIEW pq_tracks AS SELECT * FROM read_parquet('{silver}/*/*.parquet', "
        "hive_partitioning = true)"
    )


def spark_files_read(spark, sql: str) -> dict[str, int] | None:
    """Files and bytes Spark's file scans selected for ``sql`` (its SQL metrics).

    Measured on one more run with adaptive execution off, so the plan's leaves are the scans
    themselves. Spark counts whole files after partition pruning, not the column chunks read
    within them. None over Spark Connect, whose client sees no physical plan.
    """
    with conf_override(spark, {"spark.sql.adaptive.enabled": "false"}):
        df = spark.sql(sql)
        if not hasattr(df, "_jdf"):
            return None
        df.toPandas()
        leaves = df._jdf.queryExecution().executedPlan().collectLeaves()
    read = {"files": 0, "bytes": 0}
    for i in range(leaves.size()):
        metrics = leaves.apply(i).metrics()
        for key, metric in (("files", "numFiles"), ("bytes", "filesSize")):
            if metrics.contains(metric):
                read[key] += int(metrics.apply(metric).value())
    return read


def duckdb_files_read(con, sql: str) -> dict[str, int]:
    """Files DuckDB's scans opened for ``sql`` and the bytes it read (its profiler)."""
    profile = json.loads(con.execute(f"EXPLAIN (ANALYZE, FORMAT json) {sql}").fetchall()[0][1])
    files, stack = 0, list(profile.get("operator", []))
    while stack:
        node = stack.pop()
        files += int(node.get("extra_info", {}).get("Total Files Read", 0))
        stack += node.get("children", [])
    return {"files": files, "bytes": int(profile["io"]["total_bytes_read"])}


def _sorted(frame, scan):
    return frame.sort_values("id").reset_index(drop=True) if scan == "projection" else frame


@pytest.fixture(scope="module")
def scan_answers(engines) -> LazyAnswers:
    """Per (format, scan), when first needed: ``mismatch`` (None when Spark and DuckDB
    agree, else why not) and ``check_s``, each engine's seconds for its checked run."""

    def compute(key: tuple[str, str]) -> dict:
        fmt, scan = key
        sql = SCANS[scan].format(table=FORMATS[fmt])
        frames, check_s = {}, {}
        for engine in ("spark", "duckdb"):
            frame, check_s[engine] = policy.checked_run(lambda e=engine: engines[e](sql))
            frames[engine] = _sorted(frame, scan)
        mismatch = "; ".join(compare_frames(frames["spark"], frames["duckdb"], rel=1e-9))
        return {"mismatch": mismatch or None, "check_s": check_s}

    return LazyAnswers(compute)


@pytest.mark.parametrize("scan", list(SCANS))
@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("engine", ["spark", "duckdb"])
def test_scan(benchmark, engine, fmt, scan, engines, scan_answers, env, settings):
    """Inside the timer: the scan query, its full result materialised to pandas.
    Outside: view creation; the answer check (Spark vs DuckDB) runs before any timing (a
    scan slower than a second counts it as its warm-up: policy.rounds_by_cost), and the
    run measuring files and bytes read (``extra_info["read"]``) after it."""
    benchmark.group = f"scan {scan}"
    sql = SCANS[scan].format(table=FORMATS[fmt])
    benchmark.extra_info.update(
        engine=engine, variant=f"{engine}_{fmt}", format=fmt, query=scan, sql=sql,
        **common_info(env, settings),
    )  # fmt: skip
    answer = scan_answers[fmt, scan]
    if answer["mismatch"]:
        record_failure(f"scan[{engine}-{fmt}-{scan}]", answer["mismatch"])
    check_s = benchmark.extra_info["check_s"] = answer["check_s"][engine]
    rounds = policy.rounds_by_cost(policy.SCAN_ROUNDS, policy.SCAN_WARMUP, check_s)
    frame = policy.pedantic(benchmark, lambda: engines[engine](sql), *rounds)
    benchmark.extra_info["result_rows"] = len(frame)
    benchmark.extra_info["read"] = engines[f"{engine}_read"](sql)


def test_storage_bytes(benchmark, settings, env, tmp_path):
    """Inside the timer: DuckDB writing silver tracks as one zstd Parquet file (a reference
    layout). extra_info: bytes on disk of the CSV, bronze, silver and that reference."""
    silver = Path(settings.silver_dir).resolve()
    target = tmp_path / "duckdb_tracks.parquet"
    with capped_duckdb(settings, "bench-storage-bytes") as con:
        _storage_bytes(benchmark, settings, env, silver, target, con)


def _storage_bytes(benchmark, settings, env, silver: Path, target: Path, con) -> None:
    sql = (
        f"COPY (SELECT * FROM read_parquet('{silver}/tracks/*/*.parquet', "
        f"hive_partitioning = true)) TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
    )
    benchmark.group = "storage"
    policy.pedantic(benchmark, lambda: con.execute(sql), 1, 0)
    csv_bytes = Path(settings.raw_csv).resolve().stat().st_size
    sizes = {
        "csv": csv_bytes,
        "bronze_parquet": dir_bytes(Path(settings.bronze_tracks).resolve()),
        "silver_parquet": dir_bytes(silver / "tracks"),
        "silver_track_artists": dir_bytes(silver / "track_artists"),
        "duckdb_parquet": target.stat().st_size,
    }
    benchmark.extra_info.update(
        engine="duckdb", variant="storage", format="parquet", query="bytes_on_disk",
        sizes=sizes, ratios={k: v / csv_bytes for k, v in sizes.items()},
        **common_info(env, settings),
    )  # fmt: skip
