"""Scaling contracts (issue 15), CI-sized: memory bounded by settings, not by the data.

* the generator writes fixed-size blocks, byte-identical whatever the worker count, and its
  peak memory does not grow with the rows;
* gold under a small ``DUCKDB_MEMORY_LIMIT`` spills, equals the unconstrained build, and
  leaves no spill folder; past its cap it fails with one line naming the setting;
* bronze streams any number of quarantined rows through the driver, every line located;
* the disk pre-flight and the sweep's exponent fit.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import duckdb
import pytest

from pipeline import generate, records, sizing
from pipeline.catalogue import ARTIST_FEATURES
from pipeline.layers.bronze import build_bronze
from pipeline.layers.gold import TABLES, GoldBuildError, MemoryPlan, build_gold, sort_runs
from pipeline.layers.silver import build_silver
from pipeline.manifest import read_manifest
from tests.conftest import FIXTURE_CSV, REPO, settings_for

# --- generator -------------------------------------------------------------------------


def test_block_sizes_split_evenly():
    assert generate.block_sizes(0) == [0]
    assert generate.block_sizes(10, 4) == [4, 3, 3]
    assert generate.block_sizes(generate.BLOCK_ROWS) == [generate.BLOCK_ROWS]
    sizes = generate.block_sizes(1_204_025)
    assert sum(sizes) == 1_204_025 and max(sizes) - min(sizes) <= 1 and len(sizes) == 5


def test_blocks_are_identical_whatever_the_workers(tmp_path):
    files = [
        generate.generate_csv(tmp_path / f"w{w}.csv", 9_000, 3, workers=w, block_rows=2_000)
        for w in (1, 2, 3)
    ]
    data = [f.path.read_bytes() for f in files]
    assert data[0] == data[1] == data[2]
    assert data[0].count(b"\n") == 9_001
    text = "".join(generate.generate_lines(9_000, 3, block_rows=2_000)).encode()
    assert text == data[0]


def test_later_blocks_share_the_head_artists():
    frame = generate.generate_frame(12_000, 5, block_rows=3_000)
    assert len(frame) == 12_000 and frame["id"].is_unique
    ids_per_block = [
        set(block.loc[block["artists"] == "['Various Artists']", "artist_ids"])
        for block in (frame.iloc[i : i + 3_000] for i in range(0, 12_000, 3_000))
    ]
    assert all(len(ids) == 1 for ids in ids_per_block), ids_per_block
    assert len(set.union(*ids_per_block)) == 1, "the same artist id in every block"


_PEAK = """
import resource, sys
from pipeline.generate import generate_csv
generate_csv(sys.argv[1], int(sys.argv[2]), 1, workers=1, block_rows=30_000)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _generator_peak_kib(tmp_path, rows: int) -> int:
    out = subprocess.run([sys.executable, "-c", _PEAK, str(tmp_path / f"{rows}.csv"), str(rows)],
                         cwd=REPO, capture_output=True, text=True, check=True)  # fmt: skip
    return int(out.stdout.split()[-1])


def test_generator_memory_does_not_grow_with_rows(tmp_path):
    small, large = _generator_peak_kib(tmp_path, 30_000), _generator_peak_kib(tmp_path, 300_000)
    assert large <= 1.2 * small, (small, large)


# --- gold out of core ------------------------------------------------------------------


@pytest.fixture(scope="module")
def silver_300k(spark, tmp_path_factory):
    data = tmp_path_factory.mktemp("silver300k")
    settings = settings_for(data, data / "raw" / "tracks_features.csv")
    generate.generate_csv(settings.raw_csv, 300_000, seed=11)
    build_bronze(spark, settings)
    build_silver(spark, settings)
    return settings


def _tables(path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            t.name: con.execute(f"SELECT * FROM {t.name} ORDER BY ALL").fetchall() for t in TABLES
        }


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (a != a and b != b)
    return a == b


