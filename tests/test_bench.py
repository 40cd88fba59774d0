"""The benchmark suite, end to end on small data, and the report maths by hand."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys

import pytest

from bench import policy, report, results
from pipeline.catalogue import CATALOGUE
from tests.conftest import FIXTURE_CSV, REPO, TEST_MASTER


def test_ratio_and_geomean_by_hand():
    assert results.ratio(0.010, 0.010) == 1.0
    assert results.ratio(0.090, 0.010) == pytest.approx(5.0)  # (90 + 10) / (10 + 10)
    assert results.ratio(0.0001, 0.0) == pytest.approx(1.01)  # sub-ms noise stays near 1
    assert results.geomean([1.0, 4.0]) == pytest.approx(2.0)
    assert results.geomean([2.0, 8.0, 4.0]) == pytest.approx(4.0)
    assert math.isnan(results.geomean([]))


def test_p95_by_hand():
    assert policy.percentile([5, 1, 4, 2, 3], 0.95) == 5  # ceil(4.75) = 5th of 5
    assert policy.percentile(range(1, 101), 0.95) == 95
    assert policy.percentile(range(1, 21), 0.95) == 19
    assert policy.percentile([7], 0.95) == 7


def test_wait_for_quiet_cpu_waits_while_busy_and_stops_at_its_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(policy, "_PROC_STAT", tmp_path)  # exists, as /proc/stat on Linux
    ticks = iter([(0, 100), (90, 200), (90, 200), (95, 300)])  # 90% busy, then 5%
    monkeypatch.setattr(policy, "_cpu_ticks", lambda: next(ticks))
    monkeypatch.setattr(policy, "QUIET_WINDOW_S", 0.01)
    assert policy.wait_for_quiet_cpu(limit_s=1.0) < 1.0
    with pytest.raises(StopIteration):  # both windows were sampled: it waited for quiet
        next(ticks)
    monkeypatch.setattr(policy, "_cpu_ticks", lambda: (0, 100))  # no time passes: never quiet
    assert 0.05 <= policy.wait_for_quiet_cpu(limit_s=0.05) < 1.0


def test_time_display_by_hand():
    assert results.fmt_s(0.000_512) == "512 µs"
    assert results.fmt_s(0.0123) == "12.3 ms"
    assert results.fmt_s(2.5) == "2.50 s"
    assert results.fmt_s(None) == "–"


def _result(medians: dict[str, float]) -> dict:
    return {
        "benchmarks": [
            {"fullname": name, "group": "g", "extra_info": {"variant": "x"},
             "stats": {"median": m, "iqr": 0.0, "min": m, "rounds": 5}}
            for name, m in medians.items()
        ]
    }  # fmt: skip


def _etl(query: str, median: float, **info) -> results.Row:
    return results.Row(query, "etl", "etl", "", "", median, 0.0, median, 1, None,
                      {"query": query, **info})  # fmt: skip


def test_etl_table_puts_duckdb_silver_beside_spark_total():
    spark = _etl("bronze+silver", 0.0, bronze_s=10.0, silver_s=30.0)
    duck = _etl("duckdb_csv_to_silver", 5.0, spark_bronze_silver_s=99.0)
    body = report.etl_table([_etl("gold_build", 2.0), duck, spark])
    assert [row[0] for row in body] == [
        "Spark bronze (manifest)",
        "Spark silver (manifest)",
        "Spark bronze + silver (total)",
        "DuckDB CSV → silver (reference, same rules)",
        "DuckDB gold build",
    ]
    assert body[2][1] == "40.00 s" and body[3][1:] == ["5.00 s", "8.0× faster"]
    # Without this run's Spark row, the totals the reference was checked against are used.
    assert report.etl_table([duck])[0][2] == "19.8× faster"


def test_regression_flag_by_hand():
    before = _result({"a": 1.0, "b": 1.0, "c": 1.0})
    after = _result({"a": 1.19, "b": 1.21, "c": 0.5})
    flags = {c["benchmark"]: c["regressed"] for c in results.compare(after, before)}
    assert flags == {"a": False, "b": True, "c": False}
    assert results.compare(after, None) == []


ROWS = 4000


def _make(target: str, data, reports, **extra) -> subprocess.CompletedProcess:
    env = {**os.environ, "BENCH_QUICK": "1", **extra}
    cmd = ["make", target, f"DATA_DIR={data}", f"ROWS={ROWS}", f"REPORTS_DIR={reports}",
           f"SPARK_MASTER={TEST_MASTER}"]  # fmt: skip
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=1500)


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    data, reports = root / "data", root / "reports"
    proc = _make("bench", data, reports)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return data, reports, json.loads((reports / "benchmarks" / "latest.json").read_text())


def test_bench_etl_on_a_fresh_data_dir_describes_the_data_it_built(tmp_path, jvm):
    """``make bench-etl`` builds its own data elsewhere: on a DATA_DIR (and REPORTS_DIR) that
    hold nothing it still writes its result file, describing that data."""
    data, reports = tmp_path / "data", tmp_path / "reports"
    proc = _make("bench-etl", data, reports)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    env = json.loads((reports / "etl_benchmark.json").read_text())["environment"]
    assert env["dataset"]["rows"] == ROWS and env["dataset"]["kind"] == "generated"
    assert len(env["dataset"]["sha256"]) == 64 and not (data / "bronze").exists()


def test_json_has_every_benchmark_and_the_environment(bench_run):
    _, _, result = bench_run
    names = {b["name"] for b in result["benchmarks"]}
    for query in CATALOGUE:
        for variant in ("duckdb_gold", "duckdb_silver", "spark_hot", "spark_cold"):
            assert f"test_{variant}[{query}]" in names
    assert sum(n.startswith("test_scan[") for n in names) == 12
    assert {"test_storage_bytes", "test_gold_build", "test_spark_layers_from_manifests",
            "test_duckdb_csv_to_parquet_reference",
            "test_duckdb_silver_reference"} <= names  # fmt: skip
    env = result["environment"]
    for key in (
        "cpu_model",
        "cores_physical",
        "cores_logical",
        "ram_bytes",
        "os",
        "arch",
        "python",
        "java",
        "versions",
        "git",
        "dataset",
        "spark_master",
        "timestamp",
    ):
        assert env[key] not in (None, ""), key  # fmt: skip
    assert env["dataset"]["rows"] == ROWS and env["dataset"]["kind"] == "generated"
    assert set(env["versions"]) >= {"pyspark", "duckdb", "pyarrow", "pytest-benchmark"}
    assert result["failures"] == []
    cold = next(b for b in result["benchmarks"] if b["name"] == "test_spark_cold[overview]")
    assert cold["extra_info"]["session_start_s"] > 0 and cold["extra_info"]["first_query_s"] > 0
    hot = next(b for b in result["benchmarks"] if b["name"] == "test_spark_hot[overview]")
    assert hot["extra_info"]["result_checksum"] and hot["extra_info"]["spark_conf"]
    gold = next(b for b in result["benchmarks"] if b["name"] == "test_duckdb_gold[overview]")
    assert gold["stats"]["min"] <= gold["extra_info"]["p95_s"] <= gold["stats"]["max"]
    assert "ClickBench" in result["policy"] and hot["extra_info"]["check_s"] > 0
    scans = [b for b in result["benchmarks"] if b["name"].startswith("test_scan[")]
    assert all(b["extra_info"]["check_s"] > 0 for b in scans)  # their rounds follow the rule


def test_rounds_follow_the_cost_of_the_answer_check():
    """A check slower than a second is the warm-up, then 3 timed runs; a fast one keeps the
    variant's own rounds and warm-up; no check, no change."""
    assert policy.rounds_by_cost(5, 2, 11.0) == (3, 0)
    assert policy.rounds_by_cost(5, 2, 0.2) == (5, 2)
    assert policy.rounds_by_cost(1, 0, 11.0) == (1, 0)
    assert policy.rounds_by_cost(7, 2, None) == (7, 2)


