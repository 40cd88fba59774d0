"""20 concurrent API clients for 30 s, with a gold rebuild in the middle: zero errors."""

from __future__ import annotations

import statistics
import threading
import time

from pipeline.layers.gold import build_gold

CLIENTS = 20
SECONDS = 30


def test_concurrent_clients_survive_a_gold_rebuild(dashboard, gold_layers):
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    stop = threading.Event()
    calls = [
        ("/trends", (["energy", "loudness"], 1960, 2020, "all")),
        ("/top_artists", (1990, 2020, 10)),
        ("/key_mode", ("1990s",)),
        ("/overview", ()),
    ]

    def worker(i: int) -> None:
        client = Client(dashboard, verbose=False)
        n = i
        while not stop.is_set():
            api, args = calls[n % len(calls)]
            n += 1
            start = time.perf_counter()
            try:
                status = client.predict(*args, api_name=api)[-1]
                if "Served from gold" not in status:
                    errors.append(f"{api}: {status}")
            except Exception as exc:  # noqa: BLE001 - every failure counts
                errors.append(f"{api}: {type(exc).__name__}: {exc}")
            latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    time.sleep(SECONDS / 2)
    rebuild = build_gold(gold_layers, verbose=False)  # publish a new gold under load
    time.sleep(SECONDS / 2)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert rebuild.table_rows["tracks_serving"] > 0
    assert errors == []
    assert len(latencies) > CLIENTS * 5
    q = statistics.quantiles(latencies, n=100)
    print(f"\n{len(latencies)} requests, p50 {q[49] * 1e3:.0f} ms, p95 {q[94] * 1e3:.0f} ms")
