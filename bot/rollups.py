"""Daily roll-ups of the conversation log for the dashboard: finished days are counted once, then read fast."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.orm import Session

from bot.models import Message, MessageDay, MessageMonth, RollupState, User, utcnow

STATE = "message_days"
MONTHS = "message_months"


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


def roll_up(session: Session, today: dt.date | None = None) -> int:
    """Count every finished day (UTC) not yet counted into message_days; returns how many days.

    A day is recomputed whole (delete, then one INSERT … SELECT … GROUP BY), so running this twice, or in
    two processes one after the other, gives the same numbers.
    """
    today = today or utcnow().date()
    state = session.get(RollupState, STATE, with_for_update=True)
    if state is None:
        first = session.scalar(select(func.min(Message.created_at)))
        if first is None:
            return 0
        start = first.date()
        state = RollupState(name=STATE, last_day=start - dt.timedelta(days=1))
        session.add(state)
    day, done = state.last_day + dt.timedelta(days=1), 0
    while day < today:
        session.execute(delete(MessageDay).where(MessageDay.day == day))
        counted = (
            select(literal(day), func.coalesce(Message.language, ""), User.channel, func.coalesce(Message.card, ""),
                   func.count())
            .join(User, User.id == Message.user_id)
            .where(Message.direction == "out", Message.action.is_not(None),
                   Message.created_at >= _start_of(day), Message.created_at < _start_of(day + dt.timedelta(days=1)))
            .group_by(Message.language, User.channel, Message.card)
        )
        session.execute(insert(MessageDay).from_select(
            ["day", "language", "channel", "card", "turns"], counted))
        state.last_day = day
        day += dt.timedelta(days=1)
        done += 1
    _roll_up_months(session, state.last_day)
    return done


def month_start(day: dt.date) -> dt.date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after `month`."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _roll_up_months(session: Session, last_day: dt.date) -> None:
    """Sum every month whose last day is counted in message_days into message_months."""
    state = session.get(RollupState, MONTHS, with_for_update=True)
    first = session.scalar(select(func.min(MessageDay.day)))
    if first is None:
        return
    month = next_month(state.last_day) if state is not None else month_start(first)
    while next_month(month) - dt.timedelta(days=1) <= last_day:
        session.execute(delete(MessageMonth).where(MessageMonth.month == month))
        summed = (
            select(literal(month), MessageDay.language, MessageDay.channel, MessageDay.card, func.sum(MessageDay.turns))
            .where(MessageDay.day >= month, MessageDay.day < next_month(month))
            .group_by(MessageDay.language, MessageDay.channel, MessageDay.card)
        )
        session.execute(insert(MessageMonth).from_select(["month", "language", "channel", "card", "turns"], summed))
        if state is None:
            state = RollupState(name=MONTHS, last_day=month)
            session.add(state)
        state.last_day = month
        month = next_month(month)


def months_rolled_until(session: Session) -> dt.date | None:
    """The first day of the last month summed into message_months, if any."""
    state = session.get(RollupState, MONTHS)
    return state.last_day if state else None


def rolled_until(session: Session) -> dt.date | None:
    """The last day counted, if any."""
    state = session.get(RollupState, STATE)
    return state.last_day if state else None
