"""The store on a real SQLite file: migrations, masking on write, forgetting and purging."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from alembic.config import Config
from alembic.script import ScriptDirectory

import bot.store
from bot.models import Base, Escalation, Feedback, Message, Unanswered, User
from bot.store import MIGRATIONS_DIR, Store


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def make_store(url: str) -> Store:
    return Store(url)


def test_migrations_create_every_table(database_url: str) -> None:
    store = make_store(database_url)
    tables = set(inspect(store.engine).get_table_names())
    # Every table the models declare exists after migrating: a model without a migration fails here.
    assert set(Base.metadata.tables) | {"alembic_version"} <= tables
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with store.engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar() == head
    Store(store.url)  # migrating again is a no-op, not an error


def test_messages_are_masked_before_storage(database_url: str) -> None:
    store = make_store(database_url)
    with store.session() as session:
        user, is_new = store.user(session, "k" * 64, "web")
        assert is_new
        store.log(session, user, "in", "my number is 900101-5123456 and phone 010-1234-5678")
    with store.session() as session:
        stored = session.scalar(select(Message.text))
    assert stored is not None and "5123456" not in stored and "1234-5678" not in stored


def test_forget_deletes_everything_about_one_person(database_url: str) -> None:
    store = make_store(database_url)
    with store.session() as session:
        alice, _ = store.user(session, "a" * 64, "web")
        bob, _ = store.user(session, "b" * 64, "web")
        for person in (alice, bob):
            store.log(session, person, "in", "hello")
            store.feedback(session, person, "services.hotlines", "en", True)
            store.unanswered(session, person, "weather?", "en", [])
            store.escalate(session, person, "en", "asked", "normal", [])
    with store.session() as session:
        assert store.forget(session, "a" * 64)
        assert not store.forget(session, "nobody")
    for model in (Message, Feedback, Unanswered, Escalation):
        assert store.count(model) == 1, model
    assert store.count(User) == 1


def test_escalation_carries_a_masked_transcript(database_url: str) -> None:
    store = make_store(database_url)
    with store.session() as session:
        user, _ = store.user(session, "c" * 64, "telegram")
        store.log(session, user, "in", "my ARC is 900101-5123456")
        escalation = store.escalate(session, user, "ru", "asked", "normal", ["services.hotlines"])
        assert escalation.channel == "telegram"
        assert escalation.transcript[0]["text"].endswith("[ID]")
        assert store.open_escalation(session, user) is escalation


def test_purge_removes_only_old_messages(database_url: str) -> None:
    store = make_store(database_url)
    now = dt.datetime.now(dt.UTC)
    with store.session() as session:
        user, _ = store.user(session, "d" * 64, "web")
        session.add(Message(user_id=user.id, direction="in", text="old", created_at=now - dt.timedelta(days=100)))
        session.add(Message(user_id=user.id, direction="in", text="new", created_at=now - dt.timedelta(days=1)))
    assert store.purge_older_than(90, now=now) == 1
    with store.session() as session:
        assert session.scalars(select(Message.text)).all() == ["new"]


def test_servers_starting_together_migrate_once(database_url: str) -> None:
    # Several server processes started at once on a new PostgreSQL database: without the migration lock
    # all but one fail with "relation already exists".
    if not database_url.startswith("postgresql"):
        pytest.skip("one SQLite file is served by one process")
    code = "import sys; from bot.store import migrate; migrate(sys.argv[1])"
    root = Path(__file__).resolve().parent.parent
    runs = [subprocess.Popen([sys.executable, "-c", code, database_url], cwd=root, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE) for _ in range(3)]
    failures = [err.decode()[-300:] for run in runs if (err := run.communicate(timeout=120)[1]) and run.returncode]
    assert failures == []
    with Store(database_url, run_migrations=False).engine.connect() as connection:
        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head


@pytest.mark.parametrize("idle_before_ping", [0.0, 3600.0])
def test_a_connection_the_server_dropped_is_replaced_when_it_was_idle(
        database_url: str, idle_before_ping: float, monkeypatch: pytest.MonkeyPatch) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("an open SQLite file cannot drop its connections")
    store = make_store(database_url)
    with store.engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() == backend  # the pool keeps it
    admin = create_engine(database_url, poolclass=NullPool)
    with admin.connect() as connection:  # as a server restart would
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    admin.dispose()
    monkeypatch.setattr(bot.store, "IDLE_BEFORE_PING", idle_before_ping)
    if idle_before_ping:  # used a moment ago: trusted without a round trip, so the drop shows, once
        with pytest.raises(OperationalError), store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    with store.engine.connect() as connection:  # idle (or after the failure): a live connection
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
    store.engine.dispose()
