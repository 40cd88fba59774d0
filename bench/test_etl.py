"""ETL benchmark: generator, Spark session start, bronze and silver at full size.

Each step takes seconds, so each is timed once (``benchmark.pedantic(rounds=1)``) in one
fresh process, in pipeline order; the session start is timed on its own and is never
inside a layer's timing. Figures go to ``extra_info`` (and to the JSON report with
``--benchmark-json``). Targets from issue 2: generator ≤ 20 s; bronze + silver ≤ 15 s;
silver ≤ 35 % of the CSV's bytes. They are reported, not asserted: timings here are noisy.

The last benchmark measures Spark's floor for the same two steps
(:mod:`bench.references.spark_floor`: the same reads and writes with none of the layers'
logic, in a fresh JVM), so the report shows what the layers' contracts cost on top of the engine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from bench.conftest import OWN_DATA
from bench.policy import wait_for_quiet_cpu
from pipeline.generate import generate_csv, write_sidecar
from pipeline.layers.bronze import build_bronze
from pipeline.layers.silver import build_silver
from pipeline.manifest import dir_bytes
from pipeline.settings import Settings
from pipeline.spark import spark_conf, timed_spark

SEED = 42


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    settings = Settings().for_spark_steps("bronze", "silver")
    data = settings.bench_data_dir or tmp_path_factory.mktemp("bench_etl")
    settings = settings.with_overrides(
        data_dir=data,
        raw_csv=data / "raw" / "tracks_features.csv",
        rows=settings.bench_rows,
        seed=SEED,
    )
    OWN_DATA.append(settings)  # the result file describes this data, not DATA_DIR's
    return settings


@pytest.fixture(scope="module")
def state() -> dict:
    return {}


def _once(benchmark, fn):
    return benchmark.pedantic(fn, rounds=1, iterations=1, warmup_rounds=0)


def test_generate(benchmark, settings, state):
    """Inside the timer: generating and writing the CSV. Outside: nothing else."""
    result = _once(benchmark, lambda: generate_csv(settings.raw_csv, settings.rows, SEED))
    write_sidecar(result, SEED)  # outside the timer: the result file names the data
    state["csv_bytes"] = result.bytes
    benchmark.extra_info.update(step="generate", rows=result.rows, bytes=result.bytes)


def test_spark_session_start(benchmark, settings, state):
    """Inside: building the first SparkSession (JVM launch). Outside: everything else."""
    spark, seconds = _once(benchmark, lambda: timed_spark(settings))
    state["spark"] = spark
    benchmark.extra_info.update(
        step="spark_start", seconds=seconds, spark_conf=spark_conf(settings)
    )


def test_bronze(benchmark, settings, state):
    """Inside: header check, CSV parse, Parquet write, quarantine, manifest. Outside: session."""
    result = _once(benchmark, lambda: build_bronze(state["spark"], settings))
    state["bronze_s"] = result.seconds
    benchmark.extra_info.update(step="bronze", rows=result.rows_out, seconds=result.seconds)


def test_silver(benchmark, settings, state):
    """Inside: parse, checks, partitioned writes, rejects, manifest. Outside: session."""
    start = time.perf_counter()
    result = _once(benchmark, lambda: build_silver(state["spark"], settings))
    silver_bytes = dir_bytes(settings.silver_dir.resolve() / "tracks") + dir_bytes(
        settings.silver_dir.resolve() / "track_artists"
    )
    ratio = silver_bytes / state["csv_bytes"]
    state["layers_s"] = layers = state["bronze_s"] + result.seconds
    benchmark.extra_info.update(
        step="silver",
        rows=result.rows_out,
        seconds=result.seconds,
        bronze_plus_silver_s=round(layers, 3),
        silver_bytes=silver_bytes,
        silver_to_csv_ratio=round(ratio, 4),
    )
    print(
        f"\nbronze + silver = {layers:.1f}s (target <= 15 s); "
        f"silver/CSV bytes = {ratio:.1%} (target <= 35%); wall {time.perf_counter() - start:.1f}s"
    )


def test_spark_floor(benchmark, settings, state, tmp_path):
    """Inside: a fresh process doing bronze's and silver's reads and writes, no logic."""
    wait_for_quiet_cpu()  # this process's JVM may still be compiling in the background
    command = [
        sys.executable,
        "-m",
        "bench.references.spark_floor",
        str(settings.raw_csv),
        str(tmp_path),
    ]
    done = _once(benchmark, lambda: subprocess.run(command, capture_output=True, text=True))
    if done.returncode != 0:
        pytest.fail(f"bench.references.spark_floor failed:\n{done.stderr[-3000:]}")
    floor = json.loads(done.stdout.strip().splitlines()[-1])
    total = floor["bronze_floor_s"] + floor["silver_floor_s"]
    benchmark.extra_info.update(step="spark_floor", floor_total_s=round(total, 3), **floor)
    layers = state.get("layers_s")
    beyond = f"; the layers take {layers - total:.1f}s more" if layers else ""
    print(
        f"\nSpark floor (fresh JVM, no logic): bronze {floor['bronze_floor_s']:.1f}s + silver "
        f"{floor['silver_floor_s']:.1f}s = {total:.1f}s{beyond}"
    )
