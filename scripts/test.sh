#!/usr/bin/env bash
# One command from a fresh clone to a full test run: installs the project, Chromium for the
# browser tests and PostgreSQL for the database tests, then runs the whole suite. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

# Debian's Chromium for the real-browser tests (a test tool's own browser download cannot work here).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing and cannot be installed without root: apt-get install chromium" >&2
    exit 1
  fi
fi

# Real Rasa 3.6.21 (Python 3.10) in .venv-rasa for tests/test_rasa_real.py, which must run here, not skip:
# without Python 3.10 that test fails and says how to get one. pip's cache makes later installs quick.
export NEWCOMER_REQUIRE_RASA=1
if ! bash "$(dirname "${BASH_SOURCE[0]}")/rasa_env.sh" >/dev/null; then
  echo "==> no Rasa environment (message above): tests/test_rasa_real.py will fail" >&2
fi

# A real PostgreSQL server on loopback: the store, dialogue and web tests run against it and SQLite.
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"

newcomer i18n check
newcomer content check --errors-only
python -m mypy
python -m pytest "$@"
