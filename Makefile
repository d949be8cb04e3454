# Parity: `make run` serves the demo on SQLite; `make test` runs the suite on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := parity/web/static/vendor
export DJANGO_SETTINGS_MODULE := config.settings
# PostgreSQL for the second test run; pytest-django creates and drops test_<name>.
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/parity
# The demo city's size: 0.005 of the report's city (3,000 floating people, ~14,700 in all).
DEMO_SCALE ?= 0.005
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-sqlite test-postgres lint format vendor messages bench bench-worklist bench-demo bench-report bench-indicators bench-load bench-pages bench-exports bench-dedup tour clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/swagger-ui-dist
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	# The source maps too: the manifest storage follows every file a CSS or JS file names.
	cd node_modules/swagger-ui-dist && cp swagger-ui-bundle.js swagger-ui-bundle.js.map \
	   swagger-ui-standalone-preset.js swagger-ui-standalone-preset.js.map \
	   swagger-ui.css swagger-ui.css.map favicon-32x32.png ../../$(VENDOR)/swagger-ui-dist/
	touch $@

vendor: $(VENDOR)/.installed

messages: $(BIN)/.installed
	cd parity && ../$(BIN)/django-admin compilemessages --ignore=.venv >/dev/null

setup: $(BIN)/.installed vendor messages

run: setup
	$(BIN)/parity migrate --noinput
	$(BIN)/parity load_areas
	$(BIN)/parity load_catalog
	$(BIN)/parity load_schedule
	$(BIN)/parity demo --scale $(DEMO_SCALE) --if-empty
	$(BIN)/parity refresh_immunization
	$(BIN)/parity load_indicators
	$(BIN)/parity refresh_indicators --months 6
	$(BIN)/parity collectstatic --noinput --verbosity 0
	$(BIN)/parity ensure_admin
	@echo "Serving Parity on http://$(HOST):$(PORT)/ (with the background worker)"
	# The worker (large exports and imports) runs beside the web server and stops when it does.
	$(BIN)/parity worker --no-reload --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/parity runserver $(HOST):$(PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy parity config
	# A model change without its migration fails here.
	$(BIN)/parity makemigrations --check --dry-run

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# No persistent connections in tests: the live server's would keep the test database open.
test-sqlite: setup
	env -u DATABASE_URL DATABASE_CONN_MAX_AGE=0 $(BIN)/pytest -q

test-postgres: setup
	DATABASE_URL=$(TEST_DATABASE_URL) DATABASE_CONN_MAX_AGE=0 $(BIN)/pytest -q

# The two databases' runs side by side (each is mostly one process): about half the time.
# Each run's output is printed whole when it ends.
test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: setup
	$(BIN)/python bench/import_people.py

# Duplicate people on a copy of the scale-1 city: planted duplicates, sweep time, recall and
# precision per kind (bench/README.md). PARITY_VAR_DIR must hold the key that sealed the city.
bench-dedup: setup
	$(BIN)/python bench/dedup.py

# Work lists of every grid of a city of 600,000 floating people (bench/README.md).
bench-worklist: setup
	$(BIN)/python bench/worklist.py

# parity demo at scale 1 into a fresh database (BENCH_DATABASE_URL, default parity_demo).
bench-demo: setup
	$(BIN)/python bench/demo_generate.py --scale 1

# 50 users of every role for 2 minutes against gunicorn on the scale-1 city (bench/README.md).
bench-load: setup
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/load.py

# Every page and API list as each role loads it from gunicorn on the scale-1 city (bench/README.md).
bench-pages: setup
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles

# `parity report` at scale 1 next to a hand-written SQL query (bench/README.md).
bench-report: setup
	$(BIN)/python bench/report.py --scale 1

# Every indicator for every node of the scale-1 demo city, cold and cached, and the
# dashboard under 20 concurrent users (bench/README.md). Needs the kept demo database.
bench-indicators: setup
	$(BIN)/python bench/indicators.py

# Peak memory and time of the export writers for N and 10 N rows (bench/README.md).
bench-exports: setup
	$(BIN)/python bench/exports.py

# Screenshot tour: every page at 390 px and 1280 px, in Chinese and English, on a small demo
# SQLite database (var/tour/); fails on a console error, an overflow, 「---------」 or raw codes.
tour: setup
	$(BIN)/python tools/tour.py
