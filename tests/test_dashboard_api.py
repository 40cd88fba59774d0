"""Every dashboard endpoint through gradio_client against a real running app."""

from __future__ import annotations

import re
import time
import urllib.request

import pandas as pd
import pytest
from gradio_client.exceptions import AppError

from dashboard.launcher import start_dashboard
from tests.conftest import NAMESAKE, NAMESAKE_IDS


def _call(client, api_name, *args):
    return client.predict(*args, api_name=api_name)


def _ok(status: str) -> bool:
    return "Served from gold" in status and "ms" in status


def test_overview(gradio_client):
    cards, loud, trend, status = _call(gradio_client, "/overview")
    assert "tracks" in cards and "artists" in cards and "Gold built" in cards
    assert loud["type"] == "plotly" and "loudness" in loud["plot"]
    assert _ok(status)


def test_insights_are_the_reports_findings(gradio_client, dashboard):
    from pipeline.layers import insights

    out = _call(gradio_client, "/insights")
    assert len(out) == 4 * len(insights.LINKS) + 1 and "findings computed" in out[-1]
    headlines = out[0:-1:4]
    assert headlines[0].startswith("### The loudness war") and "95% CI" in headlines[0]
    assert all(h.startswith("### ") and len(h) > 40 for h in headlines)
    assert all(fig["type"] == "plotly" for fig in out[1:-1:4])


def test_trends_normal_and_bad(gradio_client):
    fig, status = _call(gradio_client, "/trends", ["energy", "tempo"], 1960, 2000, "clean")
    assert _ok(status) and '"energy"' in fig["plot"] and '"tempo"' in fig["plot"]
    assert '"yaxis2"' in fig["plot"], "tempo (BPM) gets its own axis beside 0-1 features"
    bad_inputs = [
        (["energy"], 2010, 1990, "all", "reversed"),
        ([], 1990, 2010, "all", "at least one"),
        (["energy"], -5, 2010, "all", "at least"),
        (["energy"], 1990, None, "all", "required"),
    ]
    for features, lo, hi, explicit, message in bad_inputs:
        _, status = _call(gradio_client, "/trends", features, lo, hi, explicit)
        assert status.startswith("Note:") and message in status
    # A value outside a radio's choices cannot come from the page; over the API, Gradio
    # itself refuses it with a clear message before our code runs.
    with pytest.raises(AppError, match="not in the list of choices"):
        _call(gradio_client, "/trends", ["energy"], 1990, 2010, "sometimes")


def test_decade_profile(gradio_client):
    fig, status = _call(gradio_client, "/decade_profile", "tempo")
    assert _ok(status) and "box" in fig["plot"]


def test_artist_search_and_profile(gradio_client):
    top, top_csv, _ = _call(gradio_client, "/top_artists", 1000, 2100, 5)
    assert top["headers"] == ["Artist", "Tracks"]  # words, no ids
    name = top["data"][0][0]
    assert pd.read_csv(top_csv)["Artist"].tolist() == [row[0] for row in top["data"]]
    pick, table, csv, status = _call(gradio_client, "/artist_search", name[:4].lower())
    assert _ok(status) and name in [row[0] for row in table["data"]]
    assert table["headers"] == ["Artist", "Years", "Tracks", "Albums"]
    assert re.search(r"Showing \d+ of [\d,]+ matching artists", status)
    label, artist_id = pick["choices"][0]
    assert pick["value"] == artist_id and " track" in label  # chosen by id, told apart
    assert len(pd.read_csv(csv)) >= len(table["data"])
    for choice in (name.upper(), artist_id):  # a typed name, or an id from a list or click
        summary, timeline, compare, tracks, csv, status = _call(
            gradio_client, "/artist_profile", choice
        )
        assert name in summary and _ok(status) and tracks["data"]
        assert "Showing" in status and "tracks per" in timeline["plot"]
        assert "all tracks" in compare["plot"] and "(0\u20131)" in str(tracks["headers"])
        shown = pd.read_csv(csv)
        assert len(shown) >= len(tracks["data"]) and "id" not in shown.columns
        artists = [row[tracks["headers"].index("Artists")] for row in tracks["data"]]
        assert all("[" not in a and "'" not in a[:1] for a in artists)  # joined with ", "


def test_artists_who_share_a_name_are_both_reachable(gradio_client):
    pick, table, _, status = _call(gradio_client, "/artist_search", NAMESAKE.lower())
    ids = [value for _, value in pick["choices"]]
    assert sorted(ids) == sorted(NAMESAKE_IDS) and len(table["data"]) == 2
    labels = [label for label, _ in pick["choices"]]
    assert len(set(labels)) == 2  # told apart: tracks and years
    seen = []
    for artist_id in NAMESAKE_IDS:
        summary, _, _, tracks, _, _ = _call(gradio_client, "/artist_profile", artist_id)
        seen.append(len(tracks["data"]))
        assert "1 other artist shares this name" in summary
    assert sorted(seen) == [1, 2]


