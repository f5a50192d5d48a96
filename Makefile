# Two commands do everything on a fresh clone: `make run` and `make test`.
# Both create .venv when missing and install only when pyproject.toml or constraints.txt changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test install lint schemas screenshots docs bench clean

run: $(STAMP)
	$(VENV)/bin/advisor

test: $(STAMP)
	$(PY) -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[probes,dev]'
	touch $(STAMP)

# Style (ruff), the import contracts in pyproject.toml (lint-imports) and types (mypy).
lint: $(STAMP)
	$(VENV)/bin/ruff check advisor probes tests bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Regenerate the JSON Schemas under schemas/ from the models (a test checks they are current).
schemas: $(STAMP)
	$(PY) -m advisor.cli.schemas schemas

# Regenerate the TUI pictures in docs/screenshots from the Pilot scripts the snapshot tests use.
screenshots: $(STAMP)
	$(PY) tests/tui/make_screenshots.py docs/screenshots

# Write what each console block of the README and docs/ prints today under its command (after
# a change to an output a page shows; read the diff). The tests fail until the pages agree.
docs: $(STAMP)
	PYTHONPATH=tests/docs $(PY) tests/docs/refresh.py README.md docs/*.md

bench: $(STAMP)
	$(PY) bench/cli_speed.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
