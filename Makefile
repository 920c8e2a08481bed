# cenlab: two commands on a fresh machine with Python 3.10+ and make.
#   make lab    bootstrap .venv, build the student copies, open JupyterLab
#   make test   bootstrap .venv, lint, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cenlab-installed
PORT   ?= 8888

.PHONY: venv lab test lint format datasets bench dashboard clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/python -m pytest -q

datasets: venv
	$(BIN)/cenlab datasets build

bench: venv
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lab: venv
	$(BIN)/jupyter lab --no-browser --port=$(PORT) --notebook-dir=.

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