def test_the_result_file_splits_each_suites_time_into_work_and_overhead(bench_run):
    """Per suite: wall seconds = timed rounds + quiet waits + cold start-up + the rest, each
    non-negative, and the serving suite's cold start-up is the sum of its sessions' starts."""
    _, reports, result = bench_run
    suites = result["suites"]
    assert set(suites) >= {"bench/test_serving.py", "bench/test_storage.py"}
    for name, s in suites.items():
        parts = s["timed_s"] + s["quiet_wait_s"] + s["cold_start_s"] + s["other_s"]
        assert abs(parts - s["wall_s"]) < 1e-6 and min(s.values()) >= 0, name
    starts = sum(b["extra_info"]["session_start_s"] for b in result["benchmarks"]
                 if b["name"].startswith("test_spark_cold["))  # fmt: skip
    assert suites["bench/test_serving.py"]["cold_start_s"] == pytest.approx(starts)
    assert "## Where the bench's time went" in (reports / "latency.md").read_text()


def test_scans_report_what_each_engine_read(bench_run):
    """Both engines account for the files they read; the year filter prunes partitions."""
    _, reports, result = bench_run
    read = {
        (b["extra_info"]["engine"], b["extra_info"]["format"], b["extra_info"]["query"]):
            b["extra_info"]["read"]
        for b in result["benchmarks"] if b["name"].startswith("test_scan[")
    }  # fmt: skip
    for (engine, fmt, scan), got in read.items():
        assert got["files"] >= 1 and got["bytes"] > 0, (engine, fmt, scan, got)
    for engine in ("spark", "duckdb"):
        pruned, full = read[engine, "parquet", "year_filter"], read[engine, "parquet", "projection"]
        assert pruned["files"] < full["files"] and pruned["bytes"] < full["bytes"]
        assert read[engine, "csv", "year_filter"]["files"] == 1  # one CSV, no pruning
    assert "| files read | bytes read |" in (reports / "latency.md").read_text()


