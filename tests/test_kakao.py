"""KakaoTalk skill server with real Open Builder request JSON: v2.0 responses, limits, deadline, callback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from bot.dialogue import Contact, Incoming, QuickReply, Reply
from bot.runtime import Runtime
from connectors.kakao import (QUICK_REPLY_LABEL_LIMIT, QUICK_REPLY_LIMIT, TEXT_LIMIT, KakaoSkill,
                              build_response)
from connectors.web import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "kakao"


def payload(name: str, **changes: Any) -> dict[str, Any]:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    data["userRequest"].update(changes)
    return data


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def test_skill_answers_with_a_v2_response(client: TestClient) -> None:
    response = client.post("/webhooks/kakao", json=payload("utterance.json"))
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "2.0"
    outputs = body["template"]["outputs"]
    assert 1 <= len(outputs) <= 3
    texts = [o["simpleText"]["text"] for o in outputs if "simpleText" in o]
    assert any("외국인" in t or "등록" in t for t in texts)
    assert all(len(t) <= TEXT_LIMIT for t in texts)
    cards = [o["basicCard"] for o in outputs if "basicCard" in o]
    assert cards and cards[0]["buttons"][0]["action"] == "phone"
    quick = body["template"]["quickReplies"]
    assert len(quick) <= QUICK_REPLY_LIMIT
    assert all(len(q["label"]) <= QUICK_REPLY_LABEL_LIMIT for q in quick)
    assert any(q["extra"]["payload"].startswith("/helpful registration.alien-registration") for q in quick)


def test_button_payload_comes_back_through_client_extra(client: TestClient) -> None:
    pressed = payload("quick_reply.json")
    first = payload("utterance.json", utterance="Где учить корейский?", user=pressed["userRequest"]["user"])
    assert client.post("/webhooks/kakao", json=first).status_code == 200
    body = client.post("/webhooks/kakao", json=pressed).json()
    text = body["template"]["outputs"][0]["simpleText"]["text"]
    assert "Спасибо" in text or "спасибо" in text


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{broken", 400), (b"[]", 400), (b'{"userRequest": {"utterance": "hi"}}', 400),
     (b'{"userRequest": {"user": {"id": "u"}, "utterance": 5}}', 400)],
)
def test_bad_requests_are_4xx(client: TestClient, body: bytes, status: int) -> None:
    response = client.post("/webhooks/kakao", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status and response.json()["error"]


def test_long_answers_are_split_and_limits_kept() -> None:
    long_text = ("가나다라 " * 600).strip()
    reply = Reply(language="ko", action="answer", messages=[long_text, "도움이 되었나요?"],
                  quick_replies=[QuickReply(f"아주 긴 버튼 이름 {i} 입니다", f"/x {i}") for i in range(12)],
                  contacts=[Contact("다누리콜센터", phone="1577-1366"), Contact("HiKorea", url="https://www.hikorea.go.kr"),
                            Contact("A", phone="1345"), Contact("B", phone="1350")])
    body = build_response(reply)
    outputs = body["template"]["outputs"]
    assert len(outputs) <= 3
    assert all(len(o["simpleText"]["text"]) <= TEXT_LIMIT for o in outputs if "simpleText" in o)
    assert len(body["template"]["quickReplies"]) == QUICK_REPLY_LIMIT
    card = outputs[-1]["basicCard"]
    assert len(card["buttons"]) == 3 and card["buttons"][0]["phoneNumber"] == "15771366"


class SlowEngine:
    """An engine that takes longer than Kakao's budget, to exercise the deadline."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.done = threading.Event()

    def handle(self, incoming: Incoming) -> Reply:
        time.sleep(self.delay)
        self.done.set()
        return Reply(language="en", action="answer", messages=[f"late answer to {incoming.text}"])

    def fallback_reply(self, incoming: Incoming, message: str) -> Reply:
        return Reply(language="en", action="error", messages=[message])


