"""End to end through make: generate, bronze, silver; idempotence; a killed run loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from pipeline.layers.gold import EXPECTED_TABLES
from pipeline.manifest import read_manifest
from tests.conftest import REPO, TEST_MASTER

pytestmark = pytest.mark.slow
ROWS = 20_000


def _make(*args: str, data_dir, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [
        "make",
        *args,
        f"DATA_DIR={data_dir}",
        f"ROWS={ROWS}",
        f"SPARK_MASTER={TEST_MASTER}",
        f"REPORTS_DIR={data_dir / 'reports'}",
    ]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=check, timeout=900)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data = tmp_path_factory.mktemp("e2e") / "data"
    proc = _make("pipeline", data_dir=data)
    return data, proc.stdout


def test_make_pipeline_builds_every_layer(built):
    data, out = built
    bronze = read_manifest(data / "bronze")
    silver = read_manifest(data / "silver")
    assert bronze["rows_in"] == ROWS
    assert bronze["rows_in"] == bronze["rows_out"] + bronze["rows_quarantined"]
    assert silver["rows_in"] == bronze["rows_out"]
    assert silver["rows_in"] == silver["rows_out"] + silver["rows_rejected"]
    assert silver["rejects_by_reason"].get("year_zero", 0) >= 1  # generator plants the quirks
    assert silver["rejects_by_reason"].get("placeholder_date_1900", 0) >= 1
    gold = json.loads((data / "reports" / "data_quality.json").read_text())
    assert all(check["ok"] for check in gold["checks"])
    assert gold["layers"]["gold_tracks"] == silver["rows_out"]
    assert (data / "gold" / "spotify.duckdb").exists()
    assert "## Rows per layer" in (data / "reports" / "data_quality.md").read_text()
    # Users see progress: one summary line per layer with counts and seconds.
    assert "[generate] wrote 20,000 rows" in out
    assert "[bronze] rows in 20,000" in out and "[silver] rows in" in out
    assert f"[gold] {len(EXPECTED_TABLES)} tables" in out and "all totals add up" in out
    # Bronze and silver in one Spark session, each layer with its own manifest and seconds.
    assert out.count("[spark] starting session") == 1 and "[bronze-silver] done" in out
    assert "built in bronze's Spark session" in out
    assert bronze["seconds"] > 0 and silver["seconds"] > 0 and silver["path"] != bronze["path"]


def test_second_make_is_a_no_op(built):
    data, _ = built
    assert _make("-q", "pipeline", data_dir=data, check=False).returncode == 0
    start = time.perf_counter()
    out = _make("pipeline", data_dir=data).stdout
    for step in ("[generate]", "[bronze]", "[silver]", "[gold]", "[report]"):
        assert step not in out
    print(f"no-op make pipeline took {time.perf_counter() - start:.2f}s")


def test_killed_bronze_run_keeps_last_good_layer(built):
    data, _ = built
    before = (data / "bronze" / "_manifest.json").read_text()
    env = {**os.environ, "DATA_DIR": str(data), "SPARK_MASTER": TEST_MASTER}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "bronze"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 120
    for line in proc.stdout:  # wait until Spark is writing the new version
        if "[bronze] building" in line or time.monotonic() > deadline:
            break
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert (data / "bronze" / "_manifest.json").read_text() == before
    building = list((data / ".versions").glob("bronze-*.building"))
    assert (data / "bronze").resolve().name.endswith(".building") is False
    # The next successful run prunes the dead run's leftovers.
    subprocess.run([sys.executable, "-m", "pipeline", "bronze"], cwd=REPO, env=env, check=True)
    assert not [p for p in building if p.exists()]
