# The commands the README tells people to type.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

# chromium-l10n: the browser's own words (date picker, file chooser) in Chinese, as on the users' phones.
DEBIAN_PACKAGES := chromium chromium-driver chromium-l10n fonts-noto-cjk gettext
# deploy/'s web server: the tests check the rendered site with `nginx -t`.
DEPLOY_DEBIAN_PACKAGES := nginx
# `make bench` only: the HTTP load generator of its load test.
BENCH_DEBIAN_PACKAGES := wrk
# `make prod-check` only: the production stack of deploy/, started on this machine.
PROD_DEBIAN_PACKAGES := nginx redis-server postgresql postgresql-client
BENCH_STAMP := $(VENV)/.bench-installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install system-packages bench-packages prod-packages prod-check run test bench lint format migrations-check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## make run — install, migrate the SQLite database (and its cache table), seed demo data (first run),
## then serve on :8000 with the tasks worker beside the dev server (exports, e-mail); Ctrl-C stops both.
run: export DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/python manage.py db_worker --queue-name default,exports & \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

# $(call apt_install,packages,what happens without them): install the Debian packages missing.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  elif sudo -n true 2>/dev/null; then sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Not installed: $$missing ($(2))"; fi; \
	fi
endef

## Debian packages the tests use (the browser test, nginx -t of deploy/; without them those are skipped locally).
system-packages:
	$(call apt_install,$(DEBIAN_PACKAGES) $(DEPLOY_DEBIAN_PACKAGES),the browser test and the nginx check will be skipped)

## Debian packages of the benchmark (wrk; without it the load test is skipped).
bench-packages:
	$(call apt_install,$(BENCH_DEBIAN_PACKAGES),the load test will be skipped)

## Debian packages of the production stack (nginx, Redis, PostgreSQL) for make prod-check.
prod-packages:
	$(call apt_install,$(PROD_DEBIAN_PACKAGES),make prod-check cannot start the stack)

## make prod-check — start the stack of deploy/ here (PostgreSQL, Redis, 2 × gunicorn, the tasks
## worker, nginx; DEBUG=false) and check it through nginx; stops all of it and drops its database.
prod-check: install prod-packages
	$(BIN)/python deploy/prod_check.py

## make test — the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: install system-packages
	$(BIN)/pytest -n auto -q

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	rm -f $(VENV)/.bench-installed-*
	touch $@

## make bench — district-scale benchmark in its own databases (bench/ for SQLite, <name>_bench
## on PostgreSQL when DATABASE_URL points there); writes BENCHMARKS.md. Not part of CI (long).
## Pass options with BENCH_ARGS, e.g. make bench BENCH_ARGS="--quick" or "--rebuild".
bench: install bench-packages $(BENCH_STAMP)
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-bench-orchestrator-not-a-secret} \
	  $(BIN)/python manage.py bench --out BENCHMARKS.md $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: export DEBUG ?= true
migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles media-tests
