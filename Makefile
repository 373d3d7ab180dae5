# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
SOURCES := moderation plugins tests bench wsgi.py

.PHONY: run test check install test-deps browser cluster-deps nginx-deps cluster-test models db demo bench contract clean

$(BIN)/moderation: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(BIN)/moderation

models: install
	@test -f models/stance/current.json || $(BIN)/moderation train --task stance
	@test -f models/incivility/current.json || $(BIN)/moderation train --task incivility

db: install
	$(BIN)/moderation db upgrade

demo: db models
	$(BIN)/moderation demo --host $(HOST) --port $(PORT)

# the demo's own random session key, made once and kept in instance/ (serve refuses the public default)
instance/secret_key:
	@mkdir -p instance && umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

# the server and a webhook worker beside it; Ctrl-C stops both
run: demo instance/secret_key
	@echo "Moderators sign in at http://$(HOST):$(PORT)/login. Create the first one (an admin) in another terminal:"
	@echo "  $(BIN)/moderation moderators add you@example.nl --role admin"
	@echo "  (or put it on PATH: export PATH=\"$(CURDIR)/$(BIN):\$$PATH\", see the README)"
	@echo "Webhooks are sent by 'moderation worker': one runs beside the server here (a service of its own in production)."
	@echo
	@export MODERATION_SECRET_KEY=$${MODERATION_SECRET_KEY:-$$(cat instance/secret_key)}; \
	  $(BIN)/moderation worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  trap 'exit 130' INT TERM; \
	  $(BIN)/moderation serve --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests; Playwright drives it through executable_path.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq || sudo apt-get update -qq) && \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || \
	   sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); }

# Debian's haproxy and pgbouncer for the cluster test (PostgreSQL's server binaries are already there).
cluster-deps:
	@command -v haproxy >/dev/null 2>&1 && command -v pgbouncer >/dev/null 2>&1 || { \
	  (apt-get update -qq || sudo apt-get update -qq) && \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy pgbouncer >/dev/null || \
	   sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy pgbouncer >/dev/null); }

# Debian's nginx (and envsubst, in gettext-base) for the test of the shipped nginx site (tests/deploy).
nginx-deps:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx && command -v envsubst >/dev/null 2>&1 || { \
	  (apt-get update -qq || sudo apt-get update -qq) && \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx gettext-base >/dev/null || \
	   sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx gettext-base >/dev/null); }

test-deps: install browser cluster-deps nginx-deps
	$(BIN)/pip install --quiet -e '.[test]'

# lint, format, import contracts (pyproject.toml [tool.importlinter]) and types before the tests
check: test-deps
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/lint-imports
	$(BIN)/mypy

test: check
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Three app hosts, two webhook workers, PgBouncer + PostgreSQL and haproxy, each in its own
# network namespace (needs root; skipped with the reason otherwise). Also part of `make test`.
cluster-test: test-deps
	$(BIN)/python -m pytest -q -rs -m cluster tests/cluster $(PYTEST_ARGS)

contract: install
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python ../shared/checks/contract_check.py

# Every figure of the fast-path table in one run (wrk from Debian is installed by bench/run.py),
# with where one POST's time goes; writes docs/BENCHMARKS.md.  BENCH_ARGS="--repeat 5" etc.
bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py --profile $(BENCH)

clean:
	rm -rf $(VENV) instance *.egg-info .pytest_cache
