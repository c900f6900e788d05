"""What staff see at a glance: gaps, demand, quality, interpreters and content health, filtered by date, language, channel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.gaps import Gap, Question, cluster
from bot.models import Escalation, GapDecision, Unanswered, User
from bot.rollups import FEEDBACK, MESSAGES, Log, month_start, months_rolled_until, next_month, rolled_until

MAX_GAP_QUESTIONS = 2000  # the newest this many in the period are grouped (narrow the dates or language for older ones)
DECISIONS = ("new_card", "covered", "out_of_scope")
LONG_PERIOD_DAYS = 93  # longer periods are charted by month, not by week

@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; language and channel are optional."""

    since: dt.datetime
    until: dt.datetime
    language: str | None = None
    channel: str | None = None

    @classmethod
    def default(cls, now: dt.datetime) -> Filters:
        """What the dashboard opens with: the last 30 days and today, every language and channel."""
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(today - dt.timedelta(days=30), today + dt.timedelta(days=1))


@dataclass
class GapRow:
    """A group of similar unanswered questions with what staff decided about it."""

    gap: Gap
    decision: GapDecision | None


_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def _scoped(query: _Query, filters: Filters, created: Any, language: Any) -> _Query:
    query = query.where(created >= filters.since, created < filters.until)
    if filters.language:
        query = query.where(language.in_([filters.language, f"{filters.language}-Cyrl"]))
    if filters.channel:
        query = query.where(User.channel == filters.channel)
    return query


def gaps(session: Session, filters: Filters) -> list[GapRow]:
    """Unanswered questions grouped by similarity, newest first, each with its kept decision (if any)."""
    query = _scoped(
        select(Unanswered.id, Unanswered.text, Unanswered.language, User.channel, Unanswered.created_at)
        .join(User, User.id == Unanswered.user_id),
        filters, Unanswered.created_at, Unanswered.language,
    ).order_by(Unanswered.created_at.desc()).limit(MAX_GAP_QUESTIONS)
    questions = tuple(Question(row[0], row[1], row[2], row[3], row[4]) for row in session.execute(query))
    decided: dict[int, GapDecision] = {}
    for decision in session.scalars(select(GapDecision).order_by(GapDecision.decided_at)):
        for question_id in decision.question_ids:
            decided[int(question_id)] = decision  # the latest decision about a question wins
    rows = []
    for gap in _clustered(questions):
        found = [decided[i] for i in gap.ids if i in decided]
        rows.append(GapRow(gap, max(found, key=lambda d: d.decided_at) if found else None))
    return rows


@lru_cache(maxsize=16)
def _clustered(questions: tuple[Question, ...]) -> tuple[Gap, ...]:
    # Stored questions never change, so the same questions group the same way: reloading a page (or the
    # CSV of the same period) skips the clustering until a question is added or purged. Callers only read.
    return tuple(cluster(questions))


def decide_gap(session: Session, language: str, question_ids: list[int], decision: str, card: str | None,
               note: str | None, by: str) -> GapDecision:
    """Keep staff's decision about a group of questions."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    if decision == "covered" and not card:
        raise ValueError("name the card that covers these questions")
    examples = [row[0] for row in session.execute(
        select(Unanswered.text).where(Unanswered.id.in_(question_ids)).limit(5))]
    row = GapDecision(language=language, decision=decision, card=card if decision == "covered" else None,
                      note=note, question_ids=question_ids, examples=examples, decided_by=by)
    session.add(row)
    return row


def _counted(session: Session, filters: Filters, log: Log, *keys: str) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The log's counts in the period (whole UTC days) grouped by some of day, month, language, card: counted
    days are summed by the database from the roll-ups (small results), the days not yet counted (today) come
    from the log itself."""
    counted_until = rolled_until(session, log)
    split = filters.since
    if counted_until is not None:
        split = min(max(_day_start(counted_until + dt.timedelta(days=1)), filters.since), filters.until)
    totals: dict[tuple[Any, ...], tuple[int, ...]] = {}

    def add(key: tuple[Any, ...], values: tuple[int, ...]) -> None:
        known = totals.get(key)
        totals[key] = values if known is None else tuple(a + b for a, b in zip(known, values))

    start, end = filters.since.date(), split.date()
    # Whole months in the range come from the monthly table (unless grouping by day); the edges from the daily one.
    months_until = months_rolled_until(session, log)
    first_full = start if start.day == 1 else next_month(start)
    last_full = first_full
    while "day" not in keys and months_until is not None and last_full <= months_until \
            and next_month(last_full) <= end:
        last_full = next_month(last_full)
    spans: list[tuple[Any, dt.date, dt.date]] = [(log.month_table, first_full, last_full)] if last_full > first_full else []
    spans += [(log.day_table, start, first_full if spans else end)]
    if spans[0][0] is log.month_table:
        spans.append((log.day_table, last_full, end))
    for table, lo, hi in spans:
        if lo >= hi:
            continue
        daily = table is log.day_table
        column = table.day if daily else table.month
        # "month" on the daily table is its day, turned into the month below.
        columns = [getattr(table, "day" if key == "month" and daily else key) for key in keys]
        rolled = select(*columns, *(func.sum(getattr(table, c)) for c in log.counts)).where(column >= lo, column < hi)
        if filters.language:
            rolled = rolled.where(table.language.in_([filters.language, f"{filters.language}-Cyrl"]))
        if filters.channel:
            rolled = rolled.where(table.channel == filters.channel)
        for row in session.execute(rolled.group_by(*columns)):
            key = tuple(month_start(v) if k == "month" else v for k, v in zip(keys, row[:len(keys)]))
            add(key, tuple(int(v) for v in row[len(keys):]))
    # The days not yet counted are summed by the database too, one query per day or month when grouping by them.
    model = log.model
    live = (select(model.language, model.card, *(func.sum(value) for value in log.values))
            .join(User, User.id == model.user_id).where(*log.where))
    for lo, hi in _pieces(split, filters.until, keys):
        scoped = _scoped(live, Filters(lo, hi, filters.language, filters.channel), model.created_at, model.language)
        for language, card, *values in session.execute(scoped.group_by(model.language, model.card)):
            fields = {"day": lo.date(), "month": month_start(lo.date()), "language": str(language or ""),
                      "card": str(card or "")}
            add(tuple(fields[k] for k in keys), tuple(int(v) for v in values))
    return totals


