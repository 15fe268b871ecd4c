# Pax lägesbild. `make run` starts the app, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501


.PHONY: run test lint unit app e2e bench load build demo clean

# The virtualenv is created once with Python 3.11 or newer (PYTHON=python3.11 to choose).
$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Pax lägesbild behöver Python 3.11 eller senare ($(PYTHON))." >&2; exit 2; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

build: $(VENV)/.installed
	$(PY) -m pax build --if-stale

run: build
	$(PY) -m streamlit run dashboard.py --server.port $(PORT)

demo: $(VENV)/.installed
	$(PY) -m pax demo

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check pax ui app_pages dashboard.py tests benchmarks

unit: $(VENV)/.dev-installed
	$(PY) -m pytest tests/unit

app: $(VENV)/.dev-installed
	$(PY) -m pytest tests/app

e2e: $(VENV)/.dev-installed
	$(PY) -m pytest tests/e2e

test: lint
	$(PY) -m pytest tests

bench: $(VENV)/.dev-installed
	$(PY) benchmarks/bench.py

# Concurrent sessions through nginx on 1 and 2 replicas (needs nginx; --engine postgres
# needs PostgreSQL with PostGIS): benchmarks/load.json and a table for the README.
load: $(VENV)/.dev-installed
	$(PY) benchmarks/load.py

clean:
	rm -rf data/pax.duckdb data/demo benchmarks/work
