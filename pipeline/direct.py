"""The "direct query" path: catalogue queries run by Spark on silver Parquet.

This is what gold replaces; the benchmarks time it and the tests check that it gives the
same answers as :mod:`pipeline.serving`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pyspark.sql import SparkSession

from pipeline import catalogue
from pipeline.settings import Settings

VIEWS = {"silver_tracks": "tracks", "silver_track_artists": "track_artists"}


def register_silver_views(spark: SparkSession, settings: Settings) -> None:
    """Temp views over the published silver version (resolved, so it stays consistent)."""
    silver = Path(settings.silver_dir).resolve()
    for view, table in VIEWS.items():
        spark.read.parquet(str(silver / table)).createOrReplaceTempView(view)


def run_spark(spark: SparkSession, name: str, **params: Any) -> pd.DataFrame:
    """Run catalogue query ``name`` on silver; the full result as a pandas DataFrame."""
    query = catalogue.get(name)
    bound = query.bind(params)
    frame = spark.sql(query.spark, args=query.sql_args(bound)).toPandas()
    return frame[query.columns(bound)] if query.columns else frame
