# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000

.PHONY: install run test lint messages bench rehearsal stress clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

# One pytest process per core (pytest-xdist); the tests that share one file
# (the French catalogue) run in one group. PYTEST_ARGS replaces these.
# pytest exits 5 when no test is collected: not a failure for a young project.
PYTEST_ARGS ?= -n auto --dist loadgroup
test: install
	$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest: no test collected"; exit 0; fi; exit $$status

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# Regenerate the French catalogue after changing strings, then translate the new entries.
messages: install
	$(PY) manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l fr --ignore=.venv

# Performance figures on a throw-away PostgreSQL behind gunicorn (see
# docs/performance.md); BENCH_QUICK=1 for a ~3 minute development run.
bench: install
	$(PY) bench/run.py

# Two web nodes, two workers and beat on one PostgreSQL, Redis and S3 server
# under locust, with a worker killed and Redis stopped mid-run (see
# docs/operations.md). REHEARSAL_SECONDS (180) sets the length of the load.
rehearsal: $(VENV)/.bench-installed
	$(PY) bench/rehearsal/run.py

$(VENV)/.bench-installed: $(VENV)/.installed
	$(PIP) install -q --disable-pip-version-check -c constraints.txt -e ".[bench]"
	touch $@

# The long variants of the race and fault suites (1,000 rounds each; CI runs
# a few hundred). Needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis),
# as .ci/run provides them.
STRESS_ROUNDS ?= 1000
stress: install
	STRESS_ROUNDS=$(STRESS_ROUNDS) $(PY) -m pytest -m "postgres or worker" -q $(STRESS_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
