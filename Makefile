# The two commands of the README: `make run` (the bundled samples → curated/) and `make test`.
# Both set up .venv from requirements.lock on first use; nothing else needs installing.
# .venv is made from the distribution's python3 where it is ≥ 3.11 and can make a venv (Debian's
# is built with PGO and LTO: the pipeline runs ~25 % faster on it than on pyenv's default build),
# else from python3 on PATH. Another: `make PY=python3.12 run` on a clone without .venv.
PY ?= $(shell /usr/bin/python3 -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
        && echo /usr/bin/python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-all robustness-scans setup bench bench-ocr bench-noop bench-limits robustness scans samples clean

$(BIN)/aidplans: pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

setup: $(BIN)/aidplans

run: setup
	$(BIN)/aidplans run raw/samples --curated curated

test: setup
	$(BIN)/python -m pytest -q

# also the slow tests: scan fixtures still below issue 11's bar, OCR-layer regeneration
test-all: setup
	$(BIN)/python -m pytest -q -m "slow or not slow"

bench: setup
	$(BIN)/python benchmarks/bench_published.py

bench-ocr: setup
	$(BIN)/python benchmarks/bench_ocr.py

bench-noop: setup
	$(BIN)/python benchmarks/bench_noop.py

bench-limits: setup
	$(BIN)/python benchmarks/bench_limits.py

# born-digital plans of other layouts (generator tools: bash samples/install_generator_tools.sh)
robustness: setup
	$(BIN)/python benchmarks/robustness.py --n 40

# generated scans (tools: samples/install_generator_tools.sh and samples/install_scan_tools.sh)
robustness-scans: setup
	$(BIN)/python benchmarks/robustness.py --scans --n 40 --jobs 2

scans: setup
	PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW=ignore $(BIN)/python benchmarks/score_scans.py

samples: setup
	bash samples/install_generator_tools.sh
	$(BIN)/python samples/generate.py
	$(BIN)/python samples/scans.py
	$(BIN)/python samples/bombs.py
	$(BIN)/python samples/layouts/make_fixtures.py

clean:
	rm -rf curated/documents curated/projects curated/corrections curated/quarantine curated/_journal.json \
	       curated/.aidplans*.lock
