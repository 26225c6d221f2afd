# Everything a newcomer needs, from a machine with only Python 3.11, git and the package registries.
#   make build  - set up .venv and build the bundled glossaries into exports/
#   make test   - set up .venv (with test tools and Debian's chromium) and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test browser clean quality bench

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/kg

build: $(BIN)/kg
	$(BIN)/kg build

# The explorer's tests drive a real headless Chromium: Debian's package, since
# `playwright install` cannot download browsers on an offline-ish machine.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(BIN)/kg browser
	$(BIN)/pytest -n 2 -q

quality: $(BIN)/kg
	$(BIN)/kg quality

clean:
	rm -rf $(VENV) .pytest_cache
