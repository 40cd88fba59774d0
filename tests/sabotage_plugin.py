"""A pytest plugin for the bench failure-path test: makes one Spark query form wrong."""

from __future__ import annotations

import dataclasses

from pipeline import catalogue

SABOTAGED = "key_mode"


def pytest_configure(config):
    query = catalogue.CATALOGUE[SABOTAGED]
    wrong = query.spark.replace("ORDER BY key, mode", "ORDER BY key DESC, mode")
    catalogue.CATALOGUE[SABOTAGED] = dataclasses.replace(query, spark=wrong)
