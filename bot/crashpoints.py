"""Named points where tests kill the process (SIGKILL, like kill -9), to prove nothing is lost or sent twice."""

from __future__ import annotations

import os
import signal

CRASH_ENV = "NEWCOMER_CRASH_AT"


def crashpoint(name: str) -> None:
    """Die at once, without any cleanup, when NEWCOMER_CRASH_AT names this point (never set in production)."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
