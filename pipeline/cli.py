"""``python -m pipeline {generate,bronze,silver,gold,report,insights,run,clean}``: the pipeline CLI.

Flags override the environment (see :mod:`pipeline.settings`). Every failure ends with one
line on stderr and the exit status of :mod:`pipeline.failures` (2 bad input or settings, 1 an
environment fault, 130 Ctrl-C); traces go to a log file that the line names.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pipeline import failures
from pipeline.settings import Settings, SettingsError
from pipeline.sizing import DiskSpaceError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="root of the data layers (env DATA_DIR, default data)")
    parser.add_argument("--input", dest="raw_csv", help="raw CSV (env RAW_CSV)")
    parser.add_argument("--rows", type=int, help="rows to generate (env ROWS, default 1204025)")
    parser.add_argument("--seed", type=int, help="generator seed (env SEED, default 42)")
    parser.add_argument("--master", dest="spark_master", help="Spark master URL (env SPARK_MASTER)")
    parser.add_argument("--reports-dir", help="where reports go (env REPORTS_DIR)")


def cmd_generate(settings: Settings) -> None:
    from pipeline.generate import generate_csv, write_sidecar
    from pipeline.sizing import preflight
    from pipeline.unpack import find_archive, resolve_input

    if not settings.raw_csv.exists() and find_archive(settings.raw_csv.parent):
        resolve_input(settings)  # the Kaggle download was put there: unpack it instead
        return

    preflight(settings.raw_csv.parent, settings.rows)
    print(f"[generate] writing {settings.rows:,} rows (seed {settings.seed}) to {settings.raw_csv}")
    start, shown = time.perf_counter(), [0.0]

    def progress(done: int, total: int) -> None:
        if done == total or time.perf_counter() - shown[0] >= 10:  # a line every 10 s
            shown[0] = time.perf_counter()
            took = shown[0] - start
            print(f"[generate]   {done:,} of {total:,} rows ({took:.0f}s)", flush=True)

    result = generate_csv(
        settings.raw_csv, settings.rows, settings.seed, settings.generate_workers, progress
    )
    write_sidecar(result, settings.seed)
    mb = result.bytes / 1e6
    print(f"[generate] wrote {result.rows:,} rows, {mb:.1f} MB in {result.seconds:.1f}s")


def _with_spark(settings: Settings, *layers: str) -> None:
    from pipeline.layers.bronze import build_bronze
    from pipeline.layers.silver import build_silver
    from pipeline.spark import timed_spark
    from pipeline.unpack import resolve_input

    builders = {"bronze": build_bronze, "silver": build_silver}
    if layers[0] == "bronze":
        settings = resolve_input(settings)
    _check_inputs(settings, layers)
    settings = settings.for_spark_steps(*layers)
    print(f"[spark] starting session (master {settings.spark_remote or settings.spark_master})")
    with failures.stderr_to(failures.spark_log(settings.data_dir)):  # the JVM's own stderr
        spark, seconds = timed_spark(settings)
    print(f"[spark] Spark {spark.version} ready in {seconds:.1f}s")
    for layer in layers:
        print(f"[{layer}] building ...", flush=True)
        print(builders[layer](spark, settings).summary(), flush=True)


def _check_inputs(settings: Settings, layers: tuple[str, ...]) -> None:
    """Fail fast, before the JVM starts, when the first layer's input is missing or bad."""
    from pipeline.layers.bronze_contract import check_header
    from pipeline.manifest import read_manifest

    if layers[0] == "bronze":
        check_header(settings.raw_csv)
    elif layers[0] == "silver":
        read_manifest(settings.bronze_dir)


def cmd_clean(settings: Settings) -> None:
    import shutil

    from pipeline.publish import remove_layer

    for layer in ("bronze", "silver", "gold"):
        remove_layer(settings.data_dir / layer)
    shutil.rmtree(settings.spill_dir, ignore_errors=True)
    shutil.rmtree(settings.data_dir / failures.LOGS_DIR, ignore_errors=True)
    print(f"[clean] removed built layers, scratch and logs under {settings.data_dir} "
          "(raw data kept)")  # fmt: skip


def cmd_gold(settings: Settings) -> None:
    from pipeline.layers.gold import build_gold

    print(f"[gold] building {settings.gold_db} from {settings.silver_dir} ...", flush=True)
    print(build_gold(settings).summary(), flush=True)


def cmd_report(settings: Settings) -> None:
    from pipeline.layers.quality import REPORT_JSON, REPORT_MD, write_report

    report = write_report(settings)
    failed = [c["check"] for c in report["checks"] if not c["ok"]]
    status = f"FAILED: {', '.join(failed)}" if failed else "all totals add up"
    out = settings.reports_dir
    print(f"[report] wrote {out / REPORT_MD} and {out / REPORT_JSON} ({status})")
    if failed:
        raise AccountingError(f"data-quality totals do not add up: {', '.join(failed)}")


def cmd_insights(settings: Settings) -> None:
    from pipeline.layers.insights import REPORT_HTML, REPORT_MD, write_reports

    start = time.perf_counter()
    print(f"[insights] reading {settings.gold_db}")
    items = write_reports(settings.gold_db, settings.reports_dir, settings.serving_memory_limit)
    out, took = settings.reports_dir, time.perf_counter() - start
    print(f"[insights] wrote {len(items)} findings to {out / REPORT_MD} and {out / REPORT_HTML}"
          f" in {took:.1f}s")  # fmt: skip


