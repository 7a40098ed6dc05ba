# autograd-scalar developer commands.
#
#   make demo    set everything up, then run the demo
#   make test    set everything up, then run the tests (and notebooks, if any)
#   make test-all the same, after installing what skipped tests need (torch, Chromium)
#
# Every target that needs the virtual environment depends on `setup`, which runs
# scripts/setup.sh. That script is idempotent and returns almost immediately
# when .venv is already up to date with pyproject.toml (see .venv/.setup-stamp).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   ?= .venv
PY     := $(VENV)/bin/python
CLI    := $(VENV)/bin/autograd
export VENV

# The hypothesis profile of the tests (tests/conftest.py): dev unless set; .ci/run sets ci,
# whose examples have a deadline.
HYPOTHESIS_PROFILE ?= dev
export HYPOTHESIS_PROFILE

# Lint only the source folders that exist (empty folders are not in git).
LINT_DIRS := $(wildcard autograd tests bench scripts)

.PHONY: help setup demo test test-all notebooks docs lint hooks svg bench mutate clean distclean

help:
	@echo "make demo       set up (if needed) and run the demo"
	@echo "make test       set up (if needed) and run tests/ plus notebooks/*.ipynb"
	@echo "make test-all   install torch, Chromium and Playwright, then run every test"
	@echo "make notebooks  open notebooks/ in JupyterLab (installed into .venv if missing)"
	@echo "make docs       build the documentation site into site/ (strict)"
	@echo "make lint       ruff + mypy --strict"
	@echo "make hooks      run ruff and mypy before every commit (pre-commit)"
	@echo "make svg        regenerate the SVG figures in docs/img"
	@echo "make bench      run the benchmarks"
	@echo "make mutate     the mutation check: break each derivative rule, expect the tests to fail"
	@echo "make setup      create .venv, install the package and Graphviz"
	@echo "make clean      remove caches and build output (keeps .venv)"
	@echo "make distclean  clean, and remove .venv too"

# SETUP_NEXT: the targets that run after the set-up (`make demo` runs `demo`), so that the
# set-up does not suggest running what is about to run.
setup:
	@SETUP_NEXT='$(filter-out setup,$(MAKECMDGOALS))' bash scripts/setup.sh

# The demo, then how to run the command line yourself (it is in the virtual environment).
demo: setup
	$(CLI) demo
	@echo
	@echo 'The command line is $(CLI): try $(CLI) --help, or'
	@echo '  $(CLI) grad "sigmoid(w*x + b)" w=-3 x=2 b=1 --explain w'
	@echo 'To type just autograd, activate the environment first: source $(VENV)/bin/activate'

# Notebooks are passed to nbmake only when there are some: with none, pytest
# would be asked to collect a path that does not exist. -rs lists why tests were
# skipped; tests/conftest.py then counts them and names `make test-all`.
#
# The browser tests need the `chromium` program and the Python package playwright (the
# [browser] extra), exactly what tests/test_page.py looks for; the line says which is missing.
test: setup
	@missing=(); \
	command -v chromium >/dev/null 2>&1 || missing+=("Chromium (the chromium program)"); \
	$(PY) -c 'import playwright' 2>/dev/null || missing+=("Playwright (the [browser] extra)"); \
	case $${#missing[@]} in \
		0) echo "browser tests: Chromium and Playwright found, tests/test_page.py runs them";; \
		1) echo "browser tests: SKIPPED, $${missing[0]} is not installed" \
			"(make test-all installs it; see README)";; \
		*) echo "browser tests: SKIPPED, $${missing[0]} and $${missing[1]} are not installed" \
			"(make test-all installs them; see README)";; \
	esac
	@set -- notebooks/*.ipynb; \
	if [ -e "$$1" ]; then \
		echo "HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) $(PY) -m pytest -rs tests --nbmake $$*"; \
		$(PY) -m pytest -rs tests --nbmake "$$@"; \
	else \
		echo "HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) $(PY) -m pytest -rs tests   (no notebooks/*.ipynb yet)"; \
		$(PY) -m pytest -rs tests; \
	fi

# Everything: first what `make test` skips tests without (the torch extra, Chromium
# and Playwright for the browser tests), then the same tests.
test-all: setup
	@bash scripts/install-test-extras.sh
	@$(MAKE) --no-print-directory test

# JupyterLab on notebooks/ (installed into .venv the first time). Extra options go
# to jupyter lab, e.g. make notebooks LAB_ARGS="--no-browser --port 8889". As root
# (a container) Jupyter refuses to start without --allow-root.
LAB_ARGS ?=
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
notebooks: setup
	@[ -x $(VENV)/bin/jupyter-lab ] || { \
		echo "installing JupyterLab into $(VENV) (the [lab] extra)"; \
		$(PY) -m pip install --quiet -e '.[notebooks,lab]'; }
	$(VENV)/bin/jupyter lab $(LAB_ROOT) $(LAB_ARGS) notebooks

# The documentation site into site/, in strict mode: a broken link or API reference
# fails the build. The [docs] extra is installed into .venv the first time.
# NO_MKDOCS_2_WARNING silences the Material theme's banner about its successor.
docs: setup
	@$(PY) -c 'import mkdocs, material, mkdocstrings_handlers.python' 2>/dev/null || { \
		echo "installing MkDocs into $(VENV) (the [docs] extra)"; \
		$(PY) -m pip install --quiet -e '.[docs]'; }
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict -d site

lint: setup
	$(PY) -m ruff check $(LINT_DIRS)
	$(PY) -m mypy --strict autograd

# Git hooks: pre-commit runs ruff and mypy (from .venv) on every commit.
hooks: setup
	@[ -x $(VENV)/bin/pre-commit ] || $(PY) -m pip install --quiet pre-commit
	$(VENV)/bin/pre-commit install

svg: setup
	$(CLI) svgs docs/img

# The benchmarks (python -m bench; bench/README.md). Options go to the runner, e.g.
# make bench BENCH_ARGS="--against ../autograd-old" (side by side with another checkout).
BENCH_ARGS ?=
bench: setup
	$(PY) -m pip install --quiet -e '.[torch,bench]'
	$(PY) -m bench $(BENCH_ARGS)

# The mutation check (scripts/mutate.py): each registry rule and each step of the backward
# accumulation broken in turn, in a copy of the tree; a change the tests miss fails the target.
# Options go to the script, e.g. make mutate MUTATE_ARGS="-k relu" or MUTATE_ARGS=--list.
MUTATE_ARGS ?=
mutate: setup
	$(PY) scripts/mutate.py $(MUTATE_ARGS)

clean:
	rm -rf build dist site *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o \
		\( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print0 \
		| xargs -0 rm -rf

distclean: clean
	rm -rf $(VENV)
