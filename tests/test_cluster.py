"""The same pipeline on a real standalone cluster and on Spark Connect gives the same data.

One CSV (20,000 generated rows, the tricky-case fixture, the real sample when present and a
few malformed lines) is built three times, each into its own DATA_DIR with
``python -m pipeline run``: in local mode (the baseline, built once), against a 2-worker
standalone cluster, and through a Spark Connect server. Each cluster is started by
``python -m pipeline.cluster`` on free ports inside its fixture and stopped before the
fixture returns, so at most one runs at a time.

Compared: every manifest count and reason; bronze and silver Parquet exactly (row count and
an order-independent sum of row hashes); every gold table row by row, where floating-point
aggregates may differ in the last bits (DuckDB sums in parallel, in no fixed order) and
are compared to a relative 1e-9.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.manifest import read_manifest
from tests.conftest import FIXTURE_CSV, REAL_SAMPLE, REPO

ROWS = 20_000
RUN_TIMEOUT_S = 600
CLUSTER_TIMEOUT_S = 120
WORKERS = 2

# Lines bronze must quarantine (built from a valid fixture line in the CSV fixture below).
_MALFORMED = {
    "wrong_field_count": lambda line: line.rsplit(",", 1)[0],
    "bad_value:tempo": lambda line: line.replace(",120.004,", ",fast,"),
    "broken_quoting": lambda line: line.replace(",Plain Song,", ',"Plain Song,'),
    "empty_value:name": lambda line: line.replace(",Plain Song,", ",,"),
}


# --- helpers -----------------------------------------------------------------------------


def free_ports(n: int) -> list[int]:
    """``n`` distinct free loopback ports (all held open while picking, then released)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(n)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without any Spark or data settings of the caller, plus ``extra``."""
    drop = ("SPARK_", "DATA_DIR", "RAW_CSV", "REPORTS_DIR", "PYSPARK_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, **extra}


def _cluster(action: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cluster", action],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLUSTER_TIMEOUT_S + 60,
    )


def _run_pipeline(data_dir: Path, csv: Path, **spark_env: str) -> dict:
    """``python -m pipeline run`` into ``data_dir``; its manifests, digests and output."""
    env = _clean_env(
        DATA_DIR=str(data_dir),
        RAW_CSV=str(csv),
        REPORTS_DIR=str(data_dir / "reports"),
        **spark_env,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert proc.returncode == 0, (
        f"pipeline run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return {
        "bronze": read_manifest(data_dir / "bronze"),
        "silver": read_manifest(data_dir / "silver"),
        "parquet": parquet_digests(data_dir),
        "gold": gold_rows(data_dir / "gold" / "spotify.duckdb"),
        "stdout": proc.stdout,
    }


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def parquet_digests(data_dir: Path) -> dict[str, tuple[int, int]]:
    """(rows, sum of row hashes) of every bronze and silver table: equal iff same rows."""
    tables = (
        "bronze/tracks",
        "bronze/_quarantine",
        "silver/tracks",
        "silver/track_artists",
        "silver/_rejects",
    )
    out = {}
    with duckdb.connect() as con:
        for table in tables:
            files = sorted(str(p) for p in (data_dir / table).resolve().rglob("*.parquet"))
            if not files:
                out[table] = (0, 0)
                continue
            rel = f"read_parquet({files!r}, hive_partitioning = true)"
            columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]
            row_hash = f"hash({', '.join(_quoted(c) for c in columns)})"
            count, total = con.execute(
                f"SELECT count(*), coalesce(sum({row_hash}), 0) FROM {rel}"
            ).fetchone()
            out[table] = (int(count), int(total))
    return out


def gold_rows(db: Path) -> dict[str, list[tuple]]:
    """Every gold table (but ``_build``: times and paths of the build) as sorted rows."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        for name in sorted(set(names) - {"_build"}):
            rows = con.execute(f"SELECT * FROM {_quoted(name)}").fetchall()
            out[name] = sorted(rows, key=_sort_key)
    return out


def _sort_key(row: tuple) -> tuple:
    """Exact values first, then floats rounded: stable against last-bit float noise."""
    exact = tuple(repr(v) for v in row if not isinstance(v, float))
    approx = tuple(round(v, 6) for v in row if isinstance(v, float) and not math.isnan(v))
    return exact, approx


