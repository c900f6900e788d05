"""Database tables (SQLAlchemy 2): people under pseudonymous keys, their messages, feedback, gaps and escalations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    """Timestamps are stored in UTC; office hours convert to Asia/Seoul where needed."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored timestamp with its zone: SQLite gives them back naive, and they are all UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """A mapped class's table, for plain statements that need none of the ORM's per-object bookkeeping."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class User(Base):
    """One person on one channel, known only by a keyed hash of the channel's user id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    misses: Mapped[int] = mapped_column(Integer, default=0)
    unhelpful: Mapped[int] = mapped_column(Integer, default=0)
    last_cards: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    messages: Mapped[list[Message]] = relationship(back_populates="user", cascade="all, delete-orphan", passive_deletes=True)


class Message(Base):
    """One message in or out, with ID numbers already masked."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" or "out"
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    action: Mapped[str | None] = mapped_column(String(16))
    card: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    user: Mapped[User] = relationship(back_populates="messages")


class Feedback(Base):
    """A "was this helpful?" answer for one card in one language."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    card: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8))
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Unanswered(Base):
    """A question the bot could not answer, for staff to close the gap."""

    __tablename__ = "unanswered"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    candidates: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


# The lifecycle of an escalation; every change is also written to escalation_events.
ESCALATION_STATUSES = ("open", "offered", "claimed", "answered", "closed", "transferred", "expired")
WAITING_STATUSES = ("open", "offered", "transferred")  # nobody has it yet
ACTIVE_STATUSES = ("open", "offered", "claimed", "answered", "transferred")  # not finished


class StaffMember(Base):
    """An interpreter or staff member: languages, weekly hours (Asia/Seoul), a Telegram chat and a console login."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(12))  # "interpreter" or "staff"
    password_hash: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"mon": "09:00-18:00", ...}
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    active_case_id: Mapped[int | None] = mapped_column(Integer)  # where their Telegram messages go
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Escalation(Base):
    """A request for a person: language, channel, masked transcript, candidates, priority and its lifecycle."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    # Where replies go (the channel's chat id); cleared when the case closes.
    address: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(24))
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    offer_level: Mapped[int] = mapped_column(Integer, default=0)
    candidates: Mapped[list[Any]] = mapped_column(JSON, default=list)
    transcript: Mapped[list[Any]] = mapped_column(JSON, default=list)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    offered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    first_reply_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class EscalationEvent(Base):
    """One change of an escalation: who did what, when."""

    __tablename__ = "escalation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(80))  # "person", "system", or "staff:<login>"
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Outbox(Base):
    """A message to send, written in the same transaction as what caused it; sent with retries, once."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    audience: Mapped[str] = mapped_column(String(8))  # "person" or "staff"
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(128), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class StaffSession(Base):
    """A console login: only a hash of the cookie is kept, with its CSRF token and expiry."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class GapDecision(Base):
    """What staff decided about a group of unanswered questions: a new card, covered by a card, or out of scope."""

    __tablename__ = "gap_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    decision: Mapped[str] = mapped_column(String(16))  # "new_card", "covered", "out_of_scope"
    card: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    # The questions the decision was made on; similar later questions inherit it by joining their group.
    question_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    examples: Mapped[list[Any]] = mapped_column(JSON, default=list)  # masked, kept for the card writer
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Subscription(Base):
    """A person who asked for city announcements: where to send them and in which language."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Announcement(Base):
    """A message from the city to every subscriber, in as many languages as are ready."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # language -> text
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    queued_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class MessageDay(Base):
    """Turns (bot replies) per day, language, channel and card: no person in it, so it may outlive the
    conversations (purged after the retention period) and keeps the dashboard fast."""

    __tablename__ = "message_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    card: Mapped[str] = mapped_column(String(80), primary_key=True)  # "" when no card was given
    turns: Mapped[int] = mapped_column(Integer)


class MessageMonth(Base):
    """The same counts per calendar month, summed from message_days once a month is over: a year is 12 rows
    per language, channel and card."""

    __tablename__ = "message_months"

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # its first day
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    card: Mapped[str] = mapped_column(String(80), primary_key=True)
    turns: Mapped[int] = mapped_column(Integer)


class FeedbackDay(Base):
    """"Was this helpful?" answers per day, language, channel and card, counted like message_days."""

    __tablename__ = "feedback_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    card: Mapped[str] = mapped_column(String(80), primary_key=True)
    helpful: Mapped[int] = mapped_column(Integer)
    unhelpful: Mapped[int] = mapped_column(Integer)


class FeedbackMonth(Base):
    """The same answers per calendar month, summed from feedback_days once a month is over."""

    __tablename__ = "feedback_months"

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # its first day
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    card: Mapped[str] = mapped_column(String(80), primary_key=True)
    helpful: Mapped[int] = mapped_column(Integer)
    unhelpful: Mapped[int] = mapped_column(Integer)


class RollupState(Base):
    """How far each roll-up has counted: the last day (message_days) or the first day of the last month."""

    __tablename__ = "rollup_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_day: Mapped[dt.date] = mapped_column(Date)


class ChannelUpdate(Base):
    """An inbound update recorded before it is acknowledged, so it is processed once and never lost."""

    __tablename__ = "channel_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_key: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="received", index=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
