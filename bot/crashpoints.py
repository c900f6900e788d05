"""Named points where tests make the process die (like kill -9), to prove nothing is lost or sent twice."""

from __future__ import annotations

import os

CRASH_ENV = "NEWCOMER_CRASH_AT"


def crashpoint(name: str) -> None:
    """Exit at once, without cleanup, when NEWCOMER_CRASH_AT names this point (never set in production)."""
    if os.environ.get(CRASH_ENV) == name:
        os._exit(137)
