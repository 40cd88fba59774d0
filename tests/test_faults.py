"""Faults and hostile input (issue 16): one clear line and a documented exit status for
every failure, nothing silently corrupted, one writer per layer, nothing left behind.

The CLI cases run ``python -m pipeline`` as a user would; the layer cases call the builders
on the test run's Spark session. Full disks and read-only file systems are small tmpfs
mounts, skipped with the reason where the machine does not allow mounting.
"""

from __future__ import annotations

import bz2
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from pipeline import publish
from pipeline.generate import generate_csv
from pipeline.layers.bronze import build_bronze
from pipeline.layers.bronze_contract import InputError
from pipeline.layers.gold import build_gold
from pipeline.layers.silver import build_silver
from pipeline.manifest import read_manifest
from pipeline.publish import LayerBusyError, NotPublishedError
from tests.conftest import REPO, TEST_MASTER, settings_for

ROWS = 20_000


def cli(*args: str, data: Path, timeout: float = 300, **env: str):
    """``python -m <args>`` with DATA_DIR=data; returns the finished process."""
    full_env = {**os.environ, "DATA_DIR": str(data), "SPARK_MASTER": TEST_MASTER, **env}
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def one_line(proc, status: int) -> str:
    """Assert the exit status and a single line on stderr without a trace; return it."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == status, (proc.returncode, proc.stdout[-2000:], proc.stderr[-3000:])
    assert len(lines) == 1, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "\tat " not in proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def built(spark, tmp_path_factory):
    """A DATA_DIR with a 20,000-row CSV, bronze and silver (published)."""
    data = tmp_path_factory.mktemp("faults")
    settings = settings_for(data, data / "raw" / "tracks_features.csv", max_bad_share=0.05)
    generate_csv(settings.raw_csv, ROWS, seed=11)
    build_bronze(spark, settings)
    build_silver(spark, settings)
    return settings


def _layer_state(settings) -> dict[str, object]:
    """What a reader sees: each layer's version and counts."""
    state = {}
    for layer in ("bronze", "silver"):
        path = settings.data_dir / layer
        manifest = read_manifest(path)
        state[layer] = (path.resolve().name, manifest["rows_in"], manifest["rows_out"])
    return state


# --- settings and arguments: exit 2, the variable named ----------------------------------


@pytest.mark.parametrize(
    ("env", "args", "named"),
    [
        ({"ROWS": "abc"}, (), "ROWS='abc'"),
        ({"ROWS": "1e3"}, (), "ROWS='1e3'"),
        ({"ROWS": "-5"}, (), "ROWS='-5'"),
        ({"ROWS": "0"}, (), "ROWS='0'"),
        ({"SEED": "x"}, (), "SEED='x'"),
        ({}, ("--rows", "99999999999999999999"), "ROWS='99999999999999999999'"),
        ({"ROWS": "50", "DUCKDB_MEMORY_LIMIT": "lots"}, (), None),  # generate does not use it
        ({"ROWS": "abc"}, ("--rows", "50"), None),  # the flag wins; ROWS is not read
    ],
)
def test_bad_settings_end_in_one_line(tmp_path, env, args, named):
    proc = cli("pipeline", "generate", *args, data=tmp_path, **env)
    if named is None:
        assert proc.returncode == 0, proc.stderr
        return
    line = one_line(proc, 2)
    assert line.startswith("error: ") and named in line and "whole number" in line


def test_a_command_fails_only_on_the_settings_it_uses(tmp_path):
    """PORT is the dashboard's: gold with PORT=abc fails on its own input, not on PORT."""
    line = one_line(cli("pipeline", "gold", data=tmp_path, PORT="abc"), 2)
    assert "PORT" not in line and "silver" in line
    line = one_line(cli("pipeline", "gold", data=tmp_path, DUCKDB_MEMORY_LIMIT="lots"), 2)
    assert "DUCKDB_MEMORY_LIMIT='lots'" in line


