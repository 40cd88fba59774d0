"""Silver contract: rejects with reasons, parsed artists, derived columns, layout."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from pipeline.layers import silver
from pipeline.layers.bronze_contract import ORDER
from pipeline.layers.parsing import parse_artist_list
from pipeline.layers.silver import TRACK_COLUMNS, build_silver
from pipeline.manifest import read_manifest
from tests.conftest import settings_for


def tid(n: int) -> str:
    return (f"Trk{n:04d}" + "FixtureFixtureFixture0")[:22]


# The rows of tests/fixtures/tricky_tracks.csv that silver must reject, and why.
EXPECTED_REJECTS = {
    tid(22): "year_zero",
    tid(23): "placeholder_date_1900",
    tid(24): "no_artists",
    tid(25): "artist_count_mismatch",
    tid(26): "out_of_range:danceability",
    tid(27): "out_of_range:key",
    tid(28): "out_of_range:mode",
    tid(29): "out_of_range:duration_ms",
    tid(30): "bad_release_date",
    tid(31): "year_mismatch",
    tid(32): "out_of_range:tempo",
    tid(33): "out_of_range:energy",
    tid(34): "unparseable_artists",
    "short-id": "bad_id",
}


def _tracks(spark, settings):
    return spark.read.parquet(str(settings.silver_tracks))


def test_fixture_rejects_each_rule(fixture_layers, spark):
    settings, _, silver = fixture_layers
    rejects = spark.read.parquet(str(settings.silver_rejects))
    got = {r["id"]: r["reject_reason"] for r in rejects.collect() if r["id"] != tid(1)}
    assert got == EXPECTED_REJECTS
    dup = rejects.filter(F.col("id") == tid(1)).collect()
    assert [r["reject_reason"] for r in dup] == ["duplicate_id"]
    assert dup[0]["name"] == "Duplicate Of Plain Song"  # the later row is the one rejected
    manifest = read_manifest(settings.silver_dir)
    assert manifest["rows_in"] == 39
    assert manifest["rows_rejected"] == len(EXPECTED_REJECTS) + 1
    assert manifest["rows_in"] == manifest["rows_out"] + manifest["rows_rejected"]
    assert sum(manifest["rejects_by_reason"].values()) == manifest["rows_rejected"]
    assert silver.rows_out == 39 - 15


def test_duplicate_ids_on_both_lookup_paths(spark, monkeypatch):
    rows = [(f"id{n % 3}", n) for n in range(7)] + [("solo", 7)]
    bronze = spark.createDataFrame(rows, f"id string, {ORDER} bigint")
    expected = [("id0", 0), ("id1", 1), ("id2", 2)]
    assert sorted(silver.duplicate_ids(bronze)) == expected
    monkeypatch.setattr(silver, "INLINE_KEYS", 1)  # many keys: the broadcast semi-join
    assert sorted(silver.duplicate_ids(bronze)) == expected
    assert silver.duplicate_ids(bronze.filter("id = 'solo'")) == []


def test_rejects_found_by_join_when_there_are_many(fixture_layers, spark, monkeypatch, tmp_path):
    """Above INLINE_KEYS rejected rows, _rejects is found by a broadcast join, not IN."""
    settings = fixture_layers[0]
    copy = settings_for(tmp_path, settings.raw_csv)
    shutil.copytree(Path(settings.bronze_dir).resolve(), copy.bronze_dir)
    monkeypatch.setattr(silver, "INLINE_KEYS", 1)
    result = build_silver(spark, copy)
    rejects = spark.read.parquet(str(copy.silver_rejects)).collect()
    got = {r["id"]: r["reject_reason"] for r in rejects if r["id"] != tid(1)}
    assert got == EXPECTED_REJECTS and result.rows_dropped == len(rejects) == 15


def test_fixture_schema_and_layout(fixture_layers, spark):
    settings, _, _ = fixture_layers
    df = _tracks(spark, settings)
    assert df.columns == list(TRACK_COLUMNS)
    types = dict(df.dtypes)
    assert types["artists"] == types["artist_ids"] == "array<string>"
    assert types["release_date"] == "date" and types["time_signature"] == "int"
    years = sorted(p.name for p in Path(settings.silver_tracks).iterdir() if p.is_dir())
    assert years == ["year=1908", "year=1964", "year=1966", "year=2011"]
    for year_dir in Path(settings.silver_tracks).glob("year=*"):
        assert len(list(year_dir.glob("*.parquet"))) == 1  # one file per year partition
    assert df.groupBy("id").count().filter("count > 1").count() == 0


def test_fixture_parsed_values(fixture_layers, spark):
    settings, _, _ = fixture_layers
    rows = {r["id"]: r for r in _tracks(spark, settings).collect()}
    assert rows[tid(4)]["artists"] == ["Jon O'Malley", "Jürgen Weiß", "Plain Name"]
    assert rows[tid(5)]["artists"] == ['Lee "Dub" Parker', "The Cats"]
    assert rows[tid(6)]["artists"] == ["Hank Smith, Jr.", "Oh, River!", "Jadox, DJ mr"]
    assert rows[tid(9)]["primary_artist"] == 'Tom\'s "Big" Band'
    assert rows[tid(11)]["artist_count"] == 19
    assert rows[tid(12)]["artists"] == ["Bracket [Live] Band", "Back\\slash Duo"]
    assert rows[tid(17)]["release_date"] == dt.date(1966, 1, 1)
    assert rows[tid(17)]["release_precision"] == "year"
    assert rows[tid(18)]["release_precision"] == "month"
    assert rows[tid(1)]["release_precision"] == "day"
    assert rows[tid(14)]["tempo"] == 0.0 and rows[tid(14)]["time_signature"] == 0
    assert rows[tid(15)]["loudness"] == 2.5
    assert rows[tid(21)]["year"] == 1908  # plausible-looking old date: kept (flagged in DQ)
    assert {rows[tid(19)]["explicit"], rows[tid(20)]["explicit"]} == {True, False}  # twins kept
    # Names with characters repr() escapes (issue 17): parsed exactly, not rejected.
    assert rows[tid(35)]["artists"] == ["Trailing\xa0", "Zero\u200bWidth"]
    flag = "Flag \U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert rows[tid(36)]["artists"] == [flag, "Tab\tName"]
    assert rows[tid(37)]["artists"] == ["It's\u3000Me", "Soft\xadHyphen"]


def test_fixture_derived_columns(fixture_layers, spark):
    settings, _, _ = fixture_layers
    rows = {r["id"]: r for r in _tracks(spark, settings).collect()}
    plain, loud_long, silent = rows[tid(1)], rows[tid(16)], rows[tid(14)]
    assert plain["duration_min"] == pytest.approx(215000 / 60000)
    assert plain["decade"] == 2010 and rows[tid(21)]["decade"] == 1900
    assert plain["mood"] == "tense"  # valence 0.471 < 0.5, energy 0.634 >= 0.5
    assert silent["mood"] == "sad"
    assert loud_long["is_party_song"] is True and plain["is_party_song"] is False
    assert plain["primary_artist"] == "Solo Artist" and plain["artist_count"] == 1


def test_track_artists(fixture_layers, spark):
    settings, _, _ = fixture_layers
    ta = spark.read.parquet(str(settings.silver_track_artists))
    assert ta.columns == ["track_id", "position", "artist_id", "artist_name"]
    total = _tracks(spark, settings).agg(F.sum("artist_count")).first()[0]
    assert ta.count() == total
    mixed = ta.filter(F.col("track_id") == tid(4)).orderBy("position").collect()
    assert [(r["position"], r["artist_name"]) for r in mixed] == [
        (1, "Jon O'Malley"),
        (2, "Jürgen Weiß"),
        (3, "Plain Name"),
    ]


def test_real_sample_silver(real_layers, spark, real_sample):
    import csv

    settings, bronze, silver = real_layers
    assert silver.rows_in == bronze.rows_out == 1501
    assert silver.rows_in == silver.rows_out + silver.rows_dropped
    df = _tracks(spark, settings)
    assert df.groupBy("id").count().filter("count > 1").count() == 0
    with open(real_sample, encoding="utf-8", newline="") as fh:
        reference = {r["id"]: parse_artist_list(r["artists"]) for r in csv.DictReader(fh)}
    parsed = {r["id"]: r["artists"] for r in df.select("id", "artists").collect()}
    assert parsed == {k: v for k, v in reference.items() if k in parsed}
    assert len(parsed) == silver.rows_out


def test_failed_build_keeps_previous_silver(spark, tmp_path):
    from pipeline.layers.bronze import build_bronze
    from tests.conftest import FIXTURE_CSV

    settings = settings_for(tmp_path / "data", FIXTURE_CSV)
    build_bronze(spark, settings)
    build_silver(spark, settings)
    before = read_manifest(settings.silver_dir)
    (settings.bronze_tracks / "part-99999-garbage.parquet").write_bytes(b"not parquet")
    with pytest.raises(Exception):  # noqa: B017 - any Spark failure will do
        build_silver(spark, settings)
    assert read_manifest(settings.silver_dir) == before
    assert _tracks(spark, settings).count() == before["rows_out"]
    assert not list((tmp_path / "data" / ".versions").glob("*.building"))