@pytest.mark.slow
def test_gold_under_a_small_memory_cap_equals_the_unconstrained_build(silver_300k, tmp_path):
    free = silver_300k.with_overrides(duckdb_memory_limit="16GB")
    capped = silver_300k.with_overrides(duckdb_memory_limit="256MB")
    build_gold(free, verbose=False)
    reference = _tables(free.gold_db)
    result = build_gold(capped, verbose=False)
    assert result.table_rows["tracks_serving"] == read_manifest(capped.silver_dir)["rows_out"]
    for name, rows in _tables(capped.gold_db).items():
        assert len(rows) == len(reference[name]), name
        bad = [(r, s) for r, s in zip(reference[name], rows, strict=True)
               if not all(_same(a, b) for a, b in zip(r, s, strict=True))]  # fmt: skip
        assert not bad, (name, bad[:2])
    # the drill-down's stored order survives the sort in runs of years
    with duckdb.connect(str(capped.gold_db), read_only=True) as con:
        out_of_order = con.execute(
            """SELECT count(*) FROM (SELECT year, name, id, lag((year, name, id)) OVER
               (ORDER BY rowid) AS prev FROM tracks_serving)
               WHERE prev IS NOT NULL AND (-prev[1], prev[2], prev[3]) > (-year, name, id)"""
        ).fetchone()[0]
    assert out_of_order == 0
    assert not capped.spill_dir.exists(), "the spill folder is removed after the build"


def test_gold_past_its_cap_fails_with_one_line_and_leaves_nothing(gold_layers, tmp_path):
    settings = gold_layers.with_overrides(duckdb_memory_limit="2MB")
    before = settings.gold_db.read_bytes()
    with pytest.raises(GoldBuildError, match="raise DUCKDB_MEMORY_LIMIT") as err:
        build_gold(settings, verbose=False)
    assert "DUCKDB_MEMORY_LIMIT=2MB" in str(err.value) and "\n" not in str(err.value)
    assert settings.gold_db.read_bytes() == before, "the published gold is untouched"
    assert not settings.spill_dir.exists()
    assert not list(settings.gold_dir.glob(".spotify.duckdb.tmp-*"))


def test_a_key_bigger_than_a_run_is_cut_by_the_next_column():
    """One year holding more rows than a run is sorted in ranges of names (NULLs last), and
    the stored order is the single sort's, ties included."""
    from pipeline.layers.gold import Relation, _create, _ranges

    con = duckdb.connect()
    letter = "chr(CAST(65 + (i * 7) % 26 AS INTEGER)) || (i % 5)"
    con.execute(f"""CREATE TEMP TABLE t AS SELECT (i % 3) + 2000 AS year,
                    CASE WHEN i % 17 = 0 THEN NULL ELSE {letter} END AS name, i AS id
                    FROM range(3000) r(i)""")  # fmt: skip
    con.execute("ATTACH ':memory:' AS out")
    relation = Relation("s", "SELECT year, name, id FROM t", "year DESC, name, id",
                        sorted_in_runs_of="year", split_runs_by="name")  # fmt: skip
    _create(con, "out", relation, MemoryPlan(sort_rows=150))  # every year (1,000 rows) is cut
    stored = con.execute("SELECT year, name, id FROM out.s ORDER BY rowid").fetchall()
    expected = con.execute("SELECT year, name, id FROM t ORDER BY year DESC, name, id")
    assert stored == expected.fetchall()
    assert len(_ranges(con, relation, "name", 7, "year = $v", {"v": 2000})) == 7  # year cut


def test_a_table_without_runs_is_stored_in_ranges_of_its_leading_column():
    """artist_stats' way: no run column, so the rows are inserted in ranges of the leading
    column of its order (NULLs last), each sort holding about ``sort_rows``."""
    from pipeline.layers.gold import Relation, _create

    con = duckdb.connect()
    con.execute("""CREATE TEMP TABLE t AS SELECT CASE WHEN i % 13 = 0 THEN NULL
                   ELSE lower(chr(CAST(65 + (i * 11) % 26 AS INTEGER))) || (i % 7) END AS key,
                   i % 4 AS tracks, i AS id FROM range(2000) r(i)""")  # fmt: skip
    con.execute("ATTACH ':memory:' AS out")
    relation = Relation("s", "SELECT key, tracks, id FROM t", "key, tracks DESC, id",
                        sorted_in_ranges_of="key")  # fmt: skip
    _create(con, "out", relation, MemoryPlan(sort_rows=120))  # about 17 ranges
    stored = con.execute("SELECT key, tracks, id FROM out.s ORDER BY rowid").fetchall()
    expected = con.execute("SELECT key, tracks, id FROM t ORDER BY key, tracks DESC, id")
    assert stored == expected.fetchall()


