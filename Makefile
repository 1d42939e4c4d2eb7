# The README's two commands: `make run` and `make test`. Each installs what it needs itself.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2

.PHONY: run test lint typecheck test-sqlite test-postgres assets messages setup clean

run: setup assets messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	# The deadline worker runs beside the web server and stops with it.
	$(PY) manage.py run_deadlines --interval 60 & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup messages lint typecheck test-sqlite test-postgres

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.installed
	npm run build

messages: setup
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=node_modules -v0

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy .

test-sqlite: setup
	DATABASE_URL=sqlite:///var/test.sqlite3 $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q

test-postgres: setup
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q

clean:
	rm -rf $(VENV) node_modules static/dist var
