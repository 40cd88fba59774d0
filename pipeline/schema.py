"""The raw 24-column schema of ``tracks_features.csv``: the single source of truth.

Engine-neutral: a column is a name and a type name. Type names are Spark SQL's simple
strings (``string``, ``int``, ``bigint``, ``double``, ``boolean``, ``date``,
``array<string>``), so messages read the same in every engine. Spark code builds its
``StructType`` from here (:func:`pipeline.spark.spark_schema`); DuckDB code takes its column
types from :func:`duckdb_columns`. Nothing here imports an engine. The order of the fields
is the order of the columns in the file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One column: its name, type name and whether it may be NULL."""

    name: str
    type: str
    nullable: bool = False


RAW_FIELDS: tuple[Field, ...] = tuple(
    Field(name, kind)
    for name, kind in (
        ("id", "string"),
        ("name", "string"),
        ("album", "string"),
        ("album_id", "string"),
        ("artists", "string"),
        ("artist_ids", "string"),
        ("track_number", "int"),
        ("disc_number", "int"),
        ("explicit", "boolean"),
        ("danceability", "double"),
        ("energy", "double"),
        ("key", "int"),
        ("loudness", "double"),
        ("mode", "int"),
        ("speechiness", "double"),
        ("acousticness", "double"),
        ("instrumentalness", "double"),
        ("liveness", "double"),
        ("valence", "double"),
        ("tempo", "double"),
        ("duration_ms", "int"),
        ("time_signature", "double"),
        ("year", "int"),
        ("release_date", "string"),
    )
)

RAW_COLUMNS: tuple[str, ...] = tuple(f.name for f in RAW_FIELDS)
RAW_TYPES: dict[str, str] = {f.name: f.type for f in RAW_FIELDS}

# Audio features that Spotify defines on [0, 1].
UNIT_FEATURES: tuple[str, ...] = (
    "danceability",
    "energy",
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
)

# Every numeric audio feature a user can chart (the catalogue validates against this).
AUDIO_FEATURES: tuple[str, ...] = UNIT_FEATURES + ("loudness", "tempo", "duration_min")

_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
}


def element_type(kind: str) -> str | None:
    """The element type of ``array<...>``, or None for a scalar type."""
    if kind.startswith("array<") and kind.endswith(">"):
        return kind[len("array<") : -1]
    return None


def engine_type(kind: str, scalars: dict, array_of):
    """An engine's type for a type name: ``scalars[kind]``, or ``array_of`` the element's type
    for ``array<...>``. Each engine's code passes its own table (Spark's, Arrow's, DuckDB's)."""
    element = element_type(kind)
    return array_of(engine_type(element, scalars, array_of)) if element else scalars[kind]


def duckdb_type(kind: str) -> str:
    """The DuckDB type name of a type name (arrays map to ``T[]``)."""
    return engine_type(kind, _DUCKDB_TYPES, lambda element: element + "[]")


def duckdb_columns(schema: tuple[Field, ...] = RAW_FIELDS) -> dict[str, str]:
    """Column name -> DuckDB type, in schema order (for ``read_csv(columns=...)``)."""
    return {f.name: duckdb_type(f.type) for f in schema}
