"""Scale sweep: every step of the pipeline, the dashboard and a benchmark subset at several
sizes, with wall time and peak memory, checked against the scaling targets.

``python -m bench.scale --scales 0.1 1 10`` (``make bench-scale SCALES="0.1 1 10"``): for
each scale, ROWS × scale rows are generated once and cached under
``DATA_DIR/scale/rows-<n>-seed-<s>/`` (with the generator's saved measurement, so a cached
file still reports how long it took). Then every step runs as its own process and the
peak resident memory of its whole process tree (JVM included) is sampled every 0.25 s:

* ``generate``, ``bronze``, ``silver``, ``gold``, ``report`` (the data-quality report);
* ``dashboard``: the real server on that gold, answering the dashboard benchmark's round
  trips (:mod:`bench.dashboard_probe`; the server's tree alone);
* ``bench``: every catalogue query on gold, DuckDB direct and Spark hot for three of them,
  and two storage scans, with ``BENCH_QUICK=1`` rounds and no Spark cold runs; from
  ``LARGE_SCALE`` up, ``BENCH_QUICK=large``: one timed round of each slow variant, hot from
  its answer check (:mod:`bench.policy`).

Results merge into ``REPORTS_DIR/scale.json`` by row count (a later ``SCALES="50"`` run adds
its rows), and ``scale.md`` / ``scale.html`` show the steps, each step's fitted exponent k
(time ∝ rows^k) with its points, and the memory and time targets, pass or fail.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from bench.report import render_between
from bench.results import VARIANT_NAMES, fmt_s, rows
from bench.rss import run_measured
from pipeline.manifest import human_bytes
from pipeline.settings import Settings
from pipeline.sizing import estimate, preflight

SERVING_SUBSET = "test_duckdb_gold or (year_trends or top_artists or tracks) and not cold"
STORAGE_SUBSET = "full_aggregate or year_filter"
PIPELINE_STEPS = ("generate", "bronze", "silver", "gold", "report")
STEPS = (*PIPELINE_STEPS, "dashboard", "bench")
SPARK_STEPS = ("bronze", "silver", "bench")  # a JVM in the process tree
GIB = 2**30
# Targets (issue 15): single-process steps flat in memory, Spark steps capped, time linear.
FLAT_CAP, FLAT_RATIO = 2 * GIB, 1.25
SPARK_CAP, SPARK_RATIO = 5 * GIB, 1.25
TIME_RATIO = 10.0  # 10x the rows in at most 10x the time
GOLD_P95_MS = 20.0
LARGE_SCALE = 50  # from here the bench subset runs one timed round of each slow variant
BENCH_NOTE = ("Benchmarks here run BENCH_QUICK rounds (gold 10, DuckDB direct 3, Spark hot 3 "
              "after 1 warm-up, scans 2) and no Spark cold runs; from 50x, one timed round of "
              "DuckDB direct, Spark hot and the scans, without warm-up (each is hot from its "
              "answer check in the same session), and gold 10.")  # fmt: skip


def machine() -> dict:
    """What the sweep ran on."""
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "platform": platform.platform(), "cores": os.cpu_count(), "memory_bytes": mem,
        "python": platform.python_version(), "java": (java.splitlines() or [""])[0],
        **{pkg: metadata.version(pkg) for pkg in ("pyspark", "duckdb", "gradio")},
    }  # fmt: skip


def _step_env(settings: Settings, data: Path, n: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATA_DIR": str(data),
        "RAW_CSV": str(data / "raw" / "tracks_features.csv"),  # never the parent's file
        "ROWS": str(n),
        "SEED": str(settings.seed),
        "SPARK_MASTER": settings.spark_master,
        "REPORTS_DIR": str(data / "reports"),
    }


def _scale_dir(settings: Settings, scale: float) -> tuple[int, Path]:
    """Rows at ``scale`` and the folder that caches that size's data and measurements."""
    n = max(1000, round(settings.rows * scale))
    return n, Path(settings.data_dir).absolute() / "scale" / f"rows-{n}-seed-{settings.seed}"


