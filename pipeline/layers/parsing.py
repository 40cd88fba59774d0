"""Parsers for the two encoded text columns, in Python, Spark and DuckDB SQL, side by side.

* ``artists`` / ``artist_ids`` hold a Python ``repr()`` of a list of strings:
  ``['A', 'B']``; a name with an apostrophe uses double quotes (``["Gigi D'Agostino"]``);
  names may contain commas, quotes and any unicode. Never split on ``", "``.
* ``release_date`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (and ``0000`` for year 0).

The Python forms are the reference (``ast.literal_eval``); the Spark forms are what silver
runs; the DuckDB forms (SQL text over a column expression) are what the DuckDB reference
silver (:mod:`bench.references.silver_duckdb`) runs. Tests assert that all three agree on every real
and fixture row.

Inside a quoted name every escape that ``repr()`` of a ``str`` writes is read, as Python
reads it: ``\\\\ \\' \\" \\n \\r \\t``, ``\\xNN``, ``\\uNNNN`` and ``\\UNNNNNNNN``. ``repr`` escapes
every character that is not printable: a no-break space, a zero-width space, a soft hyphen,
tag characters (real names carry them, about 1 row in 3,500). An escape ``repr`` never
writes (``\\a``, ``\\N{...}``, octal), an escape naming a surrogate or a code point above
U+10FFFF, or anything else that is not a list of quoted strings makes the field unparseable:
silver rejects the row instead of guessing.
"""

from __future__ import annotations

import ast
import datetime as dt
import re

from pyspark.sql import Column
from pyspark.sql import functions as F

from pipeline.sqltext import sql_literal

# The escapes of a str's repr (Python also reads upper-case hex digits, and so do we).
ESCAPE = r"""\\(?:[\\'"nrt]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"""
# One quoted element: single- or double-quoted, with those escapes. Possessive quantifiers
# keep the Java regex linear on long lists.
ELEMENT_PATTERN = rf"""'(?:[^'\\]|{ESCAPE})*+'|"(?:[^"\\]|{ESCAPE})*+\""""
LIST_PATTERN = rf"^\[(?:(?:{ELEMENT_PATTERN})(?:, (?:{ELEMENT_PATTERN}))*)?\]$"
# The same patterns for RE2 (DuckDB) and Python, which have no possessive quantifiers. RE2
# never backtracks, and an element's character classes exclude its closing quote, so the
# greedy forms match exactly the same text.
RE2_ELEMENT_PATTERN = ELEMENT_PATTERN.replace("*+", "*")
RE2_LIST_PATTERN = LIST_PATTERN.replace("*+", "*")
# A quoted name's inside, cut into escapes and runs of plain text.
TOKEN_PATTERN = rf"{ESCAPE}|[^\\]+"
CONTROL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"}  # the rest stand for themselves
MAX_CODE_POINT, SURROGATES = 0x10FFFF, (0xD800, 0xDFFF)
_SPLIT_MARK = "\x01"  # stands in for the ', ' separator in the fast path

DATE_FORMATS = {  # precision -> (regex, suffix appended to reach a full date)
    "day": (r"^\d{4}-\d{2}-\d{2}$", ""),
    "month": (r"^\d{4}-\d{2}$", "-01"),
    "year": (r"^\d{4}$", "-01-01"),
}


# --- artists -------------------------------------------------------------------------


def parse_artist_list(text: str | None) -> list[str] | None:
    """Reference parse of a list repr; None if it is not a list of strings we support."""
    if text is None or not re.fullmatch(RE2_LIST_PATTERN, text):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):  # e.g. an escape past U+10FFFF
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    low, high = SURROGATES
    if any(low <= ord(c) <= high for name in value for c in name):
        return None  # a lone surrogate is not text: no UTF-8 file or engine can hold it
    return value


