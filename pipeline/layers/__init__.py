"""The medallion layers, one module each, with its data contract beside its builder.

- :mod:`.bronze`: CSV -> Parquet under the strict schema; malformed lines quarantined (Spark).
- :mod:`.silver`: cleaned and enriched rows by year; invalid rows rejected (Spark), with the
  text parsers it uses in :mod:`.parsing`.
- :mod:`.gold`: the serving tables, built by DuckDB from silver.
- :mod:`.quality` and :mod:`.insights`: the reports written from gold.
"""