def _pieces(since: dt.datetime, until: dt.datetime, keys: tuple[str, ...]) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """[since, until) cut at midnights (grouping by day) or at the first of each month (by month), else whole."""
    while since < until:
        if "day" in keys:
            cut = _day_start(since.date() + dt.timedelta(days=1))
        elif "month" in keys:
            cut = _day_start(next_month(since.date()))
        else:
            cut = until
        yield since, min(cut, until)
        since = min(cut, until)


def _turns(session: Session, filters: Filters, *keys: str) -> dict[tuple[Any, ...], int]:
    """Turns (bot replies) in the period grouped by some of day, month, language, card."""
    return {key: n for key, (n,) in _counted(session, filters, MESSAGES, *keys).items()}


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


def demand(session: Session, filters: Filters) -> list[tuple[str, str, int]]:
    """(card, language, answers) for every card answered in the period, most asked first."""
    counts = {(str(card), str(lang)): n for (card, lang), n in _turns(session, filters, "card", "language").items()
              if card}
    return [(card, lang, n) for (card, lang), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def demand_over_time(session: Session, filters: Filters) -> list[tuple[str, int]]:
    """(week, questions) for a period of up to three months; (month, questions) for a longer one."""
    if filters.until - filters.since <= dt.timedelta(days=LONG_PERIOD_DAYS):
        return demand_by_week(session, filters)
    return sorted((month.strftime("%Y-%m"), n) for (month,), n in _turns(session, filters, "month").items())


def demand_by_week(session: Session, filters: Filters) -> list[tuple[str, int]]:
    """(week, questions) for every week of the period."""
    weeks: dict[str, int] = {}
    for (day,), n in _turns(session, filters, "day").items():
        year, week, _ = day.isocalendar()
        label = f"{year}-W{week:02d}"
        weeks[label] = weeks.get(label, 0) + n
    return sorted(weeks.items())


def helpfulness(session: Session, filters: Filters) -> list[tuple[str, str, int, int]]:
    """(card, language, helpful, not helpful) from the "Was this helpful?" answers, most answered first."""
    counts = _counted(session, filters, FEEDBACK, "card", "language")
    rows = [(str(card), str(lang), helpful, unhelpful) for (card, lang), (helpful, unhelpful) in counts.items()]
    return sorted(rows, key=lambda r: (-(r[2] + r[3]), r[0], r[1]))


def handoff_rate(session: Session, filters: Filters) -> list[tuple[str, int, int]]:
    """(language, turns, handoffs) per language."""
    turns = {str(language): n for (language,), n in _turns(session, filters, "language").items()}
    handoffs = {str(lang): int(n) for lang, n in session.execute(_scoped(
        select(Escalation.language, func.count()).join(User, User.id == Escalation.user_id),
        filters, Escalation.created_at, Escalation.language,
    ).group_by(Escalation.language))}
    languages = sorted(set(turns) | set(handoffs))
    return [(lang, turns.get(lang, 0), handoffs.get(lang, 0)) for lang in languages]


def handoff_cards(session: Session, filters: Filters, top: int = 10) -> list[tuple[str, int]]:
    """The cards the bot was weighing when people were handed off, most often first."""
    # The first candidate is read and counted by the database: a year of cases, no JSON parsed here.
    first = Escalation.candidates[0].as_string()
    query = _scoped(select(first, func.count()).join(User, User.id == Escalation.user_id).where(first.is_not(None)),
                    filters, Escalation.created_at, Escalation.language).group_by(first)
    counts = [(str(card), int(n)) for card, n in session.execute(query)]
    return sorted(counts, key=lambda item: (-item[1], item[0]))[:top]
