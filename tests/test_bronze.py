"""Bronze contract: strict schema, every line accounted for, clear errors, atomic publish."""

from __future__ import annotations

import json

import pytest

from pipeline.layers.bronze import build_bronze
from pipeline.layers.bronze_contract import InputError, classify_malformed, scan_file
from pipeline.manifest import read_manifest
from pipeline.schema import RAW_COLUMNS
from pipeline.spark import RAW_SCHEMA
from tests.conftest import FIXTURE_CSV, settings_for

HEADER = FIXTURE_CSV.read_text(encoding="utf-8").splitlines()[0]
GOOD = FIXTURE_CSV.read_text(encoding="utf-8").splitlines()[1:4]  # three valid lines


def test_fixture_contract(fixture_layers, spark):
    settings, bronze, _ = fixture_layers
    manifest = read_manifest(settings.bronze_dir)
    assert manifest["rows_in"] == 39 == bronze.rows_out
    assert manifest["rows_in"] == manifest["rows_out"] + manifest["rows_quarantined"]
    assert manifest["rows_quarantined"] == 0
    assert manifest["input"]["bytes"] == FIXTURE_CSV.stat().st_size
    assert len(manifest["input"]["sha256"]) == 64
    assert manifest["spark_master"] == "local[2]"
    assert manifest["spark_conf"]["spark.sql.adaptive.enabled"] == "true"
    df = spark.read.parquet(str(settings.bronze_tracks))
    assert df.columns == [*RAW_COLUMNS, "_ingest_order"]
    for field in RAW_SCHEMA.fields:
        assert df.schema[field.name].dataType == field.dataType


def test_real_sample_survives_bronze(real_layers, spark):
    settings, bronze, _ = real_layers
    assert (bronze.rows_in, bronze.rows_out, bronze.rows_dropped) == (1501, 1501, 0)
    df = spark.read.parquet(str(settings.bronze_tracks))
    first = df.orderBy("_ingest_order").first()
    assert first["id"] == "7lmeHLHBe4nmXzuXc0HDjk"
    assert first["instrumentalness"] == pytest.approx(1.09e-05)
    assert first["explicit"] is False and first["time_signature"] == 4.0