def test_each_spark_step_gets_its_own_heap_unless_one_is_set(monkeypatch):
    """Bronze, silver and the bench ask for their own driver heap; one session running
    bronze and silver takes the larger; SPARK_DRIVER_MEMORY, set, wins everywhere."""
    from pipeline.settings import DRIVER_MEMORY_BY_STEP, Settings
    from pipeline.spark import spark_conf

    monkeypatch.delenv("SPARK_DRIVER_MEMORY", raising=False)
    heap = lambda *steps: spark_conf(Settings().for_spark_steps(*steps))["spark.driver.memory"]  # noqa: E731
    assert heap("bronze") == DRIVER_MEMORY_BY_STEP["bronze"] == "1536m"
    assert heap("bench") == "3g" and heap("bronze", "silver") == heap("silver") == "4g"
    monkeypatch.setenv("SPARK_DRIVER_MEMORY", "6g")
    assert heap("bronze") == heap("bench") == "6g"

    def java(*steps: str) -> str:
        return spark_conf(Settings().for_spark_steps(*steps))["spark.driver.extraJavaOptions"]

    batch = "-XX:MaxInlineLevel"
    assert batch in java("bronze", "silver") and batch in java("bronze")
    assert batch not in java("bench")  # the bench's queries run hot: the JVM's defaults


def test_dashboard_refuses_a_bad_port(tmp_path):
    line = one_line(cli("dashboard", data=tmp_path, PORT="99999", timeout=120), 2)
    assert "PORT='99999'" in line and "65,535" in line


