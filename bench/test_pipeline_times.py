"""ETL suite: what each layer costs to build.

* Spark bronze and silver seconds come from their manifests (the run that built them:
  ``make bench`` does not rebuild them, so it stays within its time budget).
* The DuckDB gold build is timed here, for real (into a scratch directory).
* A reference: DuckDB turning the CSV into year-partitioned Parquet on its own (typed by
  the same schema; no artist parsing or rule checks), to show when Spark pays for itself.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from bench import policy
from bench.conftest import common_info, threads_of
from pipeline.gold import build_gold
from pipeline.manifest import read_manifest
from pipeline.schema import duckdb_columns


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
    published gold (and Make's view of what is up to date) is left alone.
    """
    benchmark.group = "etl"
    (tmp_path / "silver").symlink_to(Path(settings.silver_dir).resolve())
    scratch = settings.with_overrides(data_dir=tmp_path)
    result = policy.pedantic(benchmark, lambda: build_gold(scratch, verbose=False), 1, 0)
    benchmark.extra_info.update(
        engine="duckdb", variant="etl", format="duckdb", query="gold_build",
        gold_s=result.seconds, table_rows=result.table_rows, **common_info(env, settings),
    )  # fmt: skip


def test_duckdb_csv_to_parquet_reference(benchmark, settings, env, tmp_path):
    """Inside: DuckDB reading the CSV (explicit schema) and writing Parquet by year."""
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
