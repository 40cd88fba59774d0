# syntax=docker/dockerfile:1
#
# spotify-medallion: one image for the pipeline, the benchmarks, the dashboard and the Spark
# master/workers of docker-compose.yml. Builds for linux/amd64 and linux/arm64 alike: no
# line below names an architecture (JAVA_HOME is derived from the installed java).
#
#   docker build -t spotify-medallion .
#   docker buildx build --platform linux/amd64,linux/arm64 -t spotify-medallion .
#   docker run --rm -p 127.0.0.1:7860:7860 spotify-medallion   # make all, then the dashboard
#
# Base image pinned by tag (Python 3.11 on Debian 12). For bit-for-bit rebuilds, pin the
# multi-arch index digest as well, FROM python:3.11-slim-bookworm@sha256:<digest>; get it with
# `docker buildx imagetools inspect python:3.11-slim-bookworm` (no registry was reachable
# where this file was written, so no digest is recorded here).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GRADIO_ANALYTICS_ENABLED=False \
    HF_HUB_OFFLINE=1 \
    HF_HUB_DISABLE_TELEMETRY=1

# Java 17 for Spark, make for the Makefile. Debian replaces package versions in place with
# security updates, so exact apt pins (DL3008) would break later builds; the base image tag
# fixes the release (bookworm). JAVA_HOME: a stable symlink to whatever JVM directory this
# architecture got (java-17-openjdk-amd64 or -arm64).
# hadolint ignore=DL3008
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless make \
    && rm -rf /var/lib/apt/lists/* \
    && ln -s "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" /usr/lib/jvm/java-home \
    && /usr/lib/jvm/java-home/bin/java -version
ENV JAVA_HOME=/usr/lib/jvm/java-home

# Everything runs as an unprivileged user (app, uid/gid 10001, numeric for USER). data/ and
# reports/ exist and belong to it, so named volumes mounted there start out writable.
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --create-home --uid 10001 --gid 10001 --shell /bin/sh app \
    && mkdir -p /app/data /app/reports /app/.spark \
    && chown -R 10001:10001 /app
WORKDIR /app
USER 10001:10001
ENV VIRTUAL_ENV=/app/.venv \
    PATH=/app/.venv/bin:$PATH

# Dependencies first (cached while requirements.lock is unchanged), every file hash-checked.
COPY --chown=10001:10001 requirements.lock ./
RUN python -m venv .venv \
    && .venv/bin/pip install --no-cache-dir --require-hashes -r requirements.lock

# Then the project itself, without dependencies. The Makefile's setup stamp is written so
# `make` inside the container uses this venv instead of building another.
COPY --chown=10001:10001 . .
RUN .venv/bin/pip install --no-cache-dir --no-deps --no-build-isolation -e . \
    && touch .venv/.installed

EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=60m --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/' % os.environ.get('PORT', '7860'), timeout=4)"]

# `make all` (data if missing, every layer, benchmarks, reports), then the dashboard on
# 0.0.0.0: inside a container it must listen on all interfaces to be reachable through a
# published port. Publish it on the host's loopback (-p 127.0.0.1:7860:7860).
CMD ["/app/docker/entrypoint.sh"]
