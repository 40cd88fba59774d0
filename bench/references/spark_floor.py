"""Spark's floor for the two layers: the same reads and writes with none of the logic.

Run in a fresh process (a cold JVM, like the layers in ``make bench-etl``), with the same
session factory, bronze's CSV options (less the corrupt-record column) and split size, and
silver's repartitioning by year (:func:`pipeline.layers.silver.year_partition_key`):

* bronze floor: the CSV read under the strict schema and written as Parquet (bronze's
  codec); no corrupt-record column, quarantine, ingest order, counts or manifest;
* silver floor: that Parquet read and written as year-partitioned Parquet (silver's codec),
  one writer task per core; no parsing, rules, rejects, track_artists or manifest.

What the layers take beyond these is the price of their contracts. Prints one JSON line.
Usage: ``python -m bench.references.spark_floor CSV SCRATCH_DIR``.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from bench.conftest import bench_settings
from pipeline.layers.bronze import BRONZE_CODEC, READ_OPTIONS, split_conf
from pipeline.layers.silver import year_partition_key
from pipeline.spark import RAW_SCHEMA, conf_override, engine_cores, timed_spark


def main(argv: list[str]) -> None:
    source, scratch = Path(argv[0]).absolute(), Path(argv[1]).absolute()
    shutil.rmtree(scratch, ignore_errors=True)
    settings = bench_settings()
    spark, start_s = timed_spark(settings)
    cores = engine_cores(spark, settings)
    t0 = time.perf_counter()
    with conf_override(spark, split_conf(source.stat().st_size, cores)):
        csv = spark.read.options(**READ_OPTIONS).schema(RAW_SCHEMA)
        csv.csv(str(source)).write.parquet(str(scratch / "bronze"), compression=BRONZE_CODEC)
    t1 = time.perf_counter()
    bronze, writers = spark.read.parquet(str(scratch / "bronze")), cores or 8
    bronze = bronze.repartition(writers, year_partition_key(bronze, writers))
    bronze.write.partitionBy("year").parquet(str(scratch / "silver"))
    t2 = time.perf_counter()
    spark.stop()
    shutil.rmtree(scratch, ignore_errors=True)
    floor = {"spark_start_s": start_s, "bronze_floor_s": t1 - t0, "silver_floor_s": t2 - t1}
    print(json.dumps(floor))


if __name__ == "__main__":
    main(sys.argv[1:])
