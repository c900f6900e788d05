"""The staff dashboard and announcements, on SQLite and PostgreSQL, with seeded traffic and real Telegram payloads."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from bot import dashboard
from bot import messages as M
from bot.dialogue import Incoming
from bot.handoff_stats import handoff_measures
from bot.models import (
    Escalation,
    Feedback,
    FeedbackDay,
    FeedbackMonth,
    GapDecision,
    Message,
    MessageDay,
    MessageMonth,
    Unanswered,
    User,
    utcnow,
)
from bot.rollups import roll_up
from bot.runtime import Runtime, build_runtime
from bot.store import Store
from connectors.web import create_app
from tests.handoff_helpers import WORKDAY, Clock, add_team, csrf_of, handoff_settings, login
from tests.test_handoff import TelegramWorld

LICENCE = ["Haydovchilik guvohnomasini qanday almashtiraman?", "haydovchilik guvohnomasi almashtirish kerak",
           "Haydovchilik guvohnomamni koreyscha guvohnomaga almashtirish", "guvohnoma almashtirish qayerda?"]
OTHER_UZ = ["Bugun ob-havo qanday?", "Futbol o'yini qachon?"]


@pytest.fixture
def rt(tmp_path: Path, model_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "test-secret")
    built = build_runtime(handoff_settings(tmp_path, model_dir, database_url))
    built.handoff.clock = Clock(WORKDAY)
    add_team(built.store)
    yield built
    built.store.engine.dispose()


def seed(store: Store, now: dt.datetime) -> None:
    """A small month: unanswered questions, answers with feedback, one escalation."""
    with store.session() as session:
        people = {}
        for key, channel, language in (("u1", "telegram", "uz"), ("u2", "kakao", "uz"), ("r1", "web", "ru")):
            user, _ = store.user(session, key * 32, channel)
            user.language = language
            people[key] = user
        for index, text in enumerate(LICENCE + OTHER_UZ):
            session.add(Unanswered(user_id=people["u1" if index % 2 else "u2"].id, text=text, language="uz",
                                   candidates=[], created_at=now - dt.timedelta(days=3 + index)))
        session.add(Unanswered(user_id=people["r1"].id, text="Где купить сим-карту?", language="ru", candidates=[],
                               created_at=now - dt.timedelta(days=2)))
        for index in range(5):
            session.add(Message(user_id=people["r1"].id, direction="out", text="…", language="ru", action="answer",
                                card="korean.kiip", confidence=0.9, created_at=now - dt.timedelta(days=index)))
        session.add(Message(user_id=people["u1"].id, direction="out", text="…", language="uz", action="answer",
                            card="health.insurance", confidence=0.8, created_at=now - dt.timedelta(days=1)))
        session.add(Message(user_id=people["u1"].id, direction="out", text="…", language="uz", action="unsure",
                            created_at=now - dt.timedelta(days=1)))
        session.add(Message(user_id=people["r1"].id, direction="out", text="old", language="ru", action="answer",
                            card="korean.kiip", created_at=now - dt.timedelta(days=90)))  # outside the month
        session.add(Feedback(user_id=people["r1"].id, card="korean.kiip", language="ru", helpful=True, created_at=now))
        session.add(Feedback(user_id=people["r1"].id, card="korean.kiip", language="ru", helpful=False, created_at=now))
        # Older answers, in other channels and months: counted into feedback_days and feedback_months.
        for days, person, card, helpful in ((1, "u1", "health.insurance", True), (2, "u2", "health.insurance", False),
                                            (40, "u1", "health.insurance", False), (40, "r1", "korean.kiip", True),
                                            (75, "u2", "korean.kiip", True), (100, "u1", "health.insurance", True)):
            session.add(Feedback(user_id=people[person].id, card=card, language=people[person].language,
                                 helpful=helpful, created_at=now - dt.timedelta(days=days)))
        session.add(Escalation(user_id=people["u1"].id, language="uz", channel="telegram", reason="unsure",
                               priority="normal", status="open", candidates=["registration.driving-licence"],
                               transcript=[], created_at=now - dt.timedelta(days=1), updated_at=now))
        session.add(Escalation(user_id=people["r1"].id, language="ru", channel="web", reason="unsure",
                               priority="normal", status="closed", candidates=["korean.kiip", "health.insurance"],
                               transcript=[], created_at=now - dt.timedelta(days=50, minutes=30), updated_at=now,
                               first_reply_at=now - dt.timedelta(days=50, minutes=12),
                               closed_at=now - dt.timedelta(days=50), satisfaction=4))
        session.add(Escalation(user_id=people["u2"].id, language="uz", channel="kakao", reason="asked",
                               priority="normal", status="expired", candidates=[], transcript=[],
                               created_at=now - dt.timedelta(days=2), updated_at=now))


def month(now: dt.datetime, **kwargs: str) -> dashboard.Filters:
    return dashboard.Filters(now - dt.timedelta(days=30), now + dt.timedelta(days=1), **kwargs)


def figures(session: Session, periods: list[dashboard.Filters]) -> list[Any]:
    """Every dashboard figure that reads the roll-ups, for each period."""
    measures = (dashboard.demand, dashboard.demand_by_week, dashboard.demand_over_time, dashboard.helpfulness,
                dashboard.handoff_rate, dashboard.handoff_cards)
    return [f(session, period) for f in measures for period in periods]


def test_two_processes_rolling_up_at_once_count_each_day_once(rt: Runtime) -> None:
    """Servers started together all roll up at once; before any state row exists, the second must wait, not fail."""
    now = utcnow()
    seed(rt.store, now)
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with rt.store.session() as session:
                roll_up(session, now.date())
        except BaseException as exc:  # kept for the assertion below: a thread's exception is otherwise lost
            errors.append(exc)

    with rt.store.session() as first:
        assert roll_up(first, now.date()) >= 1
        other = threading.Thread(target=second)
        other.start()
        other.join(0.5)
        assert other.is_alive()  # waiting for the first roll-up's transaction
    other.join(30)
    assert errors == []
    with rt.store.session() as session:
        assert session.scalar(select(func.sum(MessageDay.turns))) == 7


def test_aggregates_by_language_channel_and_week(rt: Runtime) -> None:
    now = utcnow()
    seed(rt.store, now)
    with rt.store.session() as session:
        assert dashboard.demand(session, month(now)) == [("korean.kiip", "ru", 5), ("health.insurance", "uz", 1)]
        assert dashboard.demand(session, month(now, channel="telegram")) == [("health.insurance", "uz", 1)]
        assert dashboard.helpfulness(session, month(now)) == [("health.insurance", "uz", 1, 1), ("korean.kiip", "ru", 1, 1)]
        assert dashboard.helpfulness(session, month(now, channel="telegram")) == [("health.insurance", "uz", 1, 0)]
        assert dashboard.handoff_rate(session, month(now)) == [("ru", 5, 0), ("uz", 2, 2)]
        assert dashboard.handoff_cards(session, month(now)) == [("registration.driving-licence", 1)]
        assert dashboard.handoff_cards(session, month(now, language="ru")) == []
        assert sum(n for _week, n in dashboard.demand_by_week(session, month(now))) == 7
        gaps = dashboard.gaps(session, month(now, language="uz"))
        hits = dashboard._clustered.cache_info().hits
        assert [g.gap.ids for g in dashboard.gaps(session, month(now, language="uz"))] == [g.gap.ids for g in gaps]
        assert dashboard._clustered.cache_info().hits == hits + 1  # the same questions are not grouped twice
        # Counting finished days into message_days changes no figure; counting again changes nothing either.
        periods = [month(now, **kw) for kw in ({}, {"channel": "telegram"}, {"language": "ru"})]
        # ...and four months, so whole calendar months are read from message_months.
        periods += [dashboard.Filters(now - dt.timedelta(days=120), now + dt.timedelta(days=1)),
                    dashboard.Filters((now - dt.timedelta(days=120)).replace(day=1), now + dt.timedelta(days=1))]
        periods += [dashboard.Filters(now - dt.timedelta(days=120), now + dt.timedelta(days=1), channel="kakao"),
                    dashboard.Filters(now - dt.timedelta(days=120), now + dt.timedelta(days=1), language="uz")]
        before = figures(session, periods)
        year = dashboard.Filters(now - dt.timedelta(days=365), now + dt.timedelta(days=1))
        assert dashboard.helpfulness(session, year) == [("health.insurance", "uz", 2, 2), ("korean.kiip", "ru", 2, 1),
                                                        ("korean.kiip", "uz", 1, 0)]
        # Equal counts: by card, so the top ten do not depend on the order rows come back in.
        assert dashboard.handoff_cards(session, year) == [("korean.kiip", 1), ("registration.driving-licence", 1)]
        assert handoff_measures(session, year.since, year.until)["by_language"]["ru"] == {
            "opened": 1, "first_reply": {"n": 1, "median_min": 18.0, "p90_min": 18.0},
            "close": {"n": 1, "median_min": 30.0, "p90_min": 30.0}, "satisfaction_mean": 4}
    for _ in range(2):
        with rt.store.session() as session:
            assert roll_up(session, now.date()) >= (1 if _ == 0 else 0)
            after = figures(session, periods)
            months = session.scalar(select(func.sum(MessageMonth.turns)))
            over = session.scalar(select(func.sum(MessageDay.turns)).where(MessageDay.day < now.date().replace(day=1)))
            answers = session.scalar(select(func.sum(FeedbackMonth.helpful + FeedbackMonth.unhelpful)))
            answered = session.scalar(select(func.sum(FeedbackDay.helpful + FeedbackDay.unhelpful))
                                      .where(FeedbackDay.day < now.date().replace(day=1)))
        assert after == before
        assert months is not None and months >= 1 and months == over  # only months that are over are summed
        assert answers is not None and answers >= 2 and answers == answered
    with rt.store.session() as session:
        assert session.scalar(select(func.sum(MessageDay.turns))) == 7  # finished days only: not today's one
        assert session.scalar(select(func.sum(FeedbackDay.helpful + FeedbackDay.unhelpful))) == 6
    assert [g.gap.count for g in gaps][:1] == [4]  # four ways of asking about the driving licence: one row
    assert {g.gap.language for g in gaps} == {"uz"}


def test_staff_turn_an_uzbek_cluster_into_a_card_request(rt: Runtime) -> None:
    now = utcnow()
    seed(rt.store, now)
    with TestClient(create_app(rt)) as client:
        login(client, "kim")
        page = client.get("/console/dashboard?language=uz")
        assert page.status_code == 200 and "<svg" in page.text
        first = re.search(r'name="ids" value="([0-9,]+)"', page.text)
        assert first is not None and len(first.group(1).split(",")) == 4
        saved = client.post("/console/gaps/decide", data={
            "csrf": csrf_of(client), "language": "uz", "ids": first.group(1), "decision": "new_card", "card": "",
            "back": "/console/dashboard?language=uz"}, follow_redirects=False)
        assert saved.status_code == 303
        # A new way of asking the same thing joins the group and keeps the decision.
        with rt.store.session() as session:
            user = session.scalar(select(User).limit(1))
            assert user is not None
            session.add(Unanswered(user_id=user.id, text="Haydovchilik guvohnomasini almashtirish", language="uz",
                                   candidates=[], created_at=now))
        page = client.get("/console/dashboard?language=uz")
        row = page.text.split('class="gap"')[1]
        assert '<strong class="decision">new card needed' in row and ">5<" in row
        report = client.get("/console/dashboard.csv?section=gaps&language=uz")
        rows = list(csv.reader(io.StringIO(report.text)))
        assert rows[0][:2] == ["language", "asked"] and rows[1][:2] == ["uz", "5"] and rows[1][4] == "new_card"
        assert client.get("/console/dashboard.csv?section=nope").status_code == 404
        bad = client.post("/console/gaps/decide", data={"csrf": csrf_of(client), "language": "uz", "ids": "1",
                                                        "decision": "covered", "card": ""})
        assert bad.status_code == 422  # "covered" needs the card's name
    with rt.store.session() as session:
        decision = session.scalar(select(GapDecision))
        assert decision is not None and decision.decided_by == "kim" and len(decision.examples) == 4


def test_three_language_announcement_reaches_telegram_subscribers(rt: Runtime) -> None:
    t = rt.translator
    world = TelegramWorld(rt)
    chats = {"vi": 7100001, "ru": 7100002, "km": 7100003}

    async def subscribe() -> None:
        for lang, chat in chats.items():
            await world.say(chat, f"/lang {lang}")
            await world.say(chat, "/subscribe")
            assert world.to(chat)[-1]["text"] == t.text(lang, M.SUBSCRIBED)

    asyncio.run(subscribe())
    texts = {"ko": "내일 폭우 경보. 외출을 피하세요.", "en": "Heavy rain warning tomorrow. Stay indoors.",
             "vi": "Cảnh báo mưa lớn ngày mai. Hãy ở trong nhà."}
    with TestClient(create_app(rt)) as client:
        login(client, "kim")
        form = {"csrf": csrf_of(client), "title": "Heavy rain", **{f"text_{k}": v for k, v in texts.items()}}
        preview = client.post("/console/announcements/preview", data=form)
        assert preview.status_code == 200
        assert "Not written in: km (1 people), ru (1 people)" in preview.text  # said before sending
        assert client.post("/console/announcements/send", data=form, follow_redirects=False).status_code == 303
        asyncio.run(world.channel.outbound.send_due())
        assert texts["vi"] in world.to(chats["vi"])[-1]["text"]
        for lang in ("ru", "km"):
            last = world.to(chats[lang])[-1]["text"]
            assert texts["ko"] in last and texts["en"] in last and t.text(lang, M.ANNOUNCEMENT_FOOTER) in last
        # Resuming a finished announcement queues nothing twice.
        with rt.store.session() as session:
            from bot.models import Announcement

            announcement_id = session.scalars(select(Announcement.id)).one()
        from bot import announcements

        assert announcements.queue(rt.store, t, announcement_id) == 0
        page = client.get("/console/announcements")
        assert re.search(r'class="delivered">3<', page.text)

    async def unsubscribe() -> None:
        await world.say(chats["ru"], "/unsubscribe")

    asyncio.run(unsubscribe())
    second = announcements.create(rt.store, "Vaccination day", {"ko": "예방접종의 날", "en": "Vaccination day"}, "kim")
    assert announcements.queue(rt.store, t, second) == 2  # vi and km, not the person who left
    assert rt.engine.handle(Incoming("web", "w1", "/help")).quick_replies[-1].payload == "/subscribe"
