"""Timing policy shared by every suite: rounds, warm-up and a quiet machine.

Rounds scale down with ``BENCH_QUICK=1`` (the smoke run used by the tests). In a full run a
fast variant gets many rounds (gold 50 after 5 warm-up, DuckDB on silver 7 after 2, Spark
hot 5 after 2, storage scans 5 after 1), and a slow one follows ClickBench's rule
(:func:`rounds_by_cost`): when its answer check, which runs the query once on the same
engine just before, took more than ``SLOW_QUERY_S``, that run is its warm-up and 3 timed
runs follow.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from pipeline.settings import Settings

_MODE = Settings().bench_quick
QUICK = _MODE == "1"
# BENCH_QUICK=large (the scale sweep at 50x and above): one timed round of every slow
# variant, no warm-up round. The answer check has already run each query once on that
# engine in the same session, so the timed round is still hot.
LARGE = _MODE == "large"

GOLD_ROUNDS, GOLD_WARMUP = (10, 2) if QUICK or LARGE else (50, 5)
DUCK_SILVER_ROUNDS, DUCK_SILVER_WARMUP = (1, 0) if LARGE else (3, 1) if QUICK else (7, 2)
SPARK_HOT_ROUNDS, SPARK_HOT_WARMUP = (1, 0) if LARGE else (3, 1) if QUICK else (5, 2)
SCAN_ROUNDS, SCAN_WARMUP = (1, 0) if LARGE else (2, 1) if QUICK else (5, 1)
# ClickBench: a query whose run takes over a second is run 3 times after one warm-up.
SLOW_QUERY_S, SLOW_ROUNDS = 1.0, 3
POLICY = (
    f"Rounds by cost: a variant whose answer check (one run of the query on the same engine, "
    f"just before its timing) took over {SLOW_QUERY_S:g} s counts that run as its warm-up and "
    f"gets {SLOW_ROUNDS} timed runs (ClickBench's rule); faster ones get warm-up runs and "
    f"more rounds (gold {GOLD_ROUNDS} after {GOLD_WARMUP}, DuckDB on silver "
    f"{DUCK_SILVER_ROUNDS} after {DUCK_SILVER_WARMUP}, Spark hot {SPARK_HOT_ROUNDS} after "
    f"{SPARK_HOT_WARMUP}; storage scans {SCAN_ROUNDS} after {SCAN_WARMUP}, checked Spark "
    f"against DuckDB). Spark cold is one fresh process per query."
)


def rounds_by_cost(rounds: int, warmup: int, check_s: float | None) -> tuple[int, int]:
    """(timed rounds, extra warm-up rounds) for a variant whose answer check took
    ``check_s`` (None: no check ran): a slow query's check is its warm-up."""
    if check_s is None or check_s <= SLOW_QUERY_S:
        return rounds, warmup
    return min(rounds, SLOW_ROUNDS), 0


QUIET_BUSY_MAX = 0.15  # share of all cores in use that counts as a quiet machine
QUIET_WINDOW_S = 0.2
QUIET_LIMIT_S = 3.0
_PROC_STAT = Path("/proc/stat")


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far (Linux ``/proc/stat``)."""
    fields = [int(v) for v in _PROC_STAT.read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def wait_for_quiet_cpu(limit_s: float = QUIET_LIMIT_S) -> float:
    """Wait until the machine is nearly idle, at most ``limit_s``; return the seconds waited.

    The Spark JVM that computed the answer check keeps compiling and collecting in the
    background for a while. On 2 cores that takes a core from the next benchmark and
    doubles the tail of millisecond timings (measured: artist_search p95 9 ms in the bench
    against 4.5 ms alone). Each benchmark therefore starts on a quiet machine. Without
    ``/proc/stat`` (macOS) it returns at once.
    """
    if not _PROC_STAT.exists():
        return 0.0
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        busy0, total0 = _cpu_ticks()
        time.sleep(QUIET_WINDOW_S)
        busy1, total1 = _cpu_ticks()
        if total1 > total0 and (busy1 - busy0) / (total1 - total0) <= QUIET_BUSY_MAX:
            break
    return round(time.perf_counter() - start, 3)


def checked_run(fn):
    """(fn's result, its seconds) for an answer check, started on a quiet machine like every
    timed round, so that its time (:func:`rounds_by_cost`) is the query's, not the tail of
    the previous benchmark's JVM work."""
    wait_for_quiet_cpu()
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def pedantic(benchmark, fn, rounds: int, warmup: int):
    """Explicit rounds and warm-up on a quiet machine; no calibration loop re-running slow
    calls.

    Records the seconds spent waiting for quiet (:func:`wait_for_quiet_cpu`) in
    ``extra_info["settle_s"]`` and the rounds' p95 in ``extra_info["p95_s"]``
    (pytest-benchmark has none).
    """
    benchmark.extra_info["settle_s"] = wait_for_quiet_cpu()
    result = benchmark.pedantic(fn, rounds=rounds, warmup_rounds=warmup, iterations=1)
    stats = getattr(getattr(benchmark, "stats", None), "stats", None)
    if stats is not None and stats.data:
        benchmark.extra_info["p95_s"] = percentile(stats.data, 0.95)
    return result


def percentile(values, fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with ``fraction`` of values at or below."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]
