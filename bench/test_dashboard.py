"""Dashboard round trip: one interaction through the real server, client to client.

Inside the timer: ``gradio_client.predict`` for an endpoint (HTTP, queue, the view, its
gold queries, the Plotly JSON, the response). Outside: starting the server and client.
Target (issue 5): p95 ≤ 150 ms at 1.2M rows; reported, not asserted.
"""

from __future__ import annotations

import pytest

from bench import policy
from bench.conftest import common_info
from pipeline.settings import go_offline

ROUND_TRIPS = [
    ("/trends", (["energy", "loudness"], 1960, 2020, "all")),
    ("/top_artists", (1990, 2020, 20)),
    ("/correlations", ("2000s",)),
    ("/tracks", ("2010s", "all", "love", 50)),
]


@pytest.fixture(scope="module")
def client(settings):
    from gradio_client import Client

    from dashboard.launcher import start_dashboard

    go_offline()
    proc, url = start_dashboard(settings.data_dir, settings.reports_dir)
    yield Client(url, verbose=False)
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.parametrize(("api", "args"), ROUND_TRIPS, ids=[a for a, _ in ROUND_TRIPS])
def test_dashboard_round_trip(benchmark, client, api, args, env, settings):
    """See the module docstring for what is inside the timer."""
    benchmark.group = "dashboard"
    benchmark.extra_info.update(engine="duckdb", variant="dashboard", format="http", query=api,
                                **common_info(env, settings))  # fmt: skip
    status = policy.pedantic(benchmark, lambda: client.predict(*args, api_name=api)[-1],
                             policy.GOLD_ROUNDS, policy.GOLD_WARMUP)  # fmt: skip
    assert "Served from gold" in status