def run_scale(settings: Settings, scale: float, resume: tuple[str, ...] = ()) -> dict:
    """Every step at ROWS x ``scale`` rows; returns the run's record.

    Each step's measurement is saved in the scale's ``measured/`` folder; the steps named in
    ``resume`` reuse a saved one (marked so in the report) instead of running again, so a
    long sweep that failed at one step resumes there. A generated CSV is always reused, with
    the generator's saved measurement.
    """
    n, data = _scale_dir(settings, scale)
    cached = (data / "raw" / "tracks_features.csv").exists()
    reused = tuple(layer for layer in ("bronze", "silver", "gold") if layer in resume)
    preflight(data, n, with_csv=not cached, reused=reused)
    env = _step_env(settings, data, n)
    (data / "logs").mkdir(parents=True, exist_ok=True)
    (data / "reports").mkdir(parents=True, exist_ok=True)
    steps: dict[str, dict] = {}
    bench_json = data / "reports" / "scale-bench.json"
    probe_json = data / "reports" / "dashboard-probe.json"
    commands = {
        **{s: [sys.executable, "-m", "pipeline", s] for s in PIPELINE_STEPS},
        "dashboard": [sys.executable, "-m", "bench.dashboard_probe", str(probe_json)],
        "bench": [sys.executable, "-m", "pytest", "bench/test_serving.py", "bench/test_storage.py",
                  "-k", f"({SERVING_SUBSET}) or ({STORAGE_SUBSET})", "-q", "-p",
                  "no:cacheprovider", f"--benchmark-json={bench_json}"],
    }  # fmt: skip
    for step in STEPS:
        print(f"[scale] {n:,} rows: {step} ...", flush=True)
        rounds = "large" if scale >= LARGE_SCALE else "1"
        step_env = {**env, "BENCH_QUICK": rounds} if step == "bench" else env
        saved = data / "measured" / f"{step}.json"
        reuse = step in resume or (step == "generate" and cached)
        if reuse and saved.exists():
            steps[step] = {**json.loads(saved.read_text()), "cached": True}
        else:
            with open(data / "logs" / f"{step}.log", "wb") as log:
                steps[step] = run_measured(commands[step], step_env, log)
            saved.parent.mkdir(exist_ok=True)
            saved.write_text(json.dumps({k: v for k, v in steps[step].items() if k != "cached"}))
        m = steps[step]
        print(f"[scale] {n:,} rows: {step} {m['seconds']:.1f}s, peak "
              f"{human_bytes(m['peak_rss_bytes'])}{' (cached)' if m.get('cached') else ''}",
              flush=True)  # fmt: skip
    probe = json.loads(probe_json.read_text())
    steps["dashboard"]["server_peak_rss_bytes"] = probe["peak_rss_bytes"]
    result = json.loads(bench_json.read_text())
    return {
        "scale": scale, "rows": n, "steps": steps, "dashboard": probe["endpoints"],
        "benchmarks": [
            {"query": r.info.get("query"), "variant": r.variant, "median": r.median,
             "p95": r.info.get("p95_s"), "rounds": r.rounds} for r in rows(result)],
        "bench_failures": result.get("failures", []),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }  # fmt: skip


DIRTY_EVERY = 20  # one data line in 20 (5%) gets a field too many


def dirty_bronze(settings: Settings, scale: float) -> dict:
    """Bronze on the sweep's CSV at ``scale`` with 5% of its lines malformed: every line
    accounted for, the quarantine complete, and the peak memory of bronze's process tree
    (its driver included). The dirty copy is written beside the data and deleted after."""
    n, data = _scale_dir(settings, scale)
    clean = data / "raw" / "tracks_features.csv"
    dirty_dir = data / "dirty"
    dirty = dirty_dir / "raw" / "tracks_features.csv"
    dirty.parent.mkdir(parents=True, exist_ok=True)
    bad = 0
    with open(clean, "rb") as src, open(dirty, "wb") as out:
        out.write(src.readline())
        for i, line in enumerate(src):
            if i % DIRTY_EVERY == DIRTY_EVERY - 1:
                line, bad = line.rstrip(b"\n") + b",extra\n", bad + 1
            out.write(line)
    env = {**_step_env(settings, dirty_dir, n), "RAW_CSV": str(dirty)}
    try:
        with open(dirty_dir / "bronze.log", "wb") as log:
            measured = run_measured([sys.executable, "-m", "pipeline", "bronze"], env, log)
        manifest = json.loads((dirty_dir / "bronze" / "_manifest.json").read_text())
    finally:
        shutil.rmtree(dirty_dir, ignore_errors=True)
    return {"rows": n, "malformed_lines": bad, "rows_in": manifest["rows_in"],
            "rows_out": manifest["rows_out"], "quarantined": manifest["rows_quarantined"],
            **measured}  # fmt: skip