def spark_artist_list(col: Column) -> Column:
    """Spark form of :func:`parse_artist_list`: ``array<string>`` or null if unparseable.

    Fast path (about 97% of real rows): a field with no ``"`` and no backslash can only hold
    single-quoted names without apostrophes, so ``', '`` cannot occur inside a name and
    splitting on it is exact. It still must look like ``['...', ...]`` with no stray
    quote. The separators are first replaced by a control character (a field that holds
    one takes the full path), because Spark's ``split`` on one plain character skips the
    regex engine. Everything else goes through the full element regex, and each name's
    escapes are decoded (:func:`_spark_unescape`).
    """
    simple = ~col.contains('"') & ~col.contains("\\") & ~col.contains(_SPLIT_MARK)
    inner = col.substr(F.lit(3), F.length(col) - 4)
    marked = F.replace(inner, F.lit("', '"), F.lit(_SPLIT_MARK))
    well_formed = (
        col.startswith("['") & col.endswith("']") & (F.length(col) >= 4) & ~marked.contains("'")
    )
    fast = F.when(col == "[]", F.array().cast("array<string>")).when(
        well_formed, F.split(marked, _SPLIT_MARK)
    )
    elements = F.regexp_extract_all(col, F.lit(ELEMENT_PATTERN), 0)
    names = F.transform(elements, lambda e: _spark_unescape(e.substr(F.lit(2), F.length(e) - 2)))
    full = F.when(col.rlike(LIST_PATTERN) & ~F.exists(names, lambda n: n.isNull()), names)
    return F.when(simple, fast).otherwise(full)


def _spark_unescape(text: Column) -> Column:
    """A quoted name's inside with its escapes decoded; null if one names no character."""
    tokens = F.regexp_extract_all(text, F.lit(TOKEN_PATTERN), 0)

    def decode(token: Column) -> Column:
        kind, digits = token.substr(2, 1), token.substr(3, 8)
        code = F.conv(digits, 16, 10).cast("long")
        char = F.decode(F.unhex(F.lpad(digits, 8, "0")), "UTF-32")
        low, high = SURROGATES
        valid = (code < low) | ((code > high) & (code <= MAX_CODE_POINT))
        out = F.when(~token.startswith("\\"), token)
        for letter, control in CONTROL_ESCAPES.items():
            out = out.when(kind == letter, F.lit(control))
        return out.when(kind.isin("x", "u", "U"), F.when(valid, char)).otherwise(kind)

    decoded = F.transform(tokens, decode)
    return F.when(~F.exists(decoded, lambda t: t.isNull()), F.array_join(decoded, ""))


def duckdb_artist_list_sql(expr: str) -> str:
    """DuckDB form of :func:`spark_artist_list`: ``VARCHAR[]``, or NULL if unparseable.

    SQL over the column expression ``expr``, with Spark's fast path (about three times
    faster than the regex here too), then the full regex with RE2's pattern and each name's
    escapes decoded (:func:`_duckdb_unescape_sql`).
    """
    opening, closing, quote = sql_literal("['"), sql_literal("']"), sql_literal("'")
    sep, backslash = sql_literal("', '"), sql_literal("\\")
    inner = f"substr({expr}, 3, length({expr}) - 4)"
    well_formed = (
        f"starts_with({expr}, {opening}) AND ends_with({expr}, {closing}) "
        f"AND length({expr}) >= 4 AND NOT contains(replace({inner}, {sep}, ''), {quote})"
    )
    fast = (
        f"CASE WHEN {expr} = '[]' THEN []::VARCHAR[] "
        f"WHEN {well_formed} THEN string_split({inner}, {sep}) END"
    )
    elements = f"regexp_extract_all({expr}, {sql_literal(RE2_ELEMENT_PATTERN)})"
    name = _duckdb_unescape_sql("substr(e, 2, length(e) - 2)")
    names = f"list_transform({elements}, lambda e: {name})"
    # (DuckDB allows no subquery in a lambda, so a checked list is spelled out twice.)
    full = (
        f"CASE WHEN regexp_matches({expr}, {sql_literal(RE2_LIST_PATTERN)}) "
        f"AND list_count({names}) = len({names}) THEN {names} END"
    )
    simple = f"NOT contains({expr}, '\"') AND NOT contains({expr}, {backslash})"
    return f"CASE WHEN {simple} THEN {fast} ELSE {full} END"