def test_reports_render_with_tables_and_charts(bench_run):
    _, reports, _ = bench_run
    md = (reports / "latency.md").read_text()
    for heading in (
        "## Environment",
        "## Serving",
        "## Storage",
        "## Scan latency",
        "## ETL",
        "## Failures",
        "## Limitations",
        "geomean",
    ):
        assert heading in md  # fmt: skip
    page = (reports / "latency.html").read_text()
    assert page.count('class="plotly-graph-div"') >= 4
    assert not re.search(r"<script[^>]*\bsrc=", page)  # plotly.js inlined: works offline
    assert not re.search(r"<link[^>]*\bhref=[\"']https?:", page)
    assert "<table>" in page


def test_make_report_from_json_alone(bench_run, tmp_path):
    data, reports, _ = bench_run
    copy = tmp_path / "reports"
    shutil.copytree(reports / "benchmarks", copy / "benchmarks")
    proc = _make("report", tmp_path / "no-data-here", copy)
    assert proc.returncode == 0, proc.stderr
    assert "## Serving" in (copy / "latency.md").read_text()
    assert (copy / "latency.html").stat().st_size > 1_000_000  # plotly.js inlined


def test_readme_results_are_rendered_between_their_markers(bench_run, tmp_path):
    """``make report`` writes the results table into the README between its markers, from
    the result file alone, and leaves the rest of the file as it was."""
    _, _, result = bench_run
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.README_START}\nstale\n{report.README_END}\nafter\n")
    assert report.update_readme(readme, result)
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith(f"{report.README_END}\nafter\n")
    assert "stale" not in text and f"{ROWS:,} generated rows" in text
    assert text.count("| ") > 10 and "**geometric mean**" in text
    readme.write_text("no markers\n")
    assert not report.update_readme(readme, result) and readme.read_text() == "no markers\n"
    project = (REPO / "README.md").read_text()
    assert project.index(report.README_START) < project.index(report.README_END)


def test_a_subset_run_writes_its_own_files_and_keeps_the_full_run(bench_run, tmp_path):
    """``make bench SUITES=serving QUERIES=overview`` times that query's four variants only,
    into a dated ``-subset`` file and ``latency-subset.*``; latest.json and latency.* stay
    the full run's. A word naming no suite or query is one line, exit status 2."""
    data, reports, full = bench_run
    copy = tmp_path / "reports"
    shutil.copytree(reports, copy)
    latest = (copy / "benchmarks" / "latest.json").read_bytes()
    latency = (copy / "latency.md").read_text()
    proc = _make("bench", data, copy, SUITES="serving", QUERIES="overview")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    subset = list((copy / "benchmarks").glob("*-subset.json"))
    assert len(subset) == 1
    names = {b["name"] for b in json.loads(subset[0].read_text())["benchmarks"]}
    variants = ("duckdb_gold", "duckdb_silver", "spark_hot", "spark_cold")
    assert names == {f"test_{v}[overview]" for v in variants}
    assert (copy / "benchmarks" / "latest.json").read_bytes() == latest
    assert (copy / "latency.md").read_text() == latency
    assert "overview" in (copy / "latency-subset.md").read_text()
    for bad, named in (({"SUITES": "servng"}, "SUITES"), ({"QUERIES": "top"}, "QUERIES")):
        proc = _make("bench", data, copy, **bad)
        assert proc.returncode == 2 and named in proc.stderr and "Traceback" not in proc.stderr


