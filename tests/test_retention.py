"""Retention and /forget on real databases: old rows purged, new rows kept, one person removed from every table."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

from sqlalchemy import select, update

from bot.dialogue import Incoming
from bot.models import Base, ChannelUpdate, Escalation, Feedback, Message, Unanswered, User
from bot.privacy import pseudonym
from bot.retention import forget, purge
from bot.runtime import Runtime
from bot.store import Store
from tests.test_telegram import Harness, update as telegram_update

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=100)
RECENT = NOW - dt.timedelta(days=1)


def _person(store: Store, key: str, seen: dt.datetime, at: dt.datetime, status: str = "closed") -> None:
    with store.session() as session:
        user, _ = store.user(session, key, "web")
        user.last_seen_at = seen
        session.add(Message(user_id=user.id, direction="in", text=f"{key} says hi", created_at=at))
        session.add(Feedback(user_id=user.id, card="services.hotlines", language="en", helpful=True, created_at=at))
        session.add(Unanswered(user_id=user.id, text="weather?", language="en", candidates=[], created_at=at))
        session.add(Escalation(user_id=user.id, language="en", channel="web", reason="asked", status=status,
                               transcript=[{"direction": "in", "text": "help"}], created_at=at, updated_at=at))


def test_purge_deletes_old_rows_and_idle_people_only(database_url: str) -> None:
    store = Store(database_url)
    _person(store, "idle" + "0" * 60, seen=OLD, at=OLD)  # gone entirely
    _person(store, "back" + "0" * 60, seen=RECENT, at=OLD)  # old rows go, the person stays
    _person(store, "busy" + "0" * 60, seen=RECENT, at=RECENT, status="closed")  # all kept
    _person(store, "wait" + "0" * 60, seen=RECENT, at=OLD, status="open")  # open escalation kept whole
    assert store.record_update("telegram", 1, "42", {"text": "old"})
    assert store.record_update("telegram", 2, "43", {"text": "new"})
    store.finish_update("telegram", 2)
    with store.session() as session:
        session.execute(update(ChannelUpdate).where(ChannelUpdate.update_id == 1).values(received_at=OLD))
    with store.session() as session:
        counts = purge(session, 90, now=NOW)
    assert counts["users"] == 1 and counts["channel_updates"] == 1
    with store.session() as session:
        keys = set(session.scalars(select(User.key)))
        assert keys == {"back" + "0" * 60, "busy" + "0" * 60, "wait" + "0" * 60}
        assert session.scalars(select(Message.text)).all() == ["busy" + "0" * 60 + " says hi"]
        assert store.count(Feedback) == 1 and store.count(Unanswered) == 1
        transcripts = {e.status: e.transcript for e in session.scalars(select(Escalation))}
        assert transcripts["open"] and len(session.scalars(select(Escalation)).all()) == 3
        cleared = session.scalars(select(Escalation).where(Escalation.updated_at < NOW - dt.timedelta(days=90),
                                                           Escalation.status == "closed")).all()
        assert all(e.transcript == [] for e in cleared) and cleared
        assert [u for u in session.scalars(select(ChannelUpdate.update_id))] == [2]
    assert store.purge_older_than(90, now=NOW) == 0  # nothing left to purge


def _rows_mentioning(store: Store, needles: list[str], user_id: int) -> list[str]:
    """Every row in every table (present and future) that names the person or points at their user row."""
    found = []
    with store.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            user_columns = [c for c in table.columns if any(k.column.table.name == "users" for k in c.foreign_keys)]
            for row in connection.execute(select(table)).mappings():
                text = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
                if any(n in text for n in needles) or any(row[c.name] == user_id for c in user_columns) or (
                        table.name == "users" and row["id"] == user_id):
                    found.append(f"{table.name}: {text}")
    return found


def test_forget_leaves_nothing_in_any_table(runtime: Runtime) -> None:
    engine, store = runtime.engine, runtime.store
    for text in ("/start", "my phone is 010-1234-5678", "I need a human", "/human"):
        engine.handle(Incoming("web", "visitor-7", text))
    with store.session() as session:
        user = session.scalar(select(User).where(User.key == pseudonym(runtime.engine.secret, "web", "visitor-7")))
        assert user is not None
        user_id, key = user.id, user.key
        store.feedback(session, user, "services.hotlines", "en", False)
    engine.handle(Incoming("web", "somebody-else", "hello"))
    assert _rows_mentioning(store, [key], user_id)
    reply = engine.handle(Incoming("web", "visitor-7", "/forget"))
    assert reply.messages
    assert _rows_mentioning(store, [key], user_id) == []
    assert store.count(User) == 1  # the other person is untouched


def test_forget_over_telegram_removes_the_chat_updates(runtime: Runtime) -> None:
    harness = Harness(runtime)
    chat_id = "5123456789"

    async def scenario() -> None:
        await harness.bot.initialize()
        for number, text in enumerate(["Где учить корейский?", "мой паспорт 75 1234567", "/forget"]):
            data: dict[str, Any] = telegram_update("message.json", update_id=900 + number)
            data["message"]["text"] = text
            await harness.channel.accept(data)
            await harness.channel.drain()

    asyncio.run(scenario())
    key = pseudonym(runtime.engine.secret, "telegram", chat_id)
    assert _rows_mentioning(runtime.store, [key, chat_id, "1234567"], -1) == []
    assert runtime.store.count(User) == 0


def test_forget_of_an_unknown_person_is_harmless(database_url: str) -> None:
    store = Store(database_url)
    with store.session() as session:
        assert not forget(session, "nobody", "telegram", "1")


def test_purge_command_reports_counts(tmp_path: Any, monkeypatch: Any, capsys: Any) -> None:
    from bot.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store(url)
    _person(store, "idle" + "0" * 60, seen=OLD, at=OLD)
    monkeypatch.setenv("NEWCOMER_DATABASE_URL", url)
    assert main(["purge", "--days", "30"]) == 0
    assert "1 users" in capsys.readouterr().out
    assert store.count(User) == 0 and store.count(Message) == 0


def test_purge_job_runs_at_start_and_stops(tmp_path: Any) -> None:
    import time

    from bot.retention import PurgeJob

    store = Store(f"sqlite:///{tmp_path / 'job.db'}")
    with store.session() as session:
        user, _ = store.user(session, "gone" + "0" * 60, "web")
        user.last_seen_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    job = PurgeJob(store, days=90, every_minutes=60)
    job.start()
    deadline = time.monotonic() + 10
    while store.count(User) and time.monotonic() < deadline:
        time.sleep(0.05)
    job.stop()
    assert store.count(User) == 0
    assert not job._thread.is_alive()
