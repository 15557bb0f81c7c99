# Two commands on a fresh machine: `make demo` builds the samples, `make test` runs the tests.
PYTHON ?= python3
OUT ?= out

.PHONY: setup demo test lint schemas templates bench clean

setup:
	bash tools/setup.sh

demo: setup
	$(PYTHON) -m contratgen.cli lint
	$(PYTHON) -m contratgen.cli build samples/contract-b2b.yaml samples/quote-b2b.yaml samples/quote-b2c.yaml -o $(OUT)
	$(PYTHON) -m contratgen.cli batch samples/batch -o $(OUT)/batch

test: setup
	$(PYTHON) -m pytest -q -n 2 -p no:cacheprovider

lint:
	$(PYTHON) -m contratgen.cli lint

schemas:
	$(PYTHON) -m contratgen.cli schema client > schemas/client.schema.json
	$(PYTHON) -m contratgen.cli schema clause > schemas/clause.schema.json

templates:
	$(PYTHON) tools/make_templates.py

bench:
	$(PYTHON) benchmarks/bench_batch.py

clean:
	rm -rf $(OUT)
