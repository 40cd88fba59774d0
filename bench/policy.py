"""Timing policy shared by every suite: rounds, warm-up and result checksums.

Rounds scale down with ``BENCH_QUICK=1`` (the smoke run used by the tests); the full
run follows issue 4: Spark hot gets warm-up rounds then at least 5 timed rounds.
"""

from __future__ import annotations

import hashlib
import math
import os

import pandas as pd

QUICK = os.environ.get("BENCH_QUICK") == "1"

GOLD_ROUNDS, GOLD_WARMUP = (10, 2) if QUICK else (50, 5)
DUCK_SILVER_ROUNDS, DUCK_SILVER_WARMUP = (3, 1) if QUICK else (7, 2)
SPARK_HOT_ROUNDS, SPARK_HOT_WARMUP = (3, 1) if QUICK else (5, 2)
SCAN_ROUNDS, SCAN_WARMUP = (2, 1) if QUICK else (5, 1)


def pedantic(benchmark, fn, rounds: int, warmup: int):
    """Explicit rounds and warm-up; no calibration loop re-running slow calls.

    Also records the rounds' p95 in ``extra_info["p95_s"]`` (pytest-benchmark has none).
    """
    result = benchmark.pedantic(fn, rounds=rounds, warmup_rounds=warmup, iterations=1)
    stats = getattr(getattr(benchmark, "stats", None), "stats", None)
    if stats is not None and stats.data:
        benchmark.extra_info["p95_s"] = percentile(stats.data, 0.95)
    return result


def percentile(values, fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with ``fraction`` of values at or below."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def checksum(frame: pd.DataFrame) -> str:
    """An order-sensitive checksum of a result, with floats rounded to 9 significant digits."""
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    for row in frame.itertuples(index=False):
        digest.update(repr(tuple(_norm(v) for v in row)).encode())
    return digest.hexdigest()[:16]


def _norm(value):
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, list):
        return tuple(_norm(v) for v in value)
    return value
