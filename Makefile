# cenlab: two commands on a fresh machine with Python 3.10+ and make.
#   make lab    bootstrap .venv, build the student copies, open JupyterLab
#   make test   bootstrap .venv, lint, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cenlab-installed
PORT   ?= 8888
# JupyterLab refuses to run as root without being told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# Workshop hub (see docs/hosts.md): a world-readable environment and the hub's state folder.
HUB_PREFIX ?= /opt/cenlab-hub
HUB_STATE  ?= /srv/cenlab-hub
ROSTER     ?= hub/roster.example.csv
HUB_PROXY  := hub/node_modules/.installed

.PHONY: venv lab grade-me test lint format datasets bench dashboard clean hub hub-env wheelhouse

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,hub]'
	@touch $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint $(HUB_PROXY)
	$(BIN)/python -m pytest -q

datasets: venv
	$(BIN)/cenlab datasets build

bench: venv
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Self-paced: student copies of every assignment, the exercises and the start page in work/.
lab: venv
	$(BIN)/python courses/selfpaced.py build
	@echo "Start page: http://127.0.0.1:$(PORT)/lab/tree/start.ipynb"
	$(BIN)/jupyter lab --no-browser --port=$(PORT) --ServerApp.root_dir=work $(ROOT_FLAG) work/start.ipynb

# Autograde your own work in work/ and write the feedback pages (ONLY=course/assignment for one).
grade-me: venv
	$(BIN)/python courses/selfpaced.py grade $(ONLY)

# The CEN dashboard as a web page for people who do not code (Voila, http://127.0.0.1:8866/).
dashboard: venv
	$(BIN)/voila dashboards/cen-dashboard.ipynb --no-browser --port=8866 --Voila.ip=127.0.0.1

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# configurable-http-proxy for the hub, from npm, pinned by hub/package-lock.json.
$(HUB_PROXY): hub/package.json hub/package-lock.json
	npm ci --prefix hub --no-audit --no-fund
	@touch $@

hub-env:
	$(PYTHON) hub/hubenv.py build --prefix $(HUB_PREFIX)

hub: hub-env $(HUB_PROXY)
	$(PYTHON) hub/roster.py --state $(HUB_STATE) apply $(ROSTER)
	CENLAB_HUB_STATE=$(HUB_STATE) $(HUB_PREFIX)/venv/bin/jupyterhub -f hub/jupyterhub_config.py

# Every wheel the hub and the courses need, for a venue without internet (docs/hosts.md).
wheelhouse:
	$(PYTHON) hub/hubenv.py wheelhouse --out wheelhouse
