"""Who is on duty when: weekly hours in the city's time zone, with Korean public holidays off."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class HoursError(ValueError):
    """A weekly-hours text that cannot be read; the message shows the expected form."""


def parse_hours(spec: str) -> dict[str, str]:
    """'mon-fri 09:00-18:00; sat 10:00-13:00' -> {'mon': '09:00-18:00', ..., 'sat': '10:00-13:00'}."""
    hours: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        try:
            days, span = part.split()
        except ValueError:
            raise HoursError(f"{part!r}: write days then hours, e.g. 'mon-fri 09:00-18:00'") from None
        if not _SPAN.match(span):
            raise HoursError(f"{span!r}: hours must look like 09:00-18:00")
        first, _, last = days.lower().partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise HoursError(f"{days!r}: days are {', '.join(DAYS)} or a range like mon-fri")
        start, end = DAYS.index(first), DAYS.index(last or first)
        for index in range(start, end + 1):
            hours[DAYS[index]] = span
    return hours


def _span_minutes(span: str) -> tuple[int, int]:
    start, end = span.split("-")
    return int(start[:2]) * 60 + int(start[3:]), int(end[:2]) * 60 + int(end[3:])


@dataclass
class Calendar:
    """The city's clock: its time zone and its public holidays (no one is on duty on a holiday)."""

    timezone: str = "Asia/Seoul"
    country: str = "KR"
    _holidays: holidays.HolidayBase = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(self.timezone)
        # "none": a service that runs on holidays too (and tests that must not depend on the date).
        self._holidays = holidays.HolidayBase() if self.country == "none" else holidays.country_holidays(self.country)

    def local(self, at: dt.datetime) -> dt.datetime:
        """`at` in the city's time zone."""
        return at.astimezone(self.zone)

    def is_holiday(self, day: dt.date) -> bool:
        """True on a public holiday (including substitute holidays)."""
        return day in self._holidays

    def on_duty(self, hours: dict[str, str], at: dt.datetime) -> bool:
        """Whether someone with these weekly hours is working at `at`."""
        local = self.local(at)
        if self.is_holiday(local.date()):
            return False
        span = hours.get(DAYS[local.weekday()])
        if not span:
            return False
        start, end = _span_minutes(span)
        minute = local.hour * 60 + local.minute
        return start <= minute < end

    def next_start(self, rosters: list[dict[str, str]], after: dt.datetime, days: int = 21) -> dt.datetime | None:
        """The earliest moment after `after` when anyone with one of these hours is on duty (None if never)."""
        local = self.local(after)
        best: dt.datetime | None = None
        for offset in range(days + 1):
            day = local.date() + dt.timedelta(days=offset)
            if self.is_holiday(day):
                continue
            for hours in rosters:
                span = hours.get(DAYS[day.weekday()])
                if not span:
                    continue
                start, end = _span_minutes(span)
                begin = dt.datetime.combine(day, dt.time(start // 60, start % 60), self.zone)
                finish = dt.datetime.combine(day, dt.time(0), self.zone) + dt.timedelta(minutes=end)
                if finish <= local:
                    continue
                moment = max(begin, local)
                if best is None or moment < best:
                    best = moment
            if best is not None:
                return best
        return best