def merge(old: dict | None, runs: list[dict], settings: Settings, dirty: dict | None = None):
    """Earlier runs kept, those at the same row count replaced; sorted by rows."""
    # Runs of an earlier version of the sweep (no dashboard step) are not comparable.
    kept = {r["rows"]: r for r in (old or {}).get("runs", []) if "dashboard" in r}
    kept.update({r["rows"]: r for r in runs})
    return {"settings": {"base_rows": settings.rows, "seed": settings.seed},
            "machine": machine(), "runs": [kept[k] for k in sorted(kept)],
            "dirty_bronze": dirty or (old or {}).get("dirty_bronze")}  # fmt: skip


def _memory(run: dict, step: str) -> int:
    m = run["steps"][step]
    return m.get("server_peak_rss_bytes", m["peak_rss_bytes"])


def exponents(result: dict) -> dict[str, dict]:
    """Per step, k of time ∝ rows^k (least squares in log-log) over the runs of >= 10% of
    the base size (smaller ones are dominated by start-up), with the points used."""
    base = result["settings"]["base_rows"]
    fits = {}
    for step in STEPS:
        pts = [(r["rows"], r["steps"][step]["seconds"]) for r in result["runs"]
               if step in r["steps"] and r["rows"] >= round(0.1 * base)]  # fmt: skip
        if len(pts) < 2:
            continue
        xs = [math.log(p[0]) for p in pts]
        ys = [math.log(p[1]) for p in pts]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        k = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
        fits[step] = {"k": k, "points": pts}
    return fits


def checks(result: dict) -> list[dict]:
    """The targets at 1x, 10x and 50x the base size, where the sweep has those runs."""
    base = result["settings"]["base_rows"]
    by_scale = {round(r["rows"] / base, 3): r for r in result["runs"]}
    one, ten, fifty = by_scale.get(1.0), by_scale.get(10.0), by_scale.get(50.0)
    out = []

    def add(what: str, value: str, target: str, ok: bool) -> None:
        out.append({"check": what, "value": value, "target": target, "ok": ok})

    for step in STEPS:
        spark = step in SPARK_STEPS
        for run in result["runs"]:
            if spark and step in run["steps"]:
                peak = _memory(run, step)
                add(f"{step} peak memory at {run['rows']:,} rows", human_bytes(peak),
                    f"<= {human_bytes(SPARK_CAP)}", peak <= SPARK_CAP)  # fmt: skip
        if one and ten and step in one["steps"] and step in ten["steps"]:
            t1, t10 = one["steps"][step]["seconds"], ten["steps"][step]["seconds"]
            add(f"{step} time, 10x rows", f"{t10 / t1:.2f}x ({t1:.1f}s -> {t10:.1f}s)",
                f"<= {TIME_RATIO:.0f}x", t10 <= TIME_RATIO * t1)  # fmt: skip
            if not spark:
                m1, m10 = _memory(one, step), _memory(ten, step)
                add(f"{step} peak memory at 10x", human_bytes(m10), f"<= {human_bytes(FLAT_CAP)}",
                    m10 <= FLAT_CAP)  # fmt: skip
                add(f"{step} peak memory, 10x against 1x", f"{m10 / m1:.2f}x",
                    f"<= {FLAT_RATIO}x", m10 <= FLAT_RATIO * m1)  # fmt: skip
        if spark and ten and fifty and step in ten["steps"] and step in fifty["steps"]:
            m10, m50 = _memory(ten, step), _memory(fifty, step)
            add(f"{step} peak memory, 50x against 10x", f"{m50 / m10:.2f}x",
                f"<= {SPARK_RATIO}x", m50 <= SPARK_RATIO * m10)  # fmt: skip
    for run in (ten, fifty):
        if run:
            gold = [b for b in run["benchmarks"] if b["variant"] == "duckdb_gold"]
            worst = max(gold, key=lambda b: b.get("p95") or 0, default=None)
            if worst:
                p95 = (worst.get("p95") or 0) * 1e3
                add(f"gold p95, worst query at {run['rows']:,} rows ({worst['query']})",
                    f"{p95:.1f} ms", f"<= {GOLD_P95_MS:.0f} ms", p95 <= GOLD_P95_MS)  # fmt: skip
    return out


