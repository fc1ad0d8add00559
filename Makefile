# The README's two commands are `make demo` and `make test`; .ci/run calls `make check test`.
SHELL := /bin/bash
PY := .venv/bin/python
UV_VERSION := 0.13.9
# Tests and benchmarks talk to real services (override on the command line or in the environment).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/brugwerk
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: setup browser services demo run test check lint format lock bench messages clean

.venv/.installed: requirements-dev.lock
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(PY) -m uv pip sync -q --python $(PY) requirements-dev.lock
	touch $@

setup: .venv/.installed messages

messages: .venv/.installed
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(PY) manage.py compilemessages -v 0 --ignore=.venv

# Debian's Chromium for the end-to-end tests (never a browser download).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# PostgreSQL and Redis on 127.0.0.1, started if they are not running, and a fresh test database.
services:
	bash scripts/services.sh

demo: setup
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

run: demo

test: setup browser services
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) CELERY_TASK_ALWAYS_EAGER=true \
	  $(PY) -m pytest $(PYTEST_ARGS)

check: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /tmp/brugwerk-openapi.yaml
	diff -q /tmp/brugwerk-openapi.yaml openapi.yaml || (echo "openapi.yaml is stale: run make schema" && exit 1)
	$(PY) scripts/check_translations.py
	BRUGWERK_MODE=production SECRET_KEY=ci-$$RANDOM-not-a-real-secret-but-long-enough-for-the-deploy-check-xyz \
	  ALLOWED_HOSTS=brugwerk.example DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	  $(PY) manage.py check --deploy --fail-level WARNING

schema: setup
	$(PY) manage.py spectacular --validate --file openapi.yaml

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

lock:
	python3 -m uv pip compile pyproject.toml -q -o requirements.lock --generate-hashes --python-version 3.11 --no-header
	python3 -m uv pip compile pyproject.toml --group dev -q -o requirements-dev.lock --generate-hashes --python-version 3.11 --no-header

bench: setup services
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m bench

clean:
	rm -rf .venv staticfiles db.sqlite3
