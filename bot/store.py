"""The store: conversation state and records in SQLite or PostgreSQL, schema managed by Alembic."""

from __future__ import annotations

import datetime as dt
import functools
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Insert, Table, bindparam, create_engine, event, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, CursorResult, Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from bot import retention
from bot.models import ACTIVE_STATUSES, ChannelUpdate, Escalation, Feedback, Message, Unanswered, User, table_of, utcnow
from bot.privacy import mask

# The two databases' INSERT with ON CONFLICT DO NOTHING.
_INSERT_OR_IGNORE: dict[str, Callable[[Table], Any]] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}

# Statements of every message, built once with parameters: building one costs more CPU than running it.
# Locked for the turn: two messages of one person answered at once in two processes would otherwise both
# read, then both write, the person's counters and last cards.
_USER_BY_KEY = select(User).where(User.key == bindparam("b_key")).with_for_update()
_OPEN_ESCALATION = select(Escalation).where(Escalation.user_id == bindparam("b_user_id"),
                                            Escalation.status.in_(ACTIVE_STATUSES))
_INSERT_MESSAGE = insert(table_of(Message))
_INSERT_UNANSWERED = insert(table_of(Unanswered))


@functools.cache
def _insert_user(dialect: str) -> Any:
    # The new row, RETURNING every column, loaded as the session's User as a SELECT's rows would be: no second
    # SELECT for a new person. (An ORM INSERT of the class measured slower than the INSERT and the SELECT.)
    users = table_of(User)
    return select(User).from_statement(_INSERT_OR_IGNORE[dialect](users).on_conflict_do_nothing().returning(*users.c))


@functools.cache
def _record_update(dialect: str) -> Any:
    return _INSERT_OR_IGNORE[dialect](table_of(ChannelUpdate)).on_conflict_do_nothing()

