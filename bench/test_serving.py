"""Serving suite: every catalogue query, four ways, on the same data.

* ``duckdb_gold``   - the dashboard's path: :class:`GoldReader` on the gold file.
* ``duckdb_silver`` - the same DuckDB SQL with gold's tables as views over silver Parquet
  (no pre-aggregation): separates "engine" from "gold".
* ``spark_hot``     - Spark SQL on silver in a warm session (the "direct query").
* ``spark_cold``    - a fresh process: session start and first query, timed apart.

Every variant materialises the full result as a pandas DataFrame. Before any timing, each
variant's answer is compared with gold's (columns, order, floats within 1e-9); a mismatch
fails that benchmark with the reason, and it is never timed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from bench import policy
from bench.conftest import LazyAnswers, common_info, record_failure
from pipeline.catalogue import CATALOGUE
from pipeline.compare import checksum, compare_frames
from pipeline.direct import run_spark

QUERIES = list(CATALOGUE)


def params_for(name: str, gold) -> dict:
    """Representative parameters: the dashboard's defaults, artists taken from the data."""
    if name in ("artist_profile", "artist_timeline", "artist_search"):
        top = gold.run("top_artists", year_from=1000, year_to=2100, limit=1).frame
        artist_id, artist = top.artist_id[0], top.artist_name[0]
        return {
            "artist_profile": {"artist": artist.upper()},
            "artist_timeline": {"artist_id": artist_id},
            "artist_search": {"text": artist[: max(3, len(artist) // 2)].lower()},
        }[name]
    return {"tracks": {"name_contains": "love", "limit": 100}}.get(name, {})


def _duck_silver(con, name: str, params: dict):
    query = CATALOGUE[name]
    bound = query.bind(params)
    frame = con.execute(query.duckdb_direct(), query.sql_args(bound)).df()
    return frame[query.columns(bound)] if query.columns else frame


@pytest.fixture(scope="module")
def answers(gold, request) -> LazyAnswers:
    """Per query (computed when first needed): params, gold's answer, and each variant's
    mismatch against it (None when equal), each computed when that variant first runs, so
    a gold-only subset starts no Spark session."""

    def compute(name: str) -> dict:
        params = params_for(name, gold)
        reference = gold.run(name, **params).frame
        checks = {
            "duckdb_silver": lambda: _duck_silver(request.getfixturevalue("duck_silver"), name,
                                                  params),
            "spark_hot": lambda: run_spark(request.getfixturevalue("spark"), name, **params),
        }  # fmt: skip
        check_s: dict[str, float] = {}

        def check(variant: str) -> str | None:
            frame, check_s[variant] = policy.checked_run(checks[variant])
            return "; ".join(compare_frames(reference, frame)) or None

        return {
            "params": params,
            "reference": reference,
            "checksum": checksum(reference),
            "mismatch": LazyAnswers(check),
            "check_s": check_s,
        }

    return LazyAnswers(compute)


def _info(benchmark, env, settings, engine, variant, fmt, name, answer) -> None:
    benchmark.group = name
    benchmark.extra_info.update(
        engine=engine,
        variant=variant,
        format=fmt,
        query=name,
        params=answer["params"],
        result_rows=len(answer["reference"]),
        result_checksum=answer["checksum"],
        **common_info(env, settings),
    )


def _label_and_check(benchmark, env, settings, engine, variant, name, answer, rounds, warmup):
    """Label a silver-side benchmark; fail it, untimed, if its answer differs from gold's.
    Return its (rounds, warm-up) by cost: the check's run is a slow query's warm-up."""
    _info(benchmark, env, settings, engine, variant, "parquet", name, answer)
    if answer["mismatch"][variant]:
        record_failure(f"{variant}[{name}]", answer["mismatch"][variant])
    check_s = answer["check_s"].get(variant)
    benchmark.extra_info["check_s"] = check_s
    return policy.rounds_by_cost(rounds, warmup, check_s)


@pytest.mark.parametrize("name", QUERIES)
def test_duckdb_gold(benchmark, name, answers, gold, env, settings):
    """Inside the timer: GoldReader.run (validation, connection reuse, query, to pandas).
    Outside: opening the first connection (done while computing the reference answer)."""
    answer = answers[name]
    _info(benchmark, env, settings, "duckdb", "duckdb_gold", "duckdb", name, answer)
    policy.pedantic(
        benchmark,
        lambda: gold.run(name, **answer["params"]).frame,
        policy.GOLD_ROUNDS,
        policy.GOLD_WARMUP,
    )


@pytest.mark.parametrize("name", QUERIES)
def test_duckdb_silver(benchmark, name, answers, duck_silver, env, settings):
    """Inside: the catalogue's DuckDB SQL over views on silver Parquet, to pandas.
    Outside: creating the in-memory connection and the views."""
    answer = answers[name]
    rounds = _label_and_check(benchmark, env, settings, "duckdb", "duckdb_silver", name, answer,
                              policy.DUCK_SILVER_ROUNDS, policy.DUCK_SILVER_WARMUP)  # fmt: skip
    policy.pedantic(benchmark, lambda: _duck_silver(duck_silver, name, answer["params"]), *rounds)


@pytest.mark.parametrize("name", QUERIES)
def test_spark_hot(benchmark, name, answers, spark, env, settings):
    """Inside: spark.sql(catalogue form, bound args).toPandas() in a warm session.
    Outside: session start, view registration, the answer check and warm-up rounds (JIT);
    a query slower than a second is warm from its check (policy.rounds_by_cost)."""
    answer = answers[name]
    rounds = _label_and_check(benchmark, env, settings, "spark", "spark_hot", name, answer,
                              policy.SPARK_HOT_ROUNDS, policy.SPARK_HOT_WARMUP)  # fmt: skip
    policy.pedantic(benchmark, lambda: run_spark(spark, name, **answer["params"]), *rounds)


@pytest.mark.parametrize("name", QUERIES)
def test_spark_cold(benchmark, name, answers, env, settings, tmp_path):
    """Inside the benchmark timer: a whole fresh process (interpreter, session, query).
    extra_info splits it: ``session_start_s`` and ``first_query_s`` (the cold query)."""
    answer = answers[name]
    _info(benchmark, env, settings, "spark", "spark_cold", "parquet", name, answer)
    result_file = tmp_path / "cold.pkl"
    cmd = [sys.executable, "-m", "bench.cold", name, json.dumps(answer["params"]), str(result_file)]

    def run():
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("COLD ")]
        if proc.returncode or not lines:
            raise RuntimeError(f"cold run failed: {proc.stderr[-500:]}")
        return json.loads(lines[-1][5:])

    cold = policy.pedantic(benchmark, run, 1, 0)
    benchmark.extra_info.update(
        session_start_s=cold["session_start_s"],
        first_query_s=cold["first_query_s"],
        cold_s=cold["first_query_s"],
    )
    problems = compare_frames(answer["reference"], pd.read_pickle(result_file))
    if problems:
        record_failure(f"spark_cold[{name}]", "; ".join(problems))
