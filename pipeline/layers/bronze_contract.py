"""Bronze's contract, engine-neutral: what a valid input file is, the quarantine's columns
and reasons, and the checks that tell them, in plain Python.

Spark's bronze (:mod:`pipeline.layers.bronze`) and the DuckDB reference silver
(:mod:`bench.references.silver_duckdb`) both use these, so a reason is defined once.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.schema import RAW_COLUMNS, RAW_TYPES, Field

ORDER = "_ingest_order"  # increases with the file's line order (not a line number)

# A quarantined line: where it is, why, and the line itself.
QUARANTINE_SCHEMA: tuple[Field, ...] = tuple(
    Field(name, kind, nullable=True)
    for name, kind in (
        ("source_file", "string"),
        ("line_number", "bigint"),
        ("reason", "string"),
        ("detail", "string"),
        ("raw_line", "string"),
        ("id", "string"),
    )
)


class InputError(Exception):
    """Bad input that the user must fix; the message names file, line and column."""


# --- input checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileScan:
    """Facts about the input file, from one sequential read."""

    bytes: int
    sha256: str
    data_lines: int  # non-blank lines after the header
    blank_lines: int
    not_utf8: str | None = None  # where the first bytes that are not UTF-8 are, if any


# Compressed or binary files, by their first bytes.
MAGIC = ((b"\x1f\x8b", "gzip"), (b"PK\x03\x04", "zip"), (b"BZh", "bzip2"),
         (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstandard"), (b"PAR1", "Parquet"),
         (b"SQLite format 3", "SQLite"), (b"DUCK", "DuckDB"))  # fmt: skip
HEAD_CHECK_BYTES = 1 << 20  # check_header checks this much for UTF-8 before Spark starts


def not_utf8(data: bytes, line: int, offset: int, path: Path) -> str | None:
    """None when ``data`` (whole lines, the first being line ``line`` at byte ``offset``) is
    UTF-8; else the one-line error naming the first bad line, byte offset and bytes."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        bad = exc.start
    start = data.rfind(b"\n", 0, bad) + 1
    end = data.find(b"\n", bad)
    text = data[start : end if end >= 0 else len(data)].decode("cp1252", "replace")
    number = line + data.count(b"\n", 0, bad)
    shown = " ".join(f"0x{b:02x}" for b in data[bad : bad + 2])
    return (
        f"{path}: line {number:,}, byte offset {offset + bad:,}: not UTF-8 (bytes {shown}, "
        f"byte {bad - start + 1} of the line); read as Windows-1252 it says "
        f"{text[max(0, bad - start - 30) : bad - start + 30]!r}. The file must be UTF-8: "
        f"convert it first, e.g. `iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv`"
    )


_BLANK_LINE = re.compile(rb"^[ \t\r\f\v]*\n", re.MULTILINE)


_BLANK_START = re.compile(rb"\n[ \t\r\n\f\v]")


def is_blank(line: str) -> bool:
    """A line Spark's CSV reader skips: empty or only whitespace (as :func:`scan_file` counts)."""
    return not line.strip(" \t\r\n\f\v")


def reason_counts(records: list[list]) -> dict[str, int]:
    """Quarantine records (:data:`QUARANTINE_SCHEMA` order) counted by reason, sorted."""
    return dict(sorted(Counter(record[2] for record in records).items()))


def _may_have_blank_line(data: bytes) -> bool:
    """Cheap pre-check (10x faster than counting): a blank line starts with whitespace."""
    return data[:1].isspace() or _BLANK_START.search(data) is not None