def _duckdb_unescape_sql(text: str) -> str:
    """DuckDB form of :func:`_spark_unescape` over the SQL expression ``text``."""
    kind = "substr(t, 2, 1)"
    code = "CAST('0x' || substr(t, 3) AS BIGINT)"
    low, high = SURROGATES
    valid = f"({code} < {low} OR ({code} > {high} AND {code} <= {MAX_CODE_POINT}))"
    controls = " ".join(
        f"WHEN {kind} = '{letter}' THEN chr({ord(control)})"
        for letter, control in CONTROL_ESCAPES.items()
    )
    decode = (
        f"CASE WHEN NOT starts_with(t, {sql_literal(chr(92))}) THEN t {controls} "
        f"WHEN {kind} IN ('x', 'u', 'U') "
        f"THEN CASE WHEN {valid} THEN chr(CAST({code} AS INTEGER)) END "
        f"ELSE {kind} END"
    )
    tokens = f"regexp_extract_all({text}, {sql_literal(TOKEN_PATTERN)})"
    decoded = f"list_transform({tokens}, lambda t: {decode})"
    return (
        f"CASE WHEN list_count({decoded}) = len({decoded}) THEN array_to_string({decoded}, '') END"
    )


# --- release_date --------------------------------------------------------------------


def parse_release_date(text: str | None) -> tuple[dt.date | None, str | None]:
    """Reference parse: (date, precision), or (None, None) when invalid.

    ``YYYY`` becomes January 1st and ``YYYY-MM`` the 1st of the month; ``precision``
    says which parts are real. ``0000`` (year 0) is invalid.
    """
    if text is None:
        return None, None
    for precision, (pattern, suffix) in DATE_FORMATS.items():
        if re.fullmatch(pattern, text):
            try:
                return dt.date.fromisoformat(text + suffix), precision
            except ValueError:
                return None, None
    return None, None


def spark_release_precision(col: Column) -> Column:
    """``day`` / ``month`` / ``year`` by format, or null when no format matches."""
    expr = F.lit(None).cast("string")
    for precision, (pattern, _) in reversed(DATE_FORMATS.items()):
        expr = F.when(col.rlike(pattern), F.lit(precision)).otherwise(expr)
    return expr


def spark_release_date(col: Column) -> Column:
    """Spark form of :func:`parse_release_date`'s date (null when invalid).

    Once the format is known, Spark's string-to-date cast reads all three shapes
    (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) exactly, and far faster than a date formatter;
    ``try_cast`` gives null for impossible dates such as ``2019-02-30``.
    """
    known = F.lit(False)
    for pattern, _ in DATE_FORMATS.values():
        known = known | col.rlike(pattern)
    valid_year = ~col.startswith("0000")  # Python has no year 0; keep both forms equal
    return F.when(known & valid_year, col.try_cast("date"))


def duckdb_release_precision_sql(expr: str) -> str:
    """DuckDB form of :func:`spark_release_precision`."""
    whens = " ".join(
        f"WHEN regexp_matches({expr}, {sql_literal(pattern)}) THEN '{precision}'"
        for precision, (pattern, _) in DATE_FORMATS.items()
    )
    return f"CASE {whens} END"


def duckdb_release_date_sql(expr: str) -> str:
    """DuckDB form of :func:`spark_release_date`: a ``DATE``, NULL when invalid.

    Each shape is completed to ``YYYY-MM-DD`` (as the Python form does) and ``try_cast``
    gives NULL for impossible dates; ``0000`` is excluded first, because DuckDB (unlike
    Python and Spark) accepts year 0 as 1 BC.
    """
    whens = " ".join(
        f"WHEN regexp_matches({expr}, {sql_literal(pattern)}) "
        f"THEN try_cast({expr} || '{suffix}' AS DATE)"
        for pattern, suffix in DATE_FORMATS.values()
    )
    return f"CASE WHEN starts_with({expr}, '0000') THEN NULL {whens} END"
