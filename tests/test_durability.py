"""kill -9 at each step of creating and notifying an escalation, then a restart: everything once, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import messages as M
from bot.crashpoints import CRASH_ENV
from bot.i18n import Translator
from bot.store import Store
from tests.conftest import ROOT
from tests.handoff_helpers import TEAM_CHATS, escalations

PERSON = 5123456789
# The steps in order: update stored, engine's transaction (escalation + outbox) committed, outbox rows
# leased for sending, a message handed to Telegram, its row marked sent.
STEPS = ["update_recorded", "engine_committed", "outbox_leased", "outbox_delivered", "outbox_marked"]


def _run(database_url: str, model_dir: Path, log: Path, step: str, crash_at: str | None) -> int:
    env = {**os.environ, "NEWCOMER_PSEUDONYM_SECRET": "test-secret", "OMP_NUM_THREADS": "1"}
    env.pop(CRASH_ENV, None)
    if crash_at:
        env[CRASH_ENV] = crash_at
    done = subprocess.run([sys.executable, "-m", "tests.crash_worker", database_url, str(model_dir), str(log), step],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, -9), done.stderr[-3000:]
    return done.returncode


@pytest.mark.parametrize("crash_at", [None, *STEPS])
def test_a_crash_at_any_step_loses_nothing_and_repeats_nothing(
        crash_at: str | None, database_url: str, model_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "telegram.jsonl"
    log.touch()
    first = _run(database_url, model_dir, log, "start", crash_at)
    assert first == (-9 if crash_at else 0)  # the crash really happened at that step
    assert _run(database_url, model_dir, log, "resume", None) == 0

    store = Store(database_url)
    try:
        cases = escalations(store)
        pending = store.count_pending_outbox()
    finally:
        store.engine.dispose()
    assert len(cases) == 1 and cases[0].language == "ru" and cases[0].status == "offered"
    assert pending == 0

    sent = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    started = Translator(ROOT / "locales", ["ru"]).text("ru", M.HANDOFF_STARTED)
    to_person = [m for m in sent if int(m["chat_id"]) == PERSON and started in m["text"]]
    to_interpreter = [m for m in sent if int(m["chat_id"]) == TEAM_CHATS["ivan"]]
    if crash_at == "outbox_delivered":
        # Killed after Telegram took a message but before the database heard: Telegram has no idempotency
        # key, so that one message may go twice (at least once, never lost). Every other step: exactly once.
        assert 1 <= len(to_person) + len(to_interpreter) - 1 <= 2
        assert len(to_person) >= 1 and len(to_interpreter) >= 1
    else:
        assert len(to_person) == 1, sent
        assert len(to_interpreter) == 1, sent
    assert not [m for m in sent if int(m["chat_id"]) == TEAM_CHATS["lan"]]  # Vietnamese interpreter: not hers