def test_paths_of_the_wrong_kind(tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    for command in ("generate", "bronze", "gold"):
        line = one_line(cli("pipeline", command, "--rows", "10", data=a_file), 2)
        assert "DATA_DIR=" in line and "is a file" in line
    line = one_line(cli("pipeline", "bronze", "--input", str(tmp_path), data=tmp_path / "d"), 2)
    assert "is a folder" in line


@pytest.mark.parametrize("kind", ["bzip2", "zip", "binary"])
def test_compressed_or_binary_input_is_named(tmp_path, built, kind):
    """zip and gzip downloads are unpacked (tests/test_input_formats.py); other compressed
    or binary files are named; a zip without the CSV says what it holds."""
    csv_bytes = built.raw_csv.read_bytes()[:200_000]
    path = tmp_path / f"input.{kind}"
    if kind == "bzip2":
        path.write_bytes(bz2.compress(csv_bytes))
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("readme.txt", "no csv here")
    else:
        path.write_bytes(csv_bytes[:5000] + b"\x00\x01\x02" + csv_bytes[5000:])
    line = one_line(cli("pipeline", "bronze", "--input", str(path), data=tmp_path / "d"), 2)
    expected = {"bzip2": "looks like a bzip2 file",
                "zip": "holds no tracks_features.csv (it holds: readme.txt)",
                "binary": "byte offset 5,000 is a NUL byte"}[kind]  # fmt: skip
    assert expected in line and len(line) < 400


# --- encoding: refused whole, never turned into U+FFFD --------------------------------------


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_a_file_in_another_encoding_is_refused(spark, built, tmp_path, codec):
    before = _layer_state(built)
    text = built.raw_csv.read_text(encoding="utf-8")
    path = tmp_path / f"{codec}.csv"
    path.write_bytes(text.encode(codec, errors="replace"))
    first_bad = next(i for i, line in enumerate(text.splitlines(), 1)
                     if not _is_utf8(line.encode(codec, errors="replace")))  # fmt: skip
    with pytest.raises(InputError, match=rf"line {first_bad:,}, byte offset [\d,]+: not UTF-8"):
        build_bronze(spark, built.with_overrides(raw_csv=path))
    assert _layer_state(built) == before


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_one_bad_line_deep_in_the_file_is_found(spark, built, tmp_path):
    """Past the first MiB (checked before Spark starts), the full scan beside Spark finds
    it: bronze is not published, and the line and byte offset are exact."""
    before = _layer_state(built)
    lines = built.raw_csv.read_bytes().split(b"\n")
    number = 15_001  # 1-based; the header is line 1
    lines[number - 1] = lines[number - 1][:30] + b"\xe9" + lines[number - 1][30:]
    data = b"\n".join(lines)
    path = tmp_path / "one-bad-line.csv"
    path.write_bytes(data)
    offset = len(b"\n".join(lines[: number - 1])) + 1 + 30
    with pytest.raises(InputError, match=rf"line {number:,}, byte offset {offset:,}: not UTF-8"):
        build_bronze(spark, built.with_overrides(raw_csv=path))
    assert _layer_state(built) == before


# --- a layer that lost (nearly) everything is not published ---------------------------------


def test_bronze_that_quarantines_everything_is_not_published(spark, built, tmp_path):
    before = _layer_state(built)
    text = built.raw_csv.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "extra-field.csv"
    path.write_text("\n".join([text[0]] + [line + ",extra" for line in text[1:]]) + "\n")
    with pytest.raises(NotPublishedError) as caught:
        build_bronze(spark, built.with_overrides(raw_csv=path))
    message = str(caught.value)
    assert f"{ROWS:,} of {ROWS:,} rows quarantined (100.0%" in message
    assert "wrong_field_count" in message
    kept = Path(message.rsplit("kept for inspection in ", 1)[1])
    assert kept.name.endswith(".refused") and read_manifest(kept)["rows_quarantined"] == ROWS
    assert any((kept / "_quarantine").glob("*.parquet"))
    assert _layer_state(built) == before


def test_share_threshold_is_a_setting(spark, built, tmp_path):
    """6% of lines malformed: refused at the default 5%, published at MAX_BAD_SHARE=0.1."""
    text = built.raw_csv.read_text(encoding="utf-8").splitlines()
    body = [line + ",x" if i % 50 < 3 else line for i, line in enumerate(text[1:])]
    path = tmp_path / "six-percent.csv"
    path.write_text("\n".join([text[0], *body]) + "\n")
    data = tmp_path / "d"
    with pytest.raises(NotPublishedError, match=r"above MAX_BAD_SHARE=0.05"):
        build_bronze(spark, settings_for(data, path, max_bad_share=0.05))
    assert not (data / "bronze").exists()
    result = build_bronze(spark, settings_for(data, path, max_bad_share=0.1))
    assert result.rows_dropped == 1200 and (data / "bronze").is_symlink()


# --- one version per run, one writer per layer ----------------------------------------------


def test_silver_reads_the_bronze_it_started_on(spark, built, tmp_path, monkeypatch):
    """Bronze republished (from a 300-row file) again and again while silver runs, each
    publication pruning every older version not in use (KEEP_PREVIOUS=0): silver still
    reads every row of the version it resolved at its start."""
    monkeypatch.setattr(publish, "KEEP_PREVIOUS", 0)
    data = tmp_path / "d"
    settings = settings_for(data, built.raw_csv)
    build_bronze(spark, settings)
    small = tmp_path / "small.csv"
    small.write_text("\n".join(built.raw_csv.read_text(encoding="utf-8").splitlines()[:301]))
    result: dict[str, object] = {}
    worker = threading.Thread(
        target=lambda: result.update(silver=_catch(build_silver, spark, settings))
    )
    worker.start()
    during = 0
    while worker.is_alive():
        build_bronze(spark, settings.with_overrides(raw_csv=small))
        during += worker.is_alive()
    worker.join()
    assert during >= 1  # at least one republish (and prune) happened while silver ran
    silver = result["silver"]
    assert not isinstance(silver, BaseException), silver
    assert silver.rows_in == ROWS
    assert read_manifest(data / "bronze")["rows_in"] == 300


def _catch(fn, *args):
    try:
        return fn(*args)
    except BaseException as exc:  # the thread reports it to the test
        return exc


def test_a_second_build_of_a_layer_stops_at_once(built, tmp_path):
    """Two gold builds on one DATA_DIR: the second names the first and changes nothing."""
    build_gold(built, verbose=False)
    env = {**os.environ, "DATA_DIR": str(built.data_dir)}
    slow_gold = [sys.executable, "-m", "tests.slow_gold", "3", "gold"]
    first = subprocess.Popen(slow_gold, cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    for line in first.stdout:
        if "[gold]   " in line:  # a table is built: the lock is held
            break
    start = time.monotonic()
    second = cli("pipeline", "gold", data=built.data_dir)
    line = one_line(second, 2)
    assert f"another gold build (pid {first.pid}, running since" in line
    assert time.monotonic() - start < 30  # at once, not after the first finished
    first.send_signal(signal.SIGKILL)  # a killed holder releases the lock
    first.wait(timeout=30)
    assert (
        build_gold(built, verbose=False).silver_rows == read_manifest(built.silver_dir)["rows_out"]
    )


def test_a_failed_atomic_write_leaves_no_temp_file(tmp_path):
    """The report's files are written whole or not at all (a full disk used to leave a
    0-byte temp file); a killed writer's temp file goes with the next write."""
    (tmp_path / "report.json").mkdir()  # os.replace onto a folder fails
    with pytest.raises(OSError):
        publish.write_text_atomic(tmp_path / "report.json", "{}")
    dead = tmp_path / ".other.md.tmp-999999999"
    dead.write_text("half")
    publish.write_text_atomic(tmp_path / "other.md", "whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.md", "report.json"]


def test_writer_lock_is_per_layer(tmp_path):
    busy = pytest.raises(LayerBusyError, match=r"another silver build \(pid \d+")
    with publish.writer_lock(tmp_path / "silver"):
        with busy, publish.writer_lock(tmp_path / "silver"):
            pass
        with publish.writer_lock(tmp_path / "bronze"):
            pass
    with publish.writer_lock(tmp_path / "silver"):
        pass


# --- faults of the environment: exit 1 (or 130), one line, nothing left behind ---------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(c) for c in children]
    return found


def _start_silver(settings):
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "SPARK_MASTER": TEST_MASTER}
    sigint = lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)  # noqa: E731
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "silver"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=sigint)  # fmt: skip
    for line in proc.stdout:
        if "[silver] building" in line:
            break
    time.sleep(3)  # inside the first Spark jobs
    return proc


