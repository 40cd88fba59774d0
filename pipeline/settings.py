"""Settings: every path, size and engine knob in one object, read from the environment.

Nothing else in the project reads ``os.environ`` for configuration. The Makefile exports
the same names (``DATA_DIR``, ``RAW_CSV``, ``ROWS``, ``SEED``, ``SPARK_MASTER``,
``REPORTS_DIR``), and the CLI flags override them via :meth:`Settings.with_overrides`.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

FULL_ROWS = 1_204_025  # rows in the real Kaggle tracks_features.csv
DUCKDB_MEMORY_LIMIT = "1GB"
SERVING_MEMORY_LIMIT = "512MB"  # per serving connection (one per thread)


_UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4,
          "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4}  # fmt: skip


def parse_bytes(text: str) -> int:
    """``"1GB"``, ``"512MB"``, ``"1.5GiB"`` as bytes, in DuckDB's units (GB = 1000^3)."""
    number = text.strip().rstrip("BbIi").rstrip("KkMmGgTt ")
    unit = text.strip()[len(number) :].strip().upper()
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if unit not in _UNITS or value <= 0:
        raise ValueError(f"expected a size such as 1GB or 512MB, got {text!r}")
    return int(value * _UNITS[unit])


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


class SettingsError(ValueError):
    """A setting holds a value it does not accept; the message names the variable."""


@dataclass(frozen=True)
class Invalid:
    """A setting that failed to parse. It raises :class:`SettingsError` only when read, so a
    command fails on the settings it uses and no other (``PORT=abc`` does not stop gold)."""

    message: str


MAX_ROWS = 10**10  # 8,000x the real file: far past any disk here, far below int64 overflow
_WHOLE = re.compile(r"[+-]?\d+")
_ACCEPTS: dict[str, tuple[str, int, int]] = {}  # field -> (variable, lowest, highest)


def _whole(name: str, default: int, low: int, high: int, field_name: str):
    """The whole number in variable ``name`` (or ``default``), or :class:`Invalid`."""
    _ACCEPTS[field_name] = (name, low, high)
    return lambda: check_whole(field_name, _env(name, str(default)))


def check_whole(field_name: str, raw: object):
    """``raw`` as an int when it is a whole number in the field's range, else Invalid."""
    name, low, high = _ACCEPTS[field_name]
    text = str(raw).strip()
    if _WHOLE.fullmatch(text) and low <= int(text) <= high:
        return int(text)
    return Invalid(f"{name}={text!r}: expected a whole number from {low:,} to {high:,}")


def _number(name: str, default: float, low: float, high: float = math.inf, accepts: str = ""):
    """The number in variable ``name`` (or ``default``) from ``low`` to ``high``, or Invalid."""
    accepts = accepts or f"a number of at least {low:g}"

    def parse():
        raw = _env(name, str(default))
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if low <= value <= high:  # False for nan
            return value
        return Invalid(f"{name}={raw!r}: expected {accepts}")

    return parse


def _size(name: str, default: str):
    def parse():
        raw = _env(name, default)
        try:
            parse_bytes(raw)
        except ValueError:
            return Invalid(f"{name}={raw!r}: expected a size such as 1GB or 512MB")
        return raw

    return parse


def local_cores(master: str) -> int | None:
    """Cores a ``local[...]`` master uses, or None for a cluster master."""
    match = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\d+)?\])?", master)
    if not match:
        return None
    n = match.group(1)
    return os.cpu_count() or 1 if n in (None, "*") else int(n)


def _choice(name: str, default: str, choices: tuple[str, ...], meaning: str):
    """The value of variable ``name`` (or ``default``) when it is one of ``choices``."""

    def parse():
        raw = _env(name, default)
        if raw in choices:
            return raw
        return Invalid(f"{name}={raw!r}: expected {meaning}")

    return parse


def _path(name: str, default: Path | None = None):
    """The path in variable ``name``, or ``default``."""
    return lambda: Path(raw) if (raw := _env(name, "")) else default


