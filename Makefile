# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv with the system's python3 (3.11 or newer) when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# What `make run` needs (the kiosk and its runtime dependencies), and what the tests and the
# other targets need on top (pytest, hypothesis, psycopg, ...): `make run` installs only the first.
RUN_STAMP := $(VENV)/.installed-run
STAMP     := $(VENV)/.installed
# `make bench` also runs the sync and many-kiosks benchmarks on this PostgreSQL (skipped if
# unreachable).
BENCH_POSTGRES ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: help run test test-fast lint screenshots bench i18n clean

# `make` alone lists the targets; `make run` and `make test` are the two a newcomer needs.
.DEFAULT_GOAL := help
help:
	@echo "make run          the kiosk in demo mode, with a local central server and its console"
	@echo "make test         the whole test suite (what CI runs)"
	@echo "make test-fast    the suite without the slow and PostgreSQL tests, for the edit loop"
	@echo "make lint         ruff and mypy"
	@echo "make i18n         collect and compile the kiosk's translations"
	@echo "make screenshots  the kiosk's and the console's screenshots into docs/screenshots"
	@echo "make bench        the benchmarks (bench/), each against a floor measured in the run"
	@echo "make clean        remove .venv and build files"
	@echo "Options: ARGS=... passes arguments on (to kiosk demo, or to pytest)."

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kiosk needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# pip's own progress (each package as it downloads), not --quiet: the first run takes minutes.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing the kiosk and what it needs into $(VENV) (only this once)..."
	$(BIN)/python -m pip install --progress-bar on -e .
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing the kiosk with its test tools into $(VENV)..."
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	touch $(STAMP) $(RUN_STAMP)

# The kiosk's own messages are the whole story: when it stops with one (exit status 2, e.g. no
# display), make adds no "Error 2" of its own under it. Any other failure is make's to report.
run: $(RUN_STAMP)
	@$(BIN)/kiosk demo $(ARGS) || { status=$$?; [ $$status -eq 2 ] || exit $$status; }

# pytest rewrites the asserts of each test module and plugin it imports, and keeps the result as
# bytecode in __pycache__ (ignored by git). Where PYTHONDONTWRITEBYTECODE is set, as some shells
# and containers do, every pytest process would parse and rewrite them all again (about 8 s of
# its start), so the test targets let Python write bytecode.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest

# The whole suite, one pytest-xdist worker per CPU core. Every test is independent of the others
# (own temporary data directory, free ports, Xvfb's own display number, a PostgreSQL schema each).
test: $(STAMP)
	$(PYTEST) -n auto $(ARGS)

# For the edit loop: the same suite without the tests marked slow (the crash, fault and
# thousand-seal loops, the kiosk started end to end in a child process) or postgres (the central
# server's tests on PostgreSQL; each also runs on SQLite), and property tests at the dev
# profile's 100 examples even with CI=true (tests/conftest.py). pyproject.toml lists the marks.
# `make test` runs it all, and is what CI runs.
# Two workers per core: much of the fast suite waits (Qt timers, a server on loopback, a child
# process), and a second worker fills those waits. Measured on 2 cores, 1,321 tests: 118 s with
# one worker per core, 83 s with two.
FAST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(2 * (os.cpu_count() or 1))')
test-fast: $(STAMP)
	$(PYTEST) -n $(FAST_WORKERS) -m "not slow and not postgres" --hypothesis-profile=dev $(ARGS)

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff mypy types-regex types-openpyxl
	$(BIN)/ruff check kiosk tests bench scripts
	$(BIN)/ruff format --check kiosk tests bench scripts
	$(BIN)/mypy

# Collect the UI's strings into resources/i18n/*.ts (pyside6-lupdate) and compile them into the
# .qm files the kiosk loads (pyside6-lrelease). Translate new strings in kiosk_it.ts, then run
# it again; tests/ui/test_i18n.py fails while a catalog is behind the code.
i18n: $(STAMP)
	$(BIN)/python scripts/i18n.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/screenshots
	$(BIN)/python scripts/console_screenshots.py docs/screenshots

bench: $(STAMP)
	$(BIN)/python bench/commit_latency.py
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/sync_throughput.py --database-url $(BENCH_POSTGRES)
	$(BIN)/python bench/many_kiosks.py --database-url $(BENCH_POSTGRES)
	$(BIN)/python bench/server_ingest.py --database-url $(BENCH_POSTGRES)
	$(BIN)/python bench/export.py --database-url $(BENCH_POSTGRES)
	$(BIN)/python bench/console.py --database-url $(BENCH_POSTGRES)
	$(BIN)/python bench/idle_cpu.py
	$(BIN)/python bench/memory.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
