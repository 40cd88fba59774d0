"""The data-quality report: ``REPORTS_DIR/data_quality.{json,md}``.

Every number comes from the layer manifests, the quarantine and reject files, or the gold
``dq_*`` tables; the report re-checks that the totals add up (raw = bronze + quarantine,
bronze = silver + rejects, gold = silver) and says so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from pipeline import publish
from pipeline.manifest import read_manifest, utc_now
from pipeline.serving import open_read_only
from pipeline.settings import Settings

EXAMPLES_PER_REASON = 3
REPORT_JSON = "data_quality.json"
REPORT_MD = "data_quality.md"


def _examples(parquet_dir: Path, reason_col: str, columns: str) -> dict[str, list[dict]]:
    """A few example rows per reason from a quarantine or rejects directory."""
    files = list(Path(parquet_dir).glob("*.parquet"))
    if not files:
        return {}
    with duckdb.connect() as con:
        cur = con.execute(
            f"""SELECT {reason_col} AS reason, {columns} FROM read_parquet($files)
                QUALIFY row_number() OVER (PARTITION BY {reason_col} ORDER BY _o) <= $n
                ORDER BY reason, _o""",
            {"files": [str(f) for f in files], "n": EXAMPLES_PER_REASON},
        )
        names = [d[0] for d in cur.description]
        out: dict[str, list[dict]] = {}
        for row in cur.fetchall():
            record = dict(zip(names, row, strict=True))
            record.pop("_o")
            out.setdefault(record.pop("reason"), []).append(record)
        return out


def _gold_facts(gold_db: Path) -> tuple[dict[str, int], dict[str, int], dict[str, Any]]:
    with open_read_only(gold_db) as con:
        nulls = dict(con.execute("SELECT column_name, nulls FROM dq_nulls").fetchall())
        metrics = dict(con.execute("SELECT metric, value FROM dq_metrics").fetchall())
        cur = con.execute("SELECT * FROM dq_repeat_examples")
        names = [d[0] for d in cur.description]
        metrics["repeat_examples"] = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        cur = con.execute("SELECT * FROM _build")
        build = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    return nulls, metrics, build


def _check(name: str, left: int, right: int, detail: str) -> dict[str, Any]:
    return {"check": name, "ok": left == right, "detail": f"{detail}: {left:,} vs {right:,}"}


def build_report(settings: Settings) -> dict[str, Any]:
    """Collect every data-quality fact into one JSON-ready dict."""
    bronze = read_manifest(settings.bronze_dir)
    silver = read_manifest(settings.silver_dir)
    nulls, metrics, build = _gold_facts(settings.gold_db)
    gold_rows = json.loads(build["table_rows"])["tracks_serving"]
    rejects = silver["rejects_by_reason"]
    tracks = metrics["tracks"]
    layers = {
        "raw": bronze["rows_in"],
        "bronze": bronze["rows_out"],
        "quarantined": bronze["rows_quarantined"],
        "silver": silver["rows_out"],
        "rejected": silver["rows_rejected"],
        "gold_tracks": gold_rows,
    }
    return {
        "generated_at": utc_now(),
        "input": bronze["input"],
        "layers": layers,
        "checks": [
            _check(
                "raw = bronze + quarantine",
                layers["raw"],
                layers["bronze"] + layers["quarantined"],
                "raw vs bronze + quarantined",
            ),
            _check(
                "bronze = silver + rejects",
                layers["bronze"],
                layers["silver"] + layers["rejected"],
                "bronze vs silver + rejected",
            ),
            _check("gold = silver", gold_rows, layers["silver"], "gold tracks vs silver"),
        ],  # fmt: skip
        "quarantine_by_reason": bronze["quarantined_by_reason"],
        "quarantine_examples": _examples(
            Path(settings.bronze_quarantine).resolve(),
            "reason",
            "line_number, detail, left(raw_line, 160) AS raw_line, line_number AS _o",
        ),
        "rejects_by_reason": rejects,
        "reject_examples": _examples(
            Path(settings.silver_rejects).resolve(),
            "reject_reason",
            "id, name, left(artists, 80) AS artists, year, release_date, _ingest_order AS _o",
        ),
        "silver_nulls": nulls,
        "out_of_range_rejected": {
            k: v for k, v in rejects.items() if k.startswith(("out_of_range", "not_finite"))
        },
        "degenerate_values_kept": {
            k: metrics[k]
            for k in (
                "tempo_zero",
                "time_signature_zero",
                "loudness_min_60",
                "loudness_above_0",
                "shorter_than_30s",
                "longer_than_30min",
            )
        },
        "duplicates": {
            "duplicate_ids_rejected": rejects.get("duplicate_id", 0),
            "same_name_and_artist_ids_kept": metrics["name_artist_ids_repeats"],
        },
        "possible_duplicates": metrics["repeat_examples"],
        "year_anomalies": {
            "year_0_rejected": rejects.get("year_zero", 0),
            "year_1900_placeholder_rejected": rejects.get("placeholder_date_1900", 0),
            "pre_1950_kept": metrics["pre_1950_tracks"],
            "year_1908_kept": metrics["year_1908_tracks"],
        },
        "shares": {
            "multi_artist": metrics["multi_artist_tracks"] / tracks if tracks else 0.0,
            "non_ascii": metrics["non_ascii_tracks"] / tracks if tracks else 0.0,
        },
        "gold_build": {
            k: build[k] for k in ("built_at", "silver_manifest_sha256", "duckdb_version")
        },
    }


def _table(headers: list[str], rows: list[list[Any]], commas: bool = True) -> list[str]:
    def cell(v: Any) -> str:
        number = isinstance(v, int) and not isinstance(v, bool)
        text = f"{v:,}" if number and commas else str(v)
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def _possible_duplicates(rows: list[dict[str, Any]]) -> list[str]:
    """The examples of rows kept with the same name and artist ids as another."""
    if not rows:
        return []
    return [
        "",
        "Possible duplicates: rows with the same name and artist ids as another row, but ids "
        "of their own, are kept as different tracks (a re-release, a remaster, or another "
        "song of the same name). The most repeated:",
        "",
        *_table(list(rows[0]), [list(r.values()) for r in rows], commas=False),
    ]


def render_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown tables."""
    out = [
        "# Data quality",
        "",
        f"Generated {report['generated_at']} from `{report['input']['path']}` "
        f"(sha256 `{report['input']['sha256'][:12]}…`).",
        "",
        "## Rows per layer",
        *_table(["layer", "rows"], [[k, v] for k, v in report["layers"].items()]),
        "",
        "## Totals add up",
        *_table(
            ["check", "ok", "detail"],
            [[c["check"], "yes" if c["ok"] else "**NO**", c["detail"]] for c in report["checks"]],
        ),
    ]
    for title, counts, examples in (
        ("Quarantined in bronze", report["quarantine_by_reason"], report["quarantine_examples"]),
        ("Rejected in silver", report["rejects_by_reason"], report["reject_examples"]),
    ):
        out += ["", f"## {title}"]
        if not counts:
            out.append("None.")
            continue
        out += _table(["reason", "rows"], [[k, v] for k, v in counts.items()])
        for reason, rows in examples.items():
            out += ["", f"Examples of `{reason}`:", ""]
            out += _table(list(rows[0]), [list(r.values()) for r in rows], commas=False)
    sections = (
        ("Nulls per silver column", "silver_nulls"),
        ("Out-of-range values (rejected)", "out_of_range_rejected"),
        ("Degenerate but real values (kept)", "degenerate_values_kept"),
        ("Duplicates", "duplicates"),
        ("Year anomalies", "year_anomalies"),
    )
    for title, key in sections:
        items = report[key]
        out += ["", f"## {title}"]
        out += _table(["item", "rows"], [[k, v] for k, v in items.items()]) if items else ["None."]
        if key == "duplicates":
            out += _possible_duplicates(report["possible_duplicates"])
    shares = report["shares"]
    out += [
        "",
        "## Shares",
        *_table(["share", "value"], [[k, f"{v:.2%}"] for k, v in shares.items()]),
        "",
    ]
    return "\n".join(out)


def write_report(settings: Settings) -> dict[str, Any]:
    """Write ``data_quality.json`` and ``.md`` into ``REPORTS_DIR``; return the report."""
    report = build_report(settings)
    out_dir = Path(settings.reports_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in (
        (REPORT_JSON, json.dumps(report, indent=2, default=str) + "\n"),
        (REPORT_MD, render_markdown(report)),
    ):
        publish.write_text_atomic(out_dir / name, text)
    return report