class AccountingError(RuntimeError):
    """The layers' row counts do not add up."""


def cmd_run(settings: Settings) -> None:
    from pipeline.sizing import estimated_rows, preflight
    from pipeline.unpack import resolve_input

    settings = resolve_input(settings)
    if settings.raw_csv.exists():
        preflight(settings.data_dir, estimated_rows(settings.raw_csv), with_csv=False)
    else:
        cmd_generate(settings)  # checks the disk for the whole run first
    _with_spark(settings, "bronze", "silver")
    cmd_gold(settings)
    cmd_report(settings)
    cmd_insights(settings)


COMMANDS: dict[str, tuple[str, Callable[[Settings], None]]] = {
    "generate": ("write a realistic stand-in tracks_features.csv", cmd_generate),
    "bronze": ("CSV -> bronze Parquet (Spark), quarantining malformed rows", None),
    "silver": ("bronze -> silver Parquet (Spark), rejecting invalid rows", None),
    "bronze-silver": ("bronze, then silver, in one Spark session (one JVM start)", None),
    "gold": ("silver -> gold DuckDB serving tables, published atomically", cmd_gold),
    "report": ("write the data-quality report (REPORTS_DIR/data_quality.{md,json})", cmd_report),
    "insights": ("write REPORTS_DIR/insights.{md,html} from gold", cmd_insights),
    "run": ("generate (if missing), every layer, the data-quality and insights reports", cmd_run),
    "clean": ("delete the built layers (keeps the raw CSV)", cmd_clean),
}


# The settings each command reads, checked before it starts (a bad one ends it at once with
# the variable named); settings other commands use are not read at all.
_SPARK = ("spark_master", "spark_remote", "max_bad_share")
_GOLD = ("duckdb_memory_limit", "serving_memory_limit", "duckdb_threads_setting")
USES: dict[str, tuple[str, ...]] = {
    "generate": ("rows", "seed", "generate_workers"),
    "bronze": _SPARK,
    "silver": _SPARK,
    "bronze-silver": _SPARK,
    "gold": _GOLD,
    "report": ("serving_memory_limit",),
    "insights": ("serving_memory_limit",),
    "run": ("rows", "seed", "generate_workers", *_SPARK, *_GOLD),
    "clean": (),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline", description="Build the spotify-medallion data layers."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, _) in COMMANDS.items():
        _common(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def _error_types() -> tuple[type[BaseException], ...]:
    """Errors the user fixes (input, settings) or waits out (a busy layer): exit 2."""
    from pipeline.catalogue import ParamError
    from pipeline.layers.bronze_contract import InputError
    from pipeline.layers.gold import GoldBuildError
    from pipeline.publish import LayerBusyError, NotPublishedError, PublishError
    from pipeline.unpack import ArchiveError

    return (
        InputError,
        ArchiveError,
        PublishError,
        LayerBusyError,
        NotPublishedError,
        FileNotFoundError,
        GoldBuildError,
        AccountingError,
        ParamError,
        SettingsError,
    )


def check_paths(settings: Settings, command: str) -> None:
    """Folders that are files, or files that are folders, named before anything starts."""
    data_dir = settings.data_dir
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError(f"DATA_DIR={str(data_dir)!r}: is a file; expected a folder")
    if command in ("bronze", "bronze-silver", "run", "generate") and settings.raw_csv.is_dir():
        raise SettingsError(f"{settings.raw_csv}: is a folder; expected the CSV file (--input)")


def main(argv: list[str] | None = None) -> int:
    args = vars(build_parser().parse_args(argv))
    command = args.pop("command")
    settings = Settings().with_overrides(**args)
    _, handler = COMMANDS[command]
    start = time.perf_counter()
    log = None
    try:
        settings.check(*USES[command])
        check_paths(settings, command)
        log = failures.log_path(settings.data_dir, command)
        failures.route_python_logs(log)
        if handler is None:  # the Spark layers, one session for all of them
            _with_spark(settings, *command.split("-"))
        else:
            handler(settings)
    except _error_types() as exc:
        print(f"error: {exc}", file=sys.stderr)
        return failures.EXIT_BAD_INPUT
    except DiskSpaceError as exc:  # foreseen before anything was written: no trace to keep
        print(f"error: {exc}", file=sys.stderr)
        return failures.EXIT_FAULT
    except KeyboardInterrupt:
        print(
            f"[{command}] interrupted: every layer is published whole or not at all, so the "
            "last good output is unchanged",
            file=sys.stderr,
        )
        return failures.EXIT_INTERRUPTED
    except Exception as exc:
        trace = failures.write_trace(log or failures.log_path(Path("."), command), exc)
        where = f"; full trace in {trace}" if trace else ""
        print(f"error: {command} failed: {failures.describe(exc)}{where}", file=sys.stderr)
        return failures.EXIT_FAULT
    print(f"[{command}] done in {time.perf_counter() - start:.1f}s")
    return 0
