# The README's two commands: `make run` and `make test`. Each installs what it needs itself.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2
PORT ?= 8000

.PHONY: run test lint typecheck test-sqlite test-postgres assets messages setup system-packages clean lock

# Debian packages `make run` needs: python3-venv for .venv, gettext to compile the translations, Pango and a font
# with Vietnamese glyphs for the PDF reports. `make test` adds Chromium (browser tests), Redis and Dovecot (the IMAP
# server the mailbox tests start on a loopback port).
# Installed with apt when missing and we are root (as on CI); otherwise named for you.
SYSTEM_PACKAGES := python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-core fonts-dejavu-core
TEST_SYSTEM_PACKAGES := chromium redis-server dovecot-imapd

run: system-packages setup assets messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	# The deadline, report, notification and Zalo/Facebook event workers run beside the web server and stop with it.
	$(PY) manage.py run_deadlines --interval 60 & deadlines=$$!; $(PY) manage.py run_report_renders & reports=$$!; \
	$(PY) manage.py run_outbox & outbox=$$!; $(PY) manage.py run_channel_events & social=$$!; \
	trap 'kill $$deadlines $$reports $$outbox $$social 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup messages assets lint typecheck
	$(MAKE) system-packages SYSTEM_PACKAGES="$(SYSTEM_PACKAGES) $(TEST_SYSTEM_PACKAGES)"
	$(MAKE) test-sqlite test-postgres

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  for p in $$missing; do case " $(TEST_SYSTEM_PACKAGES) " in *" $$p "*) \
	    echo "$$p is needed only by the tests (make test), not by make run";; esac; done; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Please install: sudo apt-get install $$missing"; exit 1; fi; \
	fi

setup: $(VENV)/.installed

# Python packages come from the lock files, exact versions with their hashes (a new `holidays` release cannot change
# legal due dates between two installs): requirements-dev.lock for development and the tests, requirements.lock (the
# same versions, without the tools) for the image. `make lock` writes both from pyproject.toml, keeping every pin
# that still fits; `make lock UPGRADE=1` moves everything to the newest allowed versions.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --universal --python-version 3.11 \
	$(if $(UPGRADE),--upgrade)

lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet 'uv>=0.9,<1'
	$(UV_COMPILE) --extra dev -o requirements-dev.lock
	$(UV_COMPILE) --constraint requirements-dev.lock -o requirements.lock

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
	# The OpenAPI schema: valid, and not one warning (a warning is a wrong or ambiguous schema).
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

typecheck: setup
	$(VENV)/bin/mypy .

test-sqlite: setup
	DATABASE_URL=sqlite:///var/test.sqlite3 $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q

test-postgres: setup
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q

clean:
	rm -rf $(VENV) node_modules static/dist var
