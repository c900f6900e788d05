"""Rate and size limits on every POST route: 413 for big bodies, 400 for bad JSON, 429 or a polite reply, never 5xx."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from bot import messages as M
from bot.config import LimitSettings, RateSettings
from bot.dialogue import Incoming
from bot.runtime import Runtime
from connectors.ratelimit import Guard, TokenBuckets
from connectors.telegram import SECRET_ENV, SECRET_HEADER
from connectors.web import create_app
from tests.conftest import FIXTURES
from tests.test_telegram import SECRET, Harness, update

TIGHT = LimitSettings(per_person=RateSettings(per_minute=1, burst=2), per_address=RateSettings(per_minute=1, burst=4),
                      max_body_bytes=2048)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_refills() -> None:
    clock = Clock()
    buckets = TokenBuckets(RateSettings(per_minute=6, burst=2), clock)
    assert buckets.take("a") == 0 and buckets.take("a") == 0
    assert buckets.take("a") == pytest.approx(10.0)
    assert buckets.take("b") == 0  # another person is not affected
    clock.now += 10
    assert buckets.take("a") == 0


def test_bucket_memory_is_bounded() -> None:
    buckets = TokenBuckets(RateSettings(per_minute=6, burst=1), Clock(), size=3)
    for key in "abcd":
        buckets.take(key)
    assert buckets.take("a") == 0  # forgotten, so full again


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    settings = runtime.config.settings.model_copy(update={"limits": TIGHT})
    app = create_app(dataclasses.replace(runtime, config=dataclasses.replace(runtime.config, settings=settings)))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_web_api_answers_429_politely_in_the_persons_language(client: TestClient, runtime: Runtime) -> None:
    for _ in range(2):
        assert client.post("/api/chat", json={"user": "fast", "text": "/help", "lang": "ru"}).status_code == 200
    refused = client.post("/api/chat", json={"user": "fast", "text": "/help", "lang": "ru"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"] == runtime.translator.text("ru", M.RATE_LIMITED)
    assert "Вы отправляете" in refused.json()["error"]


def test_web_api_is_limited_per_address_too(client: TestClient) -> None:
    codes = [client.post("/api/chat", json={"user": f"u{n}", "text": "/help"}).status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]


def test_kakao_is_limited_per_person_with_a_skill_reply(client: TestClient, runtime: Runtime) -> None:
    body = json.loads((FIXTURES / "kakao" / "utterance.json").read_text(encoding="utf-8"))
    body["userRequest"]["utterance"] = "/help"
    answers = [client.post("/webhooks/kakao", json=body) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    text = answers[2].json()["template"]["outputs"][0]["simpleText"]["text"]
    assert text in {runtime.translator.text(lang, M.RATE_LIMITED) for lang in runtime.config.settings.languages}


def _reached(_request: Request) -> Response:
    return JSONResponse({"reached": True})


def _telegram_app(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> Guard:
    monkeypatch.setenv(SECRET_ENV, SECRET)

    async def reached(request: Request) -> Response:
        return _reached(request)

    inner = Starlette(routes=[Route("/webhooks/telegram", reached, methods=["POST"])])
    return Guard(inner, TIGHT, runtime.translator.text, "en")


def test_telegram_gets_200_and_a_polite_message_not_a_retry(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> None:
    client = TestClient(_telegram_app(monkeypatch, runtime))
    answers = [client.post("/webhooks/telegram", json=update("message.json", update_id=n),
                           headers={SECRET_HEADER: SECRET}) for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json() == {"reached": True}
    limited = answers[2].json()
    assert limited["method"] == "sendMessage" and limited["chat_id"] == 5123456789
    assert limited["text"] == runtime.translator.text("ru", M.RATE_LIMITED)


def test_forged_telegram_requests_do_not_use_up_a_chats_tokens(monkeypatch: pytest.MonkeyPatch,
                                                               runtime: Runtime) -> None:
    client = TestClient(_telegram_app(monkeypatch, runtime))
    for n in range(5):
        client.post("/webhooks/telegram", json=update("message.json", update_id=n), headers={SECRET_HEADER: "wrong"})
    real = client.post("/webhooks/telegram", json=update("message.json", update_id=9), headers={SECRET_HEADER: SECRET})
    assert real.json() == {"reached": True}


BAD_BODIES: list[tuple[bytes, str]] = [
    (b"not json", "application/json"),
    (b"\xff\xfe\x00", "application/json"),
    (b"", "application/json"),
    (b"[]", "application/json"),
    (b"null", "application/json"),
    (b"12345678901234567890", "application/json"),
    (b'"text"', "application/json"),
    (b'{"user": 5, "text": []}', "application/json"),
    (b'{"userRequest": {"user": {"id": 7}, "utterance": null}}', "application/json"),
    (b'{"update_id": "x", "message": {"chat": {"id": "y"}}}', "application/json"),
    (b'{"update_id": 1, "message": {"chat": {"id": "y"}, "text": 5}}', "application/json"),
    (b'{"user": "a", "text": "hi"}', "text/plain"),
    (b"{" * 1500, "application/json"),
    (b"[" * 4000, "application/json"),
    (b"1" * 4090, "application/json"),
]


@pytest.fixture
def every_route(runtime: Runtime) -> Iterator[TestClient]:
    """The web app's routes plus the real Telegram webhook, behind the guard."""
    harness = Harness(runtime)
    settings = runtime.config.settings.model_copy(update={"limits": LimitSettings(max_body_bytes=4096)})
    web = create_app(dataclasses.replace(runtime, config=dataclasses.replace(runtime.config, settings=settings)))

    async def telegram(request: Request) -> Response:
        return await harness.channel.webhook(request)

    web.router.routes.append(Route("/webhooks/telegram", telegram, methods=["POST"]))
    with TestClient(web, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/api/chat", "/webhooks/kakao", "/webhooks/telegram"])
def test_bad_input_gets_a_4xx_json_error_never_a_5xx(every_route: TestClient, path: str) -> None:
    headers = {SECRET_HEADER: SECRET}
    for body, content_type in BAD_BODIES:
        answer = every_route.post(path, content=body, headers={**headers, "content-type": content_type})
        assert 400 <= answer.status_code < 500, (path, body[:40], answer.status_code, answer.text)
        assert "error" in answer.json(), (path, body[:40])
    big = every_route.post(path, content=b'{"text": "' + b"x" * 9000 + b'"}',
                           headers={**headers, "content-type": "application/json"})
    assert big.status_code == 413 and "error" in big.json()

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        for _ in range(10):
            yield b"x" * 1000  # 10,000 bytes in all

    streamed = every_route.post(path, content=chunks(), headers={**headers, "content-type": "application/json"})
    assert streamed.status_code == 413


def test_gets_and_health_are_not_limited(client: TestClient) -> None:
    assert all(client.get("/healthz").status_code == 200 for _ in range(10))


def test_control_characters_are_dropped_from_incoming_text() -> None:
    # PostgreSQL refuses NUL in text, and no person types one; tabs and line breaks stay.
    assert Incoming("web", "u1", "a\x00b\x85c\x7f\td\ne\r").text == "abc\td\ne\r"
