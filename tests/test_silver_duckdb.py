"""DuckDB reference silver: the same silver as Spark's, table for table and rule for rule."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest
from pyspark.sql import functions as F

from bench.references import silver_duckdb
from bench.references.silver_duckdb import build_silver_duckdb, reject_rules_sql
from pipeline.compare import silver_fingerprint
from pipeline.generate import generate_csv
from pipeline.layers import silver
from pipeline.layers.bronze import build_bronze
from pipeline.layers.bronze_contract import InputError
from pipeline.layers.parsing import (
    duckdb_artist_list_sql,
    duckdb_release_date_sql,
    duckdb_release_precision_sql,
    parse_artist_list,
    parse_release_date,
)
from pipeline.layers.silver import TRACK_COLUMNS, build_silver
from pipeline.manifest import read_manifest
from tests.conftest import FIXTURE_CSV, settings_for
from tests.test_bronze import GOOD, HEADER, QUARANTINE_CASES, _swap
from tests.test_parsing import (
    ARTIST_CASES,
    BAD_ARTISTS,
    DATE_CASES,
    PROPERTY_LISTS,
    _artist_fields,
)

# Edges of the fast path (no double quote, no backslash) that the regex path decides alike.
FAST_PATH_EDGES = [
    "['a', '']", "['', 'b']", "[']", "['a'", "['a', 'b'c']", "['a'] ", " ['a']",
    "['a',  'b']", "['a'],['b']", "['a'b']", "['a', 'b', ]", "[, 'a']",
]  # fmt: skip


# --- parsers -----------------------------------------------------------------------------


def _duck(sql_of, texts: list[str | None]) -> list:
    """One SQL parser applied by DuckDB to each text, in order."""
    query = f"SELECT {sql_of('t')} FROM unnest($1::VARCHAR[]) WITH ORDINALITY u(t, i) ORDER BY i"
    with duckdb.connect() as con:
        return [r[0] for r in con.execute(query, [texts]).fetchall()]


def test_duckdb_artist_parser_matches_python():
    texts = [t for t, _ in ARTIST_CASES] + BAD_ARTISTS + FAST_PATH_EDGES + [None]
    texts += _artist_fields(FIXTURE_CSV)
    assert _duck(duckdb_artist_list_sql, texts) == [parse_artist_list(t) for t in texts]


def test_duckdb_artist_parser_on_random_reprs():
    expected = [parse_artist_list(t) for t in PROPERTY_LISTS]
    assert _duck(duckdb_artist_list_sql, PROPERTY_LISTS) == expected


def test_duckdb_artist_parser_on_real_sample(real_sample):
    texts = _artist_fields(real_sample)
    assert _duck(duckdb_artist_list_sql, texts) == [parse_artist_list(t) for t in texts]


def test_duckdb_date_parsers_match_python():
    extra = [("0000-05-01", "day"), ("2020-02-29", "day"), ("2019-02-29", "day"), (None, None)]
    texts = [t for t, _, _ in DATE_CASES] + [t for t, _ in extra]
    assert _duck(duckdb_release_date_sql, texts) == [parse_release_date(t)[0] for t in texts]
    precision = [p for _, _, p in DATE_CASES] + [p for _, p in extra]
    assert _duck(duckdb_release_precision_sql, texts) == precision


def test_reject_reasons_are_spark_rules_in_order(spark):
    columns = {name: F.col(name) for name in ("artists", "artist_ids", "release_date")}
    spark_rules = silver.reject_rules({**columns, "is_duplicate": F.col("is_duplicate")})
    assert [name for name, _ in reject_rules_sql()] == [name for name, _ in spark_rules]


# --- equality with Spark -----------------------------------------------------------------


def _rows(silver_dir: Path) -> dict[str, list[tuple]]:
    """The tables of a silver directory (either engine's layout) as sorted rows."""

    def scan(table: str) -> str:
        glob = silver_dir / table / "**" / "*.parquet"
        return f"read_parquet('{glob}', hive_partitioning = {table == 'tracks'})"

    columns = ", ".join(f'"{c}"' for c in TRACK_COLUMNS)
    with duckdb.connect() as con:
        return {
            "tracks": con.execute(f"SELECT {columns} FROM {scan('tracks')} ORDER BY id").fetchall(),
            "track_artists": con.execute(f"FROM {scan('track_artists')} ORDER BY ALL").fetchall(),
            "rejects": con.execute(
                f"SELECT * EXCLUDE (_ingest_order) FROM {scan('_rejects')} ORDER BY ALL"
            ).fetchall(),
            # Ingest orders differ in value (Spark's are not line numbers), never in order.
            "reject_order": con.execute(
                f"SELECT id, reject_reason FROM {scan('_rejects')} ORDER BY _ingest_order"
            ).fetchall(),
        }


def _same_value(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9)
    return a == b


def _assert_same_silver(spark_silver: Path, duck_silver: Path) -> None:
    expected, got = _rows(Path(spark_silver)), _rows(duck_silver)
    for table, rows in expected.items():
        assert len(got[table]) == len(rows), table
        for want, have in zip(rows, got[table], strict=True):
            assert all(map(_same_value, want, have)), f"{table}: {want} != {have}"
    assert silver_fingerprint(spark_silver) == silver_fingerprint(duck_silver)


def _assert_same_counts(result, settings) -> None:
    bronze, spark_silver = read_manifest(settings.bronze_dir), read_manifest(settings.silver_dir)
    assert result.rows_in == bronze["rows_in"]
    assert result.quarantined_by_reason == bronze["quarantined_by_reason"]
    assert result.rows_out == spark_silver["rows_out"]
    assert result.rejects_by_reason == spark_silver["rejects_by_reason"]
    assert result.track_artists == spark_silver["tables"]["track_artists"]["rows"]
    assert result.rows_in == result.rows_out + result.rejected + result.quarantined


def test_fixture_equals_spark(fixture_layers, tmp_path):
    settings, _, _ = fixture_layers
    result = build_silver_duckdb(settings.raw_csv, tmp_path / "silver", threads=2)
    _assert_same_counts(result, settings)
    _assert_same_silver(settings.silver_dir, tmp_path / "silver")


def test_generated_equals_spark(gold_layers, tmp_path):
    result = build_silver_duckdb(gold_layers.raw_csv, tmp_path / "silver", threads=2)
    _assert_same_counts(result, gold_layers)
    _assert_same_silver(gold_layers.silver_dir, tmp_path / "silver")


def test_real_sample_equals_spark(real_layers, tmp_path):
    settings, _, _ = real_layers
    result = build_silver_duckdb(settings.raw_csv, tmp_path / "silver", threads=2)
    _assert_same_counts(result, settings)
    _assert_same_silver(settings.silver_dir, tmp_path / "silver")


def test_schema_and_layout_match_spark(fixture_layers, spark, tmp_path):
    settings, _, _ = fixture_layers
    duck = tmp_path / "silver"
    build_silver_duckdb(settings.raw_csv, duck, threads=2)
    for table in ("tracks", "track_artists", "_rejects"):
        want = spark.read.parquet(str(settings.silver_dir / table)).dtypes
        assert spark.read.parquet(str(duck / table)).dtypes == want, table
    years = sorted(p.name for p in (duck / "tracks").iterdir())
    assert years == sorted(p.name for p in settings.silver_tracks.iterdir() if p.is_dir())
    assert all(len(list(p.glob("*.parquet"))) == 1 for p in (duck / "tracks").iterdir())


# --- quarantine, duplicates and file order -----------------------------------------------

# Spellings on which Spark's CSV reader and the DuckDB reference agree (Spark's own rules:
# java.lang.Integer/Double parsing, case-insensitive true/false).
SPELLINGS = [
    ("year", "+2011"), ("year", "02011"), ("year", " 2011"), ("year", "2_011"),
    ("year", "2011.0"), ("year", "2e3"), ("track_number", "99999999999"),
    ("explicit", "TRUE"), ("explicit", "fAlse"), ("explicit", "t"), ("explicit", "1"),
    ("tempo", "NaN"), ("tempo", "Inf"), ("loudness", "-Inf"), ("tempo", "Infinity"),
    ("tempo", " 120.5"), ("tempo", ".5"), ("tempo", "1e2"), ("name", ""), ("name", " x "),
]  # fmt: skip
QUARANTINED_SPELLINGS = {" 2011", "2_011", "2011.0", "2e3", "99999999999", "t", "1", ""}


def _messy_csv(path: Path, open_quote: bool) -> int:
    """Generated rows with bronze's quarantine cases, odd spellings, blank lines and
    duplicate ids far apart (the first in file order is a row generated late).

    Returns the number of lines Spark quarantines. ``open_quote`` adds bronze's broken
    quoting case: a line whose quote DuckDB's reader would carry over into later lines.
    """
    generate_csv(path, 3000, seed=11)
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    assert header == HEADER
    bad = [line for _, lines, _, _ in QUARANTINE_CASES for line in lines]
    bad = [line for line in bad if open_quote or line.count('"') % 2 == 0]
    quarantined = len(bad) + sum(value in QUARANTINED_SPELLINGS for _, value in SPELLINGS)
    bad += [_swap(GOOD[0], column, value) for column, value in SPELLINGS]
    first_id = GOOD[0].split(",", 1)[0]
    bad = [line.replace(first_id, f"Bad{i:04d}" + "x" * 15, 1) for i, line in enumerate(bad)]
    rows.insert(5, _swap(rows[2500], "name", "first copy"))
    rows.insert(2900, _swap(rows[10], "name", "second copy"))
    for i, line in enumerate(bad):
        rows.insert(100 + i * 97, line)
    rows.insert(1500, "")
    rows.insert(1700, " \t ")  # whitespace only: blank for both engines
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return quarantined


@pytest.mark.parametrize("open_quote", [False, True], ids=["clean_quotes", "open_quote"])
def test_quarantine_duplicates_and_order_equal_spark(spark, tmp_path, monkeypatch, open_quote):
    csv_path = tmp_path / "messy.csv"
    quarantined = _messy_csv(csv_path, open_quote)
    settings = settings_for(tmp_path / "spark", csv_path)
    build_bronze(spark, settings)
    build_silver(spark, settings)
    # Small buffers: DuckDB reads this small file in many parallel chunks, as a large one.
    monkeypatch.setitem(silver_duckdb.READ_OPTIONS, "buffer_size", 1 << 16)
    monkeypatch.setitem(silver_duckdb.READ_OPTIONS, "max_line_size", 1 << 14)
    result = build_silver_duckdb(csv_path, tmp_path / "duck", threads=4)
    assert result.quarantined == quarantined
    _assert_same_counts(result, settings)
    _assert_same_silver(settings.silver_dir, tmp_path / "duck")
    query = "SELECT * FROM read_parquet('{}/*.parquet') ORDER BY line_number"
    with duckdb.connect() as con:
        want = con.execute(query.format(settings.bronze_dir / "_quarantine")).fetchall()
        assert con.execute(query.format(tmp_path / "duck" / "_quarantine")).fetchall() == want
    tracks = spark.read.parquet(str(tmp_path / "duck" / "tracks"))
    copies = tracks.filter(F.col("name").isin("first copy", "second copy")).collect()
    assert [r["name"] for r in copies] == ["first copy"]


def test_bad_header_fails_like_bronze(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER.replace(",tempo,", ",bpm,") + "\n" + GOOD[0] + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 20"):
        build_silver_duckdb(path, tmp_path / "out")
