# The two commands the README promises, plus a few conveniences.
#   make run    install IONFLUX into .venv, seed the demo workspace, open the window
#   make test   install IONFLUX with its test tools into .venv, lint, run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

BUNDLE_VENV := build/venv

.PHONY: run test install install-test lint bench bundle clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(BIN)/python
	$(PIP) install --quiet .

install-test: $(BIN)/python
	$(PIP) install --quiet -e ".[test]"

run: install
	$(BIN)/ionflux seed-demo
	$(BIN)/ionflux

lint: install-test
	$(BIN)/ruff check app core agents sync ui tests benchmarks

test: install-test lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: install-test
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# A one-folder PyInstaller bundle in dist/ionflux/, built from a regular install, then self-tested.
bundle:
	$(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BUNDLE_VENV)/bin/python -m pip install --quiet ".[build]"
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller ionflux.spec
	dist/ionflux/ionflux --self-test

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache
