"""The artist-list and release-date parsers: Python reference and Spark form agree."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import random

import pytest

from pipeline.layers.parsing import (
    parse_artist_list,
    parse_release_date,
    spark_artist_list,
    spark_release_date,
    spark_release_precision,
)
from tests.conftest import FIXTURE_CSV

# (field text as it appears after CSV unquoting, expected list); every case from FACTS §6.
ARTIST_CASES = [
    ("['Rage Band']", ["Rage Band"]),
    ("['Daft Duo', 'Pharrell Guest']", ["Daft Duo", "Pharrell Guest"]),
    ('["Gigi D\'Agostino"]', ["Gigi D'Agostino"]),
    (
        "[\"John O'Gallagher\", 'Johannes Weidenmüller', 'X']",
        ["John O'Gallagher", "Johannes Weidenmüller", "X"],
    ),
    ("['Dubblestandart', 'Lee \"Scratch\" Perry']", ["Dubblestandart", 'Lee "Scratch" Perry']),
    ("['Hank Williams, Jr.']", ["Hank Williams, Jr."]),
    ("['Oh, Ranger!', 'Jadox, DJ mr']", ["Oh, Ranger!", "Jadox, DJ mr"]),
    ("['Pino Di Ceglie,']", ["Pino Di Ceglie,"]),
    ("['Eric Matthews, Eric Matthews']", ["Eric Matthews, Eric Matthews"]),
    (
        "['Stanisław Skrowaczewski', 'Udo Jürgens', '宇多田']",
        ["Stanisław Skrowaczewski", "Udo Jürgens", "宇多田"],
    ),
    ("['Tom\\'s \"Big\" Band']", ['Tom\'s "Big" Band']),
    ("['Back\\\\slash']", ["Back\\slash"]),
    ("[\"a', 'b\"]", ["a', 'b"]),  # the separator text inside one name
    ("['']", [""]),
    ("['Mark\x01Inside', 'B']", ["Mark\x01Inside", "B"]),  # the fast path's split marker
    ("[]", []),
    # Every escape repr writes for a character that is not printable (issue 17).
    ("['Trailing\\xa0']", ["Trailing\xa0"]),  # no-break space
    ("['Zero\\u200bWidth', 'Ideo\\u3000Space']", ["Zero\u200bWidth", "Ideo\u3000Space"]),
    ("['Soft\\xadHyphen', 'Line\\u2028Sep']", ["Soft\xadHyphen", "Line\u2028Sep"]),
    ("['Tag\\U000e0041\\U000e007f']", ["Tag\U000e0041\U000e007f"]),
    ("['Tab\\tNew\\nRet\\r', 'Bell\\x07']", ["Tab\tNew\nRet\r", "Bell\x07"]),
    ("[\"It's \\u200b\", 'x\\\\u200b']", ["It's \u200b", "x\\u200b"]),
    ("['Upper\\xA0Hex']", ["Upper\xa0Hex"]),  # Python reads upper-case hex digits too
    ("['" + "', '".join(f"P{i}" for i in range(19)) + "']", [f"P{i}" for i in range(19)]),
]
BAD_ARTISTS = [
    "['Unclosed', 'List'",
    "'No brackets'",
    "['a','b']",  # Python would accept this, but repr never writes it: reject, don't guess
    "['a\\qb']",  # not an escape at all
    "['\\a']",  # an escape Python reads but repr never writes (it writes \x07)
    "['\\101']",  # octal: the same
    "['\\N{EM DASH}']",  # a named escape: the same
    "['\\x4']",  # too few hex digits
    "['\\ud800']",  # a lone surrogate: not text
    "['\\U00110000']",  # past U+10FFFF
    "['It's']",
    "Plain text",
    "",
]


def random_lists(count: int, seed: int = 17) -> list[str]:
    """``repr()`` of random lists of random strings: every unicode plane and category
    (non-printable ones, which repr escapes, included; lone surrogates excluded), quotes,
    backslashes, commas, ``', '`` and the fast path's split mark."""
    rng = random.Random(seed)
    specials = ["'", '"', "\\", ",", "', '", '", "', "\x01", "\xa0", "\u200b", "\n", " "]
    planes = [(0x20, 0x7E), (0x80, 0x2FF), (0x2000, 0x206F), (0x3000, 0x30FF),
              (0x4E00, 0x9FFF), (0xE000, 0xF8FF), (0xFFF0, 0xFFFF), (0x10000, 0x1FFFF),
              (0xE0000, 0xE007F), (0xF0000, 0x10FFFF), (0x0, 0x1F)]  # fmt: skip

    def char() -> str:
        if rng.random() < 0.2:
            return rng.choice(specials)
        low, high = rng.choice(planes)
        code = rng.randint(low, high)
        return chr(code) if not 0xD800 <= code <= 0xDFFF else "x"

    def name() -> str:
        return "".join(char() for _ in range(rng.choice([0, 1, 3, 8, 20])))

    return [repr([name() for _ in range(rng.choice([0, 1, 1, 2, 3, 6]))]) for _ in range(count)]