def scan_file(path: Path, chunk: int = 1 << 22) -> FileScan:
    """Size, sha256 and line counts of ``path`` in one pass (runs beside Spark).

    A line holding only whitespace counts as blank: Spark's CSV reader skips it too. Blocks
    are cut after their last newline, so every counted line is whole.
    """
    digest, size, lines, blanks = hashlib.sha256(), 0, 0, 0
    carry, bad = b"", None
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
            cut = block.rfind(b"\n") + 1
            whole, carry = (carry + block[:cut], block[cut:]) if cut else (b"", carry + block)
            if bad is None:  # a newline byte is never inside a UTF-8 sequence
                bad = not_utf8(whole, lines + 1, size - len(whole) + cut, path)
            size += len(block)
            lines += whole.count(b"\n")
            if _may_have_blank_line(whole):
                blanks += len(_BLANK_LINE.findall(whole))
    if carry:  # a last line without a newline
        bad = bad or not_utf8(carry, lines + 1, size - len(carry), path)
        lines += 1
        blanks += not carry.strip()
    return FileScan(size, digest.hexdigest(), max(lines - 1 - blanks, 0), blanks, bad)


def check_header(path: Path) -> None:
    """Raise :class:`InputError` unless the file exists and starts with the schema header."""
    if not path.exists():
        raise InputError(f"{path}: input file not found (run `make data` to generate one)")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; expected the CSV file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: file is empty (expected a header and data rows)")
    with open(path, "rb") as fh:
        head = fh.read(HEAD_CHECK_BYTES)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            raise InputError(
                f"{path}: this looks like a {kind} file, not a CSV (it starts with the "
                f"bytes {magic[:4].hex(' ')}); decompress or convert it to a UTF-8 CSV first"
            )
    if (nul := head.find(b"\x00")) >= 0:
        raise InputError(
            f"{path}: byte offset {nul:,} is a NUL byte: this is a binary file, not a UTF-8 CSV"
        )
    cut = head.rfind(b"\n") + 1 if len(head) == HEAD_CHECK_BYTES else len(head)
    if problem := not_utf8(head[:cut], 1, 0, path):
        raise InputError(problem)
    # A UTF-8 byte-order mark (Excel writes one) is not part of the header; Spark skips
    # the header line whole, so no value changes. CRLF line ends are read as LF ones.
    first, _, rest = head.decode("utf-8", "replace").removeprefix("\ufeff").partition("\n")
    second = rest.partition("\n")[0]
    header = next(csv.reader([first.rstrip("\r\n")]), [])
    for i, expected in enumerate(RAW_COLUMNS):
        got = header[i] if i < len(header) else None
        if got != expected:
            where = f"column {i + 1}"
            found = f"found {got!r}" if got is not None else "the header ends there"
            raise InputError(f"{path}: line 1, {where}: header should be {expected!r}, {found}")
    if len(header) > len(RAW_COLUMNS):
        raise InputError(
            f"{path}: line 1: header has {len(header)} columns, expected {len(RAW_COLUMNS)} "
            f"(extra column {header[len(RAW_COLUMNS)]!r})"
        )
    if not second.strip():
        raise InputError(f"{path}: header only, no data rows")


# --- quarantine reasons ----------------------------------------------------------------


def _value_ok(value: str, kind: str) -> bool:
    try:
        if kind == "int":
            return -(2**31) <= int(value) < 2**31
        if kind == "double":
            float(value)
        elif kind == "boolean":
            return value.lower() in ("true", "false")
    except ValueError:
        return False
    return True


def classify_malformed(line: str | None) -> tuple[str, str]:
    """Why Spark could not parse a raw line: (reason code, human detail)."""
    if line is None:
        return "malformed", "the CSV reader could not parse this line"
    try:
        fields = next(csv.reader([line], strict=True))
    except (csv.Error, StopIteration) as exc:
        return "broken_quoting", f"broken quoting: {exc}"
    if len(fields) != len(RAW_COLUMNS):
        return "wrong_field_count", f"{len(fields)} fields, expected {len(RAW_COLUMNS)}"
    for name, value in zip(RAW_COLUMNS, fields, strict=True):
        expected = RAW_TYPES[name]
        if value and not _value_ok(value, expected):
            return f"bad_value:{name}", f"column {name!r}: expected {expected}, got {value[:60]!r}"
    return "malformed", "the CSV reader rejected this line"
