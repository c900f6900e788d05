"""Human handoff: escalations offered to the right people on duty, claimed once, answered, closed, all recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from bot import messages as M
from bot.config import HandoffSettings
from bot.i18n import Translator, native_name
from bot.models import (
    WAITING_STATUSES,
    Escalation,
    EscalationEvent,
    Outbox,
    StaffMember,
    User,
    as_utc,
    utcnow,
)
from bot.privacy import mask
from bot.roster import Calendar
from bot.store import Store

# Offer levels: first the interpreters of the language, then everyone on duty, then staff who can
# bring in a phone interpreter. Each level waits its timeout before the next one is tried.
LEVEL_LANGUAGE, LEVEL_EVERYONE, LEVEL_PHONE_LINE = 0, 1, 2
# Channels where the bot cannot push: the person collects messages with their next message or a poll.
PULL_CHANNELS = frozenset({"web", "kakao", "terminal"})
SATISFACTION_SCORES = {"good": 3, "okay": 2, "bad": 1}

Availability = Literal["language", "others", "closed", "nobody"]


class HandoffError(Exception):
    """A staff action that cannot be done (not theirs, already closed); the message says why."""


@dataclass(frozen=True)
class Opened:
    """A new (or the existing) escalation, and who can take it now, for the message to the person."""

    escalation_id: int
    availability: Availability
    next_open: dt.datetime | None
    existing: bool


def base_language(tag: str) -> str:
    """uz-Cyrl and uz share interpreters."""
    return tag.split("-")[0]


class Handoff:
    """Opens, offers, claims, relays, transfers and closes escalations; messages go out through the outbox."""

    def __init__(self, store: Store, settings: HandoffSettings, translator: Translator,
                 calendar: Calendar | None = None, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.store = store
        self.settings = settings
        self.t = translator
        self.calendar = calendar or Calendar(country=settings.holidays)
        self.clock = clock

    # ----- the person's side (inside the engine's transaction) ---------------------------------

    def open(self, session: Session, user: User, address: str, language: str, reason: str, priority: str,
             candidates: list[str]) -> Opened:
        """Open an escalation (or raise the priority of the open one) and offer it to whoever is on duty."""
        now = self.clock()
        existing = self.store.open_escalation(session, user)
        if existing is not None:
            if priority == "urgent" and existing.priority != "urgent":
                existing.priority = "urgent"
                self._event(session, existing, existing.status, "system", "priority raised: danger")
                if existing.status in WAITING_STATUSES:
                    self._offer(session, existing, LEVEL_LANGUAGE, now, again=True)
            availability, next_open = self.availability(session, language, now)
            return Opened(existing.id, availability, next_open, existing=True)
        escalation = self.store.escalate(session, user, language, reason, priority, candidates)
        escalation.address = address
        escalation.created_at = escalation.updated_at = now
        self._event(session, escalation, "open", "person" if reason == "asked" else "system", reason)
        self._offer(session, escalation, LEVEL_LANGUAGE, now)
        availability, next_open = self.availability(session, language, now)
        return Opened(escalation.id, availability, next_open, existing=False)

    def availability(self, session: Session, language: str, now: dt.datetime) -> tuple[Availability, dt.datetime | None]:
        """Whether someone speaking the language is on duty, someone else is, or nobody until when."""
        team = self._team(session)
        on_duty = [s for s in team if self.calendar.on_duty(s.hours, now)]
        if any(base_language(language) in s.languages for s in on_duty if s.role == "interpreter"):
            return "language", None
        if on_duty:
            return "others", None
        next_open = self.calendar.next_start([s.hours for s in team], now)
        return ("closed", next_open) if next_open is not None else ("nobody", None)

    def person_said(self, session: Session, escalation: Escalation, text: str) -> None:
        """A message from the person during a case: into the transcript, and to the interpreter once claimed."""
        now = self.clock()
        escalation.transcript = [*escalation.transcript, {"direction": "in", "text": mask(text), "at": now.isoformat()}]
        escalation.updated_at = now
        staff = session.get(StaffMember, escalation.assignee_id) if escalation.assignee_id else None
        if staff is not None and staff.telegram_chat_id is not None:
            count = len(escalation.transcript)
            self._to_staff(session, staff, escalation, f"relay:{escalation.id}:{count}",
                           f"#{escalation.id} ({native_name(escalation.language)}): {mask(text)}")

    def rate(self, session: Session, user: User, escalation_id: int, score: str) -> bool:
        """Record the person's answer to the satisfaction question for their own closed case."""
        escalation = session.get(Escalation, escalation_id)
        if escalation is None or escalation.user_id != user.id or score not in SATISFACTION_SCORES:
            return False
        escalation.satisfaction = SATISFACTION_SCORES[score]
        self._event(session, escalation, escalation.status, "person", f"satisfaction {score}")
        return True

    # ----- routing -----------------------------------------------------------------------------

    def _team(self, session: Session) -> list[StaffMember]:
        # Read once per transaction (a session lives for one): opening a case asks up to four times, and
        # tick() three times for every queued case.
        if "team" not in session.info:
            session.info["team"] = list(session.scalars(select(StaffMember).where(StaffMember.active.is_(True))).all())
        return list(session.info["team"])

    def recipients(self, session: Session, escalation: Escalation, level: int, now: dt.datetime) -> list[StaffMember]:
        """Who gets the offer at this level: only people on duty now."""
        lang = base_language(escalation.language)
        on_duty = [s for s in self._team(session) if self.calendar.on_duty(s.hours, now)]
        choose: dict[int, Callable[[StaffMember], bool]] = {
            LEVEL_LANGUAGE: lambda s: s.role == "interpreter" and lang in s.languages,
            LEVEL_EVERYONE: lambda s: True,
            LEVEL_PHONE_LINE: lambda s: s.role == "staff",
        }
        return [s for s in on_duty if choose[level](s)]

    def _offer(self, session: Session, escalation: Escalation, level: int, now: dt.datetime,
               again: bool = False) -> None:
        # Climb the ladder at once while a level has nobody on duty; stay "open" (queued) if no one is.
        for current in range(level, LEVEL_PHONE_LINE + 1):
            people = self.recipients(session, escalation, current, now)
            if people:
                break
        else:
            escalation.offer_level = level
            return
        escalation.offer_level = current
        escalation.status = "offered"
        escalation.offered_at = escalation.updated_at = now
        names = ", ".join(s.login for s in people)
        self._event(session, escalation, "offered", "system", f"level {current}: {names}")
        for staff in people:
            if staff.telegram_chat_id is not None:
                round_ = f"{current}:{now.timestamp():.0f}" if again else str(current)
                self._to_staff(session, staff, escalation, f"offer:{escalation.id}:{round_}:{staff.id}",
                               self._offer_text(escalation, current), claim=True)

    def _offer_text(self, escalation: Escalation, level: int) -> str:
        urgent = "🚨 URGENT (danger) · " if escalation.priority == "urgent" else ""
        lines = [f"{urgent}#{escalation.id} · {native_name(escalation.language)} ({escalation.language}) · "
                 f"{escalation.channel} · {escalation.reason}"]
        if level == LEVEL_PHONE_LINE:
            lines.append("Nobody on duty speaks this language: please call the person with a phone "
                         "interpreter (Danuri 1577-1366 offers three-way interpretation).")
        if escalation.candidates:
            lines.append("Bot's guesses: " + ", ".join(escalation.candidates))
        for turn in escalation.transcript[-8:]:
            who = "👤" if turn.get("direction") == "in" else "🤖"
            lines.append(f"{who} {turn.get('text', '')[:300]}")
        return "\n".join(lines)

    def tick(self) -> int:
        """Widen offers nobody claimed in time, offer queued cases when people come on duty, expire old ones."""
        now = self.clock()
        changed = 0
        with self.store.session() as session:
            for escalation in session.scalars(self._due(session, now)).all():
                changed += self._advance(session, escalation, now)
        return changed

    def _due(self, session: Session, now: dt.datetime) -> Select[Escalation]:
        """The waiting cases `_advance` would change now, found by the database. Out of hours nobody can
        take a queued case, and hundreds may wait for the morning: loading them all every few seconds
        cost tens of milliseconds a tick, growing with the queue, while the other turns waited for SQLite."""
        offered_since = func.coalesce(Escalation.offered_at, Escalation.created_at)
        due = [Escalation.created_at <= now - dt.timedelta(hours=self.settings.expire_after_hours)]
        due += [(Escalation.status == "offered") & (Escalation.offer_level == level)
                & (offered_since <= now - dt.timedelta(minutes=minutes))
                for level, minutes in self._offer_timeouts().items()]
        if any(self.calendar.on_duty(s.hours, now) for s in self._team(session)):
            due.append(Escalation.status != "offered")  # anyone on duty takes a queued case (level 1)
        return (select(Escalation).where(Escalation.status.in_(WAITING_STATUSES), or_(*due))
                .with_for_update(skip_locked=True))

    def _offer_timeouts(self) -> dict[int, int]:
        """Minutes an offer waits at each level before the next; the last level waits until it expires."""
        return {LEVEL_LANGUAGE: self.settings.claim_timeout_minutes,
                LEVEL_EVERYONE: self.settings.widen_timeout_minutes}

    def _advance(self, session: Session, escalation: Escalation, now: dt.datetime) -> int:
        created = as_utc(escalation.created_at)
        if now - created >= dt.timedelta(hours=self.settings.expire_after_hours):
            self._finish(session, escalation, "expired", "system", now)
            self._to_person(session, escalation, "expired", self.t.text(escalation.language, M.HANDOFF_EXPIRED))
            return 1
        if escalation.status != "offered":
            # Queued out of hours (or after a transfer): offer as soon as someone is on duty.
            if any(self.recipients(session, escalation, level, now) for level in (0, 1, 2)):
                self._offer(session, escalation, escalation.offer_level, now)
                return 1
            return 0
        waited = now - as_utc(escalation.offered_at or created)
        limit = self._offer_timeouts().get(escalation.offer_level)
        if limit is not None and waited >= dt.timedelta(minutes=limit):
            self._offer(session, escalation, escalation.offer_level + 1, now)
            return 1
        return 0

    # ----- the staff side ----------------------------------------------------------------------

    def claim(self, escalation_id: int, staff_id: int) -> bool:
        """Take a waiting case; when two press Claim together exactly one wins (a conditional UPDATE)."""
        now = self.clock()
        with self.store.session() as session:
            result = session.execute(
                update(Escalation)
                .where(Escalation.id == escalation_id, Escalation.status.in_(WAITING_STATUSES))
                .values(status="claimed", assignee_id=staff_id, claimed_at=now, updated_at=now)
            )
            if getattr(result, "rowcount", 0) != 1:
                return False
            escalation = session.get(Escalation, escalation_id)
            staff = session.get(StaffMember, staff_id)
            assert escalation is not None and staff is not None
            staff.active_case_id = escalation_id
            self._event(session, escalation, "claimed", f"staff:{staff.login}", None)
            self._to_person(session, escalation, f"claimed:{staff_id}:{now.timestamp():.3f}",
                            self.t.text(escalation.language, M.HANDOFF_CLAIMED))
            return True

    def reply(self, escalation_id: int, staff_id: int, text: str) -> None:
        """Relay a reply from the claimer to the person, on the person's channel."""
        text = text.strip()
        if not text:
            raise HandoffError("the reply is empty")
        now = self.clock()
        with self.store.session() as session:
            escalation, staff = self._mine(session, escalation_id, staff_id)
            count = len(escalation.transcript)
            escalation.transcript = [*escalation.transcript,
                                     {"direction": "staff", "text": mask(text), "at": now.isoformat()}]
            if escalation.first_reply_at is None:
                escalation.first_reply_at = now
            escalation.status = "answered"
            escalation.updated_at = now
            self._event(session, escalation, "answered", f"staff:{staff.login}", None)
            body = self.t.script(escalation.language, self.t.text(escalation.language, M.HANDOFF_REPLY, text=text))
            self._to_person(session, escalation, f"reply:{count}", body)

    def transfer(self, escalation_id: int, staff_id: int, language: str | None = None,
                 to_login: str | None = None) -> None:
        """Pass the case on: to a named colleague, or back to the queue (optionally for another language)."""
        now = self.clock()
        with self.store.session() as session:
            escalation, staff = self._mine(session, escalation_id, staff_id)
            colleague = None
            if to_login:
                colleague = session.scalar(select(StaffMember).where(StaffMember.login == to_login,
                                                                     StaffMember.active.is_(True)))
                if colleague is None:
                    raise HandoffError(f"nobody with login {to_login!r}")
            if language:
                escalation.language = language
            escalation.status = "transferred"
            escalation.assignee_id = None
            staff.active_case_id = None
            self._event(session, escalation, "transferred", f"staff:{staff.login}",
                        f"to {to_login}" if to_login else language)
            if colleague is None:
                self._offer(session, escalation, LEVEL_LANGUAGE, now, again=True)
                return
            escalation.status, escalation.offered_at = "offered", now
            self._event(session, escalation, "offered", f"staff:{staff.login}", f"to {colleague.login}")
            if colleague.telegram_chat_id is not None:
                self._to_staff(session, colleague, escalation, f"offer:{escalation.id}:to:{now.timestamp():.0f}:{colleague.id}",
                               f"{staff.name} passes you this case.\n" + self._offer_text(escalation, escalation.offer_level),
                               claim=True)

    def close(self, escalation_id: int, staff_id: int) -> None:
        """End the case; the person is told and asked one satisfaction question."""
        now = self.clock()
        with self.store.session() as session:
            escalation, staff = self._mine(session, escalation_id, staff_id)
            staff.active_case_id = None
            tag = escalation.language
            buttons = [
                {"label": self.t.text(tag, label), "payload": f"/rate {escalation.id} {score}"}
                for score, label in (("good", M.SATISFACTION_GOOD), ("okay", M.SATISFACTION_OKAY),
                                     ("bad", M.SATISFACTION_BAD))
            ]
            text = self.t.text(tag, M.HANDOFF_CLOSED) + "\n\n" + self.t.text(tag, M.SATISFACTION_QUESTION)
            self._to_person(session, escalation, "closed", text, buttons)
            self._finish(session, escalation, "closed", f"staff:{staff.login}", now)

    def _mine(self, session: Session, escalation_id: int, staff_id: int) -> tuple[Escalation, StaffMember]:
        escalation = session.get(Escalation, escalation_id, with_for_update=True)
        staff = session.get(StaffMember, staff_id)
        if escalation is None or staff is None:
            raise HandoffError(f"case #{escalation_id} does not exist")
        if escalation.status not in ("claimed", "answered"):
            raise HandoffError(f"case #{escalation_id} is {escalation.status}; claim it first")
        if escalation.assignee_id != staff_id:
            raise HandoffError(f"case #{escalation_id} belongs to someone else")
        return escalation, staff

    def _finish(self, session: Session, escalation: Escalation, status: str, actor: str, now: dt.datetime) -> None:
        escalation.status = status
        escalation.closed_at = escalation.updated_at = now
        escalation.address = None  # the channel address is kept only while the case is open
        self._event(session, escalation, status, actor, None)

    # ----- records and messages ----------------------------------------------------------------

    def _event(self, session: Session, escalation: Escalation, status: str, actor: str, detail: str | None) -> None:
        session.add(EscalationEvent(escalation_id=escalation.id, status=status, actor=actor, detail=detail,
                                    at=self.clock()))

    def _to_person(self, session: Session, escalation: Escalation, step: str, text: str,
                   buttons: list[dict[str, str]] | None = None) -> None:
        if not escalation.address:
            return
        payload: dict[str, Any] = {"messages": [text], "quick_replies": buttons or [], "language": escalation.language}
        session.add(Outbox(dedupe_key=f"person:{escalation.id}:{step}", audience="person", channel=escalation.channel,
                           address=escalation.address, user_id=escalation.user_id, escalation_id=escalation.id,
                           payload=payload, status="pending"))

    def _to_staff(self, session: Session, staff: StaffMember, escalation: Escalation, key: str, text: str,
                  claim: bool = False) -> None:
        buttons = [{"label": "✋ Claim", "payload": f"claim:{escalation.id}"}] if claim else []
        session.add(Outbox(dedupe_key=key, audience="staff", channel="telegram", address=str(staff.telegram_chat_id),
                           escalation_id=escalation.id, payload={"messages": [text], "quick_replies": buttons},
                           status="pending"))
