# tokenpit: two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The matching engine is compiled with mypyc (see setup.py); the stamp is rebuilt
# whenever an engine source changes, so tests never run a stale extension.
ENGINE_SOURCES := $(wildcard src/tokenpit/engine/*.py) setup.py
ENGINE_STAMP := build/.engine-compiled

.PHONY: install run test lint typecheck unit bench-engine bench-orders bench-gateway clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 'setuptools>=77,<90'
	$(BIN)/pip install --quiet -e '.[test]'
	mkdir -p build && touch $(STAMP) $(ENGINE_STAMP)

$(ENGINE_STAMP): $(ENGINE_SOURCES) | $(STAMP)
	$(BIN)/python setup.py --quiet build_ext --inplace
	mkdir -p build && touch $(ENGINE_STAMP)

install: $(STAMP) $(ENGINE_STAMP)

run: install
	$(BIN)/tokenpit demo

lint: install
	$(BIN)/ruff format --check src tests bench setup.py
	$(BIN)/ruff check src tests bench setup.py

typecheck: install
	$(BIN)/mypy src

unit: install
	$(BIN)/pytest

test: lint typecheck unit

bench-engine: install
	$(BIN)/python bench/engine.py

bench-orders: install
	$(BIN)/python bench/order_entry.py

bench-gateway: install
	$(BIN)/python bench/gateway.py

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache .hypothesis
	find src -name '*.so' -delete
