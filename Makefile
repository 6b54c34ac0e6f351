# The e-government platform: two commands are the contract.
#   make run   set up (first time) and serve the platform on 127.0.0.1:8000
#   make test  set up what the tests need and run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VAR := var
SAO_VERSION := 8.0.11
SAO_DIR := $(VAR)/sao
AXE_VERSION := 4.10.3
DB_NAME ?= egov
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

export TRYTOND_CONFIG := $(CURDIR)/trytond.conf

.PHONY: help run setup venv sao axe system-packages test lint bench clean

help:
	@echo "make run   - set up and serve the platform on http://$(HOST):$(PORT)/"
	@echo "make test  - set up and run every test (SQLite, PostgreSQL, lint, browser)"
	@echo "make bench - run the benchmarks"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[server,test]'
	touch $@

venv: $(STAMP)

sao: $(SAO_DIR)/.installed

$(SAO_DIR)/.installed: sao/locale/vi.po sao/custom.js sao/custom.css scripts/build_sao.py $(STAMP)
	$(BIN)/python scripts/build_sao.py --version $(SAO_VERSION) --dest $(SAO_DIR)
	touch $@

setup: venv sao

run: setup
	$(BIN)/python scripts/setup_db.py --database $(DB_NAME) --banner \
		--host $(HOST) --port $(PORT)
	$(BIN)/python scripts/serve.py --host $(HOST) --port $(PORT) \
		--database $(DB_NAME)

system-packages:
	sh scripts/install_system_packages.sh

# axe-core (npm): the accessibility checks of the portal's browser tests
axe:
	sh scripts/install_axe.sh $(AXE_VERSION)

test: setup system-packages axe
	$(BIN)/python scripts/run_tests.py

lint: venv
	$(BIN)/flake8 addons scripts tests bench
	$(BIN)/isort --check-only --diff addons scripts tests bench

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VAR) test-output
