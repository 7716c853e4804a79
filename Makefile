# The README's commands. `make setup` once, then `make demo` or `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PEOPLE ?= 3000

.PHONY: setup demo lab test lint typecheck contracts bench clean stop

setup: $(VENV)/.installed
	$(BIN)/graphsvc neo4j fetch

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/graphsvc demo --people $(PEOPLE)

lab: setup
	$(BIN)/pip install --quiet -e '.[notebooks]'
	$(BIN)/python notebooks/lab.py --people $(PEOPLE)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

contracts: setup
	$(BIN)/lint-imports

test: setup lint typecheck contracts
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/ingest.py

stop:
	$(BIN)/graphsvc neo4j stop

clean: stop
	rm -rf $(VENV) .graphsvc
