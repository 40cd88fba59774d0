"""ETL suite: what each layer costs to build.

* Spark bronze and silver seconds come from their manifests (the run that built them:
  ``make bench`` does not rebuild them, so it stays within its time budget).
* The DuckDB gold build is timed here, for real (into a scratch directory).
* The reference, to show when Spark pays for itself: DuckDB building the same silver from
  the raw CSV (:mod:`bench.references.silver_duckdb`: bronze's quarantine and silver's
  rules, parsers and derived columns), checked against the Spark silver under DATA_DIR
  before it is timed.
* A floor under that: DuckDB turning the CSV into year-partitioned Parquet on its own (typed
  by the same schema; no artist parsing or rule checks).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from bench import policy
from bench.conftest import common_info, record_failure, threads_of
from bench.references.silver_duckdb import DuckSilverResult, build_silver_duckdb
from pipeline.compare import silver_fingerprint
from pipeline.layers.gold import build_gold
from pipeline.manifest import read_manifest
from pipeline.schema import duckdb_columns
from pipeline.settings import Settings


def test_spark_layers_from_manifests(benchmark, settings, env):
    """Nothing meaningful is inside the timer (reading two manifests); the Spark seconds
    are the manifests' own, reported in extra_info."""
    benchmark.group = "etl"
    bronze, silver = policy.pedantic(
        benchmark,
        lambda: (read_manifest(settings.bronze_dir), read_manifest(settings.silver_dir)),
        1,
        0,
    )
    benchmark.extra_info.update(
        engine="spark", variant="etl", format="parquet", query="bronze+silver",
        bronze_s=bronze["seconds"], silver_s=silver["seconds"],
        silver_steps=silver.get("step_seconds", {}), **common_info(env, settings),
    )  # fmt: skip


def test_gold_build(benchmark, settings, env, tmp_path):
    """Inside: the whole gold build (read silver, every table, validate, publish).

    It builds into a scratch DATA_DIR whose ``silver`` links to the real one, so the
    published gold (and Make's view of what is up to date) is left alone. Three rounds (a
    first build, then two rebuilds that replace it): the report shows their median.
    """
    benchmark.group = "etl"
    (tmp_path / "silver").symlink_to(Path(settings.silver_dir).resolve())
    scratch = settings.with_overrides(data_dir=tmp_path)
    result = policy.pedantic(benchmark, lambda: build_gold(scratch, verbose=False), 3, 0)
    benchmark.extra_info.update(
        engine="duckdb", variant="etl", format="duckdb", query="gold_build",
        gold_s=result.seconds, table_rows=result.table_rows, **common_info(env, settings),
    )  # fmt: skip


def silver_mismatch(settings: Settings, result: DuckSilverResult, out: Path) -> str | None:
    """Why DuckDB's silver in ``out`` differs from Spark's under DATA_DIR; None if equal."""
    bronze = read_manifest(settings.bronze_dir)
    if bronze.get("input", {}).get("sha256") != result.source_sha256:
        return "Spark's bronze was built from another CSV (sha256 differs): rebuild the layers"
    if result.quarantined_by_reason != bronze["quarantined_by_reason"]:
        return (
            f"quarantine differs: DuckDB {result.quarantined_by_reason}, "
            f"Spark bronze {bronze['quarantined_by_reason']}"
        )
    spark, duck = silver_fingerprint(settings.silver_dir), silver_fingerprint(out)
    differ = {key: (spark[key], duck[key]) for key in spark if spark[key] != duck[key]}
    return f"silver differs from Spark's (spark, duckdb): {differ}" if differ else None


def test_duckdb_silver_reference(benchmark, settings, env, tmp_path):
    """Inside: :func:`build_silver_duckdb` from the raw CSV (line count and sha256, read,
    quarantine, parse, rules, derived columns; write tracks, track_artists, _rejects), with
    DuckDB threads = Spark's cores.

    Outside: a first, untimed build (also the warm-up: it leaves the CSV in the page cache,
    as Spark's bronze found it) whose output must equal the Spark silver under DATA_DIR:
    quarantine and reject counts by reason, row counts, and order-independent hashes. A
    mismatch is recorded as a failure and nothing is timed.
    """
    benchmark.group = "etl"
    threads = threads_of(settings)
    first = build_silver_duckdb(settings.raw_csv, tmp_path / "checked", threads=threads)
    problem = silver_mismatch(settings, first, tmp_path / "checked")
    if problem:
        record_failure("duckdb_silver_reference", problem)
    result = policy.pedantic(
        benchmark,
        lambda: build_silver_duckdb(settings.raw_csv, tmp_path / "timed", threads=threads),
        1,
        0,
    )
    spark = [read_manifest(d)["seconds"] for d in (settings.bronze_dir, settings.silver_dir)]
    benchmark.extra_info.update(
        engine="duckdb", variant="etl", format="csv->silver", query="duckdb_csv_to_silver",
        checked_against="spark silver under DATA_DIR", first_run_s=first.seconds,
        steps=result.step_seconds, rows_in=result.rows_in, rows_out=result.rows_out,
        rejected=result.rejected, quarantined=result.quarantined,
        spark_bronze_silver_s=round(sum(spark), 3), **common_info(env, settings),
    )  # fmt: skip


def test_duckdb_csv_to_parquet_reference(benchmark, settings, env, tmp_path):
    """Inside: DuckDB reading the CSV (explicit schema) and writing Parquet by year: the
    floor under the silver reference (the same read and write, without rules)."""
    benchmark.group = "etl"
    con = duckdb.connect()
    con.execute("SET threads = $n", {"n": threads_of(settings)})
    columns = ", ".join(f"'{k}': '{v}'" for k, v in duckdb_columns().items())
    csv_path = Path(settings.raw_csv).resolve()
    sql = (
        f"COPY (SELECT * FROM read_csv('{csv_path}', header = true, quote = '\"', "
        f"escape = '\"', columns = {{{columns}}}, ignore_errors = true)) TO '{tmp_path / 'out'}' "
        "(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year))"
    )
    policy.pedantic(benchmark, lambda: con.execute(sql), 1, 0)
    benchmark.extra_info.update(
        engine="duckdb", variant="etl", format="csv->parquet", query="duckdb_csv_to_parquet",
        **common_info(env, settings),
    )  # fmt: skip
    con.close()