def test_large_silver_builds_one_statement_at_a_time_and_joins_in_buckets(gold_layers):
    from pipeline.layers.gold import BUILD_CURSORS

    one_gb = gold_layers.with_overrides(duckdb_memory_limit="1GB")
    assert MemoryPlan.of(1_204_025, one_gb) == MemoryPlan(1_953_125, 1, BUILD_CURSORS)
    assert MemoryPlan.of(12_040_250, one_gb) == MemoryPlan(1_953_125, 3, 1)
    assert MemoryPlan.of(60_201_250, one_gb) == MemoryPlan(1_953_125, 13, 1)
    four_gb = one_gb.with_overrides(duckdb_memory_limit="4GB")
    assert MemoryPlan.of(60_201_250, four_gb) == MemoryPlan(7_812_500, 4, 1)


def test_every_statement_names_the_work_tables_it_reads():
    """Work tables are dropped once their readers are done (``_drop_helpers``), so a
    statement that read one without naming it could find it gone."""
    import re

    from pipeline.layers.gold import HELPERS, _build_steps, _drop_helpers

    names = [helper.name for helper in HELPERS]
    for relation in (*HELPERS, *TABLES):
        read = {n for n in names if re.search(rf"\b{n}\b", relation.sql)}
        assert read <= set(relation.after), relation.name
    steps = _build_steps(REPO, MemoryPlan(sort_rows=1000))
    drops = {s.name: s.after for s in steps if s.name.startswith("drop ")}
    assert set(drops["drop artist_tracks"]) == {"artist_aggregates", "artist_year"}
    assert set(drops["drop artist_aggregates"]) == {"artist_stats"}
    last = steps[-1]
    assert last.name == "tracks_serving" and set(drops) <= set(last.after)
    assert len(_drop_helpers([])) == len(HELPERS)


def test_scattered_buckets_give_the_unbucketed_artist_tables(tmp_path):
    """artist_tracks and artist_aggregates built in 4 buckets from scattered helpers hold
    exactly the rows of the one-bucket build (each (artist, track) once), and every scattered
    helper is written once, a Parquet folder per bucket."""
    from pipeline.layers.gold import HELPERS, _create

    names = ("artist_pairs", "track_figures", "artist_tracks", "artist_aggregates")
    chain = [r for r in HELPERS if r.name in names]
    assert [r.name for r in chain] == list(names) and chain[2].bucketed
    features = ", ".join(f"i / 1000.0 AS {f}" for f in ARTIST_FEATURES)
    tables = {}
    for buckets in (1, 4):
        con = duckdb.connect()
        con.execute(f"""CREATE TABLE t AS SELECT 'trk' || i AS id, 'alb' || (i % 7) AS album_id,
                        1990 + i % 30 AS year, i % 2 = 0 AS explicit, {features}
                        FROM range(2000) r(i)""")  # fmt: skip
        con.execute("""CREATE TABLE ta AS SELECT 'trk' || (i % 2000) AS track_id,
                       'art' || (i % 37) AS artist_id FROM range(2600) r(i)
                       UNION ALL SELECT 'trk' || i, 'art' || (i % 37) FROM range(50) r(i)""")
        con.execute("""CREATE TABLE artist_numbers AS SELECT artist_id,
                       CAST(row_number() OVER (ORDER BY artist_id) AS INTEGER) AS artist_num
                       FROM (SELECT DISTINCT artist_id FROM ta)""")  # fmt: skip
        plan = MemoryPlan(sort_rows=10**6, buckets=buckets, scatter_dir=tmp_path / str(buckets))
        for relation in chain:
            _create(con, "memory", relation, plan)
        tables[buckets] = [
            [tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in
             con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()]
            for name in names[2:]
        ]  # fmt: skip
    assert len(tables[1][0]) == 2600 and len(tables[1][1]) == 37
    assert tables[4] == tables[1]
    for name in names[:3]:
        assert len(list((tmp_path / "4" / name).glob("bucket=*"))) == 4, name
    assert not (tmp_path / "1").exists()  # one bucket: nothing is scattered


def test_sort_runs_bound_rows_and_keep_order():
    counts = [(2020, 5), (2019, 5), (2018, 3), (1990, 20), (1980, 1)]
    assert sort_runs(counts, 10) == [(2020, 2019), (2018, 2018), (1990, 1990), (1980, 1980)]
    assert sort_runs(counts, 100) == [(2020, 1980)]
    assert sort_runs([], 10) == []


# --- bronze: a bounded driver ----------------------------------------------------------


