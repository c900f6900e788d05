#!/usr/bin/env bash
# Rasa 3.6.21 and newcomer-bot side by side: builds .venv-rasa (Python 3.10) if needed, then runs
# bench/rasa_side_by_side.py, which prints one markdown table and writes docs/rasa-side-by-side.md.
# Uses the project's .venv (or $PYTHON); extra arguments go to the Python script (e.g. --epochs 40).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || { echo "no $PY: run scripts/bootstrap.sh first, or set PYTHON=/path/to/python3.11" >&2; exit 1; }
bash scripts/rasa_env.sh >/dev/null   # exits non-zero, saying how to get Python 3.10, if there is none
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec "$PY" bench/rasa_side_by_side.py "$@"
