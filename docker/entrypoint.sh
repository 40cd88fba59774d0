#!/bin/sh
# Default command of the image: build everything, then serve the dashboard.
#
# `make all` generates the data if missing and builds bronze, silver (Spark, local[*] unless
# SPARK_MASTER / SPARK_REMOTE say otherwise), gold, the benchmarks and the reports.
# HOST defaults to 0.0.0.0 here (the Makefile's default, 127.0.0.1, is unreachable from
# outside a container); publish the port on the host's loopback: -p 127.0.0.1:7860:7860.
set -eu
cd /app
make all
HOST="${HOST:-0.0.0.0}"
export HOST
exec python -m dashboard
