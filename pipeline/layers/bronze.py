"""Bronze (Spark): the raw CSV as typed Parquet, under the strict schema.

Contract
* The header must equal the schema's 24 column names, in order; otherwise nothing is read.
* Every data line becomes exactly one bronze row or one quarantined row:
  ``rows_in == rows_out + rows_quarantined`` where ``rows_in`` counts the file's non-blank
  data lines (counted independently of Spark).
* Quarantined (``bronze/_quarantine/``, with source line, raw line, reason and detail):
  a wrong field count, text where a number or boolean belongs, broken quoting, or an
  empty field (the real file has none, so an empty field is never silently a null).
* Bronze rows keep the raw 24 columns typed by :data:`RAW_SCHEMA`, plus ``_ingest_order``:
  a number that increases with the line order of the file (used to keep "the first" of
  duplicate ids in silver). It is not a line number.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from pipeline import publish
from pipeline.layers.bronze_contract import (
    ORDER,
    QUARANTINE_SCHEMA,
    FileScan,
    InputError,
    check_header,
    classify_malformed,
    scan_file,
)
from pipeline.manifest import LayerResult, dir_bytes, result_payload, utc_now, write_manifest
from pipeline.records import RecordWriter
from pipeline.schema import RAW_COLUMNS
from pipeline.settings import Settings
from pipeline.spark import (
    RAW_SCHEMA,
    conf_override,
    engine_cores,
    no_dictionary,
    spark_info,
    write_counted,
)

CORRUPT = "_corrupt_record"
REASON = "_reason"
BRONZE_CODEC = "snappy"  # bronze is an intermediate layer: favour write speed over size
SPLIT_BYTES = 128 * 1024 * 1024  # Spark's default largest CSV split
# Near-unique columns only cost parquet-mr a dictionary that it then abandons.
WRITE_OPTIONS = no_dictionary("id", "name", "album", "album_id", "tempo", "duration_ms")

CSV_OPTIONS = {
    "header": "true",
    "mode": "PERMISSIVE",
    "columnNameOfCorruptRecord": CORRUPT,
    "quote": '"',
    "escape": '"',  # the file doubles quotes inside quoted fields (Python csv style)
    "multiLine": "false",  # no field in the real file spans lines
    "encoding": "UTF-8",
    "enforceSchema": "true",  # we check the header ourselves, with a clear message
    "ignoreLeadingWhiteSpace": "false",
    "ignoreTrailingWhiteSpace": "false",
}
# The same read for code that needs no quarantine (benchmarks): no corrupt-record column.
READ_OPTIONS = {k: v for k, v in CSV_OPTIONS.items() if k != "columnNameOfCorruptRecord"}

# --- the layer -------------------------------------------------------------------------


def split_conf(size: int, cores: int | None) -> dict[str, str]:
    """CSV split size giving every core the same number of equal splits.

    Spark cuts a 337 MB file into 128 + 128 + 81 MB, so on 2 cores the last split runs
    alone; four splits of 84 MB keep both cores busy to the end (measured: 0.5 s of 4.3 s).
    When the engine's cores are unknown, Spark's default stays. ``_ingest_order`` values
    depend on the splits (their order never does), so engines with the same cores give
    identical bronze.
    """
    if not cores or size <= 0:
        return {}
    rounds = max(1, -(-size // (cores * SPLIT_BYTES)))
    return {"spark.sql.files.maxPartitionBytes": str(-(-size // (rounds * cores)))}


def read_raw(spark: SparkSession, path: Path) -> DataFrame:
    """The CSV under the strict schema, with the corrupt-record column and ingest order."""
    schema = T.StructType(RAW_SCHEMA.fields + [T.StructField(CORRUPT, T.StringType())])
    df = spark.read.options(**CSV_OPTIONS).schema(schema).csv(str(path))
    empty = [F.when(F.col(c).isNull(), F.lit(f"empty_value:{c}")) for c in RAW_COLUMNS]
    reason = F.when(F.col(CORRUPT).isNotNull(), F.lit("malformed")).otherwise(F.coalesce(*empty))
    return df.withColumn(ORDER, F.monotonically_increasing_id()).withColumn(REASON, reason)


def build_bronze(spark: SparkSession, settings: Settings) -> LayerResult:
    """Build ``DATA_DIR/bronze`` from ``RAW_CSV``; publish atomically; return the counts.

    One pass parses the CSV and writes (and counts) the good rows. The file's data lines are
    counted independently (in a thread, with the sha256); only when they exceed the rows
    written does a second pass stream the quarantined rows through the driver, which
    classifies, locates and writes them a batch at a time (:mod:`pipeline.records`), so a
    clean file is parsed once and a dirty one never fills the driver's memory.
    """
    start = time.perf_counter()
    source = Path(settings.raw_csv).absolute()
    check_header(source)
    cores = engine_cores(spark, settings)
    with (
        ThreadPoolExecutor(1) as pool,
        publish.staged_layer(settings.bronze_dir) as stage,
        conf_override(spark, split_conf(source.stat().st_size, cores)),
    ):
        scan: Future[FileScan] = pool.submit(scan_file, source)
        parsed = read_raw(spark, source)
        good = parsed.filter(F.col(REASON).isNull()).select(*RAW_COLUMNS, ORDER)
        rows_out = write_counted(good, stage / "tracks", compression=BRONZE_CODEC, **WRITE_OPTIONS)
        facts = scan.result()
        if facts.not_utf8:
            raise InputError(facts.not_utf8)
        by_reason: Counter[str] = Counter()
        with RecordWriter(QUARANTINE_SCHEMA, stage / "_quarantine") as quarantine:
            if rows_out < facts.data_lines:  # else nothing to find, so no second parse
                bad_rows = parsed.filter(F.col(REASON).isNotNull()).select(REASON, CORRUPT, "id")
                for record in _quarantine_records(bad_rows, source):
                    quarantine.add(record)
                    by_reason[record[2]] += 1
        by_reason, quarantined = dict(sorted(by_reason.items())), quarantine.rows
        result = LayerResult(
            layer="bronze",
            rows_in=facts.data_lines,
            rows_out=rows_out,
            rows_dropped=quarantined,
            dropped_by_reason=by_reason,
            seconds=round(time.perf_counter() - start, 3),
            bytes_written=dir_bytes(stage),
            path=settings.bronze_dir,
        )
        if result.rows_in != rows_out + quarantined:
            raise InputError(
                f"{source}: {facts.data_lines:,} data lines but Spark produced "
                f"{rows_out + quarantined:,} rows; does a quoted field span lines?"
            )
        result.check_accounting()
        write_manifest(stage, _manifest(result, source, facts, spark, settings))
        result.check_publishable(settings.max_bad_share)
    return result


def _quarantine_records(bad_rows: DataFrame, source: Path) -> Iterator[list]:
    """Classify and locate the quarantined rows (:data:`QUARANTINE_SCHEMA` order).

    They stream from Spark one partition at a time, in file order (partitions are the
    file's splits in order, and a filter keeps each one's order), so the driver never
    holds more than one split's quarantined rows, however many there are.
    """
    records = (_record(row, source) for row in bad_rows.toLocalIterator())
    yield from _with_line_numbers(source, records)


def _record(row, source: Path) -> list:
    if row[REASON] == "malformed":
        reason, detail = classify_malformed(row[CORRUPT])
    else:
        column = row[REASON].split(":", 1)[1]
        reason, detail = row[REASON], f"column {column!r} is empty"
    return [str(source), None, reason, detail, row[CORRUPT], row["id"]]


def _with_line_numbers(source: Path, records: Iterable[list]) -> Iterator[list]:
    """Fill ``line_number`` (1-based; the header is line 1) by reading the file beside the
    records, both in file order: the next line that is a record's raw line, or (for an
    empty field) that starts with its id and has that field empty, is its line.

    A record that matches no later line (it should not happen) keeps no number, and the
    search resumes where it started, so one miss costs no other record its number.
    """
    with open(source, "rb") as fh:
        fh.readline()
        number = 1
        for rec in records:
            key = (rec[4] if rec[4] is not None else f"{rec[5] or ''},").encode("utf-8")
            mark, mark_number = fh.tell(), number
            for line in iter(fh.readline, b""):
                number += 1
                if _is_line_of(line.rstrip(b"\r\n"), key, rec):
                    rec[1] = number
                    break
            else:
                fh.seek(mark)
                number = mark_number
            yield rec


def _is_line_of(text: bytes, key: bytes, rec: list) -> bool:
    """True when ``text`` is the quarantine record's line. ``key`` is its raw line for a
    malformed row (the whole line must match), else its id and a comma: the line must start
    with it and have the named field empty (a good row may share the id)."""
    if rec[4] is not None:
        return text == key
    return text.startswith(key) and _field_empty(text.decode("utf-8", "replace"), rec[2])


def _field_empty(line: str, reason: str) -> bool:
    """True when ``line`` has an empty value in the column named by ``empty_value:<col>``."""
    column = RAW_COLUMNS.index(reason.split(":", 1)[1])
    fields = next(csv.reader([line]), [])
    return column < len(fields) and fields[column] == ""


def _manifest(
    result: LayerResult, source: Path, facts: FileScan, spark: SparkSession, settings: Settings
) -> dict:
    return {
        **result_payload(result),
        "created_at": utc_now(),
        "input": {
            "path": str(source),
            "bytes": facts.bytes,
            "sha256": facts.sha256,
            "blank_lines_skipped": facts.blank_lines,
        },
        **spark_info(spark, settings),
    }
