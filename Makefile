# `make run` and `make test` work on a fresh machine: the first use creates .venv and installs.
# .venv is built with the quickest build of python3's version on this machine, often the
# distribution's rather than a self-compiled one (scripts/pick-python says why); choose another
# with `make PYTHON=/path/to/python3.X`.
PYTHON ?= $(shell python3 scripts/pick-python 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-0

.PHONY: install run test lint format bench browser bytecode

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The package's bytecode, brought up to date before each use (only changed modules are
# compiled): where PYTHONDONTWRITEBYTECODE is set, as in many containers and CI images, Python
# would otherwise compile every module from source at each start, a quarter of the start-up.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q sandbox > /dev/null

run: bytecode
	$(BIN)/bank-sandbox serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Browser tests drive Debian's Chromium; install it with apt-get where it is missing.
browser:
	scripts/ensure-chromium

test: lint browser bytecode
	$(BIN)/pytest

# Each script prints its own table and records its verdicts; summary.py prints them all.
bench: bytecode
	rm -f .sandbox/bench/results.json
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/bankdata_speed.py
	$(BIN)/python bench/http_speed.py
	$(BIN)/python bench/connect_flows.py
	$(BIN)/python bench/powens_connect.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/categories.py
	$(BIN)/python bench/analytics_speed.py
	$(BIN)/python bench/kontomatik_speed.py
	$(BIN)/python bench/summary.py