PROPERTY_LISTS = random_lists(4000)


def test_random_reprs_parse_as_python_parses_them():
    """Every repr of a list of strings parses exactly as ``ast.literal_eval`` reads it."""
    assert [parse_artist_list(t) for t in PROPERTY_LISTS] == [
        ast.literal_eval(t) for t in PROPERTY_LISTS
    ]
    kinds = "".join(PROPERTY_LISTS)
    for escape in ("\\x", "\\u", "\\U", "\\n", "\\t", "\\'", "\\\\", '"'):
        assert escape in kinds  # the sample covers each kind


def test_spark_artist_parser_on_random_reprs(spark):
    _assert_spark_matches_python(spark, PROPERTY_LISTS)


@pytest.mark.parametrize(("text", "expected"), ARTIST_CASES)
def test_python_artist_parser(text, expected):
    assert parse_artist_list(text) == expected
    assert parse_artist_list(text) == ast.literal_eval(text)


@pytest.mark.parametrize("text", BAD_ARTISTS)
def test_python_artist_parser_rejects(text):
    assert parse_artist_list(text) is None


def test_spark_artist_parser_matches_python(spark):
    texts = [t for t, _ in ARTIST_CASES] + BAD_ARTISTS + [None]
    df = spark.createDataFrame([(t,) for t in texts], "t string")
    got = [r["a"] for r in df.select(spark_artist_list(df.t).alias("a")).collect()]
    assert got == [parse_artist_list(t) for t in texts]


def _artist_fields(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [r[c] for r in csv.DictReader(fh) for c in ("artists", "artist_ids")]


def _assert_spark_matches_python(spark, texts: list[str]) -> list:
    df = spark.createDataFrame([(t,) for t in texts], "t string")
    got = [r["a"] for r in df.select(spark_artist_list(df.t).alias("a")).collect()]
    expected = [parse_artist_list(t) for t in texts]
    assert got == expected
    return expected


def test_spark_artist_parser_on_fixture(spark):
    parsed = _assert_spark_matches_python(spark, _artist_fields(FIXTURE_CSV))
    assert sum(p is None for p in parsed) == 1  # only the deliberately broken list


def test_spark_artist_parser_on_real_sample(spark, real_sample):
    texts = _artist_fields(real_sample)
    parsed = _assert_spark_matches_python(spark, texts)
    assert parsed == [ast.literal_eval(t) for t in texts]  # every real field is valid


DATE_CASES = [
    ("1999-11-02", dt.date(1999, 11, 2), "day"),
    ("1964-09", dt.date(1964, 9, 1), "month"),
    ("1966", dt.date(1966, 1, 1), "year"),
    ("1900-01-01", dt.date(1900, 1, 1), "day"),
    ("0000", None, "year"),
    ("2019-02-30", None, "day"),
    ("2019-13", None, "month"),
    ("19-01-01", None, None),
    ("2019/01/01", None, None),
    ("2019-1-5", None, None),
    (" 2019", None, None),
    ("", None, None),
]


@pytest.mark.parametrize(("text", "date", "precision"), DATE_CASES)
def test_python_date_parser(text, date, precision):
    got_date, got_precision = parse_release_date(text)
    assert got_date == date
    assert got_precision == (precision if date else None)


def test_spark_date_parser_matches_python(spark):
    texts = [t for t, _, _ in DATE_CASES] + [None]
    df = spark.createDataFrame([(t,) for t in texts], "t string")
    rows = df.select(
        spark_release_date(df.t).alias("d"), spark_release_precision(df.t).alias("p")
    ).collect()
    assert [r["d"] for r in rows] == [parse_release_date(t)[0] for t in texts]
    expected_precision = [p for _, _, p in DATE_CASES] + [None]
    assert [r["p"] for r in rows] == expected_precision
