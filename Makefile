# 相談ナビ: `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install browser run test lint format check eval bench audit clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 以上が必要です")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: install
	$(BIN)/soudan data check
	$(BIN)/soudan run

# The browser test drives Debian's Chromium (never a downloaded browser) and needs a
# Japanese font. Installed here when missing and we may use apt-get; otherwise say how.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! (fc-list 2>/dev/null | grep -qi ipa); then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null; \
	  else \
	    echo "ブラウザのテストには chromium と日本語フォントが必要です: sudo apt-get install chromium fonts-ipafont-gothic"; \
	  fi; \
	fi

test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/soudan data check
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/soudan data check

eval: install
	$(BIN)/soudan eval tests/fixtures/dev.jsonl

bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/search_bench.py

# Known vulnerabilities in the installed packages. --strict: an unreachable advisory
# database fails instead of reading as "no known vulnerabilities".
audit: install
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
