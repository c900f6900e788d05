"""Daily and monthly roll-ups of the conversation log and the feedback for the dashboard: finished days are counted once, then read fast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, delete, func, insert, literal, select, text
from sqlalchemy.orm import Session

from bot.models import Feedback, FeedbackDay, FeedbackMonth, Message, MessageDay, MessageMonth, RollupState, User, utcnow


@dataclass(frozen=True)
class Log:
    """A log counted per day and per month: its roll-up tables (their names are the states' names), the
    columns they sum, and what one row of the log adds to each (no person is kept in a roll-up)."""

    day_table: Any
    month_table: Any
    counts: tuple[str, ...]
    model: Any
    values: tuple[Any, ...]
    where: tuple[Any, ...] = ()


MESSAGES = Log(MessageDay, MessageMonth, ("turns",), Message, (literal(1),),
               (Message.direction == "out", Message.action.is_not(None)))  # a turn: a reply of the bot
FEEDBACK = Log(FeedbackDay, FeedbackMonth, ("helpful", "unhelpful"), Feedback,
               (case((Feedback.helpful.is_(True), 1), else_=0), case((Feedback.helpful.is_(True), 0), else_=1)))
LOGS = (MESSAGES, FEEDBACK)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


# Several server processes roll up at once on PostgreSQL. Before the first roll-up there is no state row for
# SELECT ... FOR UPDATE to lock, so both inserted one and the second failed ("duplicate key"); a lock held to
# the end of the transaction queues them instead. SQLite has one writer, and a process's transactions queue on
# the store's lock.
_ROLLUP_LOCK = 0x6E65_7763_726F_6C6C  # any number the application uses for nothing else
_SERIALISE: dict[str, Callable[[Session], object]] = {
    "postgresql": lambda session: session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ROLLUP_LOCK}),
    "sqlite": lambda _session: None,
}


def roll_up(session: Session, today: dt.date | None = None) -> int:
    """Count every finished day (UTC) not yet counted into message_days and feedback_days; returns how
    many days (over both).

    A day is recomputed whole (delete, then one INSERT … SELECT … GROUP BY), so running this twice, or in
    two processes one after the other, gives the same numbers.
    """
    today = today or utcnow().date()
    _SERIALISE[session.get_bind().dialect.name](session)
    return sum(_roll_up_days(session, log, today) for log in LOGS)


def _roll_up_days(session: Session, log: Log, today: dt.date) -> int:
    name = log.day_table.__tablename__
    state = session.get(RollupState, name, with_for_update=True)
    if state is None:
        first = session.scalar(select(func.min(log.model.created_at)))
        if first is None:
            return 0
        start = first.date()
        state = RollupState(name=name, last_day=start - dt.timedelta(days=1))
        session.add(state)
    day, done = state.last_day + dt.timedelta(days=1), 0
    model = log.model
    while day < today:
        session.execute(delete(log.day_table).where(log.day_table.day == day))
        counted = (
            select(literal(day), func.coalesce(model.language, ""), User.channel, func.coalesce(model.card, ""),
                   *(func.sum(value) for value in log.values))
            .join(User, User.id == model.user_id)
            .where(*log.where,
                   model.created_at >= _start_of(day), model.created_at < _start_of(day + dt.timedelta(days=1)))
            .group_by(model.language, User.channel, model.card)
        )
        session.execute(insert(log.day_table).from_select(["day", "language", "channel", "card", *log.counts], counted))
        state.last_day = day
        day += dt.timedelta(days=1)
        done += 1
    _roll_up_months(session, log, state.last_day)
    return done


def month_start(day: dt.date) -> dt.date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after `month`."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _roll_up_months(session: Session, log: Log, last_day: dt.date) -> None:
    """Sum every month whose last day is counted in the daily table into the monthly one."""
    name, days = log.month_table.__tablename__, log.day_table
    state = session.get(RollupState, name, with_for_update=True)
    first = session.scalar(select(func.min(days.day)))
    if first is None:
        return
    month = next_month(state.last_day) if state is not None else month_start(first)
    while next_month(month) - dt.timedelta(days=1) <= last_day:
        session.execute(delete(log.month_table).where(log.month_table.month == month))
        summed = (
            select(literal(month), days.language, days.channel, days.card,
                   *(func.sum(getattr(days, count)) for count in log.counts))
            .where(days.day >= month, days.day < next_month(month))
            .group_by(days.language, days.channel, days.card)
        )
        session.execute(insert(log.month_table).from_select(["month", "language", "channel", "card", *log.counts], summed))
        if state is None:
            state = RollupState(name=name, last_day=month)
            session.add(state)
        state.last_day = month
        month = next_month(month)


def months_rolled_until(session: Session, log: Log = MESSAGES) -> dt.date | None:
    """The first day of the last month summed into the log's monthly table, if any."""
    state = session.get(RollupState, log.month_table.__tablename__)
    return state.last_day if state else None


def rolled_until(session: Session, log: Log = MESSAGES) -> dt.date | None:
    """The last day of the log counted, if any."""
    state = session.get(RollupState, log.day_table.__tablename__)
    return state.last_day if state else None
