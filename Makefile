# Two commands on a fresh machine: `make demo` builds the samples, `make test` runs the tests.
# Both install what is missing first: system packages with apt (tools/setup.sh), then the
# package into a project virtual environment (.venv) with the locked versions
# (constraints.txt). Stamp files make a second run skip the install work.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out
STAMP := $(VENV)/.installed
# the samples that are documents of their own (the *-invoiced and *-late ones are the same
# deals later on: their invoices and letters are built below)
DOCUMENTS := $(filter-out %-invoiced.yaml %-late.yaml,$(wildcard samples/*.yaml))

.PHONY: setup system demo test test-fast test-latest test-min smoke-wheel lint schemas bench lock clean

setup: $(STAMP)

system:
	bash tools/setup.sh

$(VENV)/bin/python:
	bash tools/setup.sh
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(VENV)/bin/python
	bash tools/setup.sh
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[test,dask,ooxml]"
	touch $(STAMP)

demo: setup
	$(PY) -m contratgen lint
	$(PY) -m contratgen build $(DOCUMENTS) -o $(OUT)
	$(PY) -m contratgen invoice samples/contract-b2b-invoiced.yaml -o $(OUT)/invoices
	$(PY) -m contratgen remind samples/contract-b2b-late.yaml --invoice FA-2026-0131 --level formal-notice --on 2026-06-30 -o $(OUT)/letters
	$(PY) -m contratgen invoice samples/quote-builder-b2c.yaml -o $(OUT)/invoices
	$(PY) -m contratgen release samples/quote-builder-b2c.yaml -o $(OUT)/letters
	$(PY) -m contratgen invoice samples/contract-subcontractor.yaml -o $(OUT)/invoices
	$(PY) -m contratgen batch samples/batch -o $(OUT)/batch

test: setup
	$(PY) -m pytest -q -n 2 -p no:cacheprovider

# The inner loop: no LibreOffice, no process killing or fuzzing.
test-fast: setup
	$(PY) -m pytest -q -n 2 -p no:cacheprovider -m "not libreoffice and not slow"

# The suite against the newest versions pyproject.toml allows (no lock): a breaking
# release shows the day it ships. Not part of CI's pass/fail.
test-latest:
	bash tools/setup.sh
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install -q --disable-pip-version-check --upgrade --upgrade-strategy eager -e ".[test,dask,ooxml]"
	.venv-latest/bin/python -m pytest -q -n 2 -p no:cacheprovider

# The suite with every dependency at the lower bound pyproject.toml states.
test-min:
	bash tools/setup.sh
	$(PYTHON) -m venv .venv-min
	.venv-min/bin/python -m pip install -q --disable-pip-version-check -c constraints-min.txt -e ".[test,dask]"
	.venv-min/bin/python -m pytest -q -n 2 -p no:cacheprovider

# The wheel, installed in a fresh venv, used from an empty folder as a new user would.
smoke-wheel: setup
	bash tools/smoke_wheel.sh $(PY)

# Re-lock: the newest allowed versions, frozen into constraints.txt.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q --disable-pip-version-check ".[test,dask,ooxml]"
	{ echo "# The versions CI installs (pip install -c constraints.txt): the suite passed with them."; \
	  echo "# Regenerate with \`make lock\`; \`make test-latest\` tries the newest allowed."; \
	  .venv-lock/bin/python -m pip freeze --exclude contratgen | sort; } > constraints.txt
	rm -rf .venv-lock

lint: setup
	$(PY) -m contratgen lint

schemas: setup
	$(PY) -m contratgen schema client > schemas/client.schema.json
	$(PY) -m contratgen schema clause > schemas/clause.schema.json
	$(PY) -m contratgen schema policy > schemas/policy.schema.json

bench: setup
	$(PY) benchmarks/bench_batch.py

clean:
	rm -rf $(OUT)
