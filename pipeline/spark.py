"""The one factory for Spark sessions: local mode by default, any master or Connect URL.

``local[*]`` (the default) runs embedded; ``spark://host:7077`` attaches to a standalone
cluster; ``sc://host:15002`` (or ``SPARK_REMOTE``) uses Spark Connect. The layers only use
DataFrame APIs, so the same code runs on all three.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from pyspark.sql import DataFrame, Observation, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from pipeline import publish
from pipeline.failures import spark_log
from pipeline.schema import RAW_FIELDS, Field, engine_type
from pipeline.settings import Settings, local_cores

LOG4J_CONF = Path(__file__).with_name("log4j2.properties")
# HotSpot's JIT defaults suit long-running servers; a layer is a short, cold batch. On 2
# cores, the JIT compiler threads used 14-16 s of CPU during bronze + silver (mostly C2,
# the optimising compiler, on deep inlining trees of Spark's generated code), beside the
# tasks. Smaller inlining budgets, and C2 only for methods 3x hotter than the default, cut
# that to 7-9 s: bench-etl's bronze + silver went 27.2 s -> 23.3 s (1.2M rows, alternating
# cold runs); the tasks' own CPU did not grow. Methods left to C1 are still compiled, only
# less aggressively. All are product flags of JDK 17+. Only the layers' sessions use them
# (Settings.for_spark_steps): in the bench's long-lived session they made Spark hot
# `correlations` 2.1x slower (16.6 s -> 7.9 s median without them, 1.2M rows, same machine,
# back to back; top_artists 6.6 -> 5.6 s, artist_search 5.0 -> 4.9 s).
BATCH_JIT_OPTIONS = (
    "-XX:FreqInlineSize=150",  # default 325 bytecode bytes
    "-XX:InlineSmallCode=1000",  # default 2500 bytes of machine code
    "-XX:MaxInlineLevel=6",  # default 15
    "-XX:Tier4InvocationThreshold=15000",  # defaults 5000, 600, 15000, 40000
    "-XX:Tier4MinInvocationThreshold=1800",
    "-XX:Tier4CompileThreshold=45000",
    "-XX:Tier4BackEdgeThreshold=120000",
)
# G1 grows the heap whenever collection takes over 1/(1+12) of the time (its default
# GCTimeRatio). A long batch does that again and again, so the driver's memory crept toward
# SPARK_DRIVER_MEMORY with the run's length, not its needs: bronze at 60M rows peaked at
# 3.3-3.8 GiB, against 2.0 GiB at 12M. Allowing 1/(1+4) keeps the heap near what the step
# needs (bronze on 4.8M rows: peak 1.26 GiB against 1.70 GiB, 78 s against 73 s, both
# beside another job). SPARK_DRIVER_MEMORY stays the cap.
DRIVER_GC_OPTIONS = ("-XX:GCTimeRatio=4",)

_SPARK_TYPES = {
    "string": T.StringType(),
    "int": T.IntegerType(),
    "bigint": T.LongType(),
    "double": T.DoubleType(),
    "boolean": T.BooleanType(),
    "date": T.DateType(),
}


def spark_type(kind: str) -> T.DataType:
    """The Spark type of a :mod:`pipeline.schema` type name."""
    return engine_type(kind, _SPARK_TYPES, T.ArrayType)


def spark_schema(fields: tuple[Field, ...]) -> T.StructType:
    """A Spark ``StructType`` of neutral fields, in their order."""
    return T.StructType([T.StructField(f.name, spark_type(f.type), f.nullable) for f in fields])


RAW_SCHEMA = spark_schema(RAW_FIELDS)  # how Spark reads the CSV


def is_connect(settings: Settings) -> bool:
    """True when the session goes through Spark Connect."""
    return bool(settings.spark_remote) or settings.spark_master.startswith("sc://")


def spark_conf(settings: Settings) -> dict[str, str]:
    """The Spark conf we set: recorded verbatim in every manifest."""
    # Over Spark Connect the client's SPARK_MASTER says nothing about the server's cores.
    cores = None if is_connect(settings) else local_cores(settings.spark_master)
    conf = {
        "spark.app.name": "spotify-medallion",
        "spark.sql.shuffle.partitions": str(cores or 64),
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.adaptive.coalescePartitions.enabled": "true",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.compression.codec": "zstd",
        # Whole-stage code for silver's ~40 checks outgrows 8,000 bytecode bytes, which
        # HotSpot never JIT-compiles, so it ran interpreted (2x slower). At this limit Spark
        # splits such stages instead; measured: silver 29 s -> 21 s at 1.2M rows.
        "spark.sql.codegen.hugeMethodLimit": "8000",
        "spark.sql.sources.partitionOverwriteMode": "static",
        # Above 32 paths Spark lists partition folders with a job of one task per folder;
        # silver's ~100 year folders are listed faster by the driver (0.3-0.5 s a read).
        "spark.sql.sources.parallelPartitionDiscovery.threshold": "1024",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.log.level": "ERROR",
    }
    if not is_connect(settings):
        conf["spark.master"] = settings.spark_master
        conf["spark.driver.memory"] = settings.driver_memory()
        jit = " ".join(BATCH_JIT_OPTIONS) if settings.spark_batch_jit else ""
        log = spark_log(settings.data_dir)
        gc = " ".join(DRIVER_GC_OPTIONS)
        conf["spark.driver.extraJavaOptions"] = (
            f"-Dlog4j2.configurationFile={LOG4J_CONF.as_uri()} -Dmedallion.spark.log={log} "
            f"{jit} {gc}"
        )
        if jit:  # a cluster's executors are batch JVMs too
            conf["spark.executor.extraJavaOptions"] = jit
        if cores:  # local mode: shuffle and spill files under DATA_DIR, removed after the run
            conf["spark.local.dir"] = str(spark_scratch(settings))
        conf["spark.driver.host"] = "127.0.0.1" if cores else conf.get("spark.driver.host", "")
        if not conf["spark.driver.host"]:
            del conf["spark.driver.host"]
    conf.update(settings.spark_conf)
    return conf


def no_dictionary(*columns: str) -> dict[str, str]:
    """Parquet writer options that turn dictionary encoding off for these columns.

    Spark hands write options to parquet-mr, which reads ``parquet.enable.dictionary#<col>``;
    this works the same over a cluster and Spark Connect.
    """
    return {f"parquet.enable.dictionary#{name}": "false" for name in columns}


def write_counted(df: DataFrame, path: Path, **options: str) -> int:
    """Write ``df`` as Parquet at ``path`` and return the number of rows written."""
    observation = Observation(f"{path.name}_rows")
    df.observe(observation, F.count(F.lit(1)).alias("rows")).write.options(**options).parquet(
        str(path)
    )
    return observation.get["rows"]


@contextlib.contextmanager
def conf_override(spark: SparkSession, conf: dict[str, str]) -> Iterator[None]:
    """Set runtime SQL conf for the block, then restore what the session had."""
    before = {key: spark.conf.get(key, None) for key in conf}
    for key, value in conf.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)


def _apply_environment() -> None:
    """Quiet, loopback-only defaults for the JVM that pyspark launches."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    if "SPARK_REMOTE" in os.environ and not os.environ["SPARK_REMOTE"].strip():
        # Empty means unset (as in Settings); pyspark would refuse any master beside it.
        del os.environ["SPARK_REMOTE"]
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    # Python workers (local mode, or executors on this host) run this interpreter, not
    # whatever `python3` is first on PATH. Set PYSPARK_PYTHON for other hosts' layout.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def session_conf(settings: Settings) -> dict[str, str]:
    """The conf actually sent when the session is built.

    A Spark Connect client cannot set driver-side conf (``spark.driver.memory``, ``spark.ui.*``
    ...): the server was started with its own. Only runtime SQL conf (``spark.sql.*``) goes
    over the wire; everything else in :func:`spark_conf` is dropped.
    """
    conf = spark_conf(settings)
    if is_connect(settings):
        conf = {k: v for k, v in conf.items() if k.startswith("spark.sql.")}
    return conf


