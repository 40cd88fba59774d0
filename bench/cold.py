"""Spark cold start for one catalogue query, in a fresh process.

Prints one JSON line: the seconds to start the session, to register the silver views, and
to run the first query (materialised to pandas, like every other variant).
The full result is pickled to RESULT_FILE so the caller can compare it with gold's answer.
Usage: ``python -m bench.cold QUERY '{"param": value}' RESULT_FILE``.
"""

from __future__ import annotations

import json
import sys
import time

from bench.conftest import bench_settings
from pipeline.compare import checksum
from pipeline.direct import register_silver_views, run_spark
from pipeline.spark import get_spark


def main(argv: list[str]) -> None:
    name, params, result_file = argv[0], json.loads(argv[1]), argv[2]
    settings = bench_settings()
    t0 = time.perf_counter()
    spark = get_spark(settings)
    t1 = time.perf_counter()
    register_silver_views(spark, settings)
    t2 = time.perf_counter()
    frame = run_spark(spark, name, **params)
    t3 = time.perf_counter()
    out = {
        "session_start_s": t1 - t0,
        "views_s": t2 - t1,
        "first_query_s": t3 - t2,
        "rows": len(frame),
        "checksum": checksum(frame),
    }
    frame.to_pickle(result_file)
    print("COLD " + json.dumps(out), flush=True)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