def test_no_match_says_so(gradio_client):
    pick, table, csv, status = _call(gradio_client, "/artist_search", "zzqqxxnone")
    assert status.startswith("No artist name contains") and not table["data"] and csv is None
    table, csv, status = _call(gradio_client, "/tracks", "1990s", "all", "zzqqxxnone", 20)
    assert status.startswith("No track matches") and not table["data"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 5000, "'; DROP TABLE artist_stats; --", "%", "_", "\"'", "ü🎵"],
)
def test_artist_endpoints_with_bad_or_hostile_text(gradio_client, text):
    _, table, _csv, status = _call(gradio_client, "/artist_search", text)
    assert "Traceback" not in status
    summary, _, _, _, _csv, status2 = _call(gradio_client, "/artist_profile", text)
    assert "Traceback" not in summary + status2
    # Nothing was dropped: the overview still answers.
    assert _ok(_call(gradio_client, "/overview")[-1])


def test_explore_endpoints(gradio_client):
    fig, status = _call(gradio_client, "/density", "tempo", "energy", "2000s")
    assert _ok(status) and "heatmap" in fig["plot"]
    _, status = _call(gradio_client, "/density", "tempo", "tempo", "All")
    assert "two different features" in status
    fig, status = _call(gradio_client, "/correlations", "1990s")
    assert _ok(status) and "heatmap" in fig["plot"]
    fig, status = _call(gradio_client, "/key_mode", "All")
    assert _ok(status) and "major" in fig["plot"]
    table, csv, status = _call(gradio_client, "/tracks", "All", "all", "the", 25)
    assert _ok(status) and 0 < len(table["data"]) <= 25
    assert re.search(r"Showing \d+ of (at least )?[\d,]+ tracks \(all decades", status)
    full = pd.read_csv(csv)
    assert len(full) >= len(table["data"]) and full["Title"].str.lower().str.contains("the").all()
    table, _, _ = _call(gradio_client, "/tracks", "2000s", "all", "", 1000)
    assert {row[table["headers"].index("Year")] // 10 * 10 for row in table["data"]} == {2000}
    table, _, status = _call(gradio_client, "/tracks", "All", "all", "' OR 1=1 --", -3)
    assert status.startswith("Note:") and "at least 1" in status


def test_fractions_are_refused_not_rounded(gradio_client):
    """1.5 where a whole number belongs reaches the catalogue's check (Gradio used to round
    it to 2 first); a whole number sent as 20.0 is still accepted."""
    _, _, status = _call(gradio_client, "/tracks", "All", "all", "the", 2.5)
    assert status.startswith("Note:") and "whole number" in status and "2.5" in status
    _, status = _call(gradio_client, "/trends", ["energy"], 1990.5, 2010, "all")
    assert status.startswith("Note:") and "whole number" in status
    table, _, status = _call(gradio_client, "/tracks", "All", "all", "the", 20.0)
    assert _ok(status) and 0 < len(table["data"]) <= 20


def test_report_endpoints(gradio_client, dashboard):
    funnel, reasons, examples, checks = _call(gradio_client, "/data_quality")
    assert "Rows per layer" in funnel["plot"] and "OK" in checks and "FAILED" not in checks
    assert "kept: possible duplicate" in str(examples["data"])  # the generator's re-releases
    serving, storage, etl, env, scale, note = _call(gradio_client, "/benchmarks")
    assert "Spark direct" in serving["plot"] and "Bytes on disk" in storage["plot"]
    assert "Hand-written fixture CPU" in str(env["data"]) and "latency.html" in note
    with urllib.request.urlopen(dashboard + "/reports/latency.html") as resp:
        assert b"latency report" in resp.read()


def test_missing_gold_and_reports_say_what_to_run(tmp_path):
    proc, url = start_dashboard(tmp_path / "nodata", tmp_path / "noreports")
    try:
        from gradio_client import Client

        client = Client(url, verbose=False)
        cards, _, _, status = client.predict(api_name="/overview")
        assert "make all" in status
        assert "make all" in client.predict(api_name="/data_quality")[-1]
        assert "make all" in client.predict(api_name="/benchmarks")[-1]
        with urllib.request.urlopen(url + "/") as resp:  # the page itself loads
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_server_binds_loopback_only(dashboard):
    import socket

    port = int(dashboard.rsplit(":", 1)[1])
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    for address in addresses - {"127.0.0.1", "::1"}:
        with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as s:
            s.settimeout(1)
            assert s.connect_ex((address, port)) != 0, f"reachable on {address}"
    start = time.perf_counter()
    with urllib.request.urlopen(dashboard + "/gradio_api/info") as resp:
        assert resp.status == 200
    assert time.perf_counter() - start < 30