REPO = Path(__file__).resolve().parents[1]
# The real rows and the facts about the full file (never copied into the repo).
REAL_DIR = REPO.parent / "shared" / "data" / "real"


# Gradio and the Hugging Face hub stay off the network: set by :func:`go_offline` in every
# process that imports gradio or gradio_client, before it does.
OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "GRADIO_TELEMETRY_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}


def go_offline() -> None:
    """Set :data:`OFFLINE_ENV` in this process (and the children it starts)."""
    os.environ.update(OFFLINE_ENV)


def _default_spark_conf() -> dict[str, str]:
    """Extra Spark conf from ``SPARK_CONF`` ("k=v,k2=v2"); empty by default."""
    raw = _env("SPARK_CONF", "")
    pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
    return {k.strip(): v.strip() for k, v in pairs}


# The driver heap each Spark step gets when SPARK_DRIVER_MEMORY is unset, sized so the
# step's process tree stays under 5 GiB at any row count. The heap is what caps a JVM's
# memory: G1 grows it with a run's length up to the cap, not with the step's needs.
# - bronze streams rows: with 4g its peak went 2.0 GiB at 12M rows -> 3.7 GiB at 60M, with
#   2g 1.4 GiB -> 1.8 GiB (1.30x);
# - silver sorts and shuffles a year at a time: 4.8-4.9 GiB at 12M and 60M rows with 4g;
# - the benchmarks hold a DuckDB (DUCKDB_MEMORY_LIMIT) beside their Spark JVM: with 4g the
#   whole tree peaked at 5.2 GiB at 12M rows and 5.7 GiB at 60M.
DRIVER_MEMORY_BY_STEP = {"bronze": "1536m", "silver": "4g", "bench": "3g"}
DEFAULT_DRIVER_MEMORY = "4g"  # any other Spark session (tests, the Connect server)
# Short batch JVMs (the layers) get JIT options that favour a quick start; the bench's
# sessions keep the JVM's defaults, which suit queries run again and again.
BATCH_STEPS = ("bronze", "silver")


def _java_mib(size: str) -> int:
    """MiB of a Java size such as ``1536m`` or ``4g``."""
    return int(size[:-1]) * (1024 if size[-1].lower() == "g" else 1)


