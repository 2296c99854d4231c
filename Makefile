# Two commands matter: `make run` (set up, then serve on the embedded defaults)
# and `make test` (set up, check, then run the whole suite). Everything else is a step of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test check setup system-packages bench clean

run: setup
	$(BIN)/mailgate import authorities mailgate/data/sample_authorities.csv
	$(BIN)/mailgate import bodies mailgate/data/sample_places.geojson
	$(BIN)/mailgate import contacts mailgate/data/sample_contacts.csv
	$(BIN)/mailgate import representatives mailgate/data/sample_representatives.json
	$(BIN)/mailgate serve

test: setup check system-packages
	$(BIN)/python -m pytest

# Static checks, configured in pyproject.toml: ruff, mypy (strict on store and
# mailgate.gateway) and import-linter's contracts. All three run; any failure fails.
check: setup
	@status=0; \
	echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "$(BIN)/mypy"; $(BIN)/mypy || status=1; \
	echo "$(BIN)/lint-imports"; $(BIN)/lint-imports || status=1; \
	exit $$status

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "mailgate needs Python 3.11 or newer"'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || $(SUDO) apt-get install -y python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian packages the test suite uses: Chromium for the archive's browser tests, openssl for STARTTLS.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-packages:
	@command -v chromium >/dev/null && command -v openssl >/dev/null || \
	  ( $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium openssl )

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/realmail.py
	$(BIN)/python bench/archive.py
	$(BIN)/python bench/large_data.py
	$(BIN)/python bench/bounces.py
	$(BIN)/python bench/places.py
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) var build *.egg-info test-artifacts
