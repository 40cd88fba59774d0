"""Silver (DuckDB reference): Spark's bronze + silver in one DuckDB pass over the raw CSV.

It exists for the ETL benchmark, so users see at what size Spark pays for itself. The
output must equal Spark's silver (``tests/test_silver_duckdb.py`` and the bench check it).

Contract (``rows_in == rows_out + rejected + quarantined``; rows_in = the file's non-blank
data lines, counted independently, as bronze does)
* Input: the header is checked as in bronze. The CSV is read with the schema's types, except
  integer and boolean columns, which are read as text and converted by Spark's rules:
  DuckDB would accept ``1999.5`` or ``1e3`` as an integer and ``t`` or ``1`` as a boolean.
* Quarantine (``_quarantine/``; bronze's columns and reasons): lines DuckDB's reader rejects
  (collected with ``store_rejects``), and rows with an empty field or a value Spark would
  not parse. Reasons come from :func:`pipeline.layers.bronze_contract.classify_malformed`
  on the raw line.
* Blank lines (empty or only whitespace) are skipped, as Spark's reader skips them and
  bronze counts them (:func:`pipeline.layers.bronze_contract.is_blank`).
* File order: rows are loaded into a table with insertion order preserved, so its ``rowid``
  plays bronze's ``_ingest_order``; a duplicate ``id`` keeps its first row.
* Unterminated quotes: DuckDB lets a quoted field run over newlines; Spark reads line by
  line. When the counts show that a field did, the lines with an odd number of ``"`` are
  quarantined and the rest is read again.
* Rules (:func:`reject_rules_sql`, the order of :func:`pipeline.layers.silver.reject_rules`),
  derived columns and layout (``tracks/year=YYYY/``, ``track_artists/``, ``_rejects/``,
  zstd) are silver's; the parsers are the DuckDB forms in :mod:`pipeline.layers.parsing`.

Known differences, on input that neither the real nor the generated file contains (the
tests pin the spellings on which the two agree):
* A double written only the Java way (``1.0d``, hex) or only DuckDB's (``nan``, ``inf``),
  or an integer with non-ASCII digits (Java accepts them): one engine quarantines the line.
* Text after a closing quote (``"a"b``): Spark keeps the raw text, DuckDB quarantines it.
* Invalid UTF-8: Spark substitutes U+FFFD, DuckDB quarantines the line (``invalid_utf8``).
"""

from __future__ import annotations

import csv
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.layers.bronze_contract import (
    ORDER,
    QUARANTINE_SCHEMA,
    FileScan,
    InputError,
    check_header,
    classify_malformed,
    is_blank,
    reason_counts,
    scan_file,
)
from pipeline.layers.parsing import (
    duckdb_artist_list_sql,
    duckdb_release_date_sql,
    duckdb_release_precision_sql,
)
from pipeline.layers.silver_contract import (
    DUPLICATE,
    MOOD_THRESHOLD,
    PARTY_THRESHOLD,
    REJECT,
    REJECT_RULES,
    TRACK_COLUMNS,
    Rule,
)
from pipeline.manifest import dir_bytes
from pipeline.records import write_records
from pipeline.schema import RAW_COLUMNS, RAW_TYPES, duckdb_columns
from pipeline.sqltext import sql_literal
from pipeline.timing import Steps

PROBLEM = "_problem"  # why a read row is quarantined (NULL for a bronze row)
INT_TEXT = r"^[+-]?[0-9]+$"  # what java.lang.Integer.parseInt accepts (ASCII digits)
# Reader errors that Spark's reader does not have: their own reasons, not classify_malformed.
READER_ONLY_ERRORS = {
    "INVALID ENCODING": "invalid_utf8",  # DuckDB 2.x name
    "INVALID UNICODE": "invalid_utf8",  # DuckDB 1.x name
    "LINE SIZE OVER MAXIMUM": "line_too_long",
}
# read_csv options besides the columns: bronze's CSV dialect, every bad line kept. (Tests
# shrink ``buffer_size`` so that small files are read in parallel chunks too.)
READ_OPTIONS: dict[str, object] = {
    "header": True,
    "delim": ",",
    "quote": '"',
    "escape": '"',  # doubled quotes inside quoted fields, as Python's csv writes them
    "auto_detect": False,
    "encoding": "utf-8",
    "store_rejects": True,
}