def spark_scratch(settings: Settings) -> Path:
    """``DATA_DIR/.spill/spark-<pid>``: this process's Spark scratch space (local mode)."""
    return settings.spill_dir.absolute() / f"spark-{os.getpid()}"


def _own_scratch(settings: Settings) -> None:
    """Remove the scratch folders of dead processes now, and this one's at exit."""
    publish.remove_dead_scratch(settings.spill_dir, "spark")
    atexit.register(shutil.rmtree, spark_scratch(settings), ignore_errors=True)


def get_spark(settings: Settings) -> SparkSession:
    """Build (or reuse) the session described by ``settings``."""
    _apply_environment()
    if not is_connect(settings) and local_cores(settings.spark_master):
        _own_scratch(settings)
    if is_connect(settings):
        builder = SparkSession.builder.remote(settings.spark_remote or settings.spark_master)
    else:
        builder = SparkSession.builder
    for key, value in session_conf(settings).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def timed_spark(settings: Settings) -> tuple[SparkSession, float]:
    """The session and the seconds it took to start."""
    start = time.perf_counter()
    spark = get_spark(settings)
    return spark, time.perf_counter() - start


def executor_count(spark: SparkSession, settings: Settings) -> int | None:
    """Executors the session runs on: 1 in local mode (the driver is the executor).

    Classic cluster sessions ask the driver's block managers (minus the driver's own).
    Spark Connect gives a client no SparkContext: there it is 1 when the server runs a
    ``local[...]`` master and None (unknown) when the server runs on a cluster.
    """
    if is_connect(settings):
        return 1 if local_cores(_server_master(spark) or "") is not None else None
    if local_cores(settings.spark_master) is not None:
        return 1
    try:
        status = spark.sparkContext._jsc.sc().getExecutorMemoryStatus()
        return max(int(status.size()) - 1, 0)
    except Exception:  # a JVM-side surprise must not fail a build that already succeeded
        return None


