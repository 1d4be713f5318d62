# musicgen: `make run` brings the whole app up on embedded defaults; `make test` runs every test.
# Both install what they need first (venv, Python and Debian packages, front-end files, Redis).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the engine renders and sings with (SoundFont synthesis, fallback voice).
ENGINE_APT_PACKAGES := libfluidsynth3 fluid-soundfont-gm espeak-ng
# Debian's Chromium, driven by Playwright in the browser tests (Playwright's own download cannot work here).
BROWSER_APT_PACKAGES := chromium chromium-driver
# nginx for the production-shaped test (run by the test itself, never as a system service); Debian's
# docker-compose so the test of docker-compose.yml runs (it skips where no compose binary exists).
DEPLOY_APT_PACKAGES := nginx docker-compose
VENDOR := static/vendor

.PHONY: run test lint install install-dev system-packages browser-packages deploy-packages vendor static redis postgres migrate app-key user bench clean

run: install redis migrate app-key static
	@echo
	@echo "  musicgen is starting at http://127.0.0.1:8000"
	@echo "  No login yet? In another terminal:  make user   (or: $(BIN)/python manage.py createsuperuser)"
	@echo "  Ctrl-C stops the web server, both workers and beat."
	@echo
	$(BIN)/honcho start -f Procfile

# The whole suite on the filesystem storage, then the end-to-end flow again on S3 (moto on loopback),
# and once more on RabbitMQ (skipped, saying so, where nothing answers on 5672).
S3_TEST_ENV := MUSICGEN_STORAGE=s3 MUSICGEN_S3_BUCKET=musicgen-test MUSICGEN_S3_ENDPOINT_URL=http://127.0.0.1:9555 \
	MUSICGEN_S3_ACCESS_KEY_ID=testing MUSICGEN_S3_SECRET_ACCESS_KEY=testing
AMQP_TEST_ENV := CELERY_BROKER_URL=amqp://guest:guest@127.0.0.1:5672//

test: install-dev browser-packages deploy-packages redis postgres lint
	$(BIN)/python -m pytest
	$(S3_TEST_ENV) $(BIN)/python -m pytest tests/e2e/test_core_flow.py
	$(AMQP_TEST_ENV) $(BIN)/python -m pytest -rs tests/e2e/test_core_flow.py

# `make run` installs what production runs (requirements.txt); tests, benchmarks and lint add requirements-dev.txt.
install: $(VENV)/.installed system-packages vendor

install-dev: install $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# `make test` runs this first: ruff, then the import contracts of pyproject.toml (which part may import which).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo

system-packages:
	@./bin/ensure-apt-packages $(ENGINE_APT_PACKAGES)

browser-packages:
	@./bin/ensure-apt-packages $(BROWSER_APT_PACKAGES)

deploy-packages:
	@./bin/ensure-apt-packages $(DEPLOY_APT_PACKAGES)

# Front-end libraries come from the npm registry at build time and are served from static/vendor.
vendor: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/wavesurfer.js/dist/wavesurfer.min.js $(VENDOR)/
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/
	touch $@

# With MUSICGEN_DEBUG=false whitenoise serves the static files from STATIC_ROOT, under hashed names.
static: install
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0 --skip-checks

redis:
	@./bin/ensure-redis

postgres:
	@./bin/ensure-postgres

migrate: install
	$(BIN)/python manage.py migrate --no-input --skip-checks

app-key: migrate
	@$(BIN)/python manage.py create_generation_key app --key-file var/localgen-app.key --skip-checks >/dev/null
	@echo "Local generation service key: var/localgen-app.key"

user: install migrate
	$(BIN)/python manage.py createsuperuser

# Every benchmark in bench/, one table (docs/benchmarks.md); each starts its own Redis, gunicorn and workers.
bench: install-dev redis postgres
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
