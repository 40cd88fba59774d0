"""Render ``latency.md`` and ``latency.html`` from a benchmark result file, and compare runs.

Results are data: this module never runs a benchmark, so ``make report`` re-renders the
reports from ``reports/benchmarks/latest.json`` alone.

Usage: ``python -m bench.report [--reports-dir D] [--json FILE] [--compare]``;
``--compare`` exits 1 when a benchmark got more than 20 % slower than the previous run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bench.results import (
    COLORS,
    ETL_STEPS,
    SERVING_VARIANTS,
    VARIANT_NAMES,
    Row,
    compare,
    environment_lines,
    fmt_s,
    load,
    previous_run,
    rows,
    serving_table,
    speedups,
)
from pipeline.chartstyle import PALETTE, style
from pipeline.manifest import human_bytes

LIMITATIONS = (
    "These numbers come from one machine and one run; timings on shared machines are noisy, "
    "so read ratios measured in the same run rather than absolute values. Spark is run in "
    "local mode on the same cores as DuckDB: on a real cluster Spark gains parallelism and "
    "pays network and scheduling costs that this does not show. Gold answers from tables "
    "pre-aggregated at build time, so DuckDB-on-gold measures the serving design, not DuckDB "
    "alone: compare DuckDB on silver with Spark hot for the engine, and DuckDB gold with "
    "DuckDB silver for pre-aggregation. The cold figure is the first query in a fresh "
    "process, after the session start that is reported beside it. Files and bytes read are "
    "each engine's own accounting and do not mean the same thing (see the scan table's "
    "note). The data set is the generated stand-in unless the environment table says "
    "otherwise."
)
SCAN_READ_NOTE = (
    "Files and bytes read come from one extra, untimed run per scan: for Spark, the SQL "
    "metrics of its file scans (whole files selected after partition pruning, so column "
    "pruning does not show); for DuckDB, its profiler (files opened and the bytes actually "
    'read from them). "–" where the engine does not say (Spark Connect).'
)


def _read_cells(read: dict | None) -> list[str]:
    """The scan table's "files read" and "bytes read" cells."""
    if not read:
        return ["–", "–"]
    return [f"{read['files']:,}", human_bytes(read["bytes"])]


def _md_table(headers: list[str], body: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in body]


def sections(result: dict[str, Any], previous: dict | None) -> dict[str, Any]:
    """Everything both renderers show, computed once."""
    all_rows = rows(result)
    table = serving_table(all_rows)
    return {
        "env": environment_lines(result.get("environment", {})),
        "rows": all_rows,
        "serving": table,
        "speedups": speedups(table),
        "scans": [r for r in all_rows if r.variant.endswith(("_csv", "_parquet"))],
        "storage": next((r for r in all_rows if r.variant == "storage"), None),
        "etl": [r for r in all_rows if r.variant == "etl"],
        "failures": result.get("failures", []),
        "changes": compare(result, previous),
    }


def etl_table(etl: list[Row]) -> list[list[str]]:
    """Rows of the ETL table: Spark's layers and their total, then each DuckDB step.

    The DuckDB silver reference builds what Spark's bronze and silver build together, so
    it is compared with their total (from this run's manifests, or the ones it checked).
    """
    by_query = {r.info.get("query"): r for r in etl}
    body: list[list[str]] = []
    spark_total = None
    if spark := by_query.get("bronze+silver"):
        spark_total = spark.info["bronze_s"] + spark.info["silver_s"]
        body += [["Spark bronze (manifest)", fmt_s(spark.info["bronze_s"]), ""],
                 ["Spark silver (manifest)", fmt_s(spark.info["silver_s"]), ""],
                 ["Spark bronze + silver (total)", fmt_s(spark_total), ""]]  # fmt: skip
    for query, label in ETL_STEPS.items():
        if r := by_query.get(query):
            total = spark_total or r.info.get("spark_bronze_silver_s")
            vs = _times_faster(total, r.median) if query == "duckdb_csv_to_silver" else ""
            body.append([label, fmt_s(r.median), vs])
    return body


def _times_faster(spark_s: float | None, duck_s: float) -> str:
    if not spark_s or duck_s <= 0:
        return "–"
    ratio = spark_s / duck_s
    return f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"