def engine_cores(spark: SparkSession, settings: Settings) -> int | None:
    """Task slots the session computes with, or None when the client cannot tell.

    ``local[N]``: N. A classic cluster session: Spark's default parallelism (its executors'
    cores). Spark Connect: N when the server runs ``local[N]``, else None.
    """
    if is_connect(settings):
        return local_cores(_server_master(spark) or "")
    cores = local_cores(settings.spark_master)
    if cores is not None:
        return cores
    try:
        return int(spark.sparkContext.defaultParallelism)
    except Exception:  # a JVM-side surprise only costs the split tuning
        return None


def spark_info(spark: SparkSession, settings: Settings) -> dict[str, object]:
    """Version, master, executors and conf of a session: a manifest's part about the engine.

    ``spark_conf`` is the conf this client sent (:func:`session_conf`); over Spark Connect
    that is the ``spark.sql.*`` subset, and ``spark_connect`` says the server owns the rest.
    """
    info: dict[str, object] = {
        "spark_version": spark.version,
        "spark_master": settings.spark_remote or settings.spark_master,
        "executors": executor_count(spark, settings),
        "spark_conf": session_conf(settings),
    }
    if is_connect(settings):
        info["spark_connect"] = {
            "server_master": _server_master(spark),
            "note": "executors and driver conf belong to the Connect server (set when it "
            "was started); a client cannot list executors of a cluster-backed server",
        }
    return info


def _server_master(spark: SparkSession) -> str | None:
    """The master a Spark Connect server runs on (it answers ``spark.master`` reads)."""
    try:
        return spark.conf.get("spark.master", None)
    except Exception:  # an older or locked-down server may refuse; it is only informative
        return None