def _finished(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    """A started process, run to its end, as :func:`one_line` takes it."""
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _scratch_left(settings) -> list[Path]:
    return list((settings.data_dir / ".spill").glob("spark-*"))


def test_ctrl_c_during_silver_is_one_line_and_leaves_nothing(built):
    before = _layer_state(built)
    proc = _start_silver(built)
    proc.send_signal(signal.SIGINT)
    assert "interrupted" in one_line(_finished(proc), 130)
    assert _layer_state(built) == before
    assert not _scratch_left(built)
    assert not list((built.data_dir / ".versions").glob("silver-*.building"))


def test_killed_spark_jvm_is_one_line_with_the_log(built):
    before = _layer_state(built)
    proc = _start_silver(built)
    for pid in _children(proc.pid):  # the JVM pyspark launched
        os.kill(pid, signal.SIGKILL)
    line = one_line(_finished(proc), 1)
    assert "the Spark JVM stopped" in line
    log = Path(line.rsplit("full trace in ", 1)[1])
    assert log.is_file() and "Traceback" in log.read_text()
    assert _layer_state(built) == before
    assert not _scratch_left(built)


@pytest.mark.parametrize("point", ["early", "late"])
def test_kill_9_then_rerun_gives_identical_counts(built, point):
    """silver killed at two points; the rerun's counts equal the last good build's."""
    before = _layer_state(built)
    proc = _start_silver(built)
    if point == "late":
        for line in proc.stdout:
            if "[silver]   parse, check and write tracks" in line:
                break
    proc.send_signal(signal.SIGKILL)  # its JVM exits when its parent's pipe closes
    proc.wait(timeout=60)
    assert _layer_state(built) == before
    done = cli("pipeline", "silver", data=built.data_dir)
    assert done.returncode == 0, done.stderr[-3000:]
    after = _layer_state(built)
    assert after["bronze"] == before["bronze"] and after["silver"][1:] == before["silver"][1:]
    assert not _scratch_left(built)
    assert not list((built.data_dir / ".versions").glob("silver-*.building"))


@pytest.fixture
def small_disk(tmp_path):
    """A 7 MiB tmpfs (a full disk on demand), unmounted after the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=7m", "tmpfs", str(mount)],
                          capture_output=True, text=True)  # fmt: skip
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip() or 'not permitted'})")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_and_read_only_are_one_line(built, small_disk):
    """Bronze fits on the small disk; silver fills it (exit 1, "the disk is full", bronze
    kept, no scratch). Then, read-only: every command ends in one line, exit 1."""
    data = small_disk / "d"
    (data / "raw").mkdir(parents=True)
    lines = built.raw_csv.read_text(encoding="utf-8").splitlines()[:19_000]
    (data / "raw" / "tracks_features.csv").write_text("\n".join(lines) + "\n")
    assert cli("pipeline", "bronze", data=data).returncode == 0
    bronze = read_manifest(data / "bronze")
    line = one_line(cli("pipeline", "silver", data=data), 1)
    assert "silver failed: the disk is full" in line
    assert read_manifest(data / "bronze") == bronze and not (data / "silver").exists()
    assert not list((data / ".spill").glob("*")) and not list(data.rglob("*.building"))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for command in ("generate", "bronze", "gold"):
        line = one_line(cli("pipeline", command, "--rows", "100", data=data), 1)
        assert "read-only" in line
