"""Silver (Spark): cleaned, validated and enriched tracks, partitioned by year.

Contract (``rows_in == rows_out + rows_rejected``; rows_in = bronze rows)
* ``artists`` / ``artist_ids`` become ``array<string>`` (see :mod:`pipeline.layers.parsing`).
* ``release_date`` becomes a date plus ``release_precision`` (day / month / year).
* Rejected rows go to ``silver/_rejects/`` with all bronze columns and ``reject_reason``;
  each row gets the first failing rule of :func:`reject_rules`, in order.
* Year 0 (``0000``) is rejected. **Year-1900 placeholders** (``1900-01-01``, a known bad
  date in the real file) are **rejected** too, as ``placeholder_date_1900``: their true
  year is unknown, and keeping them would plant a fake point in every year chart.
* A duplicate ``id`` keeps the first row in file order (bronze ``_ingest_order``).
* Derived: ``duration_min``, ``decade``, ``is_party_song``, ``mood``, ``artist_count``,
  ``primary_artist``, ``release_precision``.
* Outputs: ``silver/tracks/year=YYYY/`` (zstd Parquet, about one file per year) and
  ``silver/track_artists/`` (one row per track_id, position, artist_id, artist_name).
"""

from __future__ import annotations

import functools
import operator
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pyspark.sql import Column, DataFrame, Observation, SparkSession
from pyspark.sql import functions as F

from pipeline import publish
from pipeline.layers.bronze_contract import ORDER
from pipeline.layers.parsing import spark_artist_list, spark_release_date, spark_release_precision
from pipeline.layers.silver_contract import (
    DUPLICATE,
    MOOD_THRESHOLD,
    PARTY_THRESHOLD,
    REJECT,
    REJECT_RULES,
    TRACK_COLUMNS,
    Rule,
)
from pipeline.manifest import (
    LayerResult,
    dir_bytes,
    read_manifest,
    result_payload,
    utc_now,
    write_manifest,
)
from pipeline.schema import RAW_COLUMNS
from pipeline.settings import Settings
from pipeline.spark import engine_cores, no_dictionary, spark_info, write_counted
from pipeline.timing import Steps

INLINE_KEYS = 5_000  # up to this many keys, rows are found by a literal IN list

# Near-unique columns overflow parquet's dictionaries, which then fall back to plain
# encoding after doing the work: off for these columns, the tracks write is about 20%
# faster at 1.2M rows, and the files slightly smaller.
TRACK_WRITE_OPTIONS = no_dictionary(
    "id", "name", "album", "album_id", "tempo", "duration_ms", "duration_min"
)
# Row groups of about 8 MB (parquet-mr's default is 128 MB, one group for the whole table):
# DuckDB reads a Parquet file one row group per thread, so gold loads it on every core.
ARTIST_WRITE_OPTIONS = {**no_dictionary("track_id"), "parquet.block.size": str(8 << 20)}


# Each op of the contract's rules as a Spark condition: (column, value, resolve a column name).
_SPARK_OPS = {
    "not_matching": lambda x, v, ref: ~x.rlike(v),
    "is_true": lambda x, v, ref: x,
    "is_null": lambda x, v, ref: x.isNull(),
    "empty": lambda x, v, ref: F.size(x) == 0,
    "length_differs": lambda x, v, ref: F.size(x) != F.size(ref(v)),
    "equals": lambda x, v, ref: x == v,
    "year_differs": lambda x, v, ref: F.year(x) != ref(v),
    "not_finite": lambda x, v, ref: F.isnan(x),
    "outside": lambda x, v, ref: ~x.between(*v),
    "not_in": lambda x, v, ref: ~x.isin(*v),
    "below": lambda x, v, ref: x < v,
    "at_most": lambda x, v, ref: x <= v,
    "not_whole": lambda x, v, ref: x != F.floor(x),
}


def reject_rules(c: dict[str, Column]) -> list[tuple[str, Column]]:
    """(reason, condition-that-rejects) of :data:`REJECT_RULES`, in order; ``c`` holds the
    parsed columns and the duplicate flag (``is_duplicate``)."""

    def ref(name: str) -> Column:
        if name == DUPLICATE:
            return c["is_duplicate"]
        return c[name.removeprefix("parsed.")] if name.startswith("parsed.") else F.col(name)

    def condition(rule: Rule) -> Column:
        tests = [_SPARK_OPS[t.op](ref(t.column), t.value, ref) for t in rule.tests]
        return functools.reduce(operator.or_, tests)

    return [(rule.reason, condition(rule)) for rule in REJECT_RULES]


