# acuplan: the two set-up commands are `make run` and `make test`; both build .venv/ themselves.
PYTHON ?= python3
PORT   ?= 8000
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run plan test lint check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## set up and serve the demo clinic on SQLite (var/) on PORT (default 8000), with a job worker
	$(BIN)/acuplan kb check
	$(BIN)/acuplan demo
	$(BIN)/acuplan serve --with-worker --port $(PORT)

plan: $(STAMP)  ## the engine alone: plan an example intake on the command line
	$(BIN)/acuplan plan examples/chronic-cold-damp.json --format md

test: $(STAMP)  ## the whole test suite (SQLite, then PostgreSQL when reachable)
	scripts/test.sh

lint: $(STAMP)  ## ruff (lint + format), mypy --strict, migrations up to date
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	ACUPLAN_DATA_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run

check: lint test

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_plan.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
