# Two commands on a fresh machine: `make run` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-integration lint bench messages messages-check

# Compiled catalogues are build output: made from the committed .po files.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
%.mo: %.po
	msgfmt --check -o $@ $<

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Migrate, load the seeds, create the local accounts, then serve on 127.0.0.1:8000 with a
# django-q2 cluster beside the web server; Ctrl-C stops both.
run: $(STAMP) $(MO)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py sync_schedules
	$(PY) manage.py load_seeds --demo
	$(PY) manage.py create_local_accounts
	$(PY) manage.py runlocal

# The fast suite; the tests under tests/integration/ (live clusters, browsers, several processes)
# run with `make test-integration`, and CI runs both.
test: $(STAMP) $(MO)
	$(PY) -m pytest -m "not integration"

test-integration: $(STAMP) $(MO)
	$(PY) -m pytest -m integration

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(PY) bench/run.py

# Re-extract the translatable strings into locale/*/django.po (then translate the new ones).
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --no-location --no-wrap --ignore=.venv --ignore=bench --ignore=tests

# Fails when the code has strings that locale/ does not have yet.
messages-check: messages
	git diff --exit-code -I '^"POT-Creation-Date' -- locale
