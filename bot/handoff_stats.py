"""Handoff measures for staff: queue length, time to first human reply and to close, by language and hour."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import WAITING_STATUSES, Escalation, as_utc
from bot.roster import Calendar


def _summary(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "median_min": None, "p90_min": None}
    ordered = sorted(values)
    return {"n": len(ordered), "median_min": round(statistics.median(ordered), 1),
            "p90_min": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 1)}


def handoff_measures(session: Session, since: dt.datetime, until: dt.datetime,
                     calendar: Calendar | None = None) -> dict[str, Any]:
    """Queue now, and reply/close times of escalations opened in [since, until), by language and local hour."""
    calendar = calendar or Calendar()
    queue: dict[str, int] = defaultdict(int)
    for language, in session.execute(select(Escalation.language).where(Escalation.status.in_(WAITING_STATUSES))):
        queue[language] += 1
    # Only the columns needed (not the transcripts): a year of cases loads in milliseconds.
    rows = session.execute(
        select(Escalation.language, Escalation.status, Escalation.created_at, Escalation.first_reply_at,
               Escalation.closed_at, Escalation.satisfaction)
        .where(Escalation.created_at >= since, Escalation.created_at < until)
    ).all()
    reply: dict[str, list[float]] = defaultdict(list)
    close: dict[str, list[float]] = defaultdict(list)
    by_hour_reply: dict[int, list[float]] = defaultdict(list)
    opened_by_hour: dict[int, int] = defaultdict(int)
    opened: dict[str, int] = defaultdict(int)
    satisfaction: dict[str, list[int]] = defaultdict(list)
    # One pass over plain tuples: a year of cases (thousands of rows) in a few milliseconds. Differences
    # need no zone: the timestamps of a row are all naive (SQLite) or all aware (PostgreSQL).
    for language, status, created_at, first_reply_at, closed_at, score in rows:
        hour = calendar.local(as_utc(created_at)).hour
        opened_by_hour[hour] += 1
        opened[language] += 1
        if first_reply_at is not None:
            first = (first_reply_at - created_at).total_seconds() / 60
            reply[language].append(first)
            by_hour_reply[hour].append(first)
        if status == "closed" and closed_at is not None:
            close[language].append((closed_at - created_at).total_seconds() / 60)
        if score is not None:
            satisfaction[language].append(score)
    languages = sorted(set(opened) | set(queue))
    return {
        "since": since.isoformat(), "until": until.isoformat(),
        "queue": dict(sorted(queue.items())),
        "by_language": {
            lang: {"opened": opened[lang],
                   "first_reply": _summary(reply[lang]), "close": _summary(close[lang]),
                   "satisfaction_mean": round(statistics.mean(satisfaction[lang]), 2) if satisfaction[lang] else None}
            for lang in languages
        },
        "by_hour": {hour: {"opened": opened_by_hour[hour], "first_reply": _summary(by_hour_reply[hour])}
                    for hour in sorted(opened_by_hour)},
    }
