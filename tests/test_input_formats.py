"""The Kaggle download as it comes (issue 17): a zip or .csv.gz is unpacked once; a CSV with
a byte-order mark or CRLF line ends (as Excel saves it) is read exactly, every row counted."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import zipfile

import pytest
from pyspark.sql import functions as F

from pipeline.generate import generate_csv
from pipeline.layers.bronze import build_bronze
from pipeline.manifest import read_manifest
from pipeline.schema import RAW_COLUMNS
from pipeline.unpack import MEMBER, resolve_input
from tests.conftest import REPO, TEST_MASTER, settings_for

ROWS = 3000


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("formats") / "tracks_features.csv"
    generate_csv(path, ROWS, seed=21)
    return path


def _bronze_rows(spark, settings):
    df = spark.read.parquet(str(settings.bronze_tracks)).select(*RAW_COLUMNS)
    return sorted(tuple(r) for r in df.orderBy(F.col("id")).collect())


@pytest.mark.parametrize("variant", ["bom", "crlf", "bom+crlf"])
def test_excel_style_csv_reads_exactly(spark, csv_path, tmp_path, variant):
    """Same bronze rows as the plain file; a malformed line keeps its exact line number."""
    data = csv_path.read_bytes()
    lines = data.split(b"\n")
    lines[100] = lines[100] + b",extra"  # line 101 (the header is line 1)
    if "crlf" in variant:
        lines = [line + b"\r" if line else line for line in lines]
    text = b"\n".join(lines)
    if "bom" in variant:
        text = b"\xef\xbb\xbf" + text
    path = tmp_path / "excel.csv"
    path.write_bytes(text)
    plain = tmp_path / "plain.csv"
    plain.write_bytes(b"\n".join(data.split(b"\n")[:100] + data.split(b"\n")[101:]))
    got = settings_for(tmp_path / "excel", path)
    want = settings_for(tmp_path / "plain", plain)
    result = build_bronze(spark, got)
    build_bronze(spark, want)
    assert (result.rows_in, result.rows_out, result.rows_dropped) == (ROWS, ROWS - 1, 1)
    assert _bronze_rows(spark, got) == _bronze_rows(spark, want)
    quarantine = spark.read.parquet(str(got.bronze_quarantine)).collect()
    assert [(q["line_number"], q["reason"]) for q in quarantine] == [(101, "wrong_field_count")]


def _cli(*args, data):
    env = {**os.environ, "DATA_DIR": str(data), "SPARK_MASTER": TEST_MASTER}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip


def test_zip_download_is_unpacked_once_and_built(csv_path, tmp_path, jvm):
    """bronze --input archive.zip: unpacked to DATA_DIR/raw once, every row in bronze."""
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(csv_path, MEMBER)
    data = tmp_path / "data"
    first = _cli("bronze", "--input", str(archive), data=data)
    assert first.returncode == 0, first.stderr[-2000:]
    assert f"[input] unpacked {MEMBER}" in first.stdout
    assert (data / "raw" / MEMBER).read_bytes() == csv_path.read_bytes()
    manifest = read_manifest(data / "bronze")
    assert manifest["rows_in"] == manifest["rows_out"] == ROWS
    settings = settings_for(data, archive)
    assert resolve_input(settings).raw_csv == data / "raw" / MEMBER  # no second unpack


def test_gzip_and_a_download_left_in_raw(csv_path, tmp_path, capsys):
    """A .csv.gz is unpacked the same way; `make data` (generate) with only an archive in
    DATA_DIR/raw unpacks it instead of generating a stand-in."""
    gz = tmp_path / "tracks_features.csv.gz"
    gz.write_bytes(gzip.compress(csv_path.read_bytes()))
    settings = settings_for(tmp_path / "a", gz)
    resolved = resolve_input(settings)
    assert resolved.raw_csv.read_bytes() == csv_path.read_bytes()
    assert "[input] unpacked" in capsys.readouterr().out
    resolve_input(settings)
    assert "already unpacked" in capsys.readouterr().out

    data = tmp_path / "b"
    (data / "raw").mkdir(parents=True)
    with zipfile.ZipFile(data / "raw" / "archive.zip", "w") as zf:
        zf.write(csv_path, f"nested/{MEMBER}")
    done = _cli("generate", "--rows", "50", data=data)
    assert done.returncode == 0, done.stderr
    assert "[generate] writing" not in done.stdout and "[input] unpacked" in done.stdout
    assert (data / "raw" / MEMBER).read_bytes() == csv_path.read_bytes()
    assert not (data / "raw" / f"{MEMBER}.generated.json").exists()
