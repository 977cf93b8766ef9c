# Đôn đốc 389 — everything a new machine needs, in two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PROD_STAMP := $(VENV)/.installed-prod
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras

.PHONY: run dev test test-postgres prod-up prod-check lint format install install-dev demo \
	static lock upgrade messages clean bench-scale

# Production packages only (requirements.txt), each checked against its hash. A .venv without
# pip is half made (Debian's python3.11 without python3.11-venv leaves .venv/bin/python behind
# when ensurepip is missing): it is made again, not left to fail on "No module named pip".
$(PROD_STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 ($(PYTHON)) / Python 3.11 is required"; exit 1; }
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	touch $(PROD_STAMP)

# Tests and tools on top (requirements-dev.txt holds the production pins too).
$(DEV_STAMP): $(PROD_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(DEV_STAMP)

install: $(PROD_STAMP)

install-dev: $(DEV_STAMP)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

# make run and make prod-up (make static) collect again only when a static file or the installed
# packages changed: compressing every file takes 20-40 s, which a second start should not pay.
# The stamp lives in the STATIC_ROOT Django collects into: DJANGO_STATIC_ROOT from the
# environment or else .env, as the settings read it. A collected directory (var/static, or
# DJANGO_STATIC_ROOT inside the checkout) is output, never a source.
STATIC_ROOT_DIR := $(or $(DJANGO_STATIC_ROOT),$(shell test -f .env && $(BIN)/python -c \
	"import environ, os; environ.Env.read_env('.env'); print(os.environ.get('DJANGO_STATIC_ROOT', ''))" \
	2>/dev/null),var/static)
STATIC_STAMP := $(STATIC_ROOT_DIR)/.collected
STATIC_OUTPUT := var/static $(patsubst $(CURDIR)/%,%,$(abspath $(STATIC_ROOT_DIR)))
$(STATIC_STAMP): $(PROD_STAMP) $(shell find $(filter-out $(STATIC_OUTPUT),$(wildcard */static)) -type f)
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	touch $@

static: $(STATIC_STAMP)

# The embedded mode, for real use: waitress, DEBUG off, the periodic jobs in a thread, SQLite.
run: demo $(STATIC_STAMP)
	$(BIN)/python manage.py run --host $(HOST) --port $(PORT)

# For developers: Django's development server (reloads code), DEBUG on.
dev: install-dev demo
	DJANGO_DEBUG=true $(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest

test-postgres: install-dev
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dondoc389} $(BIN)/python -m pytest

# Production on one machine (docs/deploy.md): nginx → gunicorn, Celery worker and beat, over
# PostgreSQL and Redis from the environment or .env. One command starts them all (honcho).
prod-check: install
	@$(BIN)/python -c "import environ, sys; e = environ.Env(); environ.Env.read_env('.env'); \
	db, broker = e('DATABASE_URL', default=''), e('CELERY_BROKER_URL', default=''); \
	sys.exit(0) if db.startswith('postgres') and broker.startswith('redis') else \
	sys.exit('make prod-up needs DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (docs/deploy.md)')"
	@command -v nginx >/dev/null || { echo "make prod-up needs nginx (apt-get install nginx)"; exit 1; }

prod-up: prod-check static
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/honcho run deploy/render-nginx > var/nginx.conf  # honcho: with .env's values
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho --procfile deploy/Procfile --app-root . start

# Issue 11's table at any size, in a scratch PostgreSQL database it creates and drops
# (bench/scale.py; bench/README.md has the numbers). make bench-scale SIZE=1000000 RUNS=20
# Its pages render with the manifest of hashed static files, as production: collected first.
SIZE ?= 100000
RUNS ?= 20
bench-scale: install-dev $(STATIC_STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/scale_bench} \
		$(BIN)/python bench/scale.py --size $(SIZE) --runs $(RUNS)

# mypy checks the packages listed in pyproject.toml (its cache in var/mypy_cache: seconds when warm)
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rewrite both lock files from requirements*.in, keeping the pinned versions (hashes included).
lock: install-dev
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

# The same, moving every package to its newest release (or one: make upgrade P=django).
upgrade: install-dev
	$(PIP_COMPILE) $(if $(P),--upgrade-package $(P),--upgrade) -o requirements.txt requirements.in
	$(PIP_COMPILE) $(if $(P),--upgrade-package $(P),--upgrade) -o requirements-dev.txt requirements-dev.in

messages: install-dev
	$(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=test-output
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var .pytest_cache test-output
