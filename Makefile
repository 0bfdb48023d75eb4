# Abonent — the two commands a fresh machine needs are `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export DJANGO_SETTINGS_MODULE := abonent.settings

# A Python >= 3.12: the one .python-version selects through pyenv, else python3.13/3.12/python3.
PYTHON ?= $(shell for p in python3 python3.13 python3.12; do \
	  v=$$($$p -c 'import sys; print(int(sys.version_info >= (3, 12)))' 2>/dev/null) && [ "$$v" = 1 ] && { command -v $$p; break; }; \
	done)

.PHONY: help venv messages-compiled run serve worker migrate demo test test-sqlite test-postgres lint fmt bench messages clean screenshots

help:
	@echo "make run    — install, migrate, load demo data, serve on http://$(HOST):$(PORT) (SQLite)"
	@echo "make test   — install and run the whole test suite (DATABASE_URL selects the database)"
	@echo "make lint   — ruff + mypy";  echo "make serve  — ASGI server with WORKERS processes (production shape)"
	@echo "make worker — the background task worker";  echo "make bench  — load benchmarks on PostgreSQL"
	@echo "make screenshots — PNGs of the website's main pages (ru/kk) into docs/screenshots/"

$(VENV)/.installed: requirements.lock
	@if [ -z "$(PYTHON)" ]; then echo "ERROR: Python >= 3.12 is required (install python3.12 or python3.13, or set PYTHON=...)." >&2; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	touch $@

venv: $(VENV)/.installed

messages-compiled: venv
	@command -v msgfmt >/dev/null || { echo "ERROR: msgfmt is missing: install GNU gettext (Debian: apt-get install gettext)." >&2; exit 1; }
	$(PY) manage.py compilemessages -v0 --ignore=.venv

migrate: messages-compiled
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/uvicorn abonent.asgi:application --host $(HOST) --port $(PORT)

serve: messages-compiled
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m abonent.serve --host $(HOST) --port $(PORT) --workers $(WORKERS) --no-access-log

worker: venv
	$(PY) manage.py db_worker --queue-name '*'

# Test processes (pytest-xdist); a file's tests stay in one process (the Redis bus tests
# share one server). TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= 2

test: messages-compiled
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy abonent

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv
	$(PY) manage.py makemessages -l ru -l kk -l en --ignore=.venv
	$(PY) manage.py compilemessages --ignore=.venv

bench: venv
	$(PY) -m bench.run

screenshots: messages-compiled
	$(PY) -m abonent.portal.screenshots

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
