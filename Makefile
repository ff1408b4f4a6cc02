# wardaudit: every target builds what it needs from nothing (`make help` lists them).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JOBS ?=
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf
# Times New Roman's metric twin with Vietnamese letters: the letter (.docx) prints as Word would lay it out
LIBERATION := /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf

.PHONY: help setup system-deps audit test test-fast lint bench bench-scale eval lab desk lock clean-reports samples docs

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

# The programs the package, tests, benchmarks and scripts run, each with the Debian package that provides it
# (tests/unit/test_external_programs.py fails when the code runs a program missing from this list).
SYSTEM_TOOLS := chromium=chromium tesseract=tesseract-ocr gs=ghostscript soffice=libreoffice-writer-nogui \
	libreoffice=libreoffice-writer-nogui pdftotext=poppler-utils pdftoppm=poppler-utils pdfinfo=poppler-utils mount=mount umount=mount
# and what has no program of its own: the Vietnamese model, LibreOffice's spreadsheet filters (.xlsx from
# .xls/.ods), the fonts the pages and the office renderings use
SYSTEM_EXTRAS := tesseract-ocr-vie libreoffice-calc-nogui fonts-dejavu-core fonts-liberation2
SYSTEM_DEBS := $(sort $(foreach t,$(SYSTEM_TOOLS),$(word 2,$(subst =, ,$(t)))) $(SYSTEM_EXTRAS))
# LibreOffice Calc's core library, beside soffice's own program files
CALC_LIB = $$(dirname "$$(readlink -f "$$(command -v soffice)")")/libsclo.so

system-deps: ## install the Debian packages the product and tests run (chromium, OCR, LibreOffice, poppler, DejaVu and Liberation fonts)
	@missing=""; \
	for t in $(SYSTEM_TOOLS); do command -v $${t%%=*} >/dev/null || missing="$$missing $${t%%=*}"; done; \
	if command -v tesseract >/dev/null && ! tesseract --list-langs 2>/dev/null | grep -qx vie; then missing="$$missing tesseract-vie"; fi; \
	if command -v soffice >/dev/null && [ ! -e "$(CALC_LIB)" ]; then missing="$$missing libreoffice-calc"; fi; \
	if [ ! -f $(DEJAVU) ]; then missing="$$missing fonts-dejavu"; fi; \
	if [ ! -f $(LIBERATION) ]; then missing="$$missing fonts-liberation"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "system-deps: missing$$missing: installing $(SYSTEM_DEBS)" >&2; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      $(SYSTEM_DEBS) >/dev/null; \
	  else echo "missing:$$missing; run 'sudo apt-get install $(SYSTEM_DEBS)'" >&2; exit 1; fi; \
	fi
	@for t in $(SYSTEM_TOOLS); do command -v $${t%%=*} >/dev/null || { echo "system-deps: $${t%%=*} still missing" >&2; exit 1; }; done

audit: setup ## run every ward in parameters/ and render reports/ (index: reports/index.html)
	$(VENV)/bin/wardaudit run --all $(if $(JOBS),--jobs $(JOBS))

test: setup system-deps lint ## lint, then run the whole test suite (tests/integration included)
	$(PY) -m pytest -q

test-fast: setup ## the quick tests: no notebook, browser, cluster or OCR (tests/unit, readers, rules; under a minute)
	$(PY) -m pytest -q -m "not slow" tests

lint: setup ## ruff check (rules in pyproject.toml: E, F, W, B, I, UP, SIM)
	$(VENV)/bin/ruff check src tests benchmarks scripts

bench: setup system-deps ## run the batch, start-up and OCR benchmarks (benchmarks/RESULTS.md, STARTUP.md, OCR.md)
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/ocr.py

bench-scale: setup ## 300 and 1,000 synthetic wards, then all 3,321 units of the official list: phases, page sizes, memory, who reported (benchmarks/SCALE.md; about 2 h on 2 cores)
	$(PY) benchmarks/scale.py 300 1000 --national --jobs $(or $(JOBS),2)

eval: setup ## measure relations found on the labelled corpus, seeds and held-out set; writes benchmarks/EVAL.md
	$(PY) benchmarks/eval.py

samples: setup system-deps ## regenerate the PDF/DOCX renderings of the seeds (deterministic), the office exports (PDF, .doc, .odt), the reportlab tables and the intake fixture
	$(PY) scripts/render_samples.py
	$(PY) scripts/render_office.py
	$(PY) scripts/render_reportlab.py
	$(PY) scripts/render_intake.py

docs: setup ## regenerate docs/rules.md from the rule docstrings
	$(VENV)/bin/wardaudit rules --format markdown > docs/rules.md

lab: setup ## open JupyterLab on the project's kernel (--allow-root when run as root)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

desk: setup ## serve the review desk on 127.0.0.1 (Voilà; PORT=8866 by default) and open it in a browser
	$(VENV)/bin/wardaudit desk $(if $(PORT),--port $(PORT))

lock: ## re-resolve dependencies from pyproject.toml into requirements.lock
	rm -rf .lock-venv && python3 -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[test]'
	( head -2 requirements.lock; .lock-venv/bin/pip freeze | grep -v '^wardaudit' ) > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

clean-reports: ## remove generated outputs (data/processed, reports)
	rm -rf data/processed/* reports/*
