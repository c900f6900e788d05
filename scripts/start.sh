#!/usr/bin/env bash
# One command from a fresh clone to a running bot: installs, checks content, trains if needed,
# then serves the web chat on SQLite and prints its address. Extra arguments go to `newcomer serve`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
newcomer content check --errors-only
if ! newcomer train --check-only >/dev/null 2>&1; then
  newcomer train
fi
exec newcomer serve "$@"
