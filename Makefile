# The two set-up commands of the README: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve check lint golden clean bench reference

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

site: $(VENV)/.installed
	$(BIN)/mkdocs build --strict

serve: $(VENV)/.installed
	$(BIN)/mkdocs serve

check: $(VENV)/.installed
	$(BIN)/govsite check

lint: $(VENV)/.installed
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy

test: $(VENV)/.installed
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

# Refresh the golden files of the stage tests after an intended change.
golden: $(VENV)/.installed
	GOVSITE_UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests -q -k golden

# Make the README's table of plugin options from their declaration (generator/config.py).
reference: $(VENV)/.installed
	$(BIN)/python -c 'import pathlib, generator.config as c; p = pathlib.Path("README.md"); p.write_text(c.with_reference(p.read_text(encoding="utf-8")), encoding="utf-8")'

clean:
	rm -rf site .cache

# Build benchmark on the real genai-eu corpus (needs ../shared/corpora); prints times and ratios.
bench: $(VENV)/.installed
	$(BIN)/python bench/build_bench.py
