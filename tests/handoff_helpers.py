"""Shared pieces of the handoff tests: a settable clock, a team of interpreters, a console login."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient

from bot.config import LoadedSettings, load_settings
from bot.models import Escalation, Outbox
from bot.staff_auth import add_staff
from bot.store import Store
from tests.conftest import ROOT

# Tuesday 24 November 2026: 11:00 in Seoul is office time, 22:00 is not.
WORKDAY = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
NIGHT = dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
TEAM_CHATS = {"ivan": 9001, "lan": 9002, "kim": 9003}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += dt.timedelta(minutes=minutes)


def handoff_settings(tmp: Path, model_dir: Path, database_url: str) -> LoadedSettings:
    """The repository's settings on a test database, with console cookies allowed over plain HTTP."""
    env = {"NEWCOMER_DATABASE_URL": database_url, "NEWCOMER_NLU_MODEL_DIR": str(model_dir),
           "NEWCOMER_DATABASE_SPOOL_DIR": str(tmp / "spool"),
           "NEWCOMER_HANDOFF_SECURE_COOKIES": "false", "NEWCOMER_CHANNELS_KAKAO_ENABLED": "true"}
    return load_settings(ROOT / "config.yml", environ=env)


def add_team(store: Store) -> dict[str, int]:
    """The city's interpreters (Russian and Vietnamese on Telegram, Chinese on the console) and one staff member."""
    weekdays = "mon-fri 09:00-18:00"
    return {
        "ivan": add_staff(store, "ivan", "Ivan", "interpreter", ["ru"], weekdays, PASSWORD, TEAM_CHATS["ivan"]),
        "lan": add_staff(store, "lan", "Lan", "interpreter", ["vi"], weekdays, PASSWORD, TEAM_CHATS["lan"]),
        "wei": add_staff(store, "wei", "Wei", "interpreter", ["zh"], weekdays, PASSWORD),
        "kim": add_staff(store, "kim", "Kim", "staff", ["ko", "en"], weekdays, PASSWORD, TEAM_CHATS["kim"]),
    }


def login(client: TestClient, who: str, password: str = PASSWORD) -> None:
    """Log in through the real form (with its CSRF cookie)."""
    form = client.get("/console/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    response = client.post("/console/login", data={"csrf": token.group(1), "login": who, "password": password},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def csrf_of(client: TestClient) -> str:
    """The CSRF token of the logged-in session, read from the queue page."""
    match = re.search(r'name="csrf" value="([^"]+)"', client.get("/console").text)
    assert match is not None
    return match.group(1)


def escalations(store: Store) -> list[Escalation]:
    """Every escalation, oldest first."""
    with store.session() as session:
        return list(session.scalars(select(Escalation).order_by(Escalation.id)).all())


def staff_notices(store: Store) -> list[tuple[str, str]]:
    """(Telegram chat, dedupe key) of every message queued for staff."""
    with store.session() as session:
        rows = session.scalars(select(Outbox).where(Outbox.audience == "staff").order_by(Outbox.id)).all()
        return [(row.address, row.dedupe_key) for row in rows]
