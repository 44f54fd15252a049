# PLM — the README's two commands, plus helpers.
#   make run    install into .venv, create/upgrade the database, load the demo when empty, serve on :5000
#   make test   install test deps (Python and Debian), run the door's JS tests (node), then the suite on SQLite
#               and on a throwaway PostgreSQL
#   make bench  print the benchmark figures (and PLM beside pretix when its anchor is there)
#   make venue  like run, but HTTPS on the LAN address for the door phones' cameras (Caddy in front)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

# The public address for links in mails, tickets, certificates and calendars (PUBLIC_BASE_URL).
# Unless PLM_PUBLIC_BASE_URL is set or instance/config.py has PUBLIC_BASE_URL: this machine's
# address as served (its first LAN address when HOST is 0.0.0.0), with PORT.
ifeq ($(origin PLM_PUBLIC_BASE_URL),undefined)
ifeq ($(shell grep -s '^PUBLIC_BASE_URL' instance/config.py),)
PUBLIC_HOST := $(if $(filter 0.0.0.0,$(HOST)),$(or $(firstword $(shell hostname -I 2>/dev/null)),127.0.0.1),$(HOST))
export PLM_PUBLIC_BASE_URL := http://$(PUBLIC_HOST):$(PORT)
endif
endif

# run and venue load the same demo (with check-ins, evaluations and tests) into an empty database.
LOAD_DEMO = if $(BIN)/flask plm is-empty; then $(BIN)/flask plm demo --attendance; else $(BIN)/flask plm demo-logins; fi

# Debian packages: what the app needs to render PDFs, and what the tests need besides.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils libzbar0 postgresql caddy
# node runs the door's offline judge against the server's table of cases (tests/js/); Debian's unless one is there.
TEST_DEBS += $(if $(shell command -v node 2>/dev/null),,nodejs)

.PHONY: run venue test test-sqlite test-postgres bench bench-peer translations debs-run debs-test clean

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
	@# 0600: the key signs every ticket and session.
	@umask 077 && $(PYTHON) -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@
	@echo "Wrote a new SECRET_KEY to $@"

# English is the source language: its catalogue is empty on purpose, so only Indonesian's statistics are shown.
translations: $(VENV)/.runtime
	@$(BIN)/pybabel compile --use-fuzzy -d plm/translations -D messages --statistics 2>&1 \
		| grep -v -e '^$$' -e 'translations/en/' || true
	@echo "English is the source language (no translation needed)."

run: debs-run $(VENV)/.runtime instance/config.py translations
	$(BIN)/flask plm init
	@$(LOAD_DEMO)
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@echo "Links in mails, tickets and certificates use $$($(BIN)/python -c 'from plm import create_app; print(create_app().config["PUBLIC_BASE_URL"])')"
	@echo "  (set PLM_PUBLIC_BASE_URL=https://... for the address participants and door phones use)"
	@# One gthread worker: the lowest door latency on SQLite (see bench/checkin_load.py); background
	@# PDF jobs run in its worker thread. More workers: PLM_WORKERS=2 make run.
	PLM_BIND=$(HOST):$(PORT) PLM_WORKERS=$${PLM_WORKERS:-1} PLM_THREADS=$${PLM_THREADS:-8} \
		$(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app

# HTTPS on the venue LAN: a local CA (made once, in instance/venue/) and Caddy in front of gunicorn,
# which buffers slow phones' requests. Prints the /door-setup address for the door phones.
# VENUE_IP=... (default: this laptop's LAN address), VENUE_PORT=8443, VENUE_HTTP_PORT=8080.
venue: debs-run $(VENV)/.runtime instance/config.py translations
	@scripts/apt-ensure caddy openssl
	$(BIN)/flask plm init
	@$(LOAD_DEMO)
	PORT=$(PORT) $(BIN)/python scripts/venue

test: debs-test $(VENV)/.dev translations
	@scripts/run-tests

test-sqlite: $(VENV)/.dev translations
	scripts/run-tests --pass

test-postgres: debs-test $(VENV)/.dev translations
	scripts/with-postgres scripts/run-tests --pass "not nodb"

# Every bench script under a header, then PLM beside pretix (the anchor's folder in PLM_PRETIX_ANCHOR;
# without it, PLM's figures only). A failing script is named at the end.
bench: debs-test $(VENV)/.dev translations
	@failed=""; for script in $$(ls bench/*.py | grep -v -e compare_pretix -e compare_revisions) bench/compare_pretix.py; do \
		printf '\n==================== %s  (%s)\n' "$$script" "$$(date +%H:%M:%S)"; \
		sed -n '1s/^"""/  /p' $$script; echo; \
		$(BIN)/python $$script || failed="$$failed $$script"; \
	done; \
	if [ -n "$$failed" ]; then echo; echo "FAILED:$$failed"; exit 1; fi

# PLM beside pretix only (installs pretix into /tmp/pretix-anchor the first time, about 5 min).
bench-peer: debs-test $(VENV)/.dev translations
	$(BIN)/python bench/compare_pretix.py

clean:
	rm -rf $(VENV) .pytest_cache
