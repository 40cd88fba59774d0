"""Benchmarks are not tests: they run only when asked for (``make bench-etl``)."""