def render_markdown(result: dict) -> str:
    m = result.get("machine", {})
    out = ["# Scale sweep", "",
           f"Machine: {m.get('cores')} cores, {human_bytes(m.get('memory_bytes', 0))} RAM, "
           f"{m.get('platform')}; Python {m.get('python')}, {m.get('java')}, pyspark "
           f"{m.get('pyspark')}, duckdb {m.get('duckdb')}. {BENCH_NOTE}", "",
           "## Targets", "", "| check | value | target | ok |", "|---|---|---|---|"]  # fmt: skip
    for c in checks(result):
        out.append(
            f"| {c['check']} | {c['value']} | {c['target']} | {'yes' if c['ok'] else '**no**'} |"
        )
    d = result.get("dirty_bronze")
    if d:
        ok = d["rows_in"] == d["rows_out"] + d["quarantined"] and d["quarantined"] == d[
            "malformed_lines"]  # fmt: skip
        out += ["", "## Bronze on a dirty file (5% of lines malformed)", "",
                f"{d['rows']:,} rows, {d['malformed_lines']:,} of them given a field too many: "
                f"{d['rows_in']:,} in = {d['rows_out']:,} out + {d['quarantined']:,} quarantined "
                f"({'every line accounted for' if ok else '**counts do not add up**'}), in "
                f"{d['seconds']:.1f}s, peak memory {human_bytes(d['peak_rss_bytes'])} "
                f"(cap {human_bytes(SPARK_CAP)})."]  # fmt: skip
    out += ["", "## Steps (wall time, peak memory of the process tree)", "",
            "| rows | step | seconds | peak memory |", "|---|---|---|---|"]  # fmt: skip
    for run in result["runs"]:
        for step, s in run["steps"].items():
            note = " (measured by an earlier run of the sweep)" if s.get("cached") else ""
            out.append(f"| {run['rows']:,} | {step}{note} | {s['seconds']:.1f} | "
                       f"{human_bytes(_memory(run, step))} |")  # fmt: skip
    out += ["", "## Time exponent k per step (time ∝ rows^k, least squares in log-log)", "",
            "| step | k | points (rows: seconds) |", "|---|---|---|"]  # fmt: skip
    for step, fit in exponents(result).items():
        pts = ", ".join(f"{r:,}: {s:.1f}" for r, s in fit["points"])
        out.append(f"| {step} | {fit['k']:.2f} | {pts} |")
    out += ["", "## Query latency", "", "| rows | query | variant | median | p95 | rounds |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    for run in result["runs"]:
        for b in sorted(run["benchmarks"], key=lambda b: (b["query"], b["variant"])):
            label = VARIANT_NAMES.get(b["variant"], b["variant"])
            p95 = fmt_s(b["p95"]) if b.get("p95") else "–"
            out.append(f"| {run['rows']:,} | {b['query']} | {label} | {fmt_s(b['median'])} | "
                       f"{p95} | {b.get('rounds', '')} |")  # fmt: skip
    out += [
        "",
        "## Dashboard round trips (server on that gold)",
        "",
        "| rows | endpoint | first call | median | p95 |",
        "|---|---|---|---|---|",
    ]
    for run in result["runs"]:
        for api, e in (run.get("dashboard") or {}).items():
            out.append(f"| {run['rows']:,} | {api} | {fmt_s(e['first_s'])} | "
                       f"{fmt_s(e['median_s'])} | {fmt_s(e['p95_s'])} |")  # fmt: skip
    return "\n".join(out) + "\n"


def render_html(result: dict) -> str:
    import plotly.graph_objects as go

    runs = result["runs"]
    times, memory = go.Figure(), go.Figure()
    for step, fit in exponents(result).items():
        xs, ys = zip(*fit["points"], strict=True)
        times.add_scatter(name=f"{step} (k={fit['k']:.2f})", x=xs, y=ys, mode="lines+markers")
    times.update_layout(title="Step time against rows (log-log)",
                        xaxis={"type": "log", "title": "rows"},
                        yaxis={"type": "log", "title": "seconds"})  # fmt: skip
    for step in STEPS:
        pts = [(r["rows"], _memory(r, step) / GIB) for r in runs if step in r["steps"]]
        if pts:
            xs, ys = zip(*pts, strict=True)
            memory.add_scatter(name=step, x=xs, y=ys, mode="lines+markers")
    memory.add_hline(y=FLAT_CAP / GIB, line_dash="dot", annotation_text="2 GiB cap")
    memory.add_hline(y=SPARK_CAP / GIB, line_dash="dash", annotation_text="5 GiB cap (Spark)")
    memory.update_layout(title="Peak memory per step (GiB)", xaxis={"type": "log", "title": "rows"},
                         yaxis={"title": "GiB"})  # fmt: skip
    body = times.to_html(full_html=False, include_plotlyjs=True)
    body += memory.to_html(full_html=False, include_plotlyjs=False)
    rows_ = "".join(
        f"<tr><td>{c['check']}</td><td>{c['value']}</td><td>{c['target']}</td>"
        f"<td>{'yes' if c['ok'] else '<b>no</b>'}</td></tr>"
        for c in checks(result)
    )
    table = f"<table border=1 cellpadding=4><tr><th>check</th><th>value</th><th>target</th><th>ok</th></tr>{rows_}</table>"  # noqa: E501
    return f"<!doctype html><html><head><meta charset='utf-8'><title>Scale sweep</title></head><body><h1>Scale sweep</h1><p>{BENCH_NOTE}</p>{table}{body}</body></html>"  # noqa: E501


SIZING_NOTE = (
    "Disk is what a run needs free, previous versions and spill included (from bytes per row "
    "measured here, `pipeline/sizing.py`); memory is the largest peak of any step's process "
    "tree; time is the steps' sum. Past one machine, bronze and silver run on a cluster with "
    "`SPARK_MASTER=spark://host:7077` and `DATA_DIR` on storage every node sees "
    "([docs/scaling-out.md](docs/scaling-out.md))."
)


def render_sizing(result: dict) -> str:
    """Rows -> disk, memory and time on this machine: the README's sizing table."""
    body = []
    measured = {run["rows"]: run for run in result["runs"]}
    base = result["settings"]["base_rows"]
    for n in sorted({*measured, base * 100}):
        size = f"{n:,} ({n / base:.3g}×) | {human_bytes(estimate(n)['total'])}"
        run = measured.get(n)
        if run is None:
            body.append(f"| {size} | not run here | not run here |")
            continue
        steps = run["steps"]
        peak = max(_memory(run, step) for step in steps)
        seconds = sum(m["seconds"] for m in steps.values())
        body.append(f"| {size} | {human_bytes(peak)} | {seconds / 60:.0f} min |")
    machine = result.get("machine", {})
    ram = human_bytes(machine["memory_bytes"]) if machine.get("memory_bytes") else "?"
    head = (f"Sizing on this machine ({machine.get('cores', '?')} cores, {ram}), rendered "
            "from `reports/scale.json` by `make bench-scale`:")  # fmt: skip
    table = ["| rows | disk | peak memory | time |", "|---|---|---|---|", *body]
    return "\n".join([head, "", *table, "", SIZING_NOTE])


def write_reports(result: dict, reports: Path, readme: Path | None = None) -> None:
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "scale.json").write_text(json.dumps(result, indent=2))
    (reports / "scale.md").write_text(render_markdown(result))
    (reports / "scale.html").write_text(render_html(result))
    if readme is not None:
        render_between(readme, "sizing", render_sizing(result))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", nargs="*", type=float, default=[0.1, 1.0])
    parser.add_argument("--resume", nargs="*", default=[], choices=STEPS, metavar="STEP",
                        help="reuse these steps' saved measurements")  # fmt: skip
    parser.add_argument("--dirty", type=float, help="also run bronze on a 5%%-malformed copy "
                        "of this scale's CSV (generated by the sweep)")  # fmt: skip
    parser.add_argument("--readme", type=Path, help="render the sizing table into this file")
    parser.add_argument("--report-only", action="store_true",
                        help="re-render from REPORTS_DIR/scale.json; run nothing")  # fmt: skip
    args = parser.parse_args(argv)
    settings = Settings()
    reports = Path(settings.reports_dir)
    if args.report_only:
        write_reports(json.loads((reports / "scale.json").read_text()), reports, args.readme)
        print(f"[scale] re-rendered {reports / 'scale.md'} and scale.html")
        return 0
    start = time.perf_counter()
    old_file = reports / "scale.json"
    old = json.loads(old_file.read_text()) if old_file.exists() else None
    if old and old.get("settings", {}).get("base_rows") != settings.rows:
        old = None  # another base size: its runs are not comparable
    done = []
    for scale in args.scales:
        t0 = time.perf_counter()
        run = run_scale(settings, scale, tuple(args.resume))
        run["wall_seconds"] = time.perf_counter() - t0
        done.append(run)
        result = merge(old, done, settings)
        write_reports(result, reports, args.readme)  # after each scale
    dirty = None
    if args.dirty is not None:
        print(f"[scale] bronze on a 5%-malformed copy at {args.dirty}x ...", flush=True)
        dirty = dirty_bronze(settings, args.dirty)
    result = merge(old, done, settings, dirty)
    write_reports(result, reports, args.readme)
    print(f"[scale] wrote {reports / 'scale.md'} and scale.html in "
          f"{time.perf_counter() - start:.0f}s")  # fmt: skip
    failed = [c["check"] for c in checks(result) if not c["ok"]]
    for check in failed:
        print(f"[scale] target missed: {check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
