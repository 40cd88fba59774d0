"""Every dashboard endpoint through gradio_client against a real running app."""

from __future__ import annotations

import time
import urllib.request

import pytest
from gradio_client.exceptions import AppError

from dashboard.launcher import start_dashboard


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
    from pipeline import insights

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
    top, _ = _call(gradio_client, "/top_artists", 1000, 2100, 5)
    name = top["data"][0][1]
    choices, table, status = _call(gradio_client, "/artist_search", name[:4].lower())
    assert _ok(status) and name in [row[0] for row in table["data"]]
    summary, timeline, compare, tracks, status = _call(
        gradio_client, "/artist_profile", name.upper()
    )
    assert name in summary and _ok(status) and tracks["data"]
    assert "Tracks per year" in timeline["plot"] and "all tracks" in compare["plot"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 5000, "'; DROP TABLE artist_stats; --", "%", "_", "\"'", "ü🎵"],
)
def test_artist_endpoints_with_bad_or_hostile_text(gradio_client, text):
    _, table, status = _call(gradio_client, "/artist_search", text)
    assert "Traceback" not in status
    summary, *_rest, status2 = _call(gradio_client, "/artist_profile", text)
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
    table, status = _call(gradio_client, "/tracks", 1950, 2020, "all", "the", 25)
    assert _ok(status) and 0 < len(table["data"]) <= 25
    table, status = _call(gradio_client, "/tracks", 1950, 2020, "all", "' OR 1=1 --", -3)
    assert status.startswith("Note:") and "at least 1" in status


def test_fractions_are_refused_not_rounded(gradio_client):
    """1.5 where a whole number belongs reaches the catalogue's check (Gradio used to round
    it to 2 first); a whole number sent as 20.0 is still accepted."""
    _, status = _call(gradio_client, "/tracks", 1950, 2020, "all", "the", 2.5)
    assert status.startswith("Note:") and "whole number" in status and "2.5" in status
    _, status = _call(gradio_client, "/trends", ["energy"], 1990.5, 2010, "all")
    assert status.startswith("Note:") and "whole number" in status
    table, status = _call(gradio_client, "/tracks", 1950.0, 2020, "all", "the", 20.0)
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
