# The few commands a newcomer needs. Only python3 is required: uv is bootstrapped from PyPI
# into .tools/, and uv installs everything else from uv.lock.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
TOOLS := $(CURDIR)/.tools
UV := $(TOOLS)/bin/uv

export DAGSTER_HOME := $(CURDIR)
export PLANWATCH_DAGSTER_STORAGE := $(CURDIR)/.dagster/storage
export PLANWATCH_DAGSTER_COMPUTE_LOGS := $(CURDIR)/.dagster/compute_logs
export PYTHONPATH := $(CURDIR)
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv

.PHONY: help setup run test dev lint format benchmark-national benchmark-shipped benchmark-extraction clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

setup: $(UV)  ## install the locked environment into .venv
	$(UV) sync --frozen --quiet
	@mkdir -p $(PLANWATCH_DAGSTER_STORAGE) $(PLANWATCH_DAGSTER_COMPUTE_LOGS)

run: setup  ## build warehouse/planwatch.duckdb from sources/ (AS_OF=YYYY-MM-DD: as known then; ENGINE=spark; REBUILD=1: even if nothing changed)
	$(UV) run --no-sync python -m pipelines.run $(if $(AS_OF),--as-of $(AS_OF)) $(if $(ENGINE),--engine $(ENGINE)) $(if $(REBUILD),--rebuild)

test: setup  ## run the whole test suite
	$(UV) run --no-sync pytest

dev: setup  ## open the Dagster UI with the whole asset graph (http://127.0.0.1:3000)
	$(UV) run --no-sync dagster dev

lint: setup  ## ruff and sqlfluff
	$(UV) run --no-sync ruff check pipelines tests benchmarks
	$(UV) run --no-sync ruff format --check pipelines tests benchmarks
	cd dbt/planwatch && PLANWATCH_BUILD_DB=$(CURDIR)/warehouse/build/planwatch.duckdb $(UV) run --no-sync sqlfluff lint models

format: setup  ## apply ruff formatting
	$(UV) run --no-sync ruff format pipelines tests benchmarks
	$(UV) run --no-sync ruff check --fix pipelines tests benchmarks

benchmark-national: setup  ## the real pipeline on SYNTHETIC national-county data beside the floor (SCALE=0.01|0.1|1)
	$(UV) run --no-sync python benchmarks/national.py --scale $(or $(SCALE),0.01)

benchmark-shipped: setup  ## make run on the shipped data: warm, edited, nothing changed, sensor's job (AGAINST=ref ROUNDS=3 COLD=1)
	$(UV) run --no-sync python benchmarks/shipped.py --rounds $(or $(ROUNDS),3) $(if $(AGAINST),--against $(AGAINST)) $(if $(COLD),--cold)

benchmark-extraction: setup  ## target extraction: recall/precision on the seeds, speed on 100 documents
	$(UV) run --no-sync python benchmarks/extraction.py

clean:  ## remove the built warehouse, run history and dbt artefacts (sources are untouched)
	rm -rf warehouse/planwatch.duckdb warehouse/current warehouse/parquet warehouse/docs warehouse/report \
		warehouse/exports warehouse/as-of warehouse/quarantine warehouse/build .dagster dbt/planwatch/target dbt/planwatch/logs
