"""Settings: every path, size and engine knob in one object, read from the environment.

Nothing else in the project reads ``os.environ`` for configuration. The Makefile exports
the same names (``DATA_DIR``, ``RAW_CSV``, ``ROWS``, ``SEED``, ``SPARK_MASTER``,
``REPORTS_DIR``), and the CLI flags override them via :meth:`Settings.with_overrides`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
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


def _default_spark_conf() -> dict[str, str]:
    """Extra Spark conf from ``SPARK_CONF`` ("k=v,k2=v2"); empty by default."""
    raw = _env("SPARK_CONF", "")
    pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
    return {k.strip(): v.strip() for k, v in pairs}


@dataclass(frozen=True)
class Settings:
    """Paths, dataset size, seed and Spark settings for one run."""

    data_dir: Path = field(default_factory=lambda: Path(_env("DATA_DIR", "data")))
    raw_csv_override: Path | None = field(
        default_factory=lambda: Path(p) if (p := _env("RAW_CSV", "")) else None
    )
    reports_dir: Path = field(default_factory=lambda: Path(_env("REPORTS_DIR", "reports")))
    rows: int = field(default_factory=lambda: int(_env("ROWS", str(FULL_ROWS))))
    seed: int = field(default_factory=lambda: int(_env("SEED", "42")))
    spark_master: str = field(default_factory=lambda: _env("SPARK_MASTER", "local[*]"))
    spark_remote: str = field(default_factory=lambda: _env("SPARK_REMOTE", ""))
    spark_driver_memory: str = field(default_factory=lambda: _env("SPARK_DRIVER_MEMORY", "4g"))
    spark_conf: dict[str, str] = field(default_factory=_default_spark_conf)
    dashboard_host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    dashboard_port: int = field(default_factory=lambda: int(_env("PORT", "7860")))
    # Local clusters for `make cluster-up` / `make connect-up` (see pipeline.cluster). The
    # names match the environment variables Spark's own scripts use for the same things.
    cluster_dir: Path = field(default_factory=lambda: Path(_env("SPARK_CLUSTER_DIR", ".spark")))
    spark_master_port: int = field(default_factory=lambda: int(_env("SPARK_MASTER_PORT", "7077")))
    spark_master_webui_port: int = field(
        default_factory=lambda: int(_env("SPARK_MASTER_WEBUI_PORT", "8080"))
    )
    # The first worker's web UI port; worker i (1-based) uses this + i - 1 (0: any free port).
    spark_worker_webui_port: int = field(
        default_factory=lambda: int(_env("SPARK_WORKER_WEBUI_PORT", "8081"))
    )
    spark_workers: int = field(default_factory=lambda: int(_env("SPARK_WORKERS", "2")))
    spark_worker_cores: int = field(default_factory=lambda: int(_env("SPARK_WORKER_CORES", "1")))
    spark_worker_memory: str = field(default_factory=lambda: _env("SPARK_WORKER_MEMORY", "2g"))
    spark_connect_port: int = field(
        default_factory=lambda: int(_env("SPARK_CONNECT_PORT", "15002"))
    )
    spark_connect_master: str = field(
        default_factory=lambda: _env("SPARK_CONNECT_MASTER", "local[2]")
    )
    cluster_timeout_s: float = field(
        default_factory=lambda: float(_env("SPARK_CLUSTER_TIMEOUT", "90"))
    )
    # Generator processes (0: one per core). The bytes written do not depend on it.
    generate_workers: int = field(default_factory=lambda: int(_env("GENERATE_WORKERS", "0")))
    # DuckDB's memory cap for the gold build and the "DuckDB direct" benchmarks, in DuckDB's
    # units ("1GB", "512MB"). Past it, DuckDB spills to ``spill_dir``; the build's memory is
    # bounded by this, not by the data.
    duckdb_memory_limit: str = field(
        default_factory=lambda: _env("DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT)
    )
    # DuckDB's memory cap for each read-only connection serving gold (the dashboard and the
    # bench open one per thread). Without it DuckDB's buffer pool may grow to 80% of RAM
    # with gold's blocks, so the serving memory would grow with the data.
    serving_memory_limit: str = field(
        default_factory=lambda: _env("SERVING_MEMORY_LIMIT", SERVING_MEMORY_LIMIT)
    )
    # Test hook only: seconds to sleep after each gold table (SPOTIFY_GOLD_PAUSE_S), so a
    # test can kill a build mid-way.
    gold_pause_s: float = field(default_factory=lambda: float(_env("SPOTIFY_GOLD_PAUSE_S", "0")))

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

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the non-None ``changes`` applied (CLI flags win over env)."""
        clean = {k: v for k, v in changes.items() if v is not None}
        if "raw_csv" in clean:
            clean["raw_csv_override"] = Path(clean.pop("raw_csv"))
        for key in ("data_dir", "reports_dir"):
            if key in clean:
                clean[key] = Path(clean[key])
        return replace(self, **clean)
