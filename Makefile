# The front door: `make run` and `make test` install everything they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8765
STAMP  := $(VENV)/.installed

.PHONY: clients web browser vscode run test test-fast lint typecheck typecheck-runtime bench setup image install system-deps clean

# The web page, built into server/web/dist (shipped in the wheel) when missing or older than
# its sources: clients/monaco and the OT package it imports.
WEB_INDEX   := server/web/dist/index.html
WEB_SOURCES := $(shell find clients/monaco clients/shared/ot -path '*/node_modules' -prune -o \
                 -path '*/dist' -prune -o -type f -print 2>/dev/null)

run: setup web
	$(BIN)/lionagi-playground serve --host $(HOST) --port $(PORT)

test: setup image clients web browser vscode lint typecheck typecheck-runtime
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -x -m "not slow"

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy lionagi_playground tests bench

# The TypeScript packages: installed from the lock file (ot.js included: the Python tests check
# the server against vectors it computes), built and tested with node's own runner.
clients: install
	cd clients/shared/ot && npm ci --no-audit --no-fund </dev/null && npm test </dev/null

# The runtime package runs in the runtime environment: checked against its packages.
typecheck-runtime: setup
	cd sandbox/runtime && $(abspath $(BIN))/mypy --python-executable \
	  "$$($(abspath $(BIN))/python -c 'from lionagi_playground.runtime_env import default_runtime_dir as d; print(d() / "bin" / "python")')"

web: $(WEB_INDEX)

$(WEB_INDEX): $(WEB_SOURCES)
	cd clients/shared/ot && npm ci --no-audit --no-fund </dev/null
	cd clients/monaco && npm ci --no-audit --no-fund </dev/null && npm run build </dev/null
	test -f $(WEB_INDEX) && touch $(WEB_INDEX)

# The VS Code extension (clients/vscode/dist/lionagi-playground.vsix) and, for its tests, the
# real workbench: code-server from the npm registry, built with the Node 24 it needs.
vscode: install
	bash scripts/vscode.sh workbench

# Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded).
browser: install
	bash scripts/system-deps.sh browser

bench: setup
	$(BIN)/python bench/lsp.py

setup: install
	$(BIN)/lionagi-playground setup

# The docker backend's image (starts dockerd when none runs; skipped when up to date).
image: setup
	$(BIN)/lionagi-playground image

install: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