@dataclass(frozen=True)
class DuckSilverResult:
    """What a DuckDB silver build did: every data line is a track, a reject or quarantined."""

    rows_in: int
    rows_out: int
    rejected: int
    quarantined: int
    rejects_by_reason: dict[str, int]
    quarantined_by_reason: dict[str, int]
    track_artists: int
    seconds: float
    step_seconds: dict[str, float]
    bytes_written: int
    threads: int
    source_sha256: str

    def check_accounting(self) -> None:
        """Raise if any input line is unaccounted for."""
        if self.rows_in != self.rows_out + self.rejected + self.quarantined:
            raise AssertionError(
                f"silver (duckdb): rows_in {self.rows_in} != rows_out {self.rows_out} "
                f"+ rejected {self.rejected} + quarantined {self.quarantined}"
            )


# --- SQL -------------------------------------------------------------------------------


def _q(name: str) -> str:
    """A quoted identifier (``key``, ``mode`` and ``year`` are SQL words)."""
    return f'"{name}"'


def _read_types() -> dict[str, str]:
    """read_csv column types: the schema's, with integers and booleans read as text."""
    return {
        name: "VARCHAR" if RAW_TYPES[name] in ("int", "boolean") else sql_type
        for name, sql_type in duckdb_columns().items()
    }


def _spark_typed(name: str) -> str:
    """SQL giving a column's value as Spark's CSV reader parses it; NULL where Spark fails."""
    col = _q(name)
    if RAW_TYPES[name] == "int":
        valid = f"regexp_matches({col}, {sql_literal(INT_TEXT)})"
        return f"CASE WHEN {valid} THEN try_cast({col} AS INTEGER) END"
    if RAW_TYPES[name] == "boolean":
        return f"CASE lower({col}) WHEN 'true' THEN true WHEN 'false' THEN false END"
    return col


def _problem_sql() -> str:
    """Bronze's quarantine reason of a read row: unparseable (as Spark) first, then empty."""
    strict = [c for c in RAW_COLUMNS if _spark_typed(c) != _q(c)]
    unparseable = " OR ".join(f"({_q(c)} NOT NULL AND {_spark_typed(c)} IS NULL)" for c in strict)
    empties = " ".join(f"WHEN {_q(c)} IS NULL THEN 'empty_value:{c}'" for c in RAW_COLUMNS)
    return f"CASE WHEN {unparseable} THEN 'malformed' {empties} END"


def _load_sql(path: Path, attempt: int) -> str:
    """Read the CSV into table ``bronze`` (file order; rejects in ``rejects_<attempt>``)."""
    columns = ", ".join(f"{sql_literal(k)}: {sql_literal(v)}" for k, v in _read_types().items())
    options = {
        **READ_OPTIONS,
        "rejects_table": f"rejects_{attempt}",
        "rejects_scan": f"scans_{attempt}",
    }
    settings = ", ".join(f"{k} = {_sql_value(v)}" for k, v in options.items())
    typed = ", ".join(f"{_spark_typed(c)} AS {_q(c)}" for c in RAW_COLUMNS)
    return (
        f"CREATE OR REPLACE TEMP TABLE bronze AS SELECT {typed}, {_problem_sql()} AS {PROBLEM} "
        f"FROM read_csv({sql_literal(str(path))}, columns = {{{columns}}}, {settings})"
    )


def _sql_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, int) else sql_literal(str(value))


