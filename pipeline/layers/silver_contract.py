"""Silver's contract, engine-neutral: its columns, thresholds and reject rules, as data.

Spark's silver (:mod:`pipeline.layers.silver`) and the DuckDB reference silver
(:mod:`bench.references.silver_duckdb`) both render :data:`REJECT_RULES`, so a rule is
written once. A rule rejects a row when any of its tests holds (a NULL test does not hold);
a rejected row gets the first such rule's reason.

A test reads one column: a bronze column by name, ``parsed.<name>`` for the parsed
``artists``, ``artist_ids`` or ``release_date``, or :data:`DUPLICATE` (true for a repeat of
an id seen earlier in the file). Its ``op`` is one of :data:`OPS`; ``value`` is the op's
argument (a column name for ``length_differs`` and ``year_differs``).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.schema import UNIT_FEATURES

REJECT = "reject_reason"
ID_PATTERN = r"^[0-9A-Za-z]{22}$"
PARTY_THRESHOLD = 0.7
MOOD_THRESHOLD = 0.5
DOUBLE_COLUMNS = (*UNIT_FEATURES, "loudness", "tempo", "time_signature")
DUPLICATE = "duplicate"

# Columns of silver/tracks, in order (``year`` is the partition column, read back last).
TRACK_COLUMNS = (
    "id", "name", "album", "album_id", "artists", "artist_ids", "primary_artist",
    "artist_count", "track_number", "disc_number", "explicit", *UNIT_FEATURES, "key",
    "loudness", "mode", "tempo", "duration_ms", "duration_min", "time_signature",
    "release_date", "release_precision", "decade", "is_party_song", "mood", "year",
)  # fmt: skip

OPS = {
    "not_matching": "the text does not match the regular expression value",
    "is_true": "the flag is true",
    "is_null": "the value is missing (did not parse)",
    "empty": "the list has no element",
    "length_differs": "the list's length differs from the list in column value's",
    "equals": "the value equals value",
    "year_differs": "the date's year differs from column value",
    "not_finite": "the number is NaN",
    "outside": "the number is outside [low, high] (value)",
    "not_in": "the number is none of value",
    "below": "the number is < value",
    "at_most": "the number is <= value",
    "not_whole": "the number has a fraction",
}


@dataclass(frozen=True)
class Test:
    """One condition on one column."""

    op: str
    column: str
    value: object = None

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown rule op {self.op!r}; known: {', '.join(OPS)}")


@dataclass(frozen=True)
class Rule:
    """A reject reason and the tests that reject a row with it (any one suffices)."""

    reason: str
    tests: tuple[Test, ...]


def _rule(reason: str, op: str, column: str, value: object = None) -> Rule:
    return Rule(reason, (Test(op, column, value),))


REJECT_RULES: tuple[Rule, ...] = (
    _rule("bad_id", "not_matching", "id", ID_PATTERN),
    _rule("duplicate_id", "is_true", DUPLICATE),
    _rule("unparseable_artists", "is_null", "parsed.artists"),
    _rule("unparseable_artist_ids", "is_null", "parsed.artist_ids"),
    _rule("no_artists", "empty", "parsed.artists"),
    _rule("artist_count_mismatch", "length_differs", "parsed.artists", "parsed.artist_ids"),
    _rule("year_zero", "equals", "year", 0),
    _rule("placeholder_date_1900", "equals", "release_date", "1900-01-01"),
    _rule("bad_release_date", "is_null", "parsed.release_date"),
    _rule("year_mismatch", "year_differs", "parsed.release_date", "year"),
    *(_rule(f"not_finite:{name}", "not_finite", name) for name in DOUBLE_COLUMNS),
    *(_rule(f"out_of_range:{name}", "outside", name, (0.0, 1.0)) for name in UNIT_FEATURES),
    _rule("out_of_range:key", "outside", "key", (0, 11)),
    _rule("out_of_range:mode", "not_in", "mode", (0, 1)),
    _rule("out_of_range:tempo", "below", "tempo", 0),
    _rule("out_of_range:duration_ms", "at_most", "duration_ms", 0),
    _rule("out_of_range:track_number", "below", "track_number", 1),
    _rule("out_of_range:disc_number", "below", "disc_number", 1),
    Rule(
        "out_of_range:time_signature",
        (Test("outside", "time_signature", (0, 7)), Test("not_whole", "time_signature")),
    ),
)
REJECT_REASONS: tuple[str, ...] = tuple(rule.reason for rule in REJECT_RULES)