def render_markdown(result: dict[str, Any], previous: dict | None = None) -> str:
    s = sections(result, previous)
    out = ["# Latency report", "", "## Environment", ""]
    out += _md_table(["", ""], [[k, v] for k, v in s["env"]])
    out += ["", "## Serving: Spark direct against DuckDB serving, per catalogue query", ""]
    out += [
        "Median (IQR) over the timed rounds; p95 by nearest rank (with 5 rounds it is the "
        "slowest); cold is the first query in a fresh process (one round, no spread), "
        "with the session start beside it. Speed-up = (Spark hot + 10 ms) / (variant + 10 ms).",
        "",
        result.get(
            "policy", "Rounds: as each row says (this result file predates the policy note)."
        ),
        "",
    ]
    body = []
    for query, variants in sorted(s["serving"].items()):
        for v in SERVING_VARIANTS:
            if v in variants:
                r = variants[v]
                start = r.info.get("session_start_s")
                body.append([
                    query, VARIANT_NAMES[v], fmt_s(r.median),
                    "–" if r.cold is not None else fmt_s(r.iqr), fmt_s(r.min),
                    "–" if r.cold is not None else fmt_s(r.info.get("p95_s")), r.rounds,
                    f"{fmt_s(r.cold)} (+{fmt_s(start)} start)" if r.cold is not None else "–",
                    f"{s['speedups'][v].get(query, float('nan')):.1f}×",
                ])  # fmt: skip
    out += _md_table(["query", "variant", "median", "IQR", "min", "p95", "rounds", "cold",
                      "speed-up"], body)  # fmt: skip
    out += ["", "Geometric mean of the speed-up against Spark hot:", ""]
    out += _md_table(
        ["variant", "geomean speed-up"],
        [[VARIANT_NAMES[v], f"{s['speedups'][v]['geomean']:.1f}×"] for v in SERVING_VARIANTS],
    )
    if s["storage"]:
        out += ["", "## Storage: bytes on disk", ""]
        out += _md_table(["layout", "bytes", "vs CSV"], _storage_rows(s["storage"], ".1%"))
    if s["scans"]:
        out += ["", "## Scan latency: CSV against Parquet", ""]
        out += _md_table(
            ["scan", "engine", "format", "median", "IQR", "rounds", "files read", "bytes read"],
            [[r.info["query"], r.engine, r.fmt, fmt_s(r.median), fmt_s(r.iqr), r.rounds,
              *_read_cells(r.info.get("read"))]
             for r in sorted(s["scans"], key=lambda r: (r.info["query"], r.engine, r.fmt))],
        )  # fmt: skip
        out += ["", SCAN_READ_NOTE]
    if s["etl"]:
        out += ["", "## ETL", ""]
        out += _md_table(["step", "seconds", "vs Spark bronze + silver"], etl_table(s["etl"]))
    if suites := result.get("suites"):
        note = "Wall seconds per suite: the timed rounds, and the overhead around them."
        out += ["", "## Where the bench's time went", "", note, ""]
        out += _md_table(
            ["suite", "wall", "timed rounds", "waiting for a quiet machine", "cold start-up",
             "other (checks, warm-up, set-up)"],
            [[k, *(fmt_s(v[f]) for f in ("wall_s", "timed_s", "quiet_wait_s", "cold_start_s",
                                         "other_s"))] for k, v in sorted(suites.items())],
        )  # fmt: skip
    out += ["", "## Failures", ""]
    out += (
        _md_table(["benchmark", "reason"], [[f["benchmark"], f["reason"]] for f in s["failures"]])
        if s["failures"]
        else ["None: every variant gave the same answers as gold before it was timed."]
    )
    if s["changes"]:
        flagged = [c for c in s["changes"] if c["regressed"]]
        out += ["", "## Change since the previous run", ""]
        out += [f"{len(flagged)} benchmark(s) more than 20 % slower." if flagged else
                "No benchmark is more than 20 % slower.", ""]  # fmt: skip
        out += _md_table(
            ["benchmark", "before", "after", "change", ""],
            [[c["benchmark"], fmt_s(c["before"]), fmt_s(c["after"]), f"{c['change']:+.0%}",
              "**slower**" if c["regressed"] else ""] for c in s["changes"]],
        )  # fmt: skip
    out += ["", "## Limitations", "", LIMITATIONS, ""]
    return "\n".join(out)