def _sql_constant(value: object) -> str:
    """A number as itself, anything else as a string literal."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return repr(value) if is_number else sql_literal(str(value))


# Each op of the contract's rules as a DuckDB condition: (column, value, resolve a column).
_SQL_OPS = {
    "not_matching": lambda x, v, ref: f"NOT regexp_matches({x}, {sql_literal(v)})",
    "is_true": lambda x, v, ref: x,
    "is_null": lambda x, v, ref: f"{x} IS NULL",
    "empty": lambda x, v, ref: f"len({x}) = 0",
    "length_differs": lambda x, v, ref: f"len({x}) <> len({ref(v)})",
    "equals": lambda x, v, ref: f"{x} = {_sql_constant(v)}",
    "year_differs": lambda x, v, ref: f"year({x}) <> {ref(v)}",
    "not_finite": lambda x, v, ref: f"isnan({x})",
    "outside": lambda x, v, ref: (
        f"NOT ({x} BETWEEN {_sql_constant(v[0])} AND {_sql_constant(v[1])})"
    ),
    "not_in": lambda x, v, ref: f"{x} NOT IN ({', '.join(map(_sql_constant, v))})",
    "below": lambda x, v, ref: f"{x} < {_sql_constant(v)}",
    "at_most": lambda x, v, ref: f"{x} <= {_sql_constant(v)}",
    "not_whole": lambda x, v, ref: f"{x} <> floor({x})",
}
# The parsed values and the duplicate flag, as the classifying query names them.
_RULE_COLUMNS = {
    DUPLICATE: f"(_first IS NOT NULL AND {ORDER} <> _first)",
    "parsed.artists": "_artists",
    "parsed.artist_ids": "_artist_ids",
    "parsed.release_date": "_date",
}


def reject_rules_sql() -> list[tuple[str, str]]:
    """(reason, SQL condition that rejects) of :data:`REJECT_RULES`, in order.

    The conditions see the bronze columns plus ``_artists``, ``_artist_ids``, ``_date`` (the
    parsed values) and ``_first`` (the first ingest order of a duplicated id, else NULL).
    """

    def ref(name: str) -> str:
        return _RULE_COLUMNS.get(name) or _q(name)

    def condition(rule: Rule) -> str:
        tests = [_SQL_OPS[t.op](ref(t.column), t.value, ref) for t in rule.tests]
        return " OR ".join(f"({test})" for test in tests) if len(tests) > 1 else tests[0]

    return [(rule.reason, condition(rule)) for rule in REJECT_RULES]


def _classify_sql() -> str:
    """Table ``classified``: bronze rows, parsed, with ``reject_reason`` (NULL if kept)."""
    reason = " ".join(f"WHEN {cond} THEN {sql_literal(name)}" for name, cond in reject_rules_sql())
    return f"""
        CREATE OR REPLACE TEMP TABLE classified AS
        WITH ok AS (
            SELECT rowid AS {ORDER}, * EXCLUDE ({PROBLEM}) FROM bronze WHERE {PROBLEM} IS NULL
        ),
        dups AS (SELECT id, min({ORDER}) AS _first FROM ok GROUP BY id HAVING count(*) > 1),
        parsed AS (
            SELECT ok.*, dups._first,
                {duckdb_artist_list_sql("ok.artists")} AS _artists,
                {duckdb_artist_list_sql("ok.artist_ids")} AS _artist_ids,
                {duckdb_release_date_sql("ok.release_date")} AS _date
            FROM ok LEFT JOIN dups USING (id)
        )
        SELECT *, CASE {reason} END AS {REJECT} FROM parsed
    """


def _tracks_sql() -> str:
    """The kept rows with silver's derived columns, in :data:`TRACK_COLUMNS` order."""
    mood = f"{MOOD_THRESHOLD!r}::DOUBLE"
    high_valence, high_energy = f"c.valence >= {mood}", f"c.energy >= {mood}"
    derived = {
        "artists": "c._artists",
        "artist_ids": "c._artist_ids",
        "primary_artist": "c._artists[1]",
        "artist_count": "CAST(len(c._artists) AS INTEGER)",
        "duration_min": "c.duration_ms / 60000.0::DOUBLE",
        "time_signature": "CAST(c.time_signature AS INTEGER)",
        "release_date": "c._date",
        "release_precision": duckdb_release_precision_sql("c.release_date"),
        "decade": 'CAST(floor(c."year" / 10) * 10 AS INTEGER)',
        "is_party_song": f"c.danceability > {PARTY_THRESHOLD!r}::DOUBLE "
        f"AND c.energy > {PARTY_THRESHOLD!r}::DOUBLE",
        "mood": f"CASE WHEN {high_valence} AND {high_energy} THEN 'happy' "
        f"WHEN {high_valence} THEN 'calm' WHEN {high_energy} THEN 'tense' ELSE 'sad' END",
    }
    select = ", ".join(f"{derived.get(c, f'c.{_q(c)}')} AS {_q(c)}" for c in TRACK_COLUMNS)
    return f"SELECT {select} FROM classified c WHERE c.{REJECT} IS NULL"


TRACK_ARTISTS_SQL = f"""
    SELECT track_id, CAST(position AS INTEGER) AS position, artist_id, artist_name FROM (
        SELECT id AS track_id, unnest(range(1, len(_artists) + 1)) AS position,
            unnest(_artist_ids) AS artist_id, unnest(_artists) AS artist_name
        FROM classified WHERE {REJECT} IS NULL
    )
"""
REJECTS_SQL = (
    f"SELECT {', '.join(map(_q, RAW_COLUMNS))}, {ORDER}, {REJECT} "
    f"FROM classified WHERE {REJECT} IS NOT NULL"
)


