# ZI Tracker — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Both cores by default; `make test PYTEST_ARGS="-k scoring"` to narrow.
PYTEST_ARGS ?= -n auto

.PHONY: run test lint check serve worker clean help cluster

help:
	@echo "make run   - set up and serve the demo on http://$(HOST):$(PORT)/ (SQLite)"
	@echo "make test  - run the whole test suite"
	@echo "make lint  - ruff and migration checks"
	@echo "make cluster - two app servers, two workers, one of each killed under load (as root; ~7 min)"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-true}; set -e; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py createcachetable; \
	$(PY) manage.py load_catalogs; \
	$(PY) manage.py seed_demo; \
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# The two-node rehearsal (ops/cluster.sh): figures into BENCHMARKS.md.
cluster: $(STAMP)
	ops/cluster.sh $(CLUSTER_ARGS)

clean:
	rm -rf $(VENV) staticfiles