def _same_value(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def assert_same_gold(expected: dict[str, list[tuple]], got: dict[str, list[tuple]]) -> None:
    assert sorted(got) == sorted(expected)
    for table, rows in expected.items():
        assert len(got[table]) == len(rows), f"gold {table}: row count differs"
        for i, (want, have) in enumerate(zip(rows, got[table], strict=True)):
            same = len(want) == len(have) and all(map(_same_value, want, have))
            assert same, f"gold {table} row {i}: {want} != {have}"


COUNT_FIELDS = {
    "bronze": ("rows_in", "rows_out", "rows_quarantined", "quarantined_by_reason"),
    "silver": ("rows_in", "rows_out", "rows_rejected", "rejects_by_reason", "tables_rows"),
}


def counts(run: dict) -> dict[str, dict]:
    out = {}
    for layer, fields in COUNT_FIELDS.items():
        manifest = dict(run[layer])
        tables = manifest.get("tables", {})
        manifest["tables_rows"] = {name: t["rows"] for name, t in tables.items()}
        out[layer] = {f: manifest[f] for f in fields}
    return out


def assert_same_data(baseline: dict, run: dict) -> None:
    assert counts(run) == counts(baseline)
    assert run["parquet"] == baseline["parquet"]
    assert_same_gold(baseline["gold"], run["gold"])


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source_csv(tmp_path_factory) -> Path:
    """Generated rows + tricky fixture rows + real sample (if present) + malformed lines."""
    from pipeline.generate import generate_csv

    folder = tmp_path_factory.mktemp("cluster_src")
    csv = folder / "tracks_features.csv"
    generate_csv(csv, ROWS, seed=11)
    fixture = FIXTURE_CSV.read_text(encoding="utf-8").splitlines()
    extra = fixture[1:]
    if REAL_SAMPLE.exists():
        extra += REAL_SAMPLE.read_text(encoding="utf-8").splitlines()[1:]
    else:
        print(f"note: real sample not found at {REAL_SAMPLE}; using generated and fixture rows")
    extra += [make(fixture[1]) for make in _MALFORMED.values()]
    text = csv.read_text(encoding="utf-8")
    csv.write_text(text + ("" if text.endswith("\n") else "\n") + "\n".join(extra) + "\n")
    return csv


@pytest.fixture(scope="module")
def baseline(source_csv, tmp_path_factory) -> dict:
    """The local-mode run every cluster run is compared with (built once)."""
    return _run_pipeline(
        tmp_path_factory.mktemp("local") / "data", source_csv, SPARK_MASTER="local[2]"
    )


@pytest.fixture(scope="module")
def standalone_run(source_csv, baseline, tmp_path_factory) -> dict:
    """Start a 2-worker standalone cluster, run the pipeline on it, stop the cluster."""
    root = tmp_path_factory.mktemp("standalone")
    master, master_ui = free_ports(2)
    env = _clean_env(
        SPARK_CLUSTER_DIR=str(root / ".spark"),
        SPARK_MASTER_PORT=str(master),
        SPARK_MASTER_WEBUI_PORT=str(master_ui),
        SPARK_WORKER_WEBUI_PORT="0",  # any free port for each worker's UI
        SPARK_WORKERS=str(WORKERS),
        SPARK_WORKER_CORES="1",
        SPARK_WORKER_MEMORY="2g",
        SPARK_CLUSTER_TIMEOUT=str(CLUSTER_TIMEOUT_S),
    )
    try:
        up = _cluster("up", env)
        assert up.returncode == 0, f"cluster-up failed:\n{up.stdout}\n{up.stderr}"
        url = f"spark://127.0.0.1:{master}"
        assert url in up.stdout
        run = _run_pipeline(root / "data", source_csv, SPARK_MASTER=url)
        run["status"] = _cluster("status", env).stdout
    finally:
        down = _cluster("down", env)
    assert down.returncode == 0, down.stderr
    run["down"] = down.stdout
    run["url"] = url
    return run


@pytest.fixture(scope="module")
def connect_run(source_csv, baseline, standalone_run, tmp_path_factory) -> dict:
    """Start a Spark Connect server, run the pipeline through it, stop the server.

    Depends on ``standalone_run`` only so the two clusters never run at the same time.
    """
    root = tmp_path_factory.mktemp("connect")
    (port,) = free_ports(1)
    env = _clean_env(
        SPARK_CLUSTER_DIR=str(root / ".spark"),
        SPARK_CONNECT_PORT=str(port),
        SPARK_CONNECT_MASTER="local[2]",
        SPARK_DRIVER_MEMORY="2g",
        SPARK_CLUSTER_TIMEOUT=str(CLUSTER_TIMEOUT_S),
    )
    url = f"sc://127.0.0.1:{port}"
    try:
        up = _cluster("connect-up", env)
        assert up.returncode == 0, f"connect-up failed:\n{up.stdout}\n{up.stderr}"
        assert url in up.stdout
        run = _run_pipeline(root / "data", source_csv, SPARK_REMOTE=url)
    finally:
        down = _cluster("connect-down", env)
    assert down.returncode == 0, down.stderr
    run["down"] = down.stdout
    run["url"] = url
    run["cluster_dir"] = root / ".spark"
    return run


# --- tests -------------------------------------------------------------------------------


@pytest.mark.slow
def test_baseline_exercises_every_path(baseline):
    bronze, silver = baseline["bronze"], baseline["silver"]
    assert bronze["rows_quarantined"] == len(_MALFORMED)
    assert set(bronze["quarantined_by_reason"]) == set(_MALFORMED)
    assert silver["rows_rejected"] > 2  # the generator's quirks and the fixture's cases
    assert baseline["parquet"]["bronze/_quarantine"][0] == len(_MALFORMED)
    assert bronze["spark_master"] == "local[2]" and bronze["executors"] == 1


@pytest.mark.slow
def test_standalone_cluster_gives_identical_data(baseline, standalone_run):
    assert f"{WORKERS} workers alive" in standalone_run["status"]
    assert_same_data(baseline, standalone_run)


@pytest.mark.slow
def test_standalone_manifests_record_master_and_executors(standalone_run):
    executors = []
    for layer in ("bronze", "silver"):
        manifest = standalone_run[layer]
        assert manifest["spark_master"] == standalone_run["url"]
        assert manifest["spark_conf"]["spark.master"] == standalone_run["url"]
        executors.append(manifest["executors"])
    # One executor per worker (1 core each). Counted when a layer ends; a layer could in
    # principle finish before a slow second executor registers, so require it once.
    assert all(1 <= n <= WORKERS for n in executors) and max(executors) == WORKERS, executors


@pytest.mark.slow
def test_standalone_cluster_down_stops_every_daemon(standalone_run):
    assert "master" in standalone_run["down"]
    assert all(f"worker-{i}" in standalone_run["down"] for i in range(1, WORKERS + 1))


@pytest.mark.slow
def test_spark_connect_gives_identical_data(baseline, connect_run):
    assert_same_data(baseline, connect_run)


@pytest.mark.slow
def test_connect_manifests_record_remote_and_sql_conf_only(connect_run):
    for layer in ("bronze", "silver"):
        manifest = connect_run[layer]
        assert manifest["spark_master"] == connect_run["url"]
        assert manifest["spark_connect"]["server_master"] == "local[2]"
        assert manifest["executors"] == 1  # a local[2] server: its driver is the executor
        assert all(k.startswith("spark.sql.") for k in manifest["spark_conf"])
    assert "stopped Spark Connect server" in connect_run["down"]
    assert not list((connect_run["cluster_dir"] / "connect" / "pids").glob("*.pid"))


# --- fast checks of the start/stop logic (no JVM) ----------------------------------------


def test_busy_port_fails_fast_with_a_clear_message(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        env = _clean_env(
            SPARK_CLUSTER_DIR=str(tmp_path),
            SPARK_CONNECT_PORT=str(port),
            SPARK_MASTER_PORT=str(port),
        )
        for action in ("connect-up", "up"):
            proc = _cluster(action, env)
            assert proc.returncode == 1
            assert f"port {port} on 127.0.0.1 already in use" in proc.stderr
            assert "Traceback" not in proc.stderr
    assert not list(tmp_path.rglob("*.pid"))


def test_down_with_nothing_running_is_harmless(tmp_path):
    env = _clean_env(SPARK_CLUSTER_DIR=str(tmp_path))
    for action, tag in (("down", "[cluster]"), ("connect-down", "[connect]")):
        proc = _cluster(action, env)
        assert proc.returncode == 0 and f"{tag} nothing running" in proc.stdout


def test_stale_pid_file_is_not_killed(tmp_path):
    """A PID file whose process is not our Spark daemon (PID reuse) is left alone."""
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        state = tmp_path / "standalone"
        state.mkdir()
        (state / "master.pid").write_text(f"{sleeper.pid}\n")
        proc = _cluster("down", _clean_env(SPARK_CLUSTER_DIR=str(tmp_path)))
        assert proc.returncode == 0 and "nothing running" in proc.stdout
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()


def test_make_targets_are_listed_and_wired():
    help_text = subprocess.run(["make", "help"], cwd=REPO, capture_output=True, text=True).stdout
    for target in ("cluster-up", "cluster-down", "connect-up", "connect-down", "docker-lint"):
        assert f"  {target} " in help_text
        dry = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True, text=True)
        assert dry.returncode == 0, dry.stderr
    dry = subprocess.run(["make", "-n", "cluster-up"], cwd=REPO, capture_output=True, text=True)
    assert "-m pipeline.cluster up" in dry.stdout