# --- reading and quarantine --------------------------------------------------------------


@dataclass
class _Read:
    """One read of the CSV: which lines the reader rejected, and where rows came from."""

    path: Path  # the file DuckDB read (the source, or a copy without open-quote lines)
    line_of: list[int] | None  # the source line number of each line of ``path`` (None: same)
    removed: list[tuple[int, str]]  # (source line number, line) quarantined before reading
    rejected: dict[int, tuple[str, str]]  # line of ``path`` -> (error type, raw line)

    def source_line(self, line: int) -> int:
        return self.line_of[line - 1] if self.line_of else line


def _read(con: duckdb.DuckDBPyConnection, read: _Read, attempt: int) -> int:
    """Load ``read.path`` into ``bronze``; fill ``read.rejected``; return the rows read."""
    con.execute(_load_sql(read.path, attempt))
    errors = con.execute(
        f"SELECT line, list(DISTINCT error_type::VARCHAR), any_value(csv_line) "
        f"FROM rejects_{attempt} GROUP BY line"
    ).fetchall()
    read.rejected = {
        line: (next((k for k in kinds if k in READER_ONLY_ERRORS), kinds[0]), raw.lstrip("\r\n"))
        for line, kinds, raw in errors
        if not is_blank(raw)  # a whitespace-only line: blank, as for Spark
    }
    return con.execute("SELECT count(*) FROM bronze").fetchone()[0]


def _without_open_quotes(source: Path, copy: Path) -> _Read:
    """A copy of ``source`` without the data lines that leave a quote open (odd ``"`` count)."""
    line_of, removed = [], []
    with (
        open(source, encoding="utf-8", errors="surrogateescape", newline="") as src,
        open(copy, "w", encoding="utf-8", errors="surrogateescape", newline="") as dst,
    ):
        for number, line in enumerate(src, start=1):
            if number > 1 and line.count('"') % 2:
                removed.append((number, line.rstrip("\r\n")))
            else:
                dst.write(line)
                line_of.append(number)
    return _Read(copy, line_of, removed, {})


def _locate(read: _Read, rowids: set[int]) -> dict[int, tuple[int, str]]:
    """rowid -> (line of ``read.path``, raw line), counting the lines the reader kept."""
    found: dict[int, tuple[int, str]] = {}
    rowid = -1
    with open(read.path, encoding="utf-8", errors="replace", newline="") as fh:
        next(fh, None)
        for number, line in enumerate(fh, start=2):
            text = line.rstrip("\r\n")
            if is_blank(text) or number in read.rejected:
                continue  # blank lines and rejected lines give no row
            rowid += 1
            if rowid in rowids:
                found[rowid] = (number, text)
                if len(found) == len(rowids):
                    break
    return found


def _first_field(line: str) -> str | None:
    """The ``id`` of a raw line, as Spark's permissive reader still fills it in."""
    try:
        return next(csv.reader([line]), [None])[0] or None
    except csv.Error:
        return None


def _quarantine_records(con: duckdb.DuckDBPyConnection, read: _Read, source: Path) -> list:
    """Bronze's quarantine rows (QUARANTINE_SCHEMA order) for everything not read as bronze."""
    records = []
    for number, line in read.removed:
        reason, detail = classify_malformed(line)
        records.append([str(source), number, reason, detail, line, _first_field(line)])
    for number, (kind, line) in read.rejected.items():
        reason = READER_ONLY_ERRORS.get(kind)
        detail = f"DuckDB reader: {kind.lower()}" if reason else None
        if not reason:
            reason, detail = classify_malformed(line)
        row = [str(source), read.source_line(number), reason, detail, line, _first_field(line)]
        records.append(row)
    problems = con.execute(
        f"SELECT rowid, id, {PROBLEM} FROM bronze WHERE {PROBLEM} IS NOT NULL"
    ).fetchall()
    where = _locate(read, {rowid for rowid, _, _ in problems}) if problems else {}
    for rowid, row_id, problem in problems:
        number, line = where[rowid]
        if problem == "malformed":
            reason, detail = classify_malformed(line)
        else:
            reason, detail, line = problem, f"column {problem.split(':', 1)[1]!r} is empty", None
        records.append([str(source), read.source_line(number), reason, detail, line, row_id])
    return sorted(records, key=lambda r: r[1])


