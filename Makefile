# Two commands matter: `make run` (set up, then serve on the embedded defaults)
# and `make test` (set up, check, then run the whole suite). Everything else is a step of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test check setup test-setup system-packages bench clean

# The checkout's mailgate.toml names ./var as the home: `db upgrade` creates the store there (no
# other command but serve and demo would), and any `mailgate` command run in this folder or below finds it.
run: setup
	$(BIN)/mailgate db upgrade
	$(BIN)/mailgate import authorities mailgate/data/sample_authorities.csv
	$(BIN)/mailgate import bodies mailgate/data/sample_places.geojson
	$(BIN)/mailgate import contacts mailgate/data/sample_contacts.csv
	$(BIN)/mailgate import representatives mailgate/data/sample_representatives.json
	$(BIN)/mailgate serve

test: test-setup check system-packages
	$(BIN)/python -m pytest

# Static checks, configured in pyproject.toml: ruff, mypy (strict on store and
# mailgate.gateway) and import-linter's contracts. All three run; any failure fails.
check: test-setup
	@status=0; \
	echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "$(BIN)/mypy"; $(BIN)/mypy || status=1; \
	echo "$(BIN)/lint-imports"; $(BIN)/lint-imports || status=1; \
	exit $$status

# `setup` installs what running needs; `test-setup` adds the [test] extras (pytest, Playwright,
# the linters), which `make run` never needs.
setup: $(VENV)/.installed
test-setup: $(VENV)/.installed-test

# setuptools warns that an editable install's folder shadows the package: here that folder *is* the
# package (the checkout), so the warning says nothing to act on.
QUIET_EDITABLE := PYTHONWARNINGS="ignore:Editable installation"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "mailgate needs Python 3.11 or newer"'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || $(SUDO) apt-get install -y python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(QUIET_EDITABLE) $(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(QUIET_EDITABLE) $(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian packages the test suite uses: Chromium for the archive's browser tests, openssl for STARTTLS,
# Postfix and swaks for tests/deploy/test_postfix.py (a private instance: the package is installed
# with "No configuration", so the machine's own Postfix is neither configured nor started),
# sqlite3 for the documented backup and restore.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-packages:
	@command -v chromium >/dev/null && command -v openssl >/dev/null && command -v swaks >/dev/null && \
	  command -v sqlite3 >/dev/null && test -x /usr/sbin/postfix || \
	  ( echo "postfix postfix/main_mailer_type select No configuration" | $(SUDO) debconf-set-selections && \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium openssl postfix swaks sqlite3 )

bench: test-setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/realmail.py
	$(BIN)/python bench/archive.py
	$(BIN)/python bench/large_data.py
	$(BIN)/python bench/bounces.py
	$(BIN)/python bench/places.py
	$(BIN)/python bench/digest.py
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) var build *.egg-info test-artifacts
