"""Retention: data older than dialogue.retention_days is purged, and /forget removes one person from every table."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, String, Table, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.models import (
    ACTIVE_STATUSES,
    Base,
    ChannelUpdate,
    Escalation,
    Feedback,
    Message,
    Outbox,
    StaffSession,
    Unanswered,
    User,
    utcnow,
)

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)

# Escalations still being handled keep their transcript whatever their age; any other status is finished.
ACTIVE_ESCALATIONS = ACTIVE_STATUSES


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def delete_with_dependents(session: Session, table: Table, condition: ColumnElement[bool]) -> int:
    """Delete the rows of `table` matching `condition` and, first, every row that points at them, in
    any table, found from the foreign keys: a table added later is covered without changing this."""
    primary = list(table.primary_key.columns)
    for child in Base.metadata.sorted_tables:
        for column in child.columns:
            for key in column.foreign_keys:
                if key.column.table is table and child is not table:
                    ids = select(key.column).where(condition)
                    delete_with_dependents(session, child, column.in_(ids))
    if not primary:
        return 0
    return _rowcount(session.execute(delete(table).where(condition)))


def forget(session: Session, key: str, channel: str | None = None, external_id: str | None = None) -> bool:
    """Delete everything about one person; True if there was anything.

    Channel updates are stored under the chat id: a private chat's id is the person's, so those go too
    (including the update being answered now; it is acknowledged already, so Telegram will not resend it).
    """
    user = session.scalar(select(User).where(User.key == key))
    if channel is not None and external_id is not None:
        session.execute(delete(ChannelUpdate).where(ChannelUpdate.channel == channel,
                                                    ChannelUpdate.chat_key == external_id))
    if user is None:
        return False
    users = User.__table__
    assert isinstance(users, Table)
    for child in Base.metadata.sorted_tables:
        for column in child.columns:
            if any(k.column.table is users for k in column.foreign_keys):
                delete_with_dependents(session, child, column == user.id)
    session.delete(user)  # through the ORM, so the session does not later write to a deleted row
    return True


def purge(session: Session, days: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete what is older than `days`: messages, feedback, open questions, closed escalations'
    transcripts, processed channel updates, and people not seen for that long. Returns counts per kind."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    users = User.__table__
    assert isinstance(users, Table)
    counts = {"users": delete_with_dependents(session, users, User.last_seen_at < cutoff)}
    for name, model in (("messages", Message), ("feedback", Feedback), ("unanswered", Unanswered)):
        counts[name] = _rowcount(session.execute(delete(model).where(model.created_at < cutoff)))
    counts["transcripts"] = _rowcount(session.execute(
        update(Escalation)
        .where(Escalation.status.not_in(ACTIVE_ESCALATIONS), Escalation.updated_at < cutoff,
               cast(Escalation.transcript, String) != "[]")  # PostgreSQL's json has no "=", its text has
        .values(transcript=[], candidates=[])
    ))
    counts["channel_updates"] = _rowcount(session.execute(
        delete(ChannelUpdate).where(or_(ChannelUpdate.done_at < cutoff, ChannelUpdate.received_at < cutoff))
    ))
    # Sent messages keep only their key (to refuse a second send); after the period, not even that.
    counts["outbox"] = _rowcount(session.execute(
        delete(Outbox).where(Outbox.status == "sent", Outbox.created_at < cutoff)
    ))
    counts["console_sessions"] = _rowcount(session.execute(
        delete(StaffSession).where(StaffSession.expires_at < (now or utcnow()))
    ))
    return counts


class PurgeJob:
    """Runs the purge in a background thread every few minutes until stopped (inside `serve`)."""

    def __init__(self, store: Store, days: int, every_minutes: int) -> None:
        self.store = store
        self.days = days
        self.every = every_minutes * 60.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="purge", daemon=True)

    def start(self) -> None:
        """Purge now, then periodically."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current run."""
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self.store.session() as session:
                    counts = purge(session, self.days)
                log.info("retention purge (%d days): %s", self.days, counts)
            except Exception:
                # A database hiccup must not end the job: the next run catches up.
                log.exception("retention purge failed; retrying in %.0f s", self.every)
            self._stop.wait(self.every)
