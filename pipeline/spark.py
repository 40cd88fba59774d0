"""The one factory for Spark sessions: local mode by default, any master or Connect URL.

``local[*]`` (the default) runs embedded; ``spark://host:7077`` attaches to a standalone
cluster; ``sc://host:15002`` (or ``SPARK_REMOTE``) uses Spark Connect. The layers only use
DataFrame APIs, so the same code runs on all three.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from pyspark.sql import SparkSession

from pipeline.settings import Settings

LOG4J_CONF = Path(__file__).with_name("log4j2.properties")


def local_cores(master: str) -> int | None:
    """Cores a ``local[...]`` master uses, or None for a cluster master."""
    match = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\d+)?\])?", master)
    if not match:
        return None
    n = match.group(1)
    return os.cpu_count() or 1 if n in (None, "*") else int(n)


def is_connect(settings: Settings) -> bool:
    """True when the session goes through Spark Connect."""
    return bool(settings.spark_remote) or settings.spark_master.startswith("sc://")


def spark_conf(settings: Settings) -> dict[str, str]:
    """The Spark conf we set: recorded verbatim in every manifest."""
    cores = local_cores(settings.spark_master)
    conf = {
        "spark.app.name": "spotify-medallion",
        "spark.sql.shuffle.partitions": str(cores or 64),
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.adaptive.coalescePartitions.enabled": "true",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.compression.codec": "zstd",
        "spark.sql.sources.partitionOverwriteMode": "static",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.log.level": "ERROR",
    }
    if not is_connect(settings):
        conf["spark.master"] = settings.spark_master
        conf["spark.driver.memory"] = settings.spark_driver_memory
        conf["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={LOG4J_CONF.as_uri()}"
        conf["spark.driver.host"] = "127.0.0.1" if cores else conf.get("spark.driver.host", "")
        if not conf["spark.driver.host"]:
            del conf["spark.driver.host"]
    conf.update(settings.spark_conf)
    return conf


def _apply_environment() -> None:
    """Quiet, loopback-only defaults for the JVM that pyspark launches."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")


def get_spark(settings: Settings) -> SparkSession:
    """Build (or reuse) the session described by ``settings``."""
    _apply_environment()
    conf = spark_conf(settings)
    if is_connect(settings):
        remote = settings.spark_remote or settings.spark_master
        builder = SparkSession.builder.remote(remote)
        conf = {k: v for k, v in conf.items() if k.startswith("spark.sql.")}
    else:
        builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def timed_spark(settings: Settings) -> tuple[SparkSession, float]:
    """The session and the seconds it took to start."""
    start = time.perf_counter()
    spark = get_spark(settings)
    return spark, time.perf_counter() - start


def spark_info(spark: SparkSession, settings: Settings) -> dict[str, object]:
    """Version, master and conf of a session: the part of a manifest about the engine."""
    return {
        "spark_version": spark.version,
        "spark_master": settings.spark_remote or settings.spark_master,
        "spark_conf": spark_conf(settings),
    }