def duplicate_ids(bronze: DataFrame) -> list[tuple[str, int]]:
    """(id, first ingest order) of every id that occurs more than once; usually empty.

    Grouping 64-bit hashes of the ids is several times faster than grouping the strings.
    Only rows whose hash occurs more than once are then grouped by the id itself, so a hash
    collision of two different ids costs that second, tiny query and nothing else.
    """
    key = F.xxhash64("id")
    repeated = bronze.groupBy(key.alias("_h")).count().filter("count > 1").select("_h")
    hashes = [row[0] for row in repeated.collect()]
    if not hashes:
        return []
    candidates = _rows_matching(bronze, key, hashes, "bigint")
    rows = (
        candidates.groupBy("id")
        .agg(F.count(F.lit(1)).alias("_n"), F.min(ORDER).alias("_first"))
        .filter("_n > 1")
        .collect()
    )
    return [(row["id"], row["_first"]) for row in rows]


def _rows_matching(df: DataFrame, key: Column, values: list, sql_type: str) -> DataFrame:
    """Rows of ``df`` whose ``key`` is one of ``values``.

    A short list is a literal ``IN`` filter (which Parquet statistics can prune); a long one
    is a broadcast semi-join.
    """
    if len(values) <= INLINE_KEYS:
        return df.filter(key.isin(values))
    keys = df.sparkSession.createDataFrame([(v,) for v in values], f"_key {sql_type}")
    return df.join(F.broadcast(keys), key == F.col("_key"), "left_semi")


def classify(bronze: DataFrame, duplicates: list[tuple[str, int]]) -> DataFrame:
    """Bronze rows with parsed columns and ``reject_reason`` (null for rows that pass).

    ``duplicates`` comes from :func:`duplicate_ids`; when it is empty (the real file) no
    join is planned at all.
    """
    if duplicates:
        firsts = bronze.sparkSession.createDataFrame(duplicates, "id string, _first bigint")
        bronze = bronze.join(F.broadcast(firsts), "id", "left")
        is_duplicate = F.col("_first").isNotNull() & (F.col(ORDER) != F.col("_first"))
    else:
        is_duplicate = F.lit(False)
    staged = bronze.select(
        *RAW_COLUMNS,
        ORDER,
        spark_artist_list(F.col("artists")).alias("_artists"),
        spark_artist_list(F.col("artist_ids")).alias("_artist_ids"),
        spark_release_date(F.col("release_date")).alias("_date"),
        is_duplicate.alias("_is_duplicate"),
    )
    cols = {
        "artists": F.col("_artists"),
        "artist_ids": F.col("_artist_ids"),
        "release_date": F.col("_date"),
        "is_duplicate": F.col("_is_duplicate"),
    }
    reason = F.coalesce(*[F.when(cond, F.lit(name)) for name, cond in reject_rules(cols)])
    return staged.withColumn(REJECT, reason)


def enrich(ok: DataFrame) -> DataFrame:
    """Derived columns of the rows that passed every rule, in :data:`TRACK_COLUMNS` order."""
    col = F.col
    high_valence = col("valence") >= MOOD_THRESHOLD
    high_energy = col("energy") >= MOOD_THRESHOLD
    derived = {
        "artists": col("_artists"),
        "artist_ids": col("_artist_ids"),
        "primary_artist": col("_artists")[0],
        "artist_count": F.size("_artists"),
        "duration_min": col("duration_ms") / F.lit(60000.0),
        "time_signature": col("time_signature").cast("int"),
        "release_date": col("_date"),
        "release_precision": spark_release_precision(col("release_date")),
        "decade": (F.floor(col("year") / 10) * 10).cast("int"),
        "is_party_song": (col("danceability") > PARTY_THRESHOLD)
        & (col("energy") > PARTY_THRESHOLD),
        "mood": F.when(high_valence & high_energy, "happy")
        .when(high_valence, "calm")
        .when(high_energy, "tense")
        .otherwise("sad"),
    }
    return ok.select(*[derived.get(name, col(name)).alias(name) for name in TRACK_COLUMNS])


