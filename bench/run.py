"""``make bench``: run the benchmark suites, all of them or a subset, then write the reports.

A full run writes ``REPORTS_DIR/benchmarks/<UTC stamp>.json``, copies it to ``latest.json``
and renders ``latency.md`` and ``latency.html`` (and the README's results when asked).

A subset (``SUITES="serving storage"``, ``QUERIES="top_artists tracks"``) is for iterating
on a part: it writes ``benchmarks/<UTC stamp>-subset.json`` and ``latency-subset.md`` and
``.html``, and leaves ``latest.json`` and ``latency.*`` to the last full run. ``QUERIES``
picks the serving suite's catalogue queries; the other suites run whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

from bench import report
from pipeline.catalogue import CATALOGUE
from pipeline.settings import Settings, SettingsError

SUITES = {
    "serving": "bench/test_serving.py",
    "storage": "bench/test_storage.py",
    "etl": "bench/test_pipeline_times.py",
    "dashboard": "bench/test_dashboard.py",
}
SERVING_TESTS = ("test_duckdb_gold", "test_duckdb_silver", "test_spark_hot", "test_spark_cold")
# The settings a bench run reads, checked before any suite starts.
USES = (
    "spark_master", "spark_driver_memory", "duckdb_memory_limit", "serving_memory_limit",
    "duckdb_threads_setting", "bench_quick", "bench_failures_file", "dashboard_port",
)  # fmt: skip


class BadChoice(ValueError):
    """A SUITES or QUERIES word that names nothing."""


def _choose(words: str, known, what: str) -> list[str]:
    chosen = words.split()
    for word in chosen:
        if word not in known:
            raise BadChoice(f"{what} must name {', '.join(known)}; got {word!r}")
    return chosen


def pytest_targets(suites: list[str], queries: list[str]) -> list[str]:
    """Files (or node ids, for the serving suite's chosen queries) to hand to pytest."""
    targets = []
    for suite in suites or list(SUITES):
        if suite == "serving" and queries:
            targets += [f"{SUITES[suite]}::{t}[{q}]" for t in SERVING_TESTS for q in queries]
        else:
            targets.append(SUITES[suite])
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports-dir", default="reports")
    parser.add_argument("--suites", default="", help=f"some of: {' '.join(SUITES)}")
    parser.add_argument("--queries", default="", help="catalogue queries of the serving suite")
    parser.add_argument("--readme", help="a full run also renders the results into this file")
    args = parser.parse_args(argv)
    try:
        suites = _choose(args.suites, list(SUITES), "SUITES")
        queries = _choose(args.queries, list(CATALOGUE), "QUERIES")
        Settings().check(*USES)
    except (BadChoice, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    subset = bool(suites or queries)
    reports = Path(args.reports_dir)
    (reports / "benchmarks").mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = reports / "benchmarks" / f"{stamp}{'-subset' if subset else ''}.json"
    what = f"suites {' '.join(suites) or 'all'}, queries {' '.join(queries) or 'all'}"
    print(f"[bench] {'subset' if subset else 'full run'}: {what} -> {out}", flush=True)
    cmd = [sys.executable, "-m", "pytest", *pytest_targets(suites, queries), "-p",
           "no:cacheprovider", "-q", f"--benchmark-json={out}",
           "--benchmark-columns=median,iqr,min,rounds"]  # fmt: skip
    if subprocess.run(cmd).returncode:
        print("[bench] some benchmarks failed; see the Failures section of the report")
    if not out.exists() or not out.stat().st_size:
        print(f"error: no results written to {out}", file=sys.stderr)
        return 1
    if subset:
        return report.main(["--reports-dir", str(reports), "--json", str(out),
                            "--name", "latency-subset"])  # fmt: skip
    shutil.copyfile(out, reports / "benchmarks" / "latest.json")
    readme = ["--readme", args.readme] if args.readme else []
    return report.main(["--reports-dir", str(reports), *readme])


if __name__ == "__main__":
    sys.exit(main())