# The bot's own replies come from a bounded set of texts (cards and messages in each language), and most
# cards list phone numbers, which masking looks at digit by digit: each text is masked once.
_mask_reply = functools.lru_cache(maxsize=2048)(mask)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class StoreError(Exception):
    """The database cannot be reached or migrated; the message says which URL and why."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # so deleting a user deletes their rows
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets its folder created and foreign keys switched on."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: database errors would otherwise quote row values (message text) into the logs.
    engine = create_engine(url, future=True, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:  # PostgreSQL drops connections when it restarts (an open SQLite file cannot): see IDLE_BEFORE_PING
        event.listen(engine, "checkin", _note_checkin)
        event.listen(engine, "checkout", functools.partial(_ping_if_idle, engine.dialect))
    return engine


# A connection a restarted PostgreSQL server dropped must be found before it is used. A ping on every checkout
# (pool_pre_ping) costs a round trip on both sides per transaction, three per Telegram update; a connection used
# within the last second is alive but for a restart in that second, which fails its transaction like any outage
# (spooled or retried, nothing lost) and invalidates the pool. So only a connection idle longer is pinged.
IDLE_BEFORE_PING = 1.0  # seconds


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dialect: Dialect, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    if time.monotonic() - record.info.get("checked_in", -math.inf) <= IDLE_BEFORE_PING:
        return
    try:
        alive = dialect.do_ping(dbapi_connection)  # what pool_pre_ping runs (psycopg2: SELECT 1 in autocommit)
    except Exception as exc:  # noqa: BLE001 - any failure means this connection is gone
        raise DisconnectionError() from exc
    if not alive:
        raise DisconnectionError()  # the pool drops the connection and checks out another (SQLAlchemy retries)


def migrate(url: str) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    try:
        command.upgrade(config, "head")
    except Exception as exc:
        raise StoreError(f"cannot prepare the database {_redact(url)}: {exc}") from exc


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable database URL)"


class Store:
    """Everything the dialogue engine reads and writes, one short transaction per call."""

    def __init__(self, url: str, run_migrations: bool = True) -> None:
        self.url = url
        if run_migrations:
            migrate(url)
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite writes one transaction at a time, and a thread that finds the file locked sleeps in
        # growing steps (up to 100 ms) before it looks again: this process's transactions queue here
        # instead and go on the moment the one before them ends (measured only together with reading
        # messages before their transaction, docs/load-bench.md). Re-entrant, so a read inside a
        # transaction on the same thread still works. PostgreSQL locks rows, not the database.
        self._one_at_a_time: AbstractContextManager[object] = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else nullcontext())

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on error."""
        with self._one_at_a_time, self._sessions.begin() as session:
            yield session

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A transaction for plain statements only (no ORM objects), committed on success, rolled back on error.

        For the small transactions of every Telegram update (recording it, marking its reply sent): without an
        ORM Session and its bookkeeping one costs ~40 us less CPU (measured on SQLite and PostgreSQL).
        """
        with self._one_at_a_time, self.engine.begin() as connection:
            yield connection

    def user(self, session: Session, key: str, channel: str) -> tuple[User, bool]:
        """The user with this pseudonymous key, created on first contact; returns (user, is_new)."""
        user = session.scalar(_USER_BY_KEY, {"b_key": key})
        if user is not None:
            user.last_seen_at = utcnow()
            return user, False
        # A person's first two messages can reach two processes at once: the one whose row is inserted second
        # waits for the first to commit, then reads that row (and the first contact is the other message's).
        # A row inserted here is this transaction's until the commit, as locked as the SELECT would lock it.
        user = session.scalar(_insert_user(session.get_bind().dialect.name), {"key": key, "channel": channel})
        if user is not None:
            return user, True
        user = session.scalar(_USER_BY_KEY, {"b_key": key})
        assert user is not None  # inserted by the transaction the insert waited for
        return user, False

    def log(
        self,
        session: Session,
        user: User,
        direction: str,
        text: str,
        language: str | None = None,
        action: str | None = None,
        card: str | None = None,
        confidence: float | None = None,
    ) -> None:
        """Record one message, masked."""
        self._insert_rows(session, user, _INSERT_MESSAGE, [{"direction": direction, "text": mask(text), "language": language,
                                                "action": action, "card": card, "confidence": confidence}])

    def log_reply(self, session: Session, user: User, texts: list[str], language: str, action: str | None,
                  card: str | None, confidence: float | None) -> None:
        """Record the messages of one reply, masked; the first carries what was decided (the dashboard
        counts turns, not bubbles)."""
        rows: list[dict[str, Any]] = [{"direction": "out", "text": _mask_reply(text), "language": language,
                                       "action": None, "card": None, "confidence": None} for text in texts]
        if rows:
            rows[0].update(action=action, card=card, confidence=confidence)
        self._insert_rows(session, user, _INSERT_MESSAGE, rows)

    def _insert_rows(self, session: Session, user: User, statement: Insert, rows: list[dict[str, Any]]) -> None:
        """Insert this person's rows (messages, unanswered questions) with one plain INSERT."""
        # Nothing reads the new ids back in this transaction, and the ORM would insert them one statement
        # each (SQLite cannot return ids of a multi-row INSERT in order) and track every object.
        if not rows:
            return
        if user.id is None:
            session.flush()  # a person added in this transaction gets their id
        with session.no_autoflush:  # the person's row changes once more this turn: one UPDATE, at the commit
            session.execute(statement, [{**row, "user_id": user.id} for row in rows])

    def feedback(self, session: Session, user: User, card: str, language: str, helpful: bool) -> None:
        """Record a helpful / not helpful answer."""
        session.add(Feedback(user_id=user.id, card=card, language=language, helpful=helpful))

    def unanswered(self, session: Session, user: User, text: str, language: str, candidates: list[str]) -> None:
        """Record a question the bot could not answer."""
        self._insert_rows(session, user, _INSERT_UNANSWERED,
                          [{"text": mask(text), "language": language, "candidates": candidates}])

    def open_escalation(self, session: Session, user: User) -> Escalation | None:
        """The person's unfinished escalation (waiting for a human or with one), if any."""
        return session.scalar(_OPEN_ESCALATION, {"b_user_id": user.id})

    def escalate(
        self, session: Session, user: User, language: str, reason: str, priority: str, candidates: list[str]
    ) -> Escalation:
        """Open an escalation with the recent conversation, masked."""
        recent = session.scalars(
            select(Message).where(Message.user_id == user.id).order_by(Message.id.desc()).limit(20)
        ).all()
        transcript = [
            {"direction": m.direction, "text": m.text, "at": m.created_at.isoformat() if m.created_at else None}
            for m in reversed(recent)
        ]
        escalation = Escalation(
            user_id=user.id, language=language, channel=user.channel, reason=reason, priority=priority,
            status="open", candidates=candidates, transcript=transcript,
        )
        session.add(escalation)
        session.flush()
        return escalation

    def forget(self, session: Session, key: str, channel: str | None = None, external_id: str | None = None) -> bool:
        """Delete everything kept about one person, in every table; True if there was anything."""
        return retention.forget(session, key, channel, external_id)

    # ----- inbound channel updates: recorded before acknowledging, processed exactly once ------------

    def record_update(self, channel: str, update_id: int, chat_key: str, payload: dict[str, Any],
                      session: Session | Connection | None = None) -> bool:
        """Store an update; False if this update id was already recorded (a retry or a replay)."""
        if session is None:
            with self.connection() as own:
                return self.record_update(channel, update_id, chat_key, payload, own)
        # ON CONFLICT DO NOTHING rather than catching the duplicate key: the caller's transaction stays usable.
        result = session.execute(_record_update(self.engine.dialect.name), {
            "channel": channel, "update_id": update_id, "chat_key": chat_key, "payload": payload, "status": "received"})
        return cast(CursorResult[Any], result).rowcount == 1

    def finish_update(self, channel: str, update_id: int) -> None:
        """Mark an update processed and drop its content and chat (only the id is kept, to refuse replays)."""
        with self.session() as session:
            session.execute(
                update(ChannelUpdate)
                .where(ChannelUpdate.channel == channel, ChannelUpdate.update_id == update_id)
                .values(status="done", payload={}, chat_key="", done_at=utcnow())
            )

    def pending_updates(self, channel: str) -> list[tuple[int, dict[str, Any]]]:
        """Updates recorded but not processed (the process stopped in between), oldest first."""
        with self.session() as session:
            rows = session.execute(
                select(ChannelUpdate.update_id, ChannelUpdate.payload)
                .where(ChannelUpdate.channel == channel, ChannelUpdate.status == "received")
                .order_by(ChannelUpdate.received_at, ChannelUpdate.update_id)
            ).all()
        return [(int(row[0]), dict(row[1])) for row in rows]

    def count_pending_outbox(self) -> int:
        """Outbox messages not yet delivered."""
        from bot.models import Outbox

        with self.session() as session:
            return int(session.scalar(select(func.count()).select_from(Outbox)
                                      .where(Outbox.status.in_(("pending", "sending")))) or 0)

    def count(self, model: type[Any]) -> int:
        """Rows in one table (for health checks and tests)."""
        with self.session() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def purge_older_than(self, days: int, now: dt.datetime | None = None) -> int:
        """Delete everything older than the retention period (see bot.retention); returns how many rows went."""
        with self.session() as session:
            return sum(retention.purge(session, days, now).values())
