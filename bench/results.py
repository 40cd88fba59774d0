"""The benchmark results as data: load a result file, its rows, speed-ups, comparisons with
an earlier run, and the names and colours every view of them uses.

The renderers (:mod:`bench.report`: Markdown, HTML, the README's table) and the dashboard's
Benchmarks tab both read results through this module; it draws nothing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.chartstyle import PALETTE
from pipeline.manifest import human_bytes

SHIFT_S = 0.010  # ClickBench: (t + 10 ms) / (best + 10 ms), so sub-ms noise cannot dominate
REGRESSION = 0.20
SERVING_VARIANTS = ("duckdb_gold", "duckdb_silver", "spark_hot", "spark_cold")
VARIANT_NAMES = {
    "duckdb_gold": "DuckDB serving (gold)",
    "duckdb_silver": "DuckDB direct (silver)",
    "spark_hot": "Spark direct, hot",
    "spark_cold": "Spark direct, cold (first query)",
}
COLORS = {  # the dashboard's palette (pipeline.chartstyle), one colour per variant
    "duckdb_gold": PALETTE[0],
    "duckdb_silver": PALETTE[5],
    "spark_hot": PALETTE[3],
    "spark_cold": PALETTE[1],
    "spark": PALETTE[3],
    "duckdb": PALETTE[0],
}


@dataclass(frozen=True)
class Row:
    """One benchmark's figures, in seconds."""

    name: str
    group: str
    variant: str
    engine: str
    fmt: str
    median: float
    iqr: float
    min: float
    rounds: int
    cold: float | None
    info: dict[str, Any]


def load(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text())


def rows(result: dict[str, Any]) -> list[Row]:
    out = []
    for b in result.get("benchmarks", []):
        info, stats = b.get("extra_info", {}), b["stats"]
        cold = info.get("cold_s")
        median = cold if cold is not None else stats["median"]
        out.append(
            Row(b["fullname"], b.get("group") or "", info.get("variant", ""),
                info.get("engine", ""), info.get("format", ""), median, stats["iqr"],
                stats["min"] if cold is None else cold, stats["rounds"], cold, info)
        )  # fmt: skip
    return out


def geomean(values: list[float]) -> float:
    values = [v for v in values if v > 0]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else float("nan")


def ratio(t: float, best: float) -> float:
    """ClickBench-style relative time: (t + 10 ms) / (best + 10 ms)."""
    return (t + SHIFT_S) / (best + SHIFT_S)


def serving_table(all_rows: list[Row]) -> dict[str, dict[str, Row]]:
    """query -> variant -> row, for the serving suite."""
    table: dict[str, dict[str, Row]] = {}
    for r in all_rows:
        if r.variant in SERVING_VARIANTS:
            table.setdefault(r.info.get("query", r.group), {})[r.variant] = r
    return table


def speedups(table: dict[str, dict[str, Row]]) -> dict[str, dict[str, float]]:
    """Per variant: per-query speed-up against Spark hot, and their geometric mean."""
    out: dict[str, dict[str, float]] = {}
    for variant in SERVING_VARIANTS:
        per_query = {
            q: ratio(v["spark_hot"].median, v[variant].median)
            for q, v in table.items()
            if variant in v and "spark_hot" in v
        }
        per_query["geomean"] = geomean(list(per_query.values()))
        out[variant] = per_query
    return out


def fmt_s(seconds: float | None) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def compare(current: dict, previous: dict | None) -> list[dict[str, Any]]:
    """Per benchmark present in both runs: median change; ``regressed`` when > 20 % slower."""
    if not previous:
        return []
    before = {r.name: r for r in rows(previous)}
    changes = []
    for r in rows(current):
        if r.name in before and before[r.name].median > 0:
            change = r.median / before[r.name].median - 1
            changes.append(
                {"benchmark": r.name, "before": before[r.name].median, "after": r.median,
                 "change": change, "regressed": change > REGRESSION}
            )  # fmt: skip
    return changes


def environment_lines(env: dict[str, Any]) -> list[tuple[str, str]]:
    ds = env.get("dataset", {})
    ram = env.get("ram_bytes")
    return [
        ("CPU", f"{env.get('cpu_model')} ({env.get('cores_physical')} physical / "
                f"{env.get('cores_logical')} logical cores)"),
        ("RAM", human_bytes(ram) if ram else "unknown"),
        ("OS / arch", f"{env.get('os')} / {env.get('arch')}"),
        ("Python / Java", f"{env.get('python')} / {env.get('java')}"),
        ("Versions", ", ".join(f"{k} {v}" for k, v in env.get("versions", {}).items())),
        ("Git", f"{env.get('git', {}).get('sha', '')[:10]}"
                f"{' (dirty)' if env.get('git', {}).get('dirty') else ''}"),
        ("Dataset", f"{ds.get('rows', 0):,} rows, {ds.get('kind')}, sha256 "
                    f"{str(ds.get('sha256', ''))[:12]}…"),
        ("Engines", f"Spark master {env.get('spark_master')}, DuckDB threads "
                    f"{env.get('threads')} (same N)"),
        ("Run at", str(env.get("timestamp"))),
    ]  # fmt: skip


ETL_STEPS = {  # query -> label, in the order the ETL table shows them
    "duckdb_csv_to_silver": "DuckDB CSV → silver (reference, same rules)",
    "duckdb_csv_to_parquet": "DuckDB CSV → Parquet by year (reference floor: no rules)",
    "gold_build": "DuckDB gold build",
}


def previous_run(bench_dir: Path, current: Path) -> dict | None:
    """The newest full run's dated result file other than ``current``'s run (a subset run
    is compared with the last full run; subsets are never the reference)."""
    current_ts = load(current).get("environment", {}).get("timestamp")
    runs = sorted(p for p in bench_dir.glob("2*.json") if not p.stem.endswith("-subset"))
    for path in reversed(runs):
        data = load(path)
        if data.get("environment", {}).get("timestamp") != current_ts:
            return data
    return None
