# pingan — two commands for a fresh Debian/Ubuntu machine with Python >= 3.11:
#   make demo   synthetic city -> ingest -> fuse -> score -> hotspots -> report -> dashboard
#   make test   dev deps + a real PostGIS + headless Chromium, then pytest
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip
STAMP   = $(VENV)/.installed

.PHONY: demo test install install-dev system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PIP) install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

install-dev: $(STAMP)

system-deps:
	bash scripts/system_deps.sh

demo: install system-deps
	$(VENV)/bin/pingan demo

test: install-dev system-deps
	bash scripts/run_tests.sh
