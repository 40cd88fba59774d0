"""The dashboard under measurement: start the real server on DATA_DIR's gold, answer the
benchmark's round trips, and record the server's peak memory and each call's latency.

``python -m bench.dashboard_probe OUT.json`` (used by :mod:`bench.scale`). The peak is the
server's process tree alone, sampled every 0.1 s; the client is not counted. The first
call of each endpoint is reported apart (``first_s``): it opens the server's connection.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from bench.policy import percentile
from bench.rss import PeakSampler
from bench.test_dashboard import ROUND_TRIPS
from pipeline.settings import Settings, go_offline

CALLS = 20


def probe(settings: Settings, calls: int = CALLS) -> dict:
    go_offline()
    from gradio_client import Client

    from dashboard.launcher import start_dashboard

    proc, url = start_dashboard(settings.data_dir, settings.reports_dir)
    try:
        with PeakSampler(proc.pid, 0.1) as sampler:
            endpoints = _round_trips(Client(url, verbose=False), calls)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"peak_rss_bytes": sampler.peak, "calls": calls, "endpoints": endpoints}


def _round_trips(client, calls: int) -> dict[str, dict[str, float]]:
    """Per endpoint: the first call's seconds, then the median and p95 of ``calls`` more."""
    endpoints = {}
    for api, args in ROUND_TRIPS:
        times = []
        for _ in range(calls + 1):
            t0 = time.perf_counter()
            client.predict(*args, api_name=api)
            times.append(time.perf_counter() - t0)
        rest = times[1:]
        endpoints[api] = {"first_s": times[0], "median_s": statistics.median(rest),
                          "p95_s": percentile(rest, 0.95)}  # fmt: skip
    return endpoints


def main(argv: list[str] | None = None) -> int:
    out = Path((argv or sys.argv[1:])[0])
    result = probe(Settings())
    out.write_text(json.dumps(result, indent=2))
    worst = max(e["p95_s"] for e in result["endpoints"].values())
    peak = result["peak_rss_bytes"] / 2**20
    print(f"[dashboard] peak {peak:.0f} MiB, worst p95 {worst * 1e3:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