def markers(name: str) -> tuple[str, str]:
    """The comments around a rendered section of the README."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


README_START, README_END = markers("results")


def _storage_rows(storage: Row, share: str) -> list[list[str]]:
    """Each layout's bytes and its share of the CSV's, the share in format ``share``."""
    ratios = storage.info["ratios"]
    return [[k, human_bytes(v), f"{ratios[k]:{share}}"] for k, v in storage.info["sizes"].items()]


def render_summary(result: dict[str, Any]) -> str:
    """The README's results: machine and data, each query's latency four ways, storage."""
    s = sections(result, None)
    env = result.get("environment", {})
    ds = env.get("dataset", {})
    rows_in = f"{ds['rows']:,}" if ds.get("rows") else "?"
    out = [f"Rendered by `make report` from `reports/benchmarks/latest.json` ({rows_in} "
           f"{'generated ' if ds.get('kind') == 'generated' else ''}rows, "
           f"{env.get('timestamp', '?')[:10]}, git {env.get('git', {}).get('sha', '?')[:7]}):",
           "", "; ".join(f"{k}: {v}" for k, v in s["env"] if k != "Git") + ".", ""]  # fmt: skip
    body = []
    for query, variants in sorted(s["serving"].items()):
        gold, cold = variants.get("duckdb_gold"), variants.get("spark_cold")
        body.append([
            query, fmt_s(gold.median) if gold else "–",
            fmt_s(gold.info.get("p95_s")) if gold else "–",
            *(fmt_s(variants[v].median) if v in variants else "–"
              for v in ("duckdb_silver", "spark_hot")),
            f"{fmt_s(cold.cold)} (+{fmt_s(cold.info.get('session_start_s'))})" if cold else "–",
            f"{s['speedups']['duckdb_gold'].get(query, float('nan')):.0f}×",
        ])  # fmt: skip
    geo = s["speedups"]
    body.append(["**geometric mean**", "", "", "", "", "",
                 f"**{geo['duckdb_gold']['geomean']:.0f}×** (DuckDB on silver: "
                 f"{geo['duckdb_silver']['geomean']:.1f}×)"])  # fmt: skip
    out += _md_table(["query", "gold median", "gold p95", "DuckDB on silver", "Spark hot",
                      "Spark cold (+ session start)", "gold vs Spark hot"], body)  # fmt: skip
    if s["storage"]:
        out += ["", *_md_table(["storage", "bytes", "vs CSV"], _storage_rows(s["storage"], ".0%"))]
    failed = len(s["failures"])
    out += ["", f"{failed} answer check(s) failed." if failed else
            "Every variant returned gold's answer before it was timed."]  # fmt: skip
    return "\n".join(out)


def render_between(readme: Path, name: str, text: str) -> bool:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in
    ``readme``; False (and no change) when it has no such markers."""
    start_mark, end_mark = markers(name)
    old = readme.read_text(encoding="utf-8")
    start, end = old.find(start_mark), old.find(end_mark)
    if start < 0 or end < start:
        return False
    readme.write_text(f"{old[: start + len(start_mark)]}\n{text}\n{old[end:]}", encoding="utf-8")
    return True


def update_readme(readme: Path, result: dict[str, Any]) -> bool:
    """Render the results into the README's results section."""
    return render_between(readme, "results", render_summary(result))


