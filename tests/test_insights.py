"""Insights: bands and shares checked against pandas on silver, reports reproducible and
offline, and every finding rendering (or saying it has too little data) on any gold."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pipeline.catalogue import REMASTER_PATTERN
from pipeline.layers import insights
from pipeline.layers.gold import build_gold
from pipeline.serving import GoldReader


@pytest.fixture(scope="module")
def reader(gold_layers):
    return GoldReader(gold_layers.gold_db)


@pytest.fixture(scope="module")
def silver(gold_layers) -> pd.DataFrame:
    frame = pd.read_parquet(gold_layers.silver_dir.resolve() / "tracks")
    return frame.assign(year=frame["year"].astype(int))


def test_wilson_interval_known_value():
    low, high = insights.share_interval(10, 100)  # Wilson 95%, from the textbook formula
    assert (round(low, 4), round(high, 4)) == (0.0552, 0.1744)
    assert all(map(math.isnan, insights.share_interval(0, 0)))


def test_pooled_matches_the_tracks_themselves(silver):
    per_year = silver.groupby("year")["loudness"].agg(["count", "mean", "std"]).reset_index()
    per_year.columns = ["year", "tracks", "loudness", "loudness_sd"]
    n, mean, sd = insights.pooled(per_year, "loudness")
    assert n == len(silver)
    assert mean == pytest.approx(silver["loudness"].mean(), rel=1e-9)
    assert sd == pytest.approx(silver["loudness"].std(), rel=1e-9)


@pytest.mark.parametrize("feature", ["loudness", "acousticness", "energy"])
def test_band_matches_pandas_on_silver(reader, silver, feature):
    served = reader.run("year_trends", **insights.YEARS, features=[feature]).frame
    band = insights.with_bands(served, feature).set_index("year")
    stats = silver.groupby("year")[feature].agg(["count", "mean", "std"])
    half = 1.96 * stats["std"] / np.sqrt(stats["count"])
    assert list(band.index) == list(stats.index)
    assert band["tracks"].tolist() == stats["count"].tolist()
    np.testing.assert_allclose(band["mean"], stats["mean"], rtol=1e-9)
    many = stats["count"] >= 2
    np.testing.assert_allclose(band["low"][many], (stats["mean"] - half)[many], rtol=1e-9)
    np.testing.assert_allclose(band["high"][many], (stats["mean"] + half)[many], rtol=1e-9)
    assert band["low"][~many].isna().all()  # one track: no interval, never a zero-width one
    assert (band["few"] == (stats["count"] < insights.MIN_TRACKS)).all()


def test_shares_match_pandas_on_silver(reader, silver):
    explicit = reader.run("explicit_share", **insights.YEARS).frame.set_index("year")
    assert explicit["explicit_tracks"].to_dict() == silver.groupby("year")["explicit"].sum(
    ).astype(int).to_dict()  # fmt: skip
    collab = reader.run("collaborations", **insights.YEARS).frame.set_index("year")
    multi = silver.assign(m=silver["artists"].map(len) > 1).groupby("year")["m"].sum()
    assert collab["multi_artist_tracks"].to_dict() == multi.astype(int).to_dict()


def test_remaster_counts_match_pandas_on_silver(reader, silver):
    said = (silver["name"].fillna("") + " " + silver["album"].fillna("")).str.lower()
    found = said.map(lambda text: re.search(REMASTER_PATTERN, text) is not None)
    silver = silver.assign(remastered=found)
    served = reader.run("remaster_bias").frame
    got = served.groupby("remastered")["tracks"].sum().to_dict()
    assert got == silver["remastered"].value_counts().to_dict()
    assert got.get(True, 0) > 0, "the generated data has remastered tracks to compare"


def test_findings_are_computed_with_their_parts(reader):
    items = insights.findings(reader)
    keys = [f.key for f in items]
    assert keys[:4] == ["loudness", "acoustic", "artifacts", "correlations"]
    assert {"explicit", "duration", "collaborations", "key_mode"} <= set(keys)
    for f in items:
        assert f.headline and f.method and f.figure.data, f.key
        assert not f.table.empty, f.key
    loud = items[0]
    assert re.search(r"95% CI", loud.headline)
    assert re.search(r"\*\*(supported|partly supported|not supported)\*\*", loud.headline)


def test_reports_rebuild_byte_identical_and_offline(gold_layers, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    insights.write_reports(gold_layers.gold_db, first, "256MB")
    insights.write_reports(gold_layers.gold_db, second, "256MB")
    for name in (insights.REPORT_MD, insights.REPORT_HTML):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    page = (first / insights.REPORT_HTML).read_text()
    assert not re.search(r"<script[^>]*\bsrc=", page)  # nothing fetched: works offline
    assert "Plotly.newPlot" in page and len(page) > 3_000_000  # plotly.js inlined
    assert insights.BAND_NOTE.split(":")[0] in page


def _gold_from(settings):
    build_gold(settings, verbose=False)
    return GoldReader(settings.gold_db)


def test_real_sample_and_fixture_render_or_say_too_little(real_layers, fixture_layers):
    for settings, *_ in (real_layers, fixture_layers):
        items = insights.findings(_gold_from(settings))
        assert len(items) == 8
        md, page = insights.render_markdown(items), insights.render_html(items)
        for f in items:
            assert f.headline in md and f.title in page
            enough = f.figure.data or "too little" in f.headline.lower()
            assert enough, (settings.data_dir, f.key, f.headline)


def test_real_sample_correlations_have_the_published_signs(real_layers):
    """The 1,501 real rows: the published full-file signs (energy-loudness +, energy-
    acousticness -) come out of the real data through the same code."""
    items = insights.findings(_gold_from(real_layers[0]))
    table = next(f for f in items if f.key == "correlations").table.set_index("pair")
    assert table.loc["energy – loudness", "r"] > 0.5
    assert table.loc["energy – acousticness", "r"] < -0.5


def test_cli_without_gold_names_the_command(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "insights", "--data-dir", str(tmp_path),
         "--reports-dir", str(tmp_path / "reports")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "gold" in done.stderr and "Traceback" not in done.stderr