def test_bench_scale_on_a_fresh_data_dir_measures_every_step(tmp_path, slow_run, jvm):
    """``make bench-scale`` on a DATA_DIR and REPORTS_DIR that hold nothing: every step at
    the one scale asked for is measured (seconds and peak memory), its benchmark subset
    answered every check, and scale.md and scale.html are written."""
    data, reports = tmp_path / "data", tmp_path / "reports"
    proc = _make("bench-scale", data, reports, SCALES="1")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads((reports / "scale.json").read_text())
    (run,) = result["runs"]
    assert run["rows"] == ROWS and not run["bench_failures"]
    for step in ("generate", "bronze", "silver", "gold", "report", "bench"):
        assert run["steps"][step]["seconds"] > 0 and run["steps"][step]["peak_rss_bytes"] > 0
    assert {b["variant"] for b in run["benchmarks"]} >= {"duckdb_gold", "spark_hot"}
    assert (reports / "scale.md").stat().st_size and (reports / "scale.html").stat().st_size


def test_bench_compare_flags_a_slower_run(bench_run, tmp_path):
    _, reports, result = bench_run
    bench_dir = tmp_path / "benchmarks"
    bench_dir.mkdir()
    faster = json.loads(json.dumps(result))
    faster["environment"]["timestamp"] = "2000-01-01T00:00:00Z"
    for b in faster["benchmarks"]:
        b["stats"]["median"] /= 2
        b["extra_info"].pop("cold_s", None)
    (bench_dir / "20000101T000000Z.json").write_text(json.dumps(faster))
    shutil.copy(reports / "benchmarks" / "latest.json", bench_dir / "latest.json")
    proc = _make("bench-compare", tmp_path / "no-data-here", tmp_path)
    assert proc.returncode != 0 and "SLOWER" in proc.stdout
    run = [sys.executable, "-m", "bench.report", "--reports-dir", str(tmp_path), "--compare"]
    assert subprocess.run(run, cwd=REPO, capture_output=True).returncode == 1


def test_wrong_query_form_is_reported_as_failure(bench_run, tmp_path):
    data, _, _ = bench_run
    out = tmp_path / "sabotaged.json"
    env = {**os.environ, "DATA_DIR": str(data), "SPARK_MASTER": TEST_MASTER, "BENCH_QUICK": "1"}
    cmd = [
        sys.executable, "-m", "pytest", "bench/test_serving.py", "-k", "key_mode", "-q",
        "-p", "tests.sabotage_plugin", "-p", "no:cacheprovider", f"--benchmark-json={out}",
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0  # the sabotaged variants fail ...
    result = json.loads(out.read_text())
    failed = {f["benchmark"] for f in result["failures"]}
    # The plugin patches this process only; the cold run's fresh process uses the real form.
    assert failed == {"spark_hot[key_mode]"}
    timed = {b["name"] for b in result["benchmarks"]}
    assert "test_spark_hot[key_mode]" not in timed  # ... and are never timed
    assert "test_duckdb_gold[key_mode]" in timed
    md = report.render_markdown(result)
    assert "spark_hot[key_mode]" in md.split("## Failures")[1]


def test_spark_floor_times_both_copies_in_a_fresh_process(tmp_path, jvm):
    """bench.references.spark_floor (bench-etl's last step) runs alone and cleans up."""
    env = {**os.environ, "SPARK_MASTER": TEST_MASTER}
    cmd = [
        sys.executable,
        "-m",
        "bench.references.spark_floor",
        str(FIXTURE_CSV),
        str(tmp_path / "x"),
    ]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    floor = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(floor) == {"spark_start_s", "bronze_floor_s", "silver_floor_s"}
    assert all(v > 0 for v in floor.values())
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(("master", "threads", "expected"), [
    ("local[2]", "", "local[2]"),
    ("local[2]", "1", "local[1]"),
    ("local[*]", "3", "local[3]"),
    ("spark://127.0.0.1:7077", "2", "spark://127.0.0.1:7077"),
])  # fmt: skip
def test_bench_spark_and_duckdb_use_the_same_threads(monkeypatch, master, threads, expected):
    """The bench's local Spark master takes DuckDB's thread count (DUCKDB_THREADS, by
    default the master's cores), so "same N" in the report holds; a cluster keeps its own."""
    from bench.conftest import bench_settings

    monkeypatch.setenv("SPARK_MASTER", master)
    monkeypatch.setenv("DUCKDB_THREADS", threads)
    settings = bench_settings()
    assert settings.spark_master == expected
    if master.startswith("local"):
        assert settings.duckdb_threads == int(expected[6:-1])
