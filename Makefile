# Idélotsen. `make run` serves the demo, `make test` runs the suite; both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/idelotsen
REDIS_URL ?= redis://127.0.0.1:6379/14
# The locked dependencies (every package pinned, with hashes), made by `make lock`.
LOCK_BASE := requirements/base.txt
LOCK_DEV := requirements/dev.txt
PIP_TOOLS := pip-tools==7.6.2
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
# make check runs Django with the embedded defaults, in demo mode, whatever the shell has set.
CHECK_ENV := env -u DATABASE_URL -u CELERY_BROKER_URL -u EMAIL_URL DJANGO_DEBUG=true

.PHONY: install lock run test test-services bench load lint check messages icons screenshots clean

HTML_CHECKER := tests/html_checker

$(STAMP): $(LOCK_DEV) pyproject.toml $(HTML_CHECKER)/package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Idélotsen needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK_DEV)
	$(PY) -m pip install --quiet --no-deps -e .
	@# The Nu Html Checker for tests/test_valid_html.py (its install script, which would fetch
	@# a Java of its own, is not run: the checker uses the machine's Java).
	if command -v npm >/dev/null; then npm ci --prefix $(HTML_CHECKER) --ignore-scripts \
		--no-audit --no-fund --silent; else echo "npm not found: the HTML check will be skipped"; fi
	touch $(STAMP)

install: $(STAMP)

# Resolve pyproject.toml's dependencies into the lock files, keeping the versions already
# locked where they still fit (`make lock LOCK_ARGS=--upgrade` takes the newest instead).
# base.txt is what production needs; dev.txt adds the dev extras, held to base.txt's versions.
LOCK_ARGS ?=
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/pip-compile || $(PY) -m pip install --quiet '$(PIP_TOOLS)'
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file $(LOCK_BASE) pyproject.toml
	$(PIP_COMPILE) $(LOCK_ARGS) --extra dev --constraint $(LOCK_BASE) --output-file $(LOCK_DEV) pyproject.toml

# Demo mode is switched on here: the portal itself defaults to debug off (production).
run: $(STAMP)
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py seed_demo
	DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	env -u DATABASE_URL -u CELERY_BROKER_URL -u EMAIL_URL $(PY) -m pytest -p no:cacheprovider

# pytest-django creates (and drops) the test database test_<name>; the services tests
# flush the Redis database of REDIS_URL before they start their worker.
test-services: $(STAMP)
	env -u EMAIL_URL DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(REDIS_URL) \
		$(PY) -m pytest -p no:cacheprovider

bench: $(STAMP)
	$(PY) -m tests.bench.run

# PostgreSQL, Redis db 13, a worker, gunicorn and Locust; see tests/load/run.py for LOAD_*.
load: $(STAMP)
	$(PY) -m tests.load.run

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# What CI checks besides the tests: lint, formatting, migrations that match the models, types.
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(CHECK_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(CHECK_ENV) $(VENV)/bin/mypy

# Needs GNU gettext; the compiled .mo files are committed, so users never need it.
messages: $(STAMP)
	DJANGO_DEBUG=true $(PY) manage.py messages_update

# Redraw the touch icon from static/img/favicon.svg (needs Chromium).
icons: $(STAMP)
	$(PY) tests/browser/touch_icon.py

# Photograph the demo for the README (docs/screenshots/, needs Chromium); commit the PNGs.
screenshots: $(STAMP)
	$(PY) tests/browser/screenshots.py

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