def _write(tmp_path, lines: list[str], name="input.csv"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _swap(line: str, column: str, value: str) -> str:
    """A fixture line with one simple (unquoted) field replaced."""
    import csv
    import io

    fields = next(csv.reader([line]))
    fields[RAW_COLUMNS.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


# (case id, data lines after the header, expected reason, expected detail fragment)
QUARANTINE_CASES = [
    ("too_few_fields", [GOOD[0].rsplit(",", 1)[0]], "wrong_field_count", "23 fields"),
    ("too_many_fields", [GOOD[0] + ",extra"], "wrong_field_count", "25 fields"),
    ("text_in_number", [_swap(GOOD[0], "tempo", "fast")], "bad_value:tempo", "'fast'"),
    ("text_in_int", [_swap(GOOD[0], "year", "1999.5")], "bad_value:year", "expected int"),
    ("bad_boolean", [_swap(GOOD[0], "explicit", "maybe")], "bad_value:explicit", "boolean"),
    ("broken_quoting", [GOOD[0].replace(",Plain Song,", ',"Plain Song,')], "broken_quoting", ""),
    ("empty_field", [_swap(GOOD[0], "name", "")], "empty_value:name", "is empty"),
]


@pytest.mark.parametrize(("case", "lines", "reason", "detail"), QUARANTINE_CASES)
def test_malformed_rows_are_quarantined(spark, tmp_path, case, lines, reason, detail):
    path = _write(tmp_path, [HEADER, GOOD[1], *lines, GOOD[2]])
    result = build_bronze(spark, settings_for(tmp_path / "data", path))
    assert (result.rows_in, result.rows_out, result.rows_dropped) == (3, 2, 1)
    assert result.dropped_by_reason == {reason: 1}
    q = spark.read.parquet(str(tmp_path / "data" / "bronze" / "_quarantine")).collect()
    assert len(q) == 1
    assert q[0]["reason"] == reason and detail in q[0]["detail"]
    assert q[0]["line_number"] == 3  # header is line 1, the bad row is the second data line
    assert q[0]["source_file"] == str(path)


def test_blank_lines_are_counted_not_rows(spark, tmp_path):
    path = _write(tmp_path, [HEADER, GOOD[0], "", "   ", GOOD[1], "\t "])
    build_bronze(spark, settings_for(tmp_path / "data", path))
    manifest = read_manifest(tmp_path / "data" / "bronze")
    assert manifest["rows_in"] == manifest["rows_out"] == 2
    assert manifest["input"]["blank_lines_skipped"] == 3


def test_scan_file_counts_lines_across_blocks(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_bytes(b"h\nrow one\n\n  \r\nrow two\nrow three")
    for chunk in (1, 2, 3, 7, 1 << 20):
        facts = scan_file(path, chunk=chunk)
        assert (facts.data_lines, facts.blank_lines) == (3, 2), chunk


def test_empty_field_line_number_skips_a_good_row_with_the_same_id(spark, tmp_path):
    path = _write(tmp_path, [HEADER, GOOD[0], GOOD[1], _swap(GOOD[0], "name", "")])
    build_bronze(spark, settings_for(tmp_path / "data", path))
    q = spark.read.parquet(str(tmp_path / "data" / "bronze" / "_quarantine")).collect()
    assert [(r["reason"], r["line_number"]) for r in q] == [("empty_value:name", 4)]


BAD_FILES = [
    ("missing_file", None, "not found"),
    ("empty_file", [], "file is empty"),
    ("header_only", [HEADER], "header only"),
    ("renamed_column", [HEADER.replace(",tempo,", ",bpm,"), GOOD[0]], "column 20"),
    ("missing_column", [HEADER.rsplit(",", 1)[0], GOOD[0]], "'release_date'"),
    ("extra_column", [HEADER + ",genre", GOOD[0]], "extra column 'genre'"),
    ("no_header", [GOOD[0], GOOD[1]], "line 1, column 1"),
]


@pytest.mark.parametrize(("case", "lines", "message"), BAD_FILES)
def test_bad_files_fail_clearly_and_keep_previous_bronze(spark, tmp_path, case, lines, message):
    data = tmp_path / "data"
    good = _write(tmp_path, [HEADER, *GOOD], "good.csv")
    build_bronze(spark, settings_for(data, good))
    before = (data / "bronze" / "_manifest.json").read_text()
    bad = tmp_path / "bad.csv"
    if lines is not None:
        _write(tmp_path, lines, "bad.csv")
    with pytest.raises(InputError, match=message) as err:
        build_bronze(spark, settings_for(data, bad))
    assert str(bad) in str(err.value)
    assert (data / "bronze" / "_manifest.json").read_text() == before
    assert spark.read.parquet(str(data / "bronze" / "tracks")).count() == 3


def test_classify_malformed_names_the_problem():
    line = _swap(GOOD[0], "danceability", "high")
    assert classify_malformed(line) == (
        "bad_value:danceability",
        "column 'danceability': expected double, got 'high'",
    )
    assert classify_malformed("a,b")[0] == "wrong_field_count"


def test_rebuild_keeps_one_previous_version(spark, tmp_path):
    data = tmp_path / "data"
    good = _write(tmp_path, [HEADER, *GOOD], "good.csv")
    for _ in range(3):
        build_bronze(spark, settings_for(data, good))
    versions = sorted((data / ".versions").glob("bronze-*"))
    assert len(versions) == 2  # the published one and the one before it
    assert (data / "bronze").resolve() in versions
    assert json.loads((data / "bronze" / "_manifest.json").read_text())["rows_out"] == 3
