"""Gold build, atomic publish and the read-only serving module."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from pipeline.catalogue import ParamError
from pipeline.layers.gold import EXPECTED_TABLES, build_gold
from pipeline.manifest import read_manifest
from pipeline.serving import GoldMissingError, GoldReader
from tests.conftest import REPO


def test_tables_rows_and_build_metadata(gold_layers):
    manifest = read_manifest(gold_layers.silver_dir)
    with duckdb.connect(str(gold_layers.gold_db), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert set(EXPECTED_TABLES) <= tables
        assert (
            con.execute("SELECT count(*) FROM tracks_serving").fetchone()[0]
            == (manifest["rows_out"])
        )
        build = dict(
            zip(
                [d[0] for d in con.execute("SELECT * FROM _build").description],
                con.execute("SELECT * FROM _build").fetchone(),
                strict=True,
            )
        )
    silver_manifest = (gold_layers.silver_dir.resolve() / "_manifest.json").read_bytes()
    assert build["silver_manifest_sha256"] == hashlib.sha256(silver_manifest).hexdigest()
    assert build["silver_rows"] == manifest["rows_out"]
    assert build["duckdb_version"] == duckdb.__version__ or build["duckdb_version"].startswith("v")
    rows = json.loads(build["table_rows"])
    assert rows["tracks_serving"] == manifest["rows_out"] and rows["year_trends"] > 0


def test_bad_parameters_are_refused_clearly(gold_layers):
    reader = GoldReader(gold_layers.gold_db)
    bad = [
        ("year_trends", {"year_from": 2010, "year_to": 1990}, "reversed"),
        ("year_trends", {"features": ["loudness", "bogus"]}, "unknown value 'bogus'"),
        ("year_trends", {"features": []}, "at least one"),
        ("decade_profile", {"feature": "volume"}, "unknown value 'volume'"),
        ("tracks", {"limit": -1}, "at least 1"),
        ("tracks", {"limit": 10**9}, "at most 1000"),
        ("tracks", {"year_from": "nineteen"}, "whole number"),
        ("tracks", {"year_from": 1999.5}, "whole number"),
        ("artist_search", {"text": "x" * 10_000}, "too long"),
        ("artist_search", {"text": "   "}, "must not be empty"),
        ("key_mode", {"decade": "1990s"}, "whole number"),
        ("overview", {"surprise": 1}, "unknown parameter"),
        ("no_such_query", {}, "unknown query"),
    ]
    for name, params, message in bad:
        with pytest.raises(ParamError, match=message):
            reader.run(name, **params)


INJECTIONS = ["'; DROP TABLE artist_stats; --", "%", "_", "'", '"', "\\", "ü", "🎵", "a%b_c"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_text_is_matched_literally(gold_layers, text):
    reader = GoldReader(gold_layers.gold_db)
    with duckdb.connect(str(gold_layers.gold_db), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT artist_name FROM artist_stats").fetchall()]
    expected = sorted(n for n in names if text.lower() in n.lower())
    got = reader.run("artist_search", text=text, limit=1000).frame
    assert sorted(got.artist_name) == expected[:1000]
    assert reader.run("artist_profile", artist=text).frame.empty or text.lower() in [
        n.lower() for n in names
    ]
    assert reader.run("tracks", name_contains=text, limit=5).frame is not None
    assert reader.run("overview").frame.tracks[0] > 0  # nothing was dropped


def test_missing_gold_says_what_to_run(tmp_path):
    with pytest.raises(GoldMissingError, match="make all"):
        GoldReader(tmp_path / "gold" / "spotify.duckdb").run("overview")


def test_failed_build_leaves_previous_gold(gold_layers, monkeypatch):
    import pipeline.layers.gold as gold

    reader = GoldReader(gold_layers.gold_db)
    inode = os.stat(gold_layers.gold_db).st_ino
    before = reader.build_info()["built_at"], reader.run("overview").frame.tracks[0]
    broken = gold.Relation("broken", "SELECT * FROM nowhere")
    monkeypatch.setattr(gold, "TABLES", (*gold.TABLES, broken))
    with pytest.raises(duckdb.CatalogException):
        build_gold(gold_layers, verbose=False)
    assert os.stat(gold_layers.gold_db).st_ino == inode
    assert (reader.build_info()["built_at"], reader.run("overview").frame.tracks[0]) == before
    assert not list(gold_layers.gold_db.parent.glob(".spotify.duckdb.tmp-*"))


def _gold_env(settings) -> dict[str, str]:
    return {
        **os.environ,
        "DATA_DIR": str(settings.data_dir),
        "SPARK_MASTER": "local[2]",
    }


def test_killed_build_keeps_old_gold_serving(gold_layers):
    reader = GoldReader(gold_layers.gold_db)
    inode = os.stat(gold_layers.gold_db).st_ino
    expected = reader.run("year_trends").frame
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.slow_gold", "5", "gold"],
        cwd=REPO,
        env=_gold_env(gold_layers),
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in proc.stdout:
        if "tracks_serving" in line:  # the new file is half built now
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert os.stat(gold_layers.gold_db).st_ino == inode
    assert reader.run("year_trends").frame.equals(expected)
    with duckdb.connect(str(gold_layers.gold_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM tracks_serving").fetchone()[0] > 0
    build_gold(gold_layers, verbose=False)  # the next build cleans the dead run's temp file
    assert not list(gold_layers.gold_db.parent.glob(".spotify.duckdb.tmp-*"))


def test_ctrl_c_stops_the_build_cleanly(gold_layers):
    """SIGINT mid-build: a one-line message and exit 130, no traceback, no temp file."""
    reader = GoldReader(gold_layers.gold_db)
    before = reader.build_info()["build_id"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.slow_gold", "5", "gold"],
        cwd=REPO,
        env=_gold_env(gold_layers),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    for line in proc.stdout:
        if "[gold]   " in line:  # a step is done: the build is under way
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert not list(gold_layers.gold_db.parent.glob(".spotify.duckdb.tmp-*"))
    assert reader.build_info()["build_id"] == before


def test_readers_keep_working_during_rebuild_and_then_see_new_gold(gold_layers):
    reader = GoldReader(gold_layers.gold_db)
    first = reader.build_info()["build_id"]
    errors: list[BaseException] = []
    stop = threading.Event()
    served = []

    def hammer():
        while not stop.is_set():
            try:
                served.append(reader.run("top_artists", limit=5).frame.shape[0])
            except BaseException as exc:  # noqa: BLE001 - any failure fails the test
                errors.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    held = reader.connection()  # a connection open on the old file across the rebuild
    build_gold(gold_layers, verbose=False)
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()
    assert not errors and len(served) > 10
    assert held.execute("SELECT count(*) FROM overview").fetchone()[0] == 1  # still readable
    assert reader.build_info()["build_id"] != first  # the next query sees the new file


def test_quality_report_counts_and_shows_possible_duplicates(gold_layers, tmp_path):
    """Rows with the same name and artist ids but ids of their own are kept, counted, and
    shown with examples; the count matches pandas on silver."""
    import pandas as pd

    from pipeline.layers.quality import REPORT_MD, write_report

    report = write_report(gold_layers.with_overrides(reports_dir=tmp_path))
    silver = pd.read_parquet(gold_layers.silver_dir.resolve() / "tracks")
    pairs = pd.Series(list(zip(silver["name"], silver["artist_ids"].map(tuple), strict=True)))
    sizes = pairs.value_counts()
    kept = report["duplicates"]["same_name_and_artist_ids_kept"]
    assert kept == int(pairs.duplicated().sum()) > 0
    examples = report["possible_duplicates"]
    assert [e["tracks"] for e in examples] == sizes.head(len(examples)).tolist()
    assert 1 <= len(examples) <= 5 and all(e["albums"] >= 1 for e in examples)
    assert "Possible duplicates" in (tmp_path / REPORT_MD).read_text()
