"""The code's shape: the serving side loads no Spark, and the dashboard reads benchmark
results through the bench's model (bench.results), not its renderer."""

from __future__ import annotations

import subprocess
import sys

# What the dashboard and the DuckDB layers load. None of it may pull in pyspark: a machine
# serving gold needs no JVM and no Spark wheel.
ENGINE_NEUTRAL = (
    "bench.results",
    "dashboard.app",
    "pipeline.compare",
    "pipeline.layers.bronze_contract",
    "pipeline.layers.silver_contract",
    "pipeline.records",
    "pipeline.catalogue",
    "pipeline.layers.gold",
    "pipeline.layers.insights",
    "pipeline.layers.quality",
    "pipeline.schema",
    "pipeline.serving",
    "pipeline.settings",
)

PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(sorted(m for m in sys.modules if m.split(".")[0] == "pyspark" or m == "bench.report"))
"""


def test_serving_side_imports_no_pyspark():
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *ENGINE_NEUTRAL],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]", f"pyspark or the bench's renderer loaded: {out.strip()}"


def test_probe_sees_pyspark_when_it_is_loaded():
    """The probe can fail: a Spark layer's import is seen."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "pipeline.layers.bronze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pyspark" in out