@dataclass(frozen=True)
class Settings:
    """Every setting of a run, read from the environment and checked (see :meth:`check`),
    in groups: paths and data, Spark, DuckDB, local clusters, the dashboard, the bench."""

    # --- paths and the data set ---
    data_dir: Path = field(default_factory=lambda: Path(_env("DATA_DIR", "data")))
    raw_csv_override: Path | None = field(
        default_factory=lambda: Path(p) if (p := _env("RAW_CSV", "")) else None
    )
    reports_dir: Path = field(default_factory=lambda: Path(_env("REPORTS_DIR", "reports")))
    rows: int = field(default_factory=_whole("ROWS", FULL_ROWS, 1, MAX_ROWS, "rows"))
    seed: int = field(default_factory=_whole("SEED", 42, 0, 2**32 - 1, "seed"))
    # Generator processes (0: one per core). The bytes written do not depend on it.
    generate_workers: int = field(
        default_factory=_whole("GENERATE_WORKERS", 0, 0, 1024, "generate_workers")
    )
    # Bronze and silver are not published when more than this share of their input rows is
    # quarantined or rejected (or when nothing is left): a whole-file problem, not bad rows.
    max_bad_share: float = field(
        default_factory=_number("MAX_BAD_SHARE", 0.05, 0, 1, "a share from 0 to 1 (0.05 is 5%)")
    )
    # The real sample rows and FACTS.md (tests that need them skip when it is absent).
    real_dir: Path = field(default_factory=_path("SPOTIFY_REAL_DIR", REAL_DIR))

    # --- Spark ---
    spark_master: str = field(default_factory=lambda: _env("SPARK_MASTER", "local[*]"))
    spark_remote: str = field(default_factory=lambda: _env("SPARK_REMOTE", ""))
    # The local Spark JVM's heap cap. Unset: each Spark step's own (DRIVER_MEMORY_BY_STEP).
    spark_driver_memory: str = field(default_factory=lambda: _env("SPARK_DRIVER_MEMORY", ""))
    spark_conf: dict[str, str] = field(default_factory=_default_spark_conf)
    # The batch JIT options (pipeline.spark.BATCH_JIT_OPTIONS); set by for_spark_steps.
    spark_batch_jit: bool = True

    # --- DuckDB ---
    # DuckDB's threads (0: as many as a local Spark master's cores, so the bench compares
    # the engines at the same N; every core when Spark runs on a cluster).
    duckdb_threads_setting: int = field(
        default_factory=_whole("DUCKDB_THREADS", 0, 0, 1024, "duckdb_threads_setting")
    )
    # DuckDB's memory cap for the gold build and the "DuckDB direct" benchmarks, in DuckDB's
    # units ("1GB", "512MB"). Past it, DuckDB spills to ``spill_dir``; the build's memory is
    # bounded by this, not by the data.
    duckdb_memory_limit: str = field(
        default_factory=_size("DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT)
    )
    # DuckDB's memory cap for each read-only connection serving gold (the dashboard and the
    # bench open one per thread). Without it DuckDB's buffer pool may grow to 80% of RAM
    # with gold's blocks, so the serving memory would grow with the data.
    serving_memory_limit: str = field(
        default_factory=_size("SERVING_MEMORY_LIMIT", SERVING_MEMORY_LIMIT)
    )

    # --- local clusters (make cluster-up, make connect-up) ---
    # Local clusters for `make cluster-up` / `make connect-up` (see pipeline.cluster). The
    # names match the environment variables Spark's own scripts use for the same things.
    cluster_dir: Path = field(default_factory=lambda: Path(_env("SPARK_CLUSTER_DIR", ".spark")))
    spark_master_port: int = field(
        default_factory=_whole("SPARK_MASTER_PORT", 7077, 1, 65535, "spark_master_port")
    )
    spark_master_webui_port: int = field(
        default_factory=_whole("SPARK_MASTER_WEBUI_PORT", 8080, 1, 65535, "spark_master_webui_port")
    )
    # The first worker's web UI port; worker i (1-based) uses this + i - 1 (0: any free port).
    spark_worker_webui_port: int = field(
        default_factory=_whole("SPARK_WORKER_WEBUI_PORT", 8081, 0, 65535, "spark_worker_webui_port")
    )
    spark_workers: int = field(default_factory=_whole("SPARK_WORKERS", 2, 1, 64, "spark_workers"))
    spark_worker_cores: int = field(
        default_factory=_whole("SPARK_WORKER_CORES", 1, 1, 1024, "spark_worker_cores")
    )
    spark_worker_memory: str = field(default_factory=lambda: _env("SPARK_WORKER_MEMORY", "2g"))
    spark_connect_port: int = field(
        default_factory=_whole("SPARK_CONNECT_PORT", 15002, 1, 65535, "spark_connect_port")
    )
    spark_connect_master: str = field(
        default_factory=lambda: _env("SPARK_CONNECT_MASTER", "local[2]")
    )
    cluster_timeout_s: float = field(default_factory=_number("SPARK_CLUSTER_TIMEOUT", 90, 1))

    # --- the dashboard ---
    dashboard_host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    dashboard_port: int = field(default_factory=_whole("PORT", 7860, 1, 65535, "dashboard_port"))

    # --- the benchmarks (bench/) ---
    # Rounds: "" a full run; "1" the smoke run the tests use (fewer rounds); "large" the
    # scale sweep from 50x up (one timed round of each slow variant).
    bench_quick: str = field(
        default_factory=_choice(
            "BENCH_QUICK", "", ("", "1", "large"), "1 (fewer rounds), large, or nothing"
        )
    )
    # Rows the ETL bench (make bench-etl) generates and builds, in BENCH_DATA_DIR (default:
    # a scratch folder).
    bench_rows: int = field(
        default_factory=_whole("BENCH_ROWS", FULL_ROWS, 1, MAX_ROWS, "bench_rows")
    )
    bench_data_dir: Path | None = field(default_factory=_path("BENCH_DATA_DIR"))
    # Where a bench run also writes its list of failed answer checks (JSON), for a caller.
    bench_failures_file: Path | None = field(default_factory=_path("BENCH_FAILURES_FILE"))

    # --- derived paths (the data layout under DATA_DIR) ---
    @property
    def raw_csv(self) -> Path:
        return self.raw_csv_override or self.data_dir / "raw" / "tracks_features.csv"

    @property
    def bronze_dir(self) -> Path:
        return self.data_dir / "bronze"

    @property
    def bronze_tracks(self) -> Path:
        return self.bronze_dir / "tracks"

    @property
    def bronze_quarantine(self) -> Path:
        return self.bronze_dir / "_quarantine"

    @property
    def silver_dir(self) -> Path:
        return self.data_dir / "silver"

    @property
    def silver_tracks(self) -> Path:
        return self.silver_dir / "tracks"

    @property
    def silver_track_artists(self) -> Path:
        return self.silver_dir / "track_artists"

    @property
    def silver_rejects(self) -> Path:
        return self.silver_dir / "_rejects"

    @property
    def gold_dir(self) -> Path:
        return self.data_dir / "gold"

    @property
    def gold_db(self) -> Path:
        return self.gold_dir / "spotify.duckdb"

    @property
    def spill_dir(self) -> Path:
        """Scratch space of out-of-core steps (one folder per running build, then removed)."""
        return self.data_dir / ".spill"

    def __getattribute__(self, name: str):
        value = object.__getattribute__(self, name)
        if isinstance(value, Invalid):
            raise SettingsError(value.message)
        return value

    @property
    def duckdb_threads(self) -> int:
        """Threads every DuckDB connection uses (DUCKDB_THREADS, or see its default)."""
        return self.duckdb_threads_setting or local_cores(self.spark_master) or os.cpu_count() or 1

    def check(self, *names: str) -> Settings:
        """These settings, once the named ones are known to be valid (raises
        :class:`SettingsError` naming the first bad variable). A command checks the ones it
        uses, and only those."""
        for name in names:
            getattr(self, name)
        return self

    def driver_memory(self) -> str:
        """The Spark driver heap this session asks for."""
        return self.spark_driver_memory or DEFAULT_DRIVER_MEMORY

    def for_spark_steps(self, *steps: str) -> Settings:
        """These settings with the driver heap of ``steps`` (the largest of their defaults)
        unless SPARK_DRIVER_MEMORY names one, and the batch JIT options only when every step
        is a batch layer (see :data:`pipeline.spark.BATCH_JIT_OPTIONS`)."""
        if not steps:
            return self
        heap = self.spark_driver_memory or max(
            (DRIVER_MEMORY_BY_STEP[s] for s in steps), key=_java_mib
        )
        batch = all(s in BATCH_STEPS for s in steps)
        return self.with_overrides(spark_driver_memory=heap, spark_batch_jit=batch)

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the non-None ``changes`` applied (CLI flags win over env), checked as
        the environment's values are."""
        clean = {k: v for k, v in changes.items() if v is not None}
        if "raw_csv" in clean:
            clean["raw_csv_override"] = Path(clean.pop("raw_csv"))
        for key in ("data_dir", "reports_dir"):
            if key in clean:
                clean[key] = Path(clean[key])
        for key in clean.keys() & _ACCEPTS.keys():
            clean[key] = check_whole(key, clean[key])
        kept = {f.name: object.__getattribute__(self, f.name) for f in fields(self)}
        return Settings(**{**kept, **clean})