def _figures(s: dict[str, Any]) -> list:
    import plotly.graph_objects as go

    figs = []
    queries = sorted(s["serving"])
    bars = go.Figure()
    for v in SERVING_VARIANTS:
        rs = [s["serving"][q].get(v) for q in queries]
        bars.add_bar(
            name=VARIANT_NAMES[v], x=queries, marker_color=COLORS[v],
            y=[r.median * 1e3 if r else None for r in rs],
            error_y={"type": "data", "array": [r.iqr * 1e3 if r else 0 for r in rs]},
        )  # fmt: skip
    bars.update_layout(barmode="group", yaxis={"type": "log", "title": "median ms (log)"})
    figs.append(style(bars, "Serving latency per query (median, IQR bars; log scale)", 460))
    cold = go.Figure()
    for v, label in (("spark_hot", "hot (median)"), ("spark_cold", "cold first query")):
        cold.add_bar(name=f"Spark {label}", x=queries, marker_color=COLORS[v],
                     y=[s["serving"][q][v].median * 1e3 if v in s["serving"][q] else None
                        for q in queries])  # fmt: skip
    starts = [s["serving"][q].get("spark_cold") for q in queries]
    cold.add_scatter(
        name="session start",
        x=queries,
        mode="markers",
        marker_color=PALETTE[6],
        y=[r.info.get("session_start_s", 0) * 1e3 if r else None for r in starts],
    )
    cold.update_layout(barmode="group", yaxis={"title": "ms"})
    figs.append(style(cold, "Spark cold against hot", 420))
    if s["storage"]:
        sizes = s["storage"].info["sizes"]
        figs.append(style(go.Figure(go.Bar(x=list(sizes), y=[v / 1e6 for v in sizes.values()],
                                           marker_color=PALETTE[0])).update_layout(
            yaxis={"title": "MB"}), "Bytes on disk (MB)"))  # fmt: skip
    if s["scans"]:
        scan = go.Figure()
        for i, (engine, fmt) in enumerate([(e, f) for e in ("spark", "duckdb")
                                           for f in ("csv", "parquet")]):  # fmt: skip
            rs = [r for r in s["scans"] if r.engine == engine and r.fmt == fmt]
            errors = {"type": "data", "array": [r.iqr * 1e3 for r in rs]}
            scan.add_bar(name=f"{engine} {fmt}", x=[r.info["query"] for r in rs],
                         y=[r.median * 1e3 for r in rs], error_y=errors,
                         marker_color=PALETTE[(3, 1, 0, 5)[i]])  # fmt: skip
        scan.update_layout(barmode="group", yaxis={"type": "log", "title": "median ms (log)"})
        figs.append(style(scan, "Scan latency: CSV against Parquet"))
    return figs


def render_html(result: dict[str, Any], previous: dict | None = None) -> str:
    """A self-contained page: plotly.js inlined once, so it works offline."""
    import html

    s = sections(result, previous)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Latency report</title>",
        "<style>body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:4px 8px;text-align:left}pre{white-space:pre-wrap}</style></head><body>",
        "<p><a href='/'>← Back to the dashboard</a> (when served by <code>make dashboard"
        "</code>)</p><h1>Latency report</h1>",
    ]
    for i, fig in enumerate(_figures(s)):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0)))
    md = render_markdown(result, previous)
    parts.append("<h2>Tables</h2>" + _markdown_tables_to_html(md, html.escape))
    parts.append("</body></html>")
    return "\n".join(parts)


def _markdown_tables_to_html(md: str, esc) -> str:
    """A small converter for the report's own Markdown (headings, tables, paragraphs)."""
    out, in_table = [], False
    for line in md.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            if set(line) <= set("|-"):
                continue
            tag = "th" if not in_table else "td"
            if not in_table:
                out.append("<table>")
                in_table = True
            out.append("<tr>" + "".join(f"<{tag}>{esc(c)}</{tag}>" for c in cells) + "</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level + 1}>{esc(line.lstrip('# '))}</h{level + 1}>")
        elif line.strip():
            out.append(f"<p>{esc(line)}</p>")
    if in_table:
        out.append("</table>")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports-dir", default="reports")
    parser.add_argument("--json", help="result file (default REPORTS_DIR/benchmarks/latest.json)")
    parser.add_argument("--compare", action="store_true", help="exit 1 on a >20%% regression")
    parser.add_argument("--readme", help="also render the results between this file's markers")
    parser.add_argument("--name", default="latency", help="report file name, without suffix")
    args = parser.parse_args(argv)
    reports = Path(args.reports_dir)
    source = Path(args.json) if args.json else reports / "benchmarks" / "latest.json"
    if not source.exists():
        print(f"error: no benchmark results at {source}: run `make bench` first", file=sys.stderr)
        return 2
    result = load(source)
    previous = previous_run(reports / "benchmarks", source)
    if args.compare:
        changes = compare(result, previous)
        flagged = [c for c in changes if c["regressed"]]
        for c in flagged:
            print(f"SLOWER {c['change']:+.0%}: {c['benchmark']}")
        print(f"[bench-compare] {len(changes)} compared, {len(flagged)} regressed (> 20 %)")
        return 1 if flagged else 0
    md, html = reports / f"{args.name}.md", reports / f"{args.name}.html"
    md.write_text(render_markdown(result, previous), encoding="utf-8")
    html.write_text(render_html(result, previous), encoding="utf-8")
    print(f"[report] wrote {md} and {html}")
    if args.readme and update_readme(Path(args.readme), result):
        print(f"[report] rendered the results into {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
