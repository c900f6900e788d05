#!/usr/bin/env bash
# Creates .venv-rasa (Python 3.10 + Rasa Open Source 3.6.21) next to the project, for the Rasa export,
# the side-by-side benchmark and the real-Rasa test. Safe to run again: it installs only when missing.
# Prints the environment's python on the last line of standard output. Exit 3: no Python 3.10 here.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${NEWCOMER_RASA_VENV:-$ROOT/.venv-rasa}"
RASA_VERSION="3.6.21"

# Rasa 3.6 declares Requires-Python <3.11. A pyenv shim named python3.10 can exist without working,
# so every candidate is run, not just located.
find_python310() {
  local candidates=("${PYTHON310:-}" python3.10)
  local roots=("${PYENV_ROOT:-}" "$HOME/.pyenv")
  if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root 2>/dev/null || true)"); fi
  for root in "${roots[@]}"; do
    [ -n "$root" ] || continue
    for py in "$root"/versions/3.10*/bin/python3.10; do candidates+=("$py"); done
  done
  for py in "${candidates[@]}"; do
    [ -n "$py" ] || continue
    if "$py" -c "import sys, venv; assert sys.version_info[:2] == (3, 10)" >/dev/null 2>&1; then
      echo "$py"; return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/rasa" ] || ! "$VENV/bin/python" -c "import rasa" >/dev/null 2>&1; then
  if ! PY310="$(find_python310)"; then
    cat >&2 <<'MSG'
rasa_env: no working Python 3.10 found (Rasa 3.6.21 needs Python >=3.8,<3.11).
  Looked for: $PYTHON310, python3.10 on PATH, and ~/.pyenv/versions/3.10*/bin/python3.10.
  Get one with `pyenv install 3.10.13` (or `uv python install 3.10`), or point PYTHON310 at one,
  then run scripts/rasa_env.sh again.
MSG
    exit 3
  fi
  echo "==> creating $VENV with $("$PY310" --version) and installing rasa==$RASA_VERSION (first time: a few minutes, ~2.7 GB)" >&2
  "$PY310" -m venv "$VENV"
  LOG="$VENV/install.log"
  if ! { "$VENV/bin/python" -m pip install --quiet --upgrade pip setuptools wheel &&
         "$VENV/bin/python" -m pip install --quiet "rasa==$RASA_VERSION"; } >"$LOG" 2>&1; then
    cat "$LOG" >&2
    echo "rasa_env: installing rasa==$RASA_VERSION failed (log above, also in $LOG)" >&2
    exit 1
  fi
  # No usage data leaves the machine: telemetry off before the first train.
  "$VENV/bin/rasa" telemetry disable >/dev/null 2>&1 || true
fi
echo "$VENV/bin/python"
