"""What the benchmarks measure the layers against, never used by the layers themselves.

- :mod:`.silver_duckdb`: the same silver built by DuckDB from the raw CSV (bronze's
  quarantine and silver's rules), checked equal to Spark's silver before it is timed.
- :mod:`.spark_floor`: Spark reading and writing the same data with none of the layers'
  logic, the floor under bronze and silver.
"""
