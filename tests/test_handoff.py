"""Handoff end to end: Khmer on the web, Russian on Telegram, Vietnamese danger on KakaoTalk, in and out of hours."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from starlette.testclient import TestClient
from telegram import Bot

from bot import messages as M
from bot.models import Escalation, EscalationEvent, StaffMember
from bot.roster import Calendar, HoursError, parse_hours
from bot.runtime import Runtime, build_runtime
from connectors.telegram import TelegramChannel
from connectors.telegram_desk import CASES_LISTED, StaffDesk
from connectors.web import create_app
from tests.handoff_helpers import (
    NIGHT,
    TEAM_CHATS,
    WORKDAY,
    Clock,
    add_team,
    csrf_of,
    escalations,
    handoff_settings,
    login,
    staff_notices,
)
from tests.test_telegram import FIXTURES as TELEGRAM_FIXTURES
from tests.test_telegram import OfflineRequest

KAKAO_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "kakao"
KHMER_UNSURE = ["ថ្ងៃស្អែកភ្លៀងអត់?", "យប់មិញ Real Madrid ឈ្នះទេ"]
NEXT_MORNING = dt.datetime(2026, 11, 25, 0, 5, tzinfo=dt.UTC)  # Wednesday 09:05 in Seoul


@pytest.fixture
def rt(tmp_path: Path, model_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "test-secret")
    built = build_runtime(handoff_settings(tmp_path, model_dir, database_url))
    yield built
    built.store.engine.dispose()


def start(rt: Runtime, at: dt.datetime) -> Clock:
    clock = Clock(at)
    rt.handoff.clock = clock
    add_team(rt.store)
    return clock


def wake_up_if_night(rt: Runtime, clock: Clock, at: dt.datetime) -> None:
    """Out of hours the case waits, nobody is bothered; in the morning it is offered."""
    if at is not NIGHT:
        return
    [case] = escalations(rt.store)
    assert case.status == "open" and staff_notices(rt.store) == []
    clock.now = NEXT_MORNING
    assert rt.handoff.tick() == 1
    assert escalations(rt.store)[0].status == "offered"


# ----- hours and holidays ----------------------------------------------------------------------------


def test_weekly_hours_and_public_holidays() -> None:
    calendar = Calendar()
    hours = parse_hours("mon-fri 09:00-18:00; sat 10:00-13:00")
    assert calendar.on_duty(hours, WORKDAY) and not calendar.on_duty(hours, NIGHT)
    chuseok = dt.datetime(2026, 9, 25, 2, 0, tzinfo=dt.UTC)  # a Friday, 11:00 in Seoul, a public holiday
    assert not calendar.on_duty(hours, chuseok)
    christmas_eve = dt.datetime(2026, 12, 24, 12, 0, tzinfo=dt.UTC)  # Thursday 21:00 in Seoul
    assert calendar.next_start([hours], christmas_eve) == dt.datetime(2026, 12, 26, 10, 0, tzinfo=calendar.zone)
    for bad in ("monday 9-18", "mon-fri 09:00", "mon-xyz 09:00-18:00", "mon 25:00-26:00"):
        with pytest.raises(HoursError):
            parse_hours(bad)


# ----- Khmer, web chat, unsure twice ----------------------------------------------------------------


@pytest.mark.parametrize("at", [WORKDAY, NIGHT], ids=["office-hours", "night"])
def test_khmer_low_confidence_reaches_staff_and_the_reply_comes_back(rt: Runtime, at: dt.datetime) -> None:
    clock = start(rt, at)
    t = rt.translator
    with TestClient(create_app(rt)) as person, TestClient(create_app(rt)) as staff:
        first = person.post("/api/chat", json={"user": "km-1", "text": KHMER_UNSURE[0]}).json()
        assert first["action"] == "unsure" and first["language"] == "km"
        second = person.post("/api/chat", json={"user": "km-1", "text": KHMER_UNSURE[1]}).json()
        assert second["action"] == "handoff" and second["escalation_id"]
        if at is WORKDAY:
            # Nobody speaks Khmer: told honestly, with Danuri's 24-hour line in the message.
            assert t.text("km", M.HANDOFF_OTHER_LANGUAGE) in second["messages"]
        else:
            expected = t.text("km", M.HANDOFF_CLOSED_NOW, when=t.datetime("km", dt.datetime(2026, 11, 25, 0, 0, tzinfo=dt.UTC)))
            assert expected in second["messages"]
        assert "1577-1366" in " ".join(second["messages"])
        wake_up_if_night(rt, clock, at)
        [case] = escalations(rt.store)
        assert (case.language, case.channel, case.reason, case.offer_level) == ("km", "web", "unsure", 1)
        assert KHMER_UNSURE[1] in json.dumps(case.transcript, ensure_ascii=False)
        # Offered to everyone on duty (level 1), on Telegram for those who have it.
        assert {chat for chat, _key in staff_notices(rt.store)} == {str(c) for c in TEAM_CHATS.values()}

        login(staff, "kim")
        assert f"/console/case/{case.id}" in staff.get("/console").text
        token = csrf_of(staff)
        assert staff.post(f"/console/case/{case.id}/claim", data={"csrf": token}).status_code == 200
        answer = "សូមទៅការិយាល័យ ១៣៤៥"
        staff.post(f"/console/case/{case.id}/reply", data={"csrf": token, "text": answer})
        inbox = person.post("/api/inbox", json={"user": "km-1"}).json()
        assert inbox["messages"] == [t.text("km", M.HANDOFF_CLAIMED), t.text("km", M.HANDOFF_REPLY, text=answer)]
        assert person.post("/api/inbox", json={"user": "km-1"}).json()["messages"] == []  # delivered once

        staff.post(f"/console/case/{case.id}/close", data={"csrf": token})
        closing = person.post("/api/inbox", json={"user": "km-1"}).json()
        assert t.text("km", M.SATISFACTION_QUESTION) in closing["messages"][0]
        rate = next(b["payload"] for b in closing["quick_replies"] if b["label"] == t.text("km", M.SATISFACTION_GOOD))
        thanks = person.post("/api/chat", json={"user": "km-1", "text": rate}).json()
        assert thanks["messages"] == [t.text("km", M.SATISFACTION_THANKS)]
    [case] = escalations(rt.store)
    assert (case.status, case.satisfaction, case.address) == ("closed", 3, None)
    with rt.store.session() as session:
        history = [e.status for e in session.scalars(select(EscalationEvent).order_by(EscalationEvent.id))]
    assert history[:1] == ["open"] and history[-1] == "closed"
    assert {"offered", "claimed", "answered"} <= set(history)


# ----- Russian, Telegram, asks for an interpreter ---------------------------------------------------


class TelegramWorld:
    """The person's chat and the interpreters' chats on one offline Bot API."""

    def __init__(self, rt: Runtime) -> None:
        self.request = OfflineRequest()
        self.bot = Bot("123456:TEST-TOKEN", request=self.request, get_updates_request=OfflineRequest())

        async def no_sleep(_seconds: float) -> None:
            return None

        self.channel = TelegramChannel(rt.engine, rt.store, self.bot, "secret", rt.translator.text,
                                       sleep=no_sleep, desk=StaffDesk(rt.store, rt.handoff))
        self.next_id = 1

    def _update(self, chat: int, text: str, callback: bool = False) -> dict[str, Any]:
        self.next_id += 1
        name = "callback.json" if callback else "message.json"
        data = copy.deepcopy(json.loads((TELEGRAM_FIXTURES / name).read_text(encoding="utf-8")))
        data["update_id"] = 800000000 + self.next_id
        body = data["callback_query"] if callback else data["message"]
        body["from"]["id"] = chat
        (body["message"]["chat"] if callback else body["chat"])["id"] = chat
        body["data" if callback else "text"] = text
        return data

    async def say(self, chat: int, text: str, callback: bool = False) -> None:
        await self.channel.accept(self._update(chat, text, callback))
        await self.channel.drain()
        await self.channel.outbound.send_due()

    def to(self, chat: int) -> list[dict[str, Any]]:
        return [m for m in self.request.messages() if int(m["chat_id"]) == chat]


@pytest.mark.parametrize("at", [WORKDAY, NIGHT], ids=["office-hours", "night"])
def test_russian_request_for_an_interpreter_on_telegram(rt: Runtime, at: dt.datetime) -> None:
    clock = start(rt, at)
    t = rt.translator
    world = TelegramWorld(rt)
    person, ivan, lan = 5123456789, TEAM_CHATS["ivan"], TEAM_CHATS["lan"]

    async def scenario() -> None:
        await world.say(person, "Мне нужен переводчик, пожалуйста")
        told = world.to(person)[-1]["text"]
        assert (t.text("ru", M.HANDOFF_STARTED) if at is WORKDAY else "1577-1366") in told
        wake_up_if_night(rt, clock, at)
        await world.channel.outbound.send_due()
        offer = world.to(ivan)[-1]
        assert "Русский" in offer["text"] and "Мне нужен переводчик" in offer["text"]
        assert world.to(lan) == []  # the Vietnamese interpreter is not bothered with a Russian case
        claim = offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await world.say(ivan, claim, callback=True)
        assert "is yours" in world.to(ivan)[-1]["text"]
        assert world.to(person)[-1]["text"] == t.text("ru", M.HANDOFF_CLAIMED)
        await world.say(ivan, "Здравствуйте! Позвоните 041-540-2114, это мэрия.")
        assert world.to(person)[-1]["text"] == t.text("ru", M.HANDOFF_REPLY, text="Здравствуйте! Позвоните 041-540-2114, это мэрия.")
        await world.say(person, "Спасибо, а когда они работают?")  # the person answers: relayed, not classified
        assert "Спасибо, а когда они работают?" in world.to(ivan)[-1]["text"]
        await world.say(ivan, "/close")
        closing = world.to(person)[-1]
        assert t.text("ru", M.SATISFACTION_QUESTION) in closing["text"]
        assert closing["reply_markup"] is not None

    asyncio.run(scenario())
    [case] = escalations(rt.store)
    assert (case.language, case.channel, case.reason, case.status) == ("ru", "telegram", "asked", "closed")
    assert case.first_reply_at is not None and case.transcript[-1]["direction"] == "in"


# ----- Vietnamese danger on KakaoTalk ---------------------------------------------------------------


def kakao(text: str, user: str = "kakao-vi-1") -> dict[str, Any]:
    data = json.loads((KAKAO_FIXTURES / "utterance.json").read_text(encoding="utf-8"))
    data["userRequest"]["utterance"] = text
    data["userRequest"]["user"]["id"] = user
    return data


def kakao_texts(body: dict[str, Any]) -> list[str]:
    return [o["simpleText"]["text"] for o in body["template"]["outputs"] if "simpleText" in o]


@pytest.mark.parametrize("at", [WORKDAY, NIGHT], ids=["office-hours", "night"])
def test_vietnamese_danger_on_kakao_is_urgent_and_answered(rt: Runtime, at: dt.datetime) -> None:
    clock = start(rt, at)
    t = rt.translator
    world = TelegramWorld(rt)
    lan = TEAM_CHATS["lan"]
    with TestClient(create_app(rt)) as client:
        first = client.post("/webhooks/kakao", json=kakao("Chồng tôi đánh tôi, tôi sợ lắm")).json()
        assert "112" in kakao_texts(first)[0]  # the safety line comes first
        wake_up_if_night(rt, clock, at)
        [case] = escalations(rt.store)
        assert (case.priority, case.reason, case.language, case.offer_level) == ("urgent", "danger", "vi", 0)

        async def interpreter() -> None:
            await world.channel.outbound.send_due()
            offer = world.to(lan)[-1]
            assert offer["text"].startswith("🚨 URGENT")
            await world.say(lan, offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"], callback=True)
            await world.say(lan, "Chị có an toàn không? Gọi 1366 nếu cần.")

        asyncio.run(interpreter())
        # KakaoTalk cannot be pushed to: the reply comes with the person's next message.
        later = kakao_texts(client.post("/webhooks/kakao", json=kakao("?")).json())
        assert t.text("vi", M.HANDOFF_REPLY, text="Chị có an toàn không? Gọi 1366 nếu cần.") in later
    assert escalations(rt.store)[0].status == "answered"


# ----- routing rules ---------------------------------------------------------------------------------


def test_unclaimed_offers_widen_then_expire(rt: Runtime) -> None:
    clock = start(rt, WORKDAY)
    settings = rt.config.settings.handoff
    rt.engine.handle(_incoming("Мне нужен переводчик"))
    assert escalations(rt.store)[0].offer_level == 0
    clock.advance(settings.claim_timeout_minutes - 1)
    assert rt.handoff.tick() == 0
    clock.advance(1)
    assert rt.handoff.tick() == 1 and escalations(rt.store)[0].offer_level == 1
    clock.advance(settings.widen_timeout_minutes)
    rt.handoff.tick()
    assert escalations(rt.store)[0].offer_level == 2  # staff who can call a phone interpreter
    keys = [key for _chat, key in staff_notices(rt.store)]
    assert any(key.startswith("offer:1:2:") for key in keys)
    clock.advance(settings.expire_after_hours * 60)
    rt.handoff.tick()
    [case] = escalations(rt.store)
    assert case.status == "expired" and case.address is None


def test_a_tick_reads_only_the_cases_it_can_change(rt: Runtime) -> None:
    """Out of hours the queue can grow for a whole weekend; the tick every few seconds must not read it all."""
    clock = start(rt, NIGHT)
    for n in range(12):
        rt.engine.handle(_incoming("Мне нужен переводчик", user=f"tg-ru-{n}"))
    assert {case.status for case in escalations(rt.store)} == {"open"}
    loaded: list[int] = []

    def count(target: Escalation, _context: Any) -> None:
        loaded.append(target.id)

    event.listen(Escalation, "load", count)
    try:
        assert rt.handoff.tick() == 0
        assert loaded == []  # nobody on duty: no queued case can move, so none is read
        clock.now = NEXT_MORNING
        assert rt.handoff.tick() == 12 and len(loaded) == 12  # all offered in the morning
        loaded.clear()
        clock.advance(rt.config.settings.handoff.claim_timeout_minutes - 1)
        assert rt.handoff.tick() == 0 and loaded == []  # offered, not yet due to widen
    finally:
        event.remove(Escalation, "load", count)
    assert {case.status for case in escalations(rt.store)} == {"offered"}


def test_cases_in_a_staff_chat_lists_the_first_waiting_and_counts_the_rest(rt: Runtime) -> None:
    start(rt, NIGHT)
    for n in range(CASES_LISTED + 5):
        rt.engine.handle(_incoming("Мне нужен переводчик", user=f"tg-ru-{n}"))
    [(text, buttons)] = StaffDesk(rt.store, rt.handoff).handle(TEAM_CHATS["ivan"], "/cases")
    listed = [line for line in text.splitlines() if line.startswith("#")]
    assert len(listed) == CASES_LISTED and listed[0].startswith(f"#{escalations(rt.store)[0].id} ")  # oldest first
    assert "... and 5 more waiting" in text and len(buttons) == 6


def _incoming(text: str, user: str = "tg-ru-1") -> Any:
    from bot.dialogue import Incoming

    return Incoming("web", user, text)


def test_two_interpreters_claiming_at_once_exactly_one_wins(rt: Runtime) -> None:
    start(rt, WORKDAY)
    rt.engine.handle(_incoming("Мне нужен переводчик"))
    [case] = escalations(rt.store)
    with rt.store.session() as session:
        ids = [s.id for s in session.scalars(select(StaffMember)).all()]
    results: list[bool] = []
    barrier = threading.Barrier(len(ids))

    def press(staff_id: int) -> None:
        barrier.wait()
        results.append(rt.handoff.claim(case.id, staff_id))

    threads = [threading.Thread(target=press, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * (len(ids) - 1) + [True]
    assert escalations(rt.store)[0].status == "claimed"


def test_staff_cannot_act_on_someone_else_s_case(rt: Runtime) -> None:
    from bot.handoff import HandoffError

    start(rt, WORKDAY)
    team = {s.login: s.id for s in _staff(rt)}
    rt.engine.handle(_incoming("Мне нужен переводчик"))
    [case] = escalations(rt.store)
    assert rt.handoff.claim(case.id, team["ivan"])
    with pytest.raises(HandoffError):
        rt.handoff.reply(case.id, team["lan"], "hello")
    rt.handoff.transfer(case.id, team["ivan"], "zh")
    moved = escalations(rt.store)[0]
    assert (moved.status, moved.language, moved.assignee_id) == ("offered", "zh", None)


def _staff(rt: Runtime) -> list[StaffMember]:
    with rt.store.session() as session:
        return list(session.scalars(select(StaffMember)).all())


def test_handoff_measures_by_language_and_hour(rt: Runtime) -> None:
    clock = start(rt, WORKDAY)
    team = {s.login: s.id for s in _staff(rt)}
    rt.engine.handle(_incoming("Мне нужен переводчик"))
    [case] = escalations(rt.store)
    clock.advance(4)
    rt.handoff.claim(case.id, team["ivan"])
    clock.advance(2)
    rt.handoff.reply(case.id, team["ivan"], "Здравствуйте")
    clock.advance(10)
    rt.handoff.close(case.id, team["ivan"])
    rt.engine.handle(_incoming("I want to talk to a person", user="en-1"))
    from bot.handoff_stats import handoff_measures

    with rt.store.session() as session:
        m = handoff_measures(session, WORKDAY - dt.timedelta(days=1), WORKDAY + dt.timedelta(days=1))
    assert m["queue"] == {"en": 1}
    assert m["by_language"]["ru"]["first_reply"] == {"n": 1, "median_min": 6.0, "p90_min": 6.0}
    assert m["by_language"]["ru"]["close"]["median_min"] == 16.0
    assert m["by_hour"][11]["opened"] == 2


def test_transfer_to_a_colleague_and_messages_while_waiting_reach_the_transcript(rt: Runtime) -> None:
    start(rt, WORKDAY)
    team = {s.login: s.id for s in _staff(rt)}
    rt.engine.handle(_incoming("Мне нужен переводчик"))
    rt.engine.handle(_incoming("Это про зарплату, мне не заплатили"))  # while waiting: answered by the bot...
    [case] = escalations(rt.store)
    assert "Это про зарплату" in json.dumps(case.transcript, ensure_ascii=False)  # ...and kept for the human
    assert rt.handoff.claim(case.id, team["ivan"])
    rt.handoff.transfer(case.id, team["ivan"], to_login="kim")
    moved = escalations(rt.store)[0]
    assert (moved.status, moved.assignee_id) == ("offered", None)
    assert any(key.startswith(f"offer:{case.id}:to:") and key.endswith(f":{team['kim']}")
               for _chat, key in staff_notices(rt.store))
    assert rt.handoff.claim(case.id, team["kim"])
    with rt.store.session() as session:
        details = [e.detail for e in session.scalars(select(EscalationEvent).order_by(EscalationEvent.id))]
    assert "to kim" in details
