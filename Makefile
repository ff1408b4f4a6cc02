# wardaudit: every target builds what it needs from nothing (`make help` lists them).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
JOBS ?=
OCR_DEBS := tesseract-ocr tesseract-ocr-vie ghostscript
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf

.PHONY: help setup system-deps audit test test-fast lint bench bench-scale eval lab lock clean-reports samples docs

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check setuptools==80.9.0 wheel==0.45.1
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --prefix $(VENV) --name wardaudit --display-name "wardaudit (.venv)" >/dev/null
	@touch $@

setup: $(STAMP) ## build .venv from requirements.lock (exact versions) and install the package

system-deps: ## install Debian packages the tests need (chromium; OCR: tesseract vie, ghostscript; LibreOffice; DejaVu fonts)
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install chromium'" >&2; exit 1; fi; \
	fi
	@if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx vie \
	    || ! command -v gs >/dev/null || ! command -v soffice >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      $(OCR_DEBS) libreoffice-writer-nogui fonts-dejavu-core >/dev/null; \
	  else echo "OCR tools missing: run 'sudo apt-get install $(OCR_DEBS) libreoffice-writer-nogui'" >&2; exit 1; fi; \
	fi
	@if [ ! -f $(DEJAVU) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null; \
	  else echo "DejaVu fonts missing: run 'sudo apt-get install fonts-dejavu-core'" >&2; exit 1; fi; \
	fi

audit: setup ## run every ward in parameters/ and render reports/ (index: reports/index.html)
	$(VENV)/bin/wardaudit run --all $(if $(JOBS),--jobs $(JOBS))

test: setup system-deps lint ## lint, then run the whole test suite (tests/integration included)
	$(PY) -m pytest -q

test-fast: setup ## the quick tests: no notebook, browser, cluster or OCR (tests/unit, readers, rules; under a minute)
	$(PY) -m pytest -q -m "not slow" tests

lint: setup ## ruff check (rules in pyproject.toml: E, F, W, B, I, UP, SIM)
	$(VENV)/bin/ruff check src tests benchmarks scripts

bench: setup system-deps ## run the batch and OCR benchmarks (benchmarks/RESULTS.md, benchmarks/OCR.md)
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/ocr.py

bench-scale: setup ## 300 and 1,000 synthetic wards, then all 3,321 units of the official list: phases, page sizes, memory, who reported (benchmarks/SCALE.md; about 2 h on 2 cores)
	$(PY) benchmarks/scale.py 300 1000 --national --jobs $(or $(JOBS),2)

eval: setup ## measure relations found on the labelled corpus, seeds and held-out set; writes benchmarks/EVAL.md
	$(PY) benchmarks/eval.py

samples: setup system-deps ## regenerate the PDF/DOCX renderings of the seeds (deterministic), the office exports and the reportlab tables
	$(PY) scripts/render_samples.py
	$(PY) scripts/render_office.py
	$(PY) scripts/render_reportlab.py

docs: setup ## regenerate docs/rules.md from the rule docstrings
	$(VENV)/bin/wardaudit rules --format markdown > docs/rules.md

lab: setup ## open JupyterLab on the project's kernel (--allow-root when run as root)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

lock: ## re-resolve dependencies from pyproject.toml into requirements.lock
	rm -rf .lock-venv && python3 -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[test]'
	( head -2 requirements.lock; .lock-venv/bin/pip freeze | grep -v '^wardaudit' ) > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

clean-reports: ## remove generated outputs (data/processed, reports)
	rm -rf data/processed/* reports/*
