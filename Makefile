# acuplan: the two set-up commands are `make run` and `make test`; both build .venv/ themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## the main job: plan an example intake
	$(BIN)/acuplan kb check
	$(BIN)/acuplan plan examples/chronic-cold-damp.json --format md

test: $(STAMP)  ## the whole test suite
	$(BIN)/pytest

lint: $(STAMP)  ## ruff (lint + format) and mypy --strict
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

check: lint test

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_plan.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
