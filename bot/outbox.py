"""The outbox: messages written in the same transaction as their cause, then sent with retries, in order, once."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import Update, bindparam, or_, select, update
from sqlalchemy.orm import Session

from bot.crashpoints import crashpoint
from bot.models import Outbox, table_of, utcnow
from bot.store import Store

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)  # a row "sending" longer than this was left by a crashed process
MAX_BACKOFF = dt.timedelta(minutes=10)  # retries never stop, they only slow down: nothing is dropped

Leased = tuple[int, str, str, dict[str, Any]]  # id, channel, address, payload of a row marked "sending"

# In a payload, BULK: True marks a broadcast (an announcement to every subscriber), not an answer to one
# person: push transports pace these at the bot-wide bulk rate (Telegram: ~30 a second). Replies,
# handoff and interpreter messages carry no mark. A key of the JSON payload, so no schema change.
BULK = "bulk"


# Statements built once, with parameters: building one costs more CPU than running it (cache key included).
def _lease_statement(for_address: bool) -> Update:
    outbox = table_of(Outbox)
    due = (
        select(outbox.c.id)
        .where(outbox.c.channel.in_(bindparam("b_channels", expanding=True)),
               or_(outbox.c.status == "pending",
                   (outbox.c.status == "sending") & (outbox.c.next_attempt_at <= bindparam("b_expired"))),
               outbox.c.next_attempt_at <= bindparam("b_now"))
        .order_by(outbox.c.id).limit(bindparam("b_limit")).with_for_update(skip_locked=True)
    )
    if for_address:
        due = due.where(outbox.c.address == bindparam("b_address"))
    return (update(outbox).where(outbox.c.id.in_(due))
            .values(status="sending", attempts=outbox.c.attempts + 1, next_attempt_at=bindparam("b_now"))
            .returning(outbox.c.id, outbox.c.channel, outbox.c.address, outbox.c.payload))


_LEASE = _lease_statement(for_address=False)
_LEASE_FOR_ADDRESS = _lease_statement(for_address=True)
# The text and address are dropped once delivered: only the key stays, to refuse a second send.
_MARK_SENT = (update(table_of(Outbox)).where(table_of(Outbox).c.id == bindparam("b_id"))
              .values(status="sent", sent_at=bindparam("b_sent_at"), payload={}, address=""))
# Plain columns, not Outbox objects: every KakaoTalk and web message looks, and nearly always finds nothing
# (an ORM SELECT of the class cost ~25 us more CPU per look, on SQLite and PostgreSQL alike).
_PENDING_FOR = (select(table_of(Outbox).c.id, table_of(Outbox).c.payload)
                .where(table_of(Outbox).c.channel == bindparam("b_channel"),
                       table_of(Outbox).c.address == bindparam("b_address"), table_of(Outbox).c.status == "pending")
                .order_by(table_of(Outbox).c.id).with_for_update(skip_locked=True))


class Transport(Protocol):
    """A channel that can push a message to an address (a Telegram chat)."""

    async def deliver(self, address: str, payload: dict[str, Any]) -> None: ...


class Outbound:
    """Sends due outbox rows through push transports; pull channels collect theirs with take()."""

    def __init__(self, store: Store, transports: dict[str, Transport] | None = None,
                 clock: Callable[[], dt.datetime] = utcnow, lease: dt.timedelta = LEASE) -> None:
        self.store = store
        self.lease = lease
        self.transports = transports or {}
        self.clock = clock

    def lease_due(self, session: Session, address: str | None = None, limit: int = 100) -> list[Leased]:
        """Mark due rows "sending" and return them, oldest first, in one statement of the caller's
        transaction; SKIP LOCKED lets several processes share the work."""
        now = self.clock()
        values = {"b_channels": list(self.transports), "b_now": now, "b_expired": now - self.lease, "b_limit": limit}
        statement = _LEASE if address is None else _LEASE_FOR_ADDRESS
        rows = session.execute(statement, values if address is None else {**values, "b_address": address}).all()
        # RETURNING gives no order: a chat's messages go out in the order they were queued.
        return sorted(((row.id, row.channel, row.address, dict(row.payload)) for row in rows), key=lambda r: r[0])

    def _lease(self, address: str | None, limit: int) -> list[Leased]:
        with self.store.session() as session:
            leased = self.lease_due(session, address, limit)
        crashpoint("outbox_leased")
        return leased

    async def send_due(self, address: str | None = None, limit: int = 100) -> int:
        """Send what is due (for one address, or all); returns how many were sent."""
        return await self.send(await asyncio.to_thread(self._lease, address, limit))

    async def send(self, leased: list[Leased]) -> int:
        """Send rows this process leased (committed), in order; returns how many were sent."""
        failed: set[tuple[str, str]] = set()
        sent = 0
        for row_id, channel, to, payload in leased:
            if (channel, to) in failed:
                await asyncio.to_thread(self._retry_later, row_id, 0)  # keep a chat's messages in order
                continue
            try:
                await self.transports[channel].deliver(to, payload)
            except Exception as exc:
                log.warning("outbox %s to %s failed (%s); will retry", row_id, channel, type(exc).__name__)
                failed.add((channel, to))
                await asyncio.to_thread(self._retry_later, row_id, 1)
                continue
            crashpoint("outbox_delivered")
            await asyncio.to_thread(self._mark_sent, row_id)
            crashpoint("outbox_marked")
            sent += 1
        return sent

    def _mark_sent(self, row_id: int) -> None:
        with self.store.connection() as connection:  # one plain statement after every message sent
            connection.execute(_MARK_SENT, {"b_id": row_id, "b_sent_at": self.clock()})

    def _retry_later(self, row_id: int, failures: int) -> None:
        with self.store.session() as session:
            row = session.get(Outbox, row_id)
            if row is None:
                return
            delay = min(MAX_BACKOFF, dt.timedelta(seconds=2 ** min(row.attempts, 12))) if failures else dt.timedelta(0)
            row.status, row.next_attempt_at = "pending", self.clock() + delay

    def take(self, channel: str, address: str, session: Session | None = None) -> list[dict[str, Any]]:
        """Pending messages for a pull channel's person, marked sent in the same transaction (exactly once)."""
        if session is None:
            with self.store.session() as own:
                return self.take(channel, address, own)
        rows = session.execute(_PENDING_FOR, {"b_channel": channel, "b_address": address}).all()
        if rows:
            session.execute(_MARK_SENT, [{"b_id": row.id, "b_sent_at": self.clock()} for row in rows])
        return [dict(row.payload) for row in rows]

    def pending(self) -> int:
        """Messages not yet delivered (health checks, tests)."""
        return self.store.count_pending_outbox()
