"""Shared fixtures: one Spark session per test run, paths to the fixture and real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard.launcher import start_dashboard
from pipeline.settings import Settings, go_offline

# `make test` exports the Make variables; tests choose their own paths and sizes, so none
# may leak in (a RAW_CSV inherited from make would point every run at one shared file).
for _name in ("DATA_DIR", "RAW_CSV", "ROWS", "SEED", "SPARK_MASTER", "SPARK_REMOTE",
              "REPORTS_DIR", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "HOST", "PORT"):  # fmt: skip
    os.environ.pop(_name, None)

go_offline()  # before any test imports gradio or gradio_client

REPO = Path(__file__).resolve().parents[1]
FIXTURE_CSV = REPO / "tests" / "fixtures" / "tricky_tracks.csv"
REAL_DIR = Settings().real_dir
REAL_SAMPLE = REAL_DIR / "tracks_features_sample.csv"
TEST_MASTER = "local[2]"


def settings_for(data_dir: Path, raw_csv: Path | None = None, **kw) -> Settings:
    """Settings pointing at a private data dir (and optionally a given CSV). The hand-written
    fixtures are mostly bad rows on purpose, so no share of bad rows refuses a layer here
    unless a test asks (``max_bad_share=``)."""
    extra = {"raw_csv": raw_csv} if raw_csv else {}
    kw.setdefault("max_bad_share", 1.0)
    return Settings().with_overrides(
        data_dir=data_dir, spark_master=TEST_MASTER, reports_dir=data_dir / "reports", **extra, **kw
    )


# Tiers: each test is marked from the fixtures it uses (their whole closure), so
# `make test-fast` (-m "not spark and not browser and not cluster and not slow") runs only
# what needs no JVM and no browser. A test that starts Spark in a child process (make, the
# CLI) asks for ``jvm``; one that runs make end to end asks for ``slow_run``.
MARKER_FIXTURES = {
    "spark": {"spark", "jvm"},
    "browser": {"browser"},
    "cluster": {"standalone_run", "connect_run"},
    "slow": {"slow_run", "bench_run", "built"},
}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in MARKER_FIXTURES.items():
            if used & fixtures:
                item.add_marker(marker)


@pytest.fixture
def jvm() -> None:
    """Requested by a test that starts Spark in a child process (marks it ``spark``)."""


@pytest.fixture
def slow_run() -> None:
    """Requested by a test that runs make or the whole pipeline (marks it ``slow``)."""


@pytest.fixture(scope="session")
def spark():
    """The one Spark session of the test run (local[2], as on CI)."""
    from pipeline.spark import get_spark

    session = get_spark(Settings().with_overrides(spark_master=TEST_MASTER))
    yield session
    session.stop()


@pytest.fixture(scope="session")
def real_sample() -> Path:
    """The 1,501 real rows, read from ../shared (never copied into the repo)."""
    if not REAL_SAMPLE.exists():
        pytest.skip(f"real sample not found at {REAL_SAMPLE} (set SPOTIFY_REAL_DIR)")
    return REAL_SAMPLE


@pytest.fixture(scope="session")
def fixture_layers(spark, tmp_path_factory):
    """Bronze and silver built once from the hand-written tricky-case fixture."""
    from pipeline.layers.bronze import build_bronze
    from pipeline.layers.silver import build_silver

    settings = settings_for(tmp_path_factory.mktemp("fixture"), FIXTURE_CSV)
    return settings, build_bronze(spark, settings), build_silver(spark, settings)


@pytest.fixture(scope="session")
def real_layers(spark, real_sample, tmp_path_factory):
    """Bronze and silver built once from the real sample."""
    from pipeline.layers.bronze import build_bronze
    from pipeline.layers.silver import build_silver

    settings = settings_for(tmp_path_factory.mktemp("real"), real_sample)
    return settings, build_bronze(spark, settings), build_silver(spark, settings)


# Two artists who share a name (different ids, 1 and 2 tracks), written by hand: the
# dashboard must reach both.
NAMESAKE = "Twin Namesake Ensemble"
NAMESAKE_IDS = ("0000000000000000000Tw1", "0000000000000000000Tw2")
NAMESAKE_ROWS = "".join(
    f"{track},Song {n},Album {n},{album},['{NAMESAKE}'],['{artist}'],1,1,False,0.5,0.6,1,-8.0,"
    f"1,0.05,0.3,0.0,0.1,0.5,120.0,200000,4.0,{year},{year}-05-01\n"
    for n, (track, album, artist, year) in enumerate([
        ("0000000000000000000Tr1", "0000000000000000000Al1", NAMESAKE_IDS[0], 1999),
        ("0000000000000000000Tr2", "0000000000000000000Al2", NAMESAKE_IDS[1], 2011),
        ("0000000000000000000Tr3", "0000000000000000000Al2", NAMESAKE_IDS[1], 2011),
    ])
)  # fmt: skip


@pytest.fixture(scope="session")
def gold_layers(spark, tmp_path_factory):
    """All layers (generated 6,000 rows and the namesakes) plus gold; the silver views
    registered in Spark."""
    from pipeline.direct import register_silver_views
    from pipeline.generate import generate_csv
    from pipeline.layers.bronze import build_bronze
    from pipeline.layers.gold import build_gold
    from pipeline.layers.silver import build_silver

    data = tmp_path_factory.mktemp("gold")
    settings = settings_for(data, data / "raw" / "tracks_features.csv")
    generate_csv(settings.raw_csv, 6000, seed=7)
    with open(settings.raw_csv, "a", encoding="utf-8") as csv:
        csv.write(NAMESAKE_ROWS)
    build_bronze(spark, settings)
    build_silver(spark, settings)
    build_gold(settings, verbose=False)
    register_silver_views(spark, settings)
    return settings


@pytest.fixture(scope="session")
def dashboard(gold_layers, tmp_path_factory):
    """The dashboard over the small gold, with a data-quality report and bench results."""
    import shutil

    from pipeline.layers.quality import write_report

    reports = tmp_path_factory.mktemp("dash_reports")
    write_report(gold_layers.with_overrides(reports_dir=reports))
    (reports / "benchmarks").mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "bench_latest.json",
                reports / "benchmarks" / "latest.json")  # fmt: skip
    (reports / "latency.html").write_text("<html><body>latency report</body></html>")
    proc, url = start_dashboard(gold_layers.data_dir, reports)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="session")
def gradio_client(dashboard):
    from gradio_client import Client

    return Client(dashboard, verbose=False)