def artist_rows(tracks: DataFrame) -> DataFrame:
    """One row per (track_id, position, artist_id, artist_name); position starts at 1."""
    pairs = F.arrays_zip(F.col("artist_ids").alias("artist_id"), F.col("artists").alias("name"))
    exploded = tracks.select(F.col("id").alias("track_id"), F.posexplode(pairs))
    return exploded.select(
        "track_id",
        (F.col("pos") + 1).alias("position"),
        F.col("col.artist_id").alias("artist_id"),
        F.col("col.name").alias("artist_name"),
    )


def year_partition_key(bronze: DataFrame, writers: int) -> Column:
    """A key that spreads the year partitions over ``writers`` tasks evenly by row count.

    Hashing the year itself put 62 % of the rows (2018-2020 and other big years) on one of
    2 tasks, and that task set the write's wall time. Here the years are dealt, biggest
    first, to the task with the fewest rows so far, and each task gets a key value that
    Spark's hash partitioning sends to it. Each year still goes to exactly one task, so
    each year partition is still one file.
    """
    counts = bronze.groupBy("year").count().collect()
    keys = _keys_per_partition(bronze.sparkSession, writers)
    if keys is None:
        return F.col("year")
    rows = [0] * writers
    key_of_year = []
    for row in sorted(counts, key=lambda r: (-r["count"], r["year"])):
        task = min(range(writers), key=rows.__getitem__)
        rows[task] += row["count"]
        key_of_year += [F.lit(row["year"]), F.lit(keys[task])]
    return F.create_map(*key_of_year)[F.col("year")] if key_of_year else F.col("year")


def _keys_per_partition(spark: SparkSession, partitions: int) -> list[int] | None:
    """For each partition p, an int that ``repartition(partitions, key)`` sends to p.

    Asks Spark's own hash (the one its hash partitioning uses); None if some partition got
    no key among the first candidates.
    """
    candidates = spark.range(64 * partitions).select(
        F.col("id").cast("int").alias("key"),
        F.pmod(F.hash(F.col("id").cast("int")), F.lit(partitions)).alias("partition"),
    )
    keys: dict[int, int] = {}
    for row in candidates.collect():
        keys.setdefault(row["partition"], row["key"])
    return [keys[p] for p in range(partitions)] if len(keys) == partitions else None


def observe_rejects(classified: DataFrame) -> tuple[DataFrame, Observation]:
    """``classified`` with an observation of its row counts and of the rejected rows.

    The observation is filled by the write of the tracks, so finding the rejects costs no
    extra pass over bronze: it records each rejected row's ingest order and reason, and only
    those (few) rows are read again to write ``_rejects``.
    """
    observation = Observation("silver_rows")
    rejected = F.col(REJECT).isNotNull()
    observed = classified.observe(
        observation,
        F.count(F.lit(1)).alias("rows_in"),
        F.count(F.when(~rejected, F.lit(1))).alias("rows_out"),
        F.collect_list(F.when(rejected, F.struct(ORDER, REJECT))).alias("rejected"),
    )
    return observed, observation


def rejected_rows(bronze: DataFrame, rejected: list) -> DataFrame:
    """The bronze rows the tracks pass rejected, each with the reason it observed.

    ``rejected`` holds (ingest order, reason) pairs; a broadcast join with them finds the
    rows, and the rules are not evaluated again. Up to :data:`INLINE_KEYS` pairs, a literal
    ``IN`` filter goes first, which Parquet row-group statistics prune (ingest orders rise
    through each file), so the join sees only the row groups that hold rejects.
    """
    reasons = bronze.sparkSession.createDataFrame(
        [(row[0], row[1]) for row in rejected], f"{ORDER} bigint, {REJECT} string"
    )
    if len(rejected) <= INLINE_KEYS:
        bronze = bronze.filter(F.col(ORDER).isin([row[0] for row in rejected]))
    return bronze.join(F.broadcast(reasons), ORDER).select(*RAW_COLUMNS, ORDER, REJECT)


