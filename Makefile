# `make run`  installs, migrates, loads the demo into an empty store, serves on :8050
#             (WORKERS server processes, default 2, sharing one cache)
# `make test` installs what the tests need and runs the whole suite
# `make i18n` re-extracts the interface's strings and updates the English catalog
# `make bench` measures import, query, page (callback), rule-engine and monthly-brief speed,
#             50 users at once against several server processes and the fault scenarios
#             on BENCH_TARGETS (default "sqlite:nanhu postgresql:province"),
#             into one results file and one markdown report (bench/report.md)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip -q --disable-pip-version-check
FLASK  := $(VENV)/bin/flask --app app
PYTEST_ARGS ?=

.PHONY: run test bench i18n install install-dev system-deps system-deps-test clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PIP) install -r requirements-dev.txt
	touch $@

system-deps:
	bash scripts/system_deps.sh run

system-deps-test:
	bash scripts/system_deps.sh test

install: system-deps $(VENV)/.installed

install-dev: system-deps-test $(VENV)/.dev-installed

# Several server processes (gunicorn) sharing one cache: a directory under
# instance/ by default, Redis when CACHE_TYPE=RedisCache and CACHE_REDIS_URL
# are set (README, "Serving").
HOST    ?= 127.0.0.1
PORT    ?= 8050
WORKERS ?= 2
THREADS ?= 4

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --scale small --if-empty
	$(FLASK) users first-admin
	CACHE_TYPE=$${CACHE_TYPE:-FileSystemCache} CACHE_DIR=$${CACHE_DIR:-instance/cache} \
	  $(VENV)/bin/gunicorn --workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) \
	  --timeout 120 --graceful-timeout 30 app:server

test: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# BENCH_TARGETS: space-separated ENGINE:SCALE[=URL]; postgresql ones get their
# store from bench/pg.py's cluster_url (bench/run.py). BENCH_SCRIPTS: which
# scripts, in order. The measurements go to BENCH_RESULTS, the report to BENCH_REPORT.
BENCH_TARGETS ?= sqlite:nanhu postgresql:province
BENCH_SCRIPTS ?= import_payments query_speed page_speed rules_speed brief_speed load faults
BENCH_RESULTS ?= instance/bench-results.json
BENCH_REPORT  ?= bench/report.md

bench: install-dev
	$(PY) bench/run.py --targets "$(BENCH_TARGETS)" --scripts "$(BENCH_SCRIPTS)" \
	  --json $(BENCH_RESULTS) --report $(BENCH_REPORT)

POT := $(VENV)/messages.pot

# New strings arrive in data/locale/en/LC_MESSAGES/messages.po untranslated;
# tests/test_i18n.py fails until each has its English.
i18n: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
	  --ignore-dirs=".* $(VENV) tests bench" -o $(POT) .
	$(VENV)/bin/pybabel update -i $(POT) -d data/locale -l en --no-fuzzy-matching \
	  --ignore-obsolete --no-wrap

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
