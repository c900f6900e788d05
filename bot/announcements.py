"""Announcements: people opt in, staff write in the languages that are ready, each person gets theirs, once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import messages as M
from bot.i18n import Translator
from bot.models import Announcement, Outbox, Subscription, User, utcnow
from bot.outbox import BULK
from bot.store import Store

FALLBACK = ("ko", "en")  # what a person gets when their language is not ready
BATCH = 500


@dataclass(frozen=True)
class Plan:
    """Who would get what: subscribers per language, and the languages that fall back to Korean + English."""

    subscribers: dict[str, int]
    missing: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.subscribers.values())


def subscribe(session: Session, user: User, channel: str, address: str, language: str) -> None:
    """Opt in (or update the language and address of an existing subscription)."""
    row = session.scalar(select(Subscription).where(Subscription.user_id == user.id))
    if row is None:
        session.add(Subscription(user_id=user.id, channel=channel, address=address, language=language))
        return
    row.channel, row.address, row.language = channel, address, language


def unsubscribe(session: Session, user: User) -> bool:
    """Opt out; True if there was a subscription."""
    row = session.scalar(select(Subscription).where(Subscription.user_id == user.id))
    if row is None:
        return False
    session.delete(row)
    return True


def plan(session: Session, texts: dict[str, str]) -> Plan:
    """Subscribers by language (Uzbek scripts together) and those whose language has no text yet."""
    counts: dict[str, int] = {}
    for language, n in session.execute(select(Subscription.language, func.count()).group_by(Subscription.language)):
        base = str(language).split("-")[0]
        counts[base] = counts.get(base, 0) + int(n)
    ready = {lang for lang, text in texts.items() if text.strip()}
    ordered = dict(sorted(counts.items()))
    return Plan(ordered, {lang: n for lang, n in ordered.items() if lang not in ready})


def render(t: Translator, language: str, texts: dict[str, str]) -> str:
    """The announcement as one person reads it: their language, else Korean and English."""
    base = language.split("-")[0]
    if texts.get(base, "").strip():
        body = t.script(language, texts[base].strip())
    else:
        body = "\n\n".join(texts[lang].strip() for lang in FALLBACK if texts.get(lang, "").strip())
    return f"📢 {t.text(language, M.ANNOUNCEMENT_HEADER)}\n{body}\n\n{t.text(language, M.ANNOUNCEMENT_FOOTER)}"


def create(store: Store, title: str, texts: dict[str, str], by: str) -> int:
    """Save an announcement (not yet sent); returns its id."""
    ready = {lang: text.strip() for lang, text in texts.items() if text.strip()}
    if not ready:
        raise ValueError("write the announcement in at least one language")
    if not any(lang in ready for lang in FALLBACK):
        raise ValueError("write it at least in Korean or English: people whose language is missing get those")
    with store.session() as session:
        row = Announcement(title=title.strip()[:120] or "announcement", texts=ready, created_by=by)
        session.add(row)
        session.flush()
        return row.id


def queue(store: Store, t: Translator, announcement_id: int) -> int:
    """Queue one message per subscriber in the outbox, in batches; running it again after a crash
    queues only the missing ones (each has its own key). Returns how many were queued now."""
    with store.session() as session:
        announcement = session.get(Announcement, announcement_id)
        if announcement is None:
            raise ValueError(f"announcement #{announcement_id} does not exist")
        texts = dict(announcement.texts)
    queued, last_id = 0, 0
    while True:
        with store.session() as session:
            batch = session.scalars(select(Subscription).where(Subscription.id > last_id)
                                    .order_by(Subscription.id).limit(BATCH)).all()
            if not batch:
                break
            keys = {f"announce:{announcement_id}:{s.id}" for s in batch}
            existing = set(session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(keys))))
            for sub in batch:
                key = f"announce:{announcement_id}:{sub.id}"
                if key in existing:
                    continue
                session.add(Outbox(dedupe_key=key, audience="person", channel=sub.channel, address=sub.address,
                                   user_id=sub.user_id, payload={"messages": [render(t, sub.language, texts)],
                                                                 "language": sub.language, BULK: True},
                                   status="pending"))
                queued += 1
            last_id = batch[-1].id
    with store.session() as session:
        announcement = session.get(Announcement, announcement_id)
        assert announcement is not None
        announcement.queued_at = announcement.queued_at or utcnow()
        announcement.recipients = int(session.scalar(
            select(func.count()).select_from(Outbox).where(Outbox.dedupe_key.like(f"announce:{announcement_id}:%"))) or 0)
    return queued


def deliveries(session: Session, announcement_id: int) -> dict[str, int]:
    """Messages of one announcement by state: sent, waiting (pending or being sent)."""
    rows = session.execute(select(Outbox.status, func.count()).where(Outbox.dedupe_key.like(f"announce:{announcement_id}:%"))
                           .group_by(Outbox.status)).all()
    counts = {str(status): int(n) for status, n in rows}
    return {"sent": counts.get("sent", 0), "waiting": counts.get("pending", 0) + counts.get("sending", 0)}