def build_silver(spark: SparkSession, settings: Settings) -> LayerResult:
    """Build ``DATA_DIR/silver`` from bronze; publish atomically; return the counts.

    Duplicate ids and the rows per year are found first (two small aggregates). One full
    pass then parses, checks and writes the tracks while observing the rows it rejects (and
    why); only those rows are read again to write ``_rejects``. track_artists is exploded
    from the written tracks. Every write counts its own rows, and the counts must add up
    exactly. Independent jobs (the two aggregates; track_artists and _rejects) are submitted
    from two threads, so the driver plans one while the executors run the other (silver
    about 1 s faster cold, on 2 cores).
    """
    with publish.pinned(settings.bronze_dir) as bronze_version:
        return _build_silver(spark, settings, bronze_version)


def _build_silver(spark: SparkSession, settings: Settings, bronze_version: Path) -> LayerResult:
    """:func:`build_silver` on one bronze version (pinned: a republish does not change it)."""
    start = time.perf_counter()
    bronze_manifest = read_manifest(bronze_version)
    bronze = spark.read.parquet(str(bronze_version / "tracks"))
    writers = engine_cores(spark, settings) or 8
    steps = Steps("silver")
    with publish.staged_layer(settings.silver_dir) as stage:
        with steps.step("find duplicate ids, count years"), ThreadPoolExecutor(2) as pool:
            # Two small independent jobs: one plans while the other runs.
            key_job = pool.submit(year_partition_key, bronze, writers)
            duplicates = duplicate_ids(bronze)
            key = key_job.result()
        with steps.step("parse, check and write tracks"):
            classified, observation = observe_rejects(classify(bronze, duplicates))
            ok = enrich(classified.filter(F.col(REJECT).isNull()))
            # Every year goes to one writer task: exactly one file per year partition.
            ok.repartition(writers, key).write.options(**TRACK_WRITE_OPTIONS).partitionBy(
                "year"
            ).parquet(str(stage / "tracks"))
            metrics = observation.get
        rows_in, rows_out = metrics["rows_in"], metrics["rows_out"]
        rejected = metrics["rejected"]
        with steps.step("write track_artists and rejects"), ThreadPoolExecutor(2) as pool:
            rejects_job = pool.submit(
                write_counted, rejected_rows(bronze, rejected).coalesce(1), stage / "_rejects"
            )
            tracks = spark.read.parquet(str(stage / "tracks"))
            artists_out = write_counted(
                artist_rows(tracks).coalesce(writers),
                stage / "track_artists",
                **ARTIST_WRITE_OPTIONS,
            )
            written = rejects_job.result()
        counts = Counter(row[REJECT] for row in rejected)
        _check_counts(bronze_manifest, rows_in, len(rejected), written)
        result = LayerResult(
            layer="silver",
            rows_in=rows_in,
            rows_out=rows_out,
            rows_dropped=len(rejected),
            dropped_by_reason=dict(sorted(counts.items())),
            seconds=round(time.perf_counter() - start, 3),
            bytes_written=dir_bytes(stage),
            path=settings.silver_dir,
        )
        result.check_accounting()
        tables = {
            "tracks": {"rows": rows_out, "files": _count_files(stage / "tracks")},
            "track_artists": {"rows": artists_out},
        }
        write_manifest(stage, _manifest(result, bronze_manifest, tables, steps, spark, settings))
        result.check_publishable(settings.max_bad_share)
    return result


def _check_counts(bronze_manifest: dict, rows_in: int, rejected: int, written: int) -> None:
    """Raise unless silver read every bronze row and wrote each rejected one to _rejects.

    ``rows_in == rows_out + rows_rejected`` is :meth:`LayerResult.check_accounting`'s.
    """
    if bronze_manifest.get("rows_out") not in (None, rows_in):
        raise RuntimeError(
            f"silver: bronze's manifest says {bronze_manifest['rows_out']:,} rows, "
            f"but {rows_in:,} were read"
        )
    if written != rejected:
        raise RuntimeError(
            f"silver: {rejected:,} rows failed a rule but {written:,} were written to _rejects"
        )


def _manifest(result, bronze_manifest, tables, steps, spark, settings) -> dict:
    return {
        **result_payload(result),
        "created_at": utc_now(),
        "source_sha256": bronze_manifest.get("input", {}).get("sha256"),
        "tables": tables,
        "step_seconds": steps.seconds,
        **spark_info(spark, settings),
    }


def _count_files(path: Path) -> int:
    return sum(1 for _ in Path(path).rglob("*.parquet"))
