"""Shared benchmark fixtures and the result-file hook.

Benchmarks run only when asked for (``make bench``); ``pytest`` alone collects ``tests/``.
Timing policy lives here and in :mod:`bench.policy`, so every suite times the same way.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import duckdb
import pytest

from bench import environment, policy
from pipeline.direct import register_silver_views
from pipeline.layers.gold import limit_memory, silver_views
from pipeline.publish import scratch_dir
from pipeline.serving import GoldReader
from pipeline.settings import Settings, local_cores
from pipeline.spark import get_spark, spark_conf

FAILURES: list[dict] = []
# Settings of the data a suite built for itself (the ETL bench), when it is not DATA_DIR's:
# the result file then describes that data set.
OWN_DATA: list[Settings] = []


def bench_settings() -> Settings:
    """Settings of the run, with a concrete thread count N shared by Spark and DuckDB:
    DuckDB's threads (DUCKDB_THREADS, by default the local master's cores) become the local
    master's ``local[N]``. A cluster keeps its master."""
    settings = Settings().for_spark_steps("bench")
    if local_cores(settings.spark_master) is None:
        return settings
    return settings.with_overrides(spark_master=f"local[{settings.duckdb_threads}]")


def threads_of(settings: Settings) -> int:
    return settings.duckdb_threads


@pytest.fixture(scope="session")
def settings() -> Settings:
    return bench_settings()


@pytest.fixture(scope="session")
def env(settings) -> dict:
    return environment.capture(settings, settings.spark_master, threads_of(settings))


@pytest.fixture(scope="session")
def spark(settings):
    session = get_spark(settings)
    register_silver_views(session, settings)
    yield session


@pytest.fixture(scope="session")
def gold(settings) -> GoldReader:
    return GoldReader(settings.gold_db, settings.serving_memory_limit)


@contextlib.contextmanager
def capped_duckdb(settings: Settings, name: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB on the engine's threads, under the gold build's memory cap and
    spill folder (DUCKDB_MEMORY_LIMIT): the bench's memory does not grow with the data."""
    with scratch_dir(settings.spill_dir, name) as spill, duckdb.connect() as con:
        con.execute("SET threads = $n", {"n": threads_of(settings)})
        limit_memory(con, settings, spill)
        yield con


@pytest.fixture(scope="session")
def duck_silver(settings):
    """An in-memory DuckDB whose gold table names are views over silver Parquet."""
    with capped_duckdb(settings, "bench-duckdb") as con:
        silver_views(con, settings)
        yield con


class LazyAnswers(dict):
    """Answers computed on first use, so a ``-k`` subset only pays for what it runs."""

    def __init__(self, compute) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key):
        value = self[key] = self._compute(key)
        return value


def record_failure(benchmark_name: str, reason: str) -> None:
    """Note a benchmark that was not timed because its answers were wrong, then fail it."""
    FAILURES.append({"benchmark": benchmark_name, "reason": reason})
    pytest.fail(reason, pytrace=False)


def common_info(env: dict, settings: Settings) -> dict:
    return {
        "rows": env["dataset"]["rows"],
        "data_sha256": env["dataset"]["sha256"],
        "spark_conf": spark_conf(settings),
        "threads": env["threads"],
    }


# Seconds each suite (test module) took, set-up and teardown included: pytest's own timing.
SUITE_WALL_S: dict[str, float] = {}


def pytest_runtest_logreport(report) -> None:
    suite = report.nodeid.split("::")[0]
    SUITE_WALL_S[suite] = SUITE_WALL_S.get(suite, 0.0) + report.duration


def suite_time(benchmarks: list[dict], wall: dict[str, float]) -> dict[str, dict[str, float]]:
    """Per suite: its wall seconds, split into timed rounds and overhead (waiting for a
    quiet machine, cold processes' start-up, and the rest: answer checks, warm-up rounds,
    sessions, servers and data set-up)."""
    out = {}
    for suite, wall_s in wall.items():
        rows = [b for b in benchmarks if b["fullname"].split("::")[0] == suite]
        quiet = sum(b["extra_info"].get("settle_s") or 0.0 for b in rows)
        cold = sum(b["extra_info"].get("session_start_s") or 0.0 for b in rows)
        timed = sum(b["stats"]["total"] for b in rows) - cold
        out[suite] = {"wall_s": wall_s, "timed_s": timed, "quiet_wait_s": quiet,
                      "cold_start_s": cold, "other_s": wall_s - timed - quiet - cold}  # fmt: skip
    return out


def pytest_benchmark_update_json(config, benchmarks, output_json):
    """Store the environment, the failed (untimed) benchmarks, the rounds policy and where
    each suite's time went in the result file."""
    settings = bench_settings()
    data = OWN_DATA[-1] if OWN_DATA else settings
    output_json["environment"] = environment.capture(
        data, settings.spark_master, threads_of(settings)
    )
    output_json["failures"] = list(FAILURES)
    output_json["policy"] = policy.POLICY
    output_json["suites"] = suite_time(output_json.get("benchmarks", []), SUITE_WALL_S)


def pytest_sessionfinish(session, exitstatus):
    out = Settings().bench_failures_file
    if out:
        out.write_text(json.dumps(FAILURES, indent=2))
