# cenlab: two commands on a fresh machine with Python 3.10+ and make.
#   make lab    bootstrap .venv, build the student copies, open JupyterLab
#   make test   bootstrap .venv and the Debian packages the tests need, lint, run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cenlab-installed
# JupyterLab's settings overrides for this environment: `make lab` never asks about Jupyter news
# (an internet feed most venues cannot reach, and a question trainees should not have to answer).
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# Debian packages the tests need, as command:package; installed when missing if run as root.
#   chromium  the browser tests (the dashboard in Voila, the hub's assignment list)
#   bwrap     bubblewrap, the grading sandbox
#   npm       configurable-http-proxy for the hub tests (npm brings Node.js)
DEBIAN_NEEDS := chromium:chromium bwrap:bubblewrap npm:npm
# The venvs (.venv, and the hub's from the system Python) need the venv module, which Debian
# ships apart from Python.
VENV_PYTHONS := $(PYTHON) /usr/bin/python3
PORT   ?= 8888
# JupyterLab refuses to run as root without being told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# Workshop hub (see docs/hosts.md): a world-readable environment and the hub's state folder.
HUB_PREFIX ?= /opt/cenlab-hub
HUB_STATE  ?= /srv/cenlab-hub
ROSTER     ?= hub/roster.example.csv
HUB_PROXY  := hub/node_modules/.installed

.PHONY: venv lab grade-me test lint format datasets bench dashboard screenshots clean hub hub-env \
	wheelhouse debian-packages

venv: $(STAMP) $(LAB_OVERRIDES)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,hub]'
	@touch $(STAMP)

# Merged into the file, so that overrides set by anyone else stay.
$(LAB_OVERRIDES): $(STAMP)
	@mkdir -p $(@D)
	$(BIN)/python -c 'import json, pathlib, sys; p = pathlib.Path(sys.argv[1]); \
	s = json.loads(p.read_text()) if p.exists() else {}; \
	s.setdefault("@jupyterlab/apputils-extension:notification", {})["fetchNews"] = "false"; \
	p.write_text(json.dumps(s, indent=2) + "\n")' $@

# Checked at every run (a package can be removed); apt-get runs only when something is missing.
debian-packages:
	@missing=; for need in $(DEBIAN_NEEDS); do \
	    command -v $${need%%:*} >/dev/null || missing="$$missing $${need#*:}"; \
	done; \
	for py in $(VENV_PYTHONS); do \
	    ! command -v $$py >/dev/null || $$py -c "import ensurepip, venv" 2>/dev/null || \
	    case "$$missing" in *python3-venv*) ;; *) missing="$$missing python3-venv";; esac; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "missing Debian packages:$$missing; install them with: sudo apt-get install$$missing" >&2; \
	    exit 1; \
	fi; \
	echo "apt-get install$$missing"; \
	apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: debian-packages lint $(HUB_PROXY)
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

# Refresh the pictures in docs/: the browser tests save a copy there. The hub's picture shows a
# trainee's list after the whole workshop, so every step of test_hub.py runs (as root).
screenshots: debian-packages venv $(HUB_PROXY)
	CENLAB_SCREENSHOTS=docs $(BIN)/python -m pytest -q tests/test_dashboard_browser.py tests/test_hub.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# configurable-http-proxy for the hub, from npm, pinned by hub/package-lock.json.
$(HUB_PROXY): hub/package.json hub/package-lock.json
	npm ci --prefix hub --no-audit --no-fund
	@touch $@

hub-env:
	$(PYTHON) hub/hubenv.py build --prefix $(HUB_PREFIX)

hub: debian-packages hub-env $(HUB_PROXY)
	$(HUB_PREFIX)/venv/bin/cenlab-hub-roster --state $(HUB_STATE) apply $(ROSTER)
	CENLAB_HUB_STATE=$(HUB_STATE) $(HUB_PREFIX)/venv/bin/jupyterhub -f hub/jupyterhub_config.py

# Every wheel the hub and the courses need, for a venue without internet (docs/hosts.md).
wheelhouse:
	$(PYTHON) hub/hubenv.py wheelhouse --out wheelhouse
