# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app campaign
# The local site runs in development mode: a generated secret key kept under instance/,
# and the console's one-time password printed on first run.
export CAMPAIGN_ENV ?= development
# `make run PORT=5001`: config.py reads it too, so printed links and links in email follow it.
export PORT ?= 5000

.PHONY: setup run test lint format clean bench translations

# Each language's catalog, compiled for gettext whenever its .po is newer.
CATALOGS := campaign/translations
COMPILED := $(patsubst %.po,%.mo,$(wildcard $(CATALOGS)/*/LC_MESSAGES/messages.po))

setup: $(VENV)/.installed $(COMPILED)

$(CATALOGS)/%/LC_MESSAGES/messages.mo: $(CATALOGS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

$(VENV)/.installed: pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9 \
		&& $(BIN)/uv pip sync --quiet --python $(BIN)/python requirements-dev.lock \
		&& $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e . \
		|| ($(BIN)/python -m pip install --quiet -r requirements-dev.lock \
			&& $(BIN)/python -m pip install --quiet --no-deps -e .)
	touch $@

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

# A surge of readers and signers driven by wrk against gunicorn on a scratch PostgreSQL
# database (BENCH_DATABASE_URL, default campaign_bench on 127.0.0.1), each figure beside a bare
# Flask app's on the same settings (about 5 minutes; SURGE_ARGS="--duration 5" to shorten);
# then one update sent to 10,000 and 100,000 subscribers (campaign_mailbench on that server).
# The mail bench runs even when the surge bench fails, and make fails if either did.
bench: setup
	$(BIN)/python -m bench.surge $(SURGE_ARGS); surge=$$?; \
		$(BIN)/python -m bench.studio; \
		$(BIN)/python -m bench.mailer && exit $$surge

# Extract every marked string into the template, bring each catalog up to date with it, and
# compile them. `make translations LANGUAGE=fa` first starts a catalog for a new language.
translations: setup
	mkdir -p $(CATALOGS)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k N_:1,2,2t --add-location=file --sort-output \
		--project=campaign --copyright-holder="the campaign authors" \
		-o $(CATALOGS)/messages.pot .
	$(if $(LANGUAGE),$(BIN)/pybabel init -i $(CATALOGS)/messages.pot -d $(CATALOGS) -l $(LANGUAGE))
	$(BIN)/pybabel update -i $(CATALOGS)/messages.pot -d $(CATALOGS) --no-fuzzy-matching \
		--ignore-obsolete
	$(BIN)/pybabel compile --statistics -d $(CATALOGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache
