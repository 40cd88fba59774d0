"""Scale sweep: the pipeline and a representative benchmark subset at several sizes.

``python -m bench.scale --scales 0.1 1 10`` (``make bench-scale SCALES="0.1 1 10"``):
for each scale, ROWS × scale rows are generated once and cached under
``DATA_DIR/scale/rows-<n>-seed-<s>/``; every pipeline step runs as its own process with
its wall time and peak memory (the whole process tree, JVM included) recorded; then a
subset of the serving and storage benchmarks runs on that data. Results go to
``REPORTS_DIR/scale.json``, ``scale.md`` and ``scale.html`` (log-log time against rows).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.report import VARIANT_NAMES, fmt_s, rows
from pipeline.manifest import human_bytes
from pipeline.settings import Settings

SERVING_SUBSET = "year_trends or top_artists or tracks"
STORAGE_SUBSET = "full_aggregate or year_filter"
STEPS = ("generate", "bronze", "silver", "gold")


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (``ps`` works on Linux and macOS)."""
    out = subprocess.run(["ps", "-A", "-o", "pid=,ppid=,rss="], capture_output=True, text=True)
    children: dict[int, list[tuple[int, int]]] = {}
    for line in out.stdout.splitlines():
        pid, ppid, rss = (int(x) for x in line.split())
        children.setdefault(ppid, []).append((pid, rss))
    total, stack = 0, [root]
    rss_of = {pid: rss for kids in children.values() for pid, rss in kids}
    while stack:
        pid = stack.pop()
        total += rss_of.get(pid, 0) * 1024
        stack.extend(p for p, _ in children.get(pid, []))
    return total


def run_measured(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``cmd``; return its wall seconds and the peak RSS of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.wait(0.25):
            peak = max(peak, _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{output.decode()[-2000:]}")
    return {"seconds": time.perf_counter() - start, "peak_rss_bytes": peak}


def sweep(settings: Settings, scales: list[float]) -> dict:
    results = []
    for scale in scales:
        n = max(1000, round(settings.rows * scale))
        data = Path(settings.data_dir) / "scale" / f"rows-{n}-seed-{settings.seed}"
        env = {
            **os.environ,
            "DATA_DIR": str(data),
            "RAW_CSV": str(data / "raw" / "tracks_features.csv"),  # never the parent's file
            "ROWS": str(n),
            "SEED": str(settings.seed),
            "SPARK_MASTER": settings.spark_master,
            "REPORTS_DIR": str(data / "reports"),
        }
        steps = {}
        for step in STEPS:
            if step == "generate" and (data / "raw" / "tracks_features.csv").exists():
                continue  # cached by rows and seed
            print(f"[scale] {n:,} rows: {step} ...", flush=True)
            steps[step] = run_measured([sys.executable, "-m", "pipeline", step], env)
        bench_json = data / "reports" / "scale-bench.json"
        bench_json.parent.mkdir(parents=True, exist_ok=True)
        print(f"[scale] {n:,} rows: benchmarks ...", flush=True)
        selection = f"({SERVING_SUBSET}) and not cold or ({STORAGE_SUBSET})"
        bench = run_measured(
            [sys.executable, "-m", "pytest", "bench/test_serving.py", "bench/test_storage.py",
             "-k", selection, "-q", "-p", "no:cacheprovider", f"--benchmark-json={bench_json}"],
            {**env, "BENCH_QUICK": "1"},
        )  # fmt: skip
        result = json.loads(bench_json.read_text())
        results.append({
            "scale": scale, "rows": n, "steps": steps, "bench_peak_rss_bytes":
            bench["peak_rss_bytes"], "benchmarks": [
                {"query": r.info.get("query"), "variant": r.variant, "median": r.median}
                for r in rows(result)],
        })  # fmt: skip
    return {"settings": {"base_rows": settings.rows, "seed": settings.seed}, "runs": results}


def render_markdown(sweep_result: dict) -> str:
    runs = sweep_result["runs"]
    out = ["# Scale sweep", "", "## Pipeline steps (wall time, peak memory of the process tree)",
           "", "| rows | step | seconds | peak memory |", "|---|---|---|---|"]  # fmt: skip
    for run in runs:
        for step, m in run["steps"].items():
            out.append(f"| {run['rows']:,} | {step} | {m['seconds']:.1f} | "
                       f"{human_bytes(m['peak_rss_bytes'])} |")  # fmt: skip
    out += ["", "## Query latency (median)", "", "| rows | query | variant | median |",
            "|---|---|---|---|"]  # fmt: skip
    for run in runs:
        for b in sorted(run["benchmarks"], key=lambda b: (b["query"], b["variant"])):
            label = VARIANT_NAMES.get(b["variant"], b["variant"])
            out.append(f"| {run['rows']:,} | {b['query']} | {label} | {fmt_s(b['median'])} |")
    return "\n".join(out) + "\n"


def render_html(sweep_result: dict) -> str:
    import plotly.graph_objects as go

    runs = sweep_result["runs"]
    lines = go.Figure()
    series: dict[str, list[tuple[int, float]]] = {}
    for run in runs:
        for b in run["benchmarks"]:
            series.setdefault(f"{b['query']} · {b['variant']}", []).append(
                (run["rows"], b["median"])
            )
        for step, m in run["steps"].items():
            series.setdefault(f"pipeline · {step}", []).append((run["rows"], m["seconds"]))
    for name, points in sorted(series.items()):
        lines.add_scatter(name=name, x=[p[0] for p in points], y=[p[1] for p in points],
                          mode="lines+markers")  # fmt: skip
    lines.update_layout(title="Time against rows (log-log)", xaxis={"type": "log", "title": "rows"},
                        yaxis={"type": "log", "title": "seconds"})  # fmt: skip
    memory = go.Figure()
    for step in STEPS:
        pts = [(r["rows"], r["steps"][step]["peak_rss_bytes"] / 2**20) for r in runs
               if step in r["steps"]]  # fmt: skip
        memory.add_scatter(name=step, x=[p[0] for p in pts], y=[p[1] for p in pts],
                           mode="lines+markers")  # fmt: skip
    memory.update_layout(title="Peak memory per step (MB)", xaxis={"type": "log", "title": "rows"},
                         yaxis={"title": "MB"})  # fmt: skip
    body = lines.to_html(full_html=False, include_plotlyjs=True)
    body += memory.to_html(full_html=False, include_plotlyjs=False)
    return f"<!doctype html><html><head><meta charset='utf-8'><title>Scale sweep</title></head><body><h1>Scale sweep</h1>{body}</body></html>"  # noqa: E501


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", nargs="+", type=float, default=[0.1, 1.0])
    args = parser.parse_args(argv)
    settings = Settings()
    start = time.perf_counter()
    result = sweep(settings, args.scales)
    result["wall_seconds"] = time.perf_counter() - start
    reports = Path(settings.reports_dir)
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "scale.json").write_text(json.dumps(result, indent=2))
    (reports / "scale.md").write_text(render_markdown(result))
    (reports / "scale.html").write_text(render_html(result))
    print(f"[scale] wrote {reports / 'scale.md'} and scale.html in {result['wall_seconds']:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
