# PLM — the README's two commands, plus helpers.
#   make run    install into .venv, create/upgrade the database, load the demo when empty, serve on :5000
#   make test   install test deps (Python and Debian), run the suite on SQLite and on a throwaway PostgreSQL
#   make bench  print the benchmark figures

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

# Debian packages: what the app needs to render PDFs, and what the tests need besides.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils libzbar0 postgresql

.PHONY: run test test-sqlite test-postgres bench translations debs-run debs-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

debs-run:
	@scripts/apt-ensure $(RUN_DEBS)

debs-test:
	@scripts/apt-ensure $(TEST_DEBS)

instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@
	@echo "Wrote a new SECRET_KEY to $@"

# English is the source language: its catalogue is empty on purpose, so only Indonesian's statistics are shown.
translations: $(VENV)/.runtime
	@$(BIN)/pybabel compile --use-fuzzy -d plm/translations -D messages --statistics 2>&1 \
		| grep -v -e '^$$' -e 'translations/en/' || true
	@echo "English is the source language (no translation needed)."

run: debs-run $(VENV)/.runtime instance/config.py translations
	$(BIN)/flask plm init
	@if $(BIN)/flask plm is-empty; then $(BIN)/flask plm demo; else $(BIN)/flask plm demo-logins; fi
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@# One gthread worker: the lowest door latency on SQLite (see bench/checkin_load.py); background
	@# PDF jobs run in its worker thread. More workers: PLM_WORKERS=2 make run.
	PLM_BIND=$(HOST):$(PORT) PLM_WORKERS=$${PLM_WORKERS:-1} PLM_THREADS=$${PLM_THREADS:-8} \
		$(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app

test: debs-test $(VENV)/.dev translations
	@scripts/run-tests

test-sqlite: $(VENV)/.dev translations
	$(BIN)/python -m pytest -q

test-postgres: debs-test $(VENV)/.dev translations
	scripts/with-postgres $(BIN)/python -m pytest -q -m "not nodb"

bench: debs-test $(VENV)/.dev translations
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