def test_many_quarantined_rows_stream_through_the_driver(spark, tmp_path, monkeypatch):
    """5% malformed lines, written in batches far smaller than their number."""
    monkeypatch.setattr(records, "BATCH_ROWS", 50)
    lines = FIXTURE_CSV.read_text(encoding="utf-8").splitlines()
    header, good = lines[0], lines[1:4]
    body, bad_lines = [], []
    for i in range(4_000):
        if i % 20 == 7:
            body.append(good[0] + f",extra{i}")  # one field too many
            bad_lines.append(i + 2)  # 1-based, after the header
        else:
            body.append(good[i % 3])
    path = tmp_path / "dirty.csv"
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    result = build_bronze(spark, settings_for(tmp_path / "data", path))
    assert (result.rows_in, result.rows_out, result.rows_dropped) == (4_000, 3_800, 200)
    q = spark.read.parquet(str(tmp_path / "data" / "bronze" / "_quarantine"))
    got = sorted(r["line_number"] for r in q.select("line_number").collect())
    assert got == bad_lines
    assert {r["reason"] for r in q.select("reason").collect()} == {"wrong_field_count"}


# --- sizing and the sweep --------------------------------------------------------------


def test_preflight_names_what_is_short(tmp_path, monkeypatch):
    need = sizing.estimate(1_204_025)
    assert need["total"] == sum(need[p] for p in sizing.PARTS)
    assert 1.0e9 < need["total"] < 2.5e9  # about 760 MB of layers, the previous ones, spill
    monkeypatch.setattr(sizing, "free_bytes", lambda path: 10**9)
    with pytest.raises(sizing.DiskSpaceError, match=r"60,201,250 rows needs about .* free"):
        sizing.preflight(tmp_path, 60_201_250)
    assert sizing.preflight(tmp_path, 1_000)["total"] < 10**9
    resumed = sizing.estimate(60_201_250, with_csv=False, reused=("bronze", "silver"))
    assert resumed["csv"] == resumed["bronze"] == resumed["silver"] == 0 < resumed["gold"]


def test_sweep_fits_exponents_and_checks_targets():
    from bench.scale import checks, exponents

    def run(rows, seconds, peak):
        steps = {s: {"seconds": seconds * (2 if s == "silver" else 1), "peak_rss_bytes": peak}
                 for s in ("generate", "gold", "silver")}  # fmt: skip
        return {"rows": rows, "steps": steps, "benchmarks": []}

    runs = [run(1000, 1.0, 2**30), run(10_000, 10.0, 2**30), run(50_000, 50.0, 2**30)]
    result = {"settings": {"base_rows": 1000}, "runs": runs}
    fits = exponents(result)
    assert fits["gold"]["k"] == pytest.approx(1.0) and len(fits["gold"]["points"]) == 3
    by_check = {c["check"]: c["ok"] for c in checks(result)}
    assert by_check["gold time, 10x rows"] and by_check["gold peak memory, 10x against 1x"]
    result["runs"][1]["steps"]["gold"]["seconds"] = 11.0
    result["runs"][1]["steps"]["gold"]["peak_rss_bytes"] = 3 * 2**30
    by_check = {c["check"]: c["ok"] for c in checks(result)}
    assert not by_check["gold time, 10x rows"]
    assert not by_check["gold peak memory at 10x"]
    assert json.dumps(result)  # plain data, as written to scale.json


def test_sizing_table_gives_each_measured_size_and_100x(tmp_path):
    """The README's sizing table: per measured size its disk estimate, largest step peak
    and total time; 100x the base is listed by its disk alone. It is written between the
    README's markers and nowhere else."""
    from bench.report import render_between
    from bench.scale import render_sizing

    steps = {"generate": {"seconds": 60.0, "peak_rss_bytes": 2**30},
             "gold": {"seconds": 120.0, "peak_rss_bytes": 3 * 2**30}}  # fmt: skip
    result = {"settings": {"base_rows": 1000}, "machine": {"cores": 2, "memory_bytes": 2**34},
              "runs": [{"rows": 1000, "steps": steps}]}  # fmt: skip
    table = render_sizing(result)
    assert "| 1,000 (1×) |" in table and "| 3.0 GiB | 3 min |" in table
    assert "| 100,000 (100×) |" in table and "not run here" in table and "16.0 GiB" in table
    readme = tmp_path / "README.md"
    readme.write_text("a\n<!-- sizing:start -->\nold\n<!-- sizing:end -->\nb\n")
    assert render_between(readme, "sizing", table)
    text = readme.read_text()
    assert (
        text.startswith("a\n") and text.endswith("<!-- sizing:end -->\nb\n") and "old" not in text
    )
