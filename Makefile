# Two commands do everything on a fresh machine:
#   make run   - install into .venv, then run the main job on the embedded Konaev default
#   make test  - install into .venv, then ruff, the import-linter contracts, mypy and the whole pytest suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck pytest bench fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/jasyl inventory
	$(BIN)/jasyl plan

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) postgres chromium
	$(BIN)/python -m pytest -n 2 -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_planner.py

# The long fuzzing profile (issue 15): random seeds, 25x the examples of the seeded profile in make test;
# crashes do not stop the run, each distinct one is kept with its smallest input under out/fuzz.
# FUZZ_EXAMPLES=N sets the examples per reader (default 5000 relative to the CI profile's 200).
FUZZ_EXAMPLES ?= 5000
fuzz: $(STAMP)
	rm -rf out/fuzz
	JASYL_FUZZ=long JASYL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) JASYL_FUZZ_CRASH_DIR=out/fuzz \
	  $(BIN)/python -m pytest tests/fuzz -n 2 -q -p no:cacheprovider
	$(BIN)/python -m tests.fuzz.report out/fuzz

# Best effort for the monitoring tests, which start a private PostgreSQL server from Debian's package:
# install it when missing and running as root with apt-get; without network the tests skip with a reason.
.PHONY: postgres
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    timeout 300 apt-get update -qq >/dev/null 2>&1 && \
	    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq postgresql >/dev/null 2>&1; } || \
	  echo "postgres: PostgreSQL not installed; the PostgreSQL tests will be skipped"

# Browser tests drive Debian's Chromium through Playwright (pointed at /usr/bin/chromium; Playwright never
# downloads a browser): install the package when missing and running as root with apt-get; without it
# the browser tests skip with a reason.
.PHONY: chromium
chromium:
	@test -x /usr/bin/chromium || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    timeout 300 apt-get update -qq >/dev/null 2>&1 && \
	    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq chromium >/dev/null 2>&1; } || \
	  echo "chromium: Debian's chromium not installed; the browser tests will be skipped"

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache test-artifacts