def _copy(con: duckdb.DuckDBPyConnection, select: str, directory: Path) -> None:
    """Write a query as one zstd Parquet file in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    target = sql_literal(str(directory / "data_0.parquet"))
    con.execute(f"COPY ({select}) TO {target} (FORMAT parquet, COMPRESSION zstd)")


# --- the build -------------------------------------------------------------------------


def build_silver_duckdb(
    csv_path: Path, out_dir: Path, threads: int | None = None, verbose: bool = False
) -> DuckSilverResult:
    """Build silver from the raw CSV with DuckDB alone into ``out_dir``; return the counts.

    ``threads`` sets DuckDB's thread count (the bench matches Spark's ``local[N]``). One
    read loads the CSV into memory in file order while a thread counts the file's lines
    and hashes it (as bronze does); the parsed, checked rows are then written three ways.
    """
    start = time.perf_counter()
    source, out = Path(csv_path).absolute(), Path(out_dir).absolute()
    check_header(source)
    out.mkdir(parents=True, exist_ok=True)
    steps = Steps("silver-duckdb", verbose)
    con = duckdb.connect()
    try:
        if threads:
            con.execute("SET threads = $n", {"n": threads})
        con.execute("SET preserve_insertion_order = true")  # rowid = file order
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            read, facts = _read_all(con, source, Path(tmp), steps)
            with steps.step("quarantine"):
                records = _quarantine_records(con, read, source)
                write_records(records, QUARANTINE_SCHEMA, out / "_quarantine")
        with steps.step("parse and check"):
            con.execute(_classify_sql())
            con.execute("DROP TABLE bronze")
        with steps.step("write tracks"):
            con.execute(
                f"COPY ({_tracks_sql()}) TO {sql_literal(str(out / 'tracks'))} "
                "(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year), OVERWRITE)"
            )
        with steps.step("write track_artists"):
            _copy(con, TRACK_ARTISTS_SQL, out / "track_artists")
        with steps.step("write rejects"):
            _copy(con, REJECTS_SQL, out / "_rejects")
        with steps.step("count"):
            result = _result(con, facts, records, steps, start, out)
    finally:
        con.close()
    result.check_accounting()
    return result


def _read_all(con, source: Path, tmp: Path, steps: Steps) -> tuple[_Read, FileScan]:
    """Load the CSV into ``bronze``; if a quoted field ran over lines, again without them."""
    with ThreadPoolExecutor(1) as pool:
        scan = pool.submit(scan_file, source)
        with steps.step("read csv"):
            read = _Read(source, None, [], {})
            rows = _read(con, read, 1)
        facts = scan.result()
    if rows + len(read.rejected) == facts.data_lines:
        return read, facts
    with steps.step("read again without open quotes"):
        read = _without_open_quotes(source, tmp / "input.csv")
        lines = _read(con, read, 2) + len(read.rejected) + len(read.removed)
    if lines != facts.data_lines:
        raise InputError(
            f"{source}: {facts.data_lines:,} data lines but DuckDB produced {lines:,} rows; "
            "does a quoted field span lines?"
        )
    return read, facts


def _result(con, facts, records, steps, start, out) -> DuckSilverResult:
    rejects = dict(
        con.execute(
            f"SELECT {REJECT}, count(*) FROM classified WHERE {REJECT} IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    rows_out = con.execute(f"SELECT count(*) FROM classified WHERE {REJECT} IS NULL").fetchone()[0]
    artists = con.execute(
        f"SELECT coalesce(sum(len(_artists)), 0) FROM classified WHERE {REJECT} IS NULL"
    ).fetchone()[0]
    return DuckSilverResult(
        rows_in=facts.data_lines,
        rows_out=rows_out,
        rejected=sum(rejects.values()),
        quarantined=len(records),
        rejects_by_reason=dict(sorted(rejects.items())),
        quarantined_by_reason=reason_counts(records),
        track_artists=int(artists),
        seconds=round(time.perf_counter() - start, 3),
        step_seconds=steps.seconds,
        bytes_written=dir_bytes(out),
        threads=int(con.execute("SELECT current_setting('threads')").fetchone()[0]),
        source_sha256=facts.sha256,
    )


# --- answer check ----------------------------------------------------------------------