def _skill_app(skill: KakaoSkill) -> Any:
    from starlette.applications import Starlette
    from starlette.routing import Route

    return Starlette(routes=[Route("/kakao", skill.handle, methods=["POST"])])


def test_deadline_returns_a_hotline_reply_in_time(runtime: Runtime) -> None:
    engine = SlowEngine(delay=1.0)
    skill = KakaoSkill(engine, runtime.translator.text, "en", deadline=0.2)
    with TestClient(_skill_app(skill)) as client:
        started = time.monotonic()
        body = client.post("/kakao", json=payload("utterance.json", utterance="Где моя зарплата?")).json()
        elapsed = time.monotonic() - started
    assert elapsed < 0.9
    text = body["template"]["outputs"][0]["simpleText"]["text"]
    assert "1577-1366" in text and "Данури" in text  # in the language of the message, not Kakao's "kr"
    assert engine.done.wait(2)  # the work itself still finishes (and is stored by the real engine)


def test_callback_delivers_the_late_answer(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    posted: list[tuple[str, Any]] = []

    class Recorder(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            posted.append((str(request.url), json.loads(request.content)))
            return httpx.Response(200, json={"taskId": "1", "status": "SUCCESS"})

    real_client = httpx.AsyncClient
    monkeypatch.setattr(httpx, "AsyncClient", lambda **kw: real_client(transport=Recorder(), **kw))
    engine = SlowEngine(delay=0.5)
    skill = KakaoSkill(engine, runtime.translator.text, "en", callback_enabled=True, deadline=0.1)
    callback = "https://bot-api.kakao.com/v1/bots/callback/abc123"
    with TestClient(_skill_app(skill)) as client:
        body = client.post("/kakao", json=payload("utterance.json", callbackUrl=callback)).json()
        assert body["useCallback"] is True and body["version"] == "2.0"
        deadline = time.monotonic() + 5
        while not posted and time.monotonic() < deadline:
            time.sleep(0.05)
    assert posted and posted[0][0] == callback
    assert posted[0][1]["template"]["outputs"][0]["simpleText"]["text"].startswith("late answer")


def test_duplicate_delivery_gets_one_turn(runtime: Runtime) -> None:
    from bot.models import Message

    skill = KakaoSkill(runtime.engine, runtime.translator.text, "en")
    body = payload("utterance.json", utterance="건강보험 어떻게 가입해요?")
    with TestClient(_skill_app(skill)) as client:
        first = client.post("/kakao", json=body).json()
        again = client.post("/kakao", json=body).json()
    assert first == again
    incoming = runtime.store.count(Message)
    with TestClient(_skill_app(skill)) as client:
        client.post("/kakao", json=body)
    assert runtime.store.count(Message) == incoming  # the replay was not handled again


def test_handoff_offers_kakao_staff_connection(runtime: Runtime) -> None:
    skill = KakaoSkill(runtime.engine, runtime.translator.text, "en", staff_block_id="65f0staffblock")
    with TestClient(_skill_app(skill)) as client:
        body = client.post("/kakao", json=payload("utterance.json", utterance="/human")).json()
    quick = body["template"]["quickReplies"]
    assert quick[-1] == {"action": "block", "label": quick[-1]["label"], "blockId": "65f0staffblock"}
    assert len(quick) <= QUICK_REPLY_LIMIT


def test_emoticon_or_picture_without_text_is_declined_politely(client: TestClient) -> None:
    # Kakao sends an empty utterance for an emoticon or a picture sent to the skill block.
    body = client.post("/webhooks/kakao", json=payload("empty_utterance.json")).json()
    text = body["template"]["outputs"][0]["simpleText"]["text"]
    assert body["version"] == "2.0" and "text" in text.lower()


def test_user_key_that_cannot_be_an_address_is_refused(client: TestClient) -> None:
    body = payload("utterance.json")
    body["userRequest"]["user"]["id"] = "key\x00with-nul"
    assert client.post("/webhooks/kakao", json=body).status_code == 400
