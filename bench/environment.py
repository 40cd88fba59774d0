"""What machine and software a benchmark ran on: stored in every result file."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline.manifest import read_manifest, utc_now
from pipeline.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def _run(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def cpu_model() -> str:
    """The CPU's marketing name; on macOS ``sysctl`` (so an M4 shows as "Apple M4")."""
    if sys.platform == "darwin":
        return _run("sysctl", "-n", "machdep.cpu.brand_string") or platform.processor()
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    for key in ("model name", "Model", "Hardware", "cpu model"):
        match = re.search(rf"^{key}\s*:\s*(.+)$", text, re.MULTILINE)
        if match:
            return match.group(1).strip()
    return platform.processor() or "unknown"


def physical_cores() -> int | None:
    if sys.platform == "darwin":
        value = _run("sysctl", "-n", "hw.physicalcpu")
        return int(value) if value.isdigit() else None
    pairs = set()
    try:
        block: dict[str, str] = {}
        for line in Path("/proc/cpuinfo").read_text().splitlines() + [""]:
            if not line.strip():
                if "core id" in block:
                    pairs.add((block.get("physical id", "0"), block["core id"]))
                block = {}
            elif ":" in line:
                k, v = line.split(":", 1)
                block[k.strip()] = v.strip()
    except OSError:
        return None
    return len(pairs) or os.cpu_count()


def ram_bytes() -> int | None:
    if sys.platform == "darwin":
        value = _run("sysctl", "-n", "hw.memsize")
        return int(value) if value.isdigit() else None
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return None


def java_version() -> str:
    out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    return out.splitlines()[0] if out else "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


# What ``make`` itself rewrites (the README: its results): a run changing them does not make
# the code dirty.
WRITTEN_BY_MAKE = ("reports", "data", "README.md")


def git_state() -> dict[str, Any]:
    """The commit, and whether tracked code differs from it (reports and data aside)."""
    sha = _run("git", "-C", str(REPO), "rev-parse", "HEAD")
    ignored = [f":(exclude){path}" for path in WRITTEN_BY_MAKE]
    status = _run("git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no",
                  "--", ".", *ignored)  # fmt: skip
    return {"sha": sha or "unknown", "dirty": bool(status)}


def dataset(settings: Settings) -> dict[str, Any]:
    """Rows and sha256 of the input bronze was built from, and whether it is the generated
    stand-in; the rows asked for, and no hash, when there is no bronze (a failed run)."""
    try:
        bronze = read_manifest(settings.bronze_dir)
    except FileNotFoundError:
        return {"path": str(settings.raw_csv), "rows": settings.rows, "bytes": None,
                "sha256": None, "kind": "not built", "generator": None}  # fmt: skip
    sidecar = Path(str(settings.raw_csv) + ".generated.json")
    generated = None
    if sidecar.exists():
        info = json.loads(sidecar.read_text())
        generated = info if info.get("sha256") == bronze["input"]["sha256"] else None
    return {
        "path": bronze["input"]["path"],
        "rows": bronze["rows_in"],
        "bytes": bronze["input"]["bytes"],
        "sha256": bronze["input"]["sha256"],
        "kind": "generated" if generated else "real or external file",
        "generator": generated,
    }


def capture(settings: Settings, spark_master: str, threads: int) -> dict[str, Any]:
    """Everything a reader needs to judge the numbers."""
    return {
        "timestamp": utc_now(),
        "cpu_model": cpu_model(),
        "cores_physical": physical_cores(),
        "cores_logical": os.cpu_count(),
        "ram_bytes": ram_bytes(),
        "os": f"{platform.system()} {platform.release()}",
        "arch": platform.machine(),
        "python": platform.python_version(),
        "java": java_version(),
        "versions": {
            p: _version(p) for p in ("pyspark", "duckdb", "pyarrow", "pandas", "pytest-benchmark")
        },
        "git": git_state(),
        "dataset": dataset(settings),
        "spark_master": spark_master,
        "threads": threads,
    }
