"""The raw 24-column schema of ``tracks_features.csv``: the single source of truth.

Spark layers read the CSV with :data:`RAW_SCHEMA`; DuckDB code derives its column
types from it with :func:`duckdb_columns`. The order of the fields is the order of
the columns in the file.
"""

from __future__ import annotations

from pyspark.sql import types as T

RAW_SCHEMA = T.StructType(
    [
        T.StructField("id", T.StringType(), False),
        T.StructField("name", T.StringType(), False),
        T.StructField("album", T.StringType(), False),
        T.StructField("album_id", T.StringType(), False),
        T.StructField("artists", T.StringType(), False),
        T.StructField("artist_ids", T.StringType(), False),
        T.StructField("track_number", T.IntegerType(), False),
        T.StructField("disc_number", T.IntegerType(), False),
        T.StructField("explicit", T.BooleanType(), False),
        T.StructField("danceability", T.DoubleType(), False),
        T.StructField("energy", T.DoubleType(), False),
        T.StructField("key", T.IntegerType(), False),
        T.StructField("loudness", T.DoubleType(), False),
        T.StructField("mode", T.IntegerType(), False),
        T.StructField("speechiness", T.DoubleType(), False),
        T.StructField("acousticness", T.DoubleType(), False),
        T.StructField("instrumentalness", T.DoubleType(), False),
        T.StructField("liveness", T.DoubleType(), False),
        T.StructField("valence", T.DoubleType(), False),
        T.StructField("tempo", T.DoubleType(), False),
        T.StructField("duration_ms", T.IntegerType(), False),
        T.StructField("time_signature", T.DoubleType(), False),
        T.StructField("year", T.IntegerType(), False),
        T.StructField("release_date", T.StringType(), False),
    ]
)

RAW_COLUMNS: tuple[str, ...] = tuple(f.name for f in RAW_SCHEMA.fields)

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
    T.StringType: "VARCHAR",
    T.IntegerType: "INTEGER",
    T.LongType: "BIGINT",
    T.DoubleType: "DOUBLE",
    T.BooleanType: "BOOLEAN",
    T.DateType: "DATE",
}


def duckdb_type(data_type: T.DataType) -> str:
    """The DuckDB type name of a Spark type (arrays map to ``T[]``)."""
    if isinstance(data_type, T.ArrayType):
        return duckdb_type(data_type.elementType) + "[]"
    return _DUCKDB_TYPES[type(data_type)]


def duckdb_columns(schema: T.StructType = RAW_SCHEMA) -> dict[str, str]:
    """Column name -> DuckDB type, in schema order (for ``read_csv(columns=...)``)."""
    return {f.name: duckdb_type(f.dataType) for f in schema.fields}
