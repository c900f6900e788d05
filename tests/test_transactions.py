"""A message is read before its transaction starts, so no database lock waits for the NLU."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from bot.dialogue import Incoming, Reply
from bot.models import Outbox, User
from bot.runtime import Runtime
from bot.store import Store
from nlu.understand import Reading, with_hint


class _WritesWhileReading:
    """The real reader, but each reading first waits for another thread to write to the database."""

    def __init__(self, inner: Any, store: Store) -> None:
        self.inner = inner
        self.store = store
        self.danger = inner.danger
        self.writes_waited: list[bool] = []
        self.writers: list[threading.Thread] = []

    def read(self, text: str, hint: str | None = None, lang: str | None = None) -> Reading:
        written = threading.Event()

        def write() -> None:
            with self.store.session() as session:
                session.add(User(key=f"w-{len(self.writes_waited)}", channel="web", last_cards=[], misses=0,
                                 unhelpful=0))
            written.set()

        writer = threading.Thread(target=write)
        writer.start()
        self.writers.append(writer)  # joined after the turn: inside its transaction it would wait forever
        self.writes_waited.append(not written.wait(3))
        return self.inner.read(text, hint=hint, lang=lang)

    def warm_up(self) -> None:
        self.inner.warm_up()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_message_is_read_before_its_transaction_takes_the_database(runtime: Runtime) -> None:
    probe = _WritesWhileReading(runtime.engine.nlu, runtime.store)
    runtime.engine.nlu = probe
    reply = runtime.engine.handle(Incoming("web", "someone-new", "my boss did not pay my wages"))
    for writer in probe.writers:
        writer.join()
    assert reply.card == "labor.unpaid-wages"
    assert probe.writes_waited == [False]  # read once, and another thread could write meanwhile


def test_a_saved_language_rereads_only_when_it_changes_the_language(runtime: Runtime) -> None:
    nlu = runtime.engine.nlu
    russian = nlu.read("Я потерял карту, что делать?", hint="ru")
    again = with_hint(russian, "ko")
    assert again is not None and again.ranking is russian.ranking and again.lang == "ru"
    short = nlu.read("ok", hint="vi")
    assert short.lang == "vi"
    assert with_hint(short, "th") is None  # the hint decides this one: it must be ranked as Thai


class _CountingReader:
    """The real reader, noting the hint of every reading."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.danger = inner.danger
        self.hints: list[str | None] = []

    def read(self, text: str, hint: str | None = None, lang: str | None = None) -> Reading:
        self.hints.append(hint)
        return self.inner.read(text, hint=hint, lang=lang)

    def warm_up(self) -> None:
        self.inner.warm_up()


def test_a_saved_language_costs_a_second_reading_only_when_it_changes_the_language(runtime: Runtime) -> None:
    engine = runtime.engine
    engine.handle(Incoming("web", "reader", "/lang th"))
    counting = _CountingReader(engine.nlu)
    engine.nlu = counting
    engine.handle(Incoming("web", "reader", "ok", "en"))
    assert counting.hints == ["en", "th"]  # the saved language decides what "ok" is written in
    engine.handle(Incoming("web", "reader", "Я потерял карту, что делать?", "en"))
    assert counting.hints == ["en", "th", "en"]  # Russian either way: the first reading stands


def _answer_while_open(runtime: Runtime, first: Incoming, second: Incoming) -> tuple[list[Reply], list[BaseException]]:
    """Answer `first`; while its transaction is open, another thread answers `second` (as another process would).
    The replies in that order, and what the second raised."""
    failures: list[BaseException] = []
    replies: list[Reply] = []

    def answer_second() -> None:
        try:
            replies.append(runtime.engine.handle(second))
        except BaseException as exc:  # kept for the assertion: a thread's exception is otherwise lost
            failures.append(exc)

    other = threading.Thread(target=answer_second)

    def while_first_is_open(_session: Any) -> None:
        other.start()
        other.join(1.0)  # the second reaches the row the first holds and waits (SQLite: the store's lock)

    replies.insert(0, runtime.engine.handle(first, queued=while_first_is_open))
    other.join(30)
    return replies, failures


def test_an_update_answered_twice_at_once_is_answered_once(runtime: Runtime) -> None:
    """Two processes can take up the same update (one through its periodic resume() while the other is still
    answering it): the second must wait for the first and then see it done, not fail on the reply's key."""
    update = {"kind": "message", "chat_id": 77, "user_id": 77, "text": "Где учить корейский язык?"}
    runtime.store.record_update("telegram", 4242, "77", update)
    incoming = Incoming("telegram", "77", str(update["text"]), update_id=4242, reply_to="77")
    replies, failures = _answer_while_open(runtime, incoming, incoming)
    assert failures == [] and [reply.action == "info" for reply in replies] == [False, True]
    with runtime.store.session() as session:
        keys = session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.like("reply:telegram:4242%"))).all()
    assert len(keys) == 1


def test_a_new_persons_first_two_messages_at_once_are_both_answered_welcomed_once(runtime: Runtime) -> None:
    """Telegram can deliver a person's second message while the first is being answered, to another process:
    both insert the new person's row; the second must wait and use it, not fail on the key."""
    texts = {5151: "Where can I learn Korean for free?", 5152: "Is it free for E-9 workers?"}
    for update_id, text in texts.items():
        runtime.store.record_update("telegram", update_id, "88", {"kind": "message", "chat_id": 88, "user_id": 88,
                                                                  "text": text})
    first, second = (Incoming("telegram", "88", text, update_id=update_id, reply_to="88")
                     for update_id, text in texts.items())
    replies, failures = _answer_while_open(runtime, first, second)
    assert failures == []
    welcomed = [reply for reply in replies if reply.messages and reply.messages[0].startswith("Hello")]
    assert len(replies) == 2 and len(welcomed) == 1 and replies[1].action != "info"
