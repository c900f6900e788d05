"""Telegram with real update JSON and python-telegram-bot's Bot over an offline request: secret, dedup, order, limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update as sa_update
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient
from telegram import Bot
from telegram.request import BaseRequest, RequestData

from bot.content import load_content
from bot.dialogue import QuickReply, Reply
from bot.models import Outbox, utcnow
from bot.runtime import Runtime
from connectors.base import split_text
from connectors.telegram import CALLBACK_DATA_LIMIT, SECRET_HEADER, TEXT_LIMIT, TelegramChannel, keyboard, minimal_update
from tests.conftest import ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "telegram"
SECRET = "s3cret-Token_for-tests"


def update(name: str, **changes: Any) -> dict[str, Any]:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    data.update(changes)
    return data


class OfflineRequest(BaseRequest):
    """Answers Bot API calls from canned JSON, records them, and can answer 429 a number of times."""

    def __init__(self, flood_times: int = 0, updates: list[dict[str, Any]] | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.flood_times = flood_times
        self.updates = list(updates or [])
        self.stop: asyncio.Event | None = None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if api_method == "sendMessage" and self.flood_times > 0:
            self.flood_times -= 1
            body = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1}}
            return 429, json.dumps(body).encode()
        self.sent.append((api_method, params))
        if api_method == "getMe":
            result: Any = {"id": 7000000001, "is_bot": True, "first_name": "Asan helper", "username": "asan_newcomer_bot"}
        elif api_method == "getUpdates":
            offset = params.get("offset") or 0
            result = [u for u in self.updates if u["update_id"] >= offset]
            if not result and self.stop is not None:
                self.stop.set()
        elif api_method == "sendMessage":
            result = {"message_id": len(self.sent), "date": 0, "text": params.get("text", ""),
                      "chat": {"id": params.get("chat_id", 1), "type": "private"}}
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def messages(self) -> list[dict[str, Any]]:
        return [params for method, params in self.sent if method == "sendMessage"]


class Harness:
    """A channel on the real engine and store, a Bot on the offline request, and the webhook app."""

    def __init__(self, runtime: Runtime, flood_times: int = 0) -> None:
        self.request = OfflineRequest(flood_times)
        self.bot = Bot("123456:TEST-TOKEN", request=self.request, get_updates_request=OfflineRequest())
        self.slept: list[float] = []

        async def no_sleep(seconds: float) -> None:
            self.slept.append(seconds)

        self.channel = TelegramChannel(runtime.engine, runtime.store, self.bot, SECRET, runtime.translator.text,
                                       sleep=no_sleep)
        self.app = Starlette(routes=[Route("/webhooks/telegram", self.channel.webhook, methods=["POST"])])


@pytest.fixture
def harness(runtime: Runtime) -> Iterator[Harness]:
    yield Harness(runtime)


def post(client: TestClient, body: Any, secret: str | None = SECRET) -> Any:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post("/webhooks/telegram", json=body, headers=headers)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_webhook_rejects_missing_or_wrong_secret(harness: Harness) -> None:
    with TestClient(harness.app) as client:
        assert post(client, update("message.json"), secret=None).status_code == 401
        assert post(client, update("message.json"), secret="wrong").status_code == 403
        assert post(client, update("message.json"), secret=SECRET + "x").status_code == 403
    assert harness.request.messages() == []


def test_webhook_answers_once_even_when_replayed(harness: Harness, runtime: Runtime) -> None:
    async def scenario() -> list[Any]:
        bodies = []
        for _ in range(3):  # Telegram retries, a restart replays
            bodies.append(await harness.channel.accept(update("message.json")))
        await harness.channel.drain()
        return bodies

    fresh = run(scenario())
    assert fresh == [True, False, False]
    sent = harness.request.messages()
    assert len(sent) == 1
    assert sent[0]["chat_id"] == 5123456789
    assert "корейск" in sent[0]["text"].lower() or "Korean" in sent[0]["text"]
    markup = sent[0]["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    datas = [b.get("callback_data") for row in markup["inline_keyboard"] for b in row if b.get("callback_data")]
    assert any(d.startswith("/helpful ") for d in datas)


def test_webhook_http_flow_and_bad_bodies(harness: Harness) -> None:
    with TestClient(harness.app) as client:
        assert post(client, update("start.json")).json() == {"ok": True, "duplicate": False}
        assert post(client, update("start.json")).json() == {"ok": True, "duplicate": True}
        bad = client.post("/webhooks/telegram", content=b"{nope", headers={SECRET_HEADER: SECRET,
                                                                              "content-type": "application/json"})
        assert bad.status_code == 400
        assert post(client, {"message": {"text": "no update id"}}).status_code == 400


def test_one_chat_is_answered_in_order(harness: Harness) -> None:
    async def scenario() -> None:
        await harness.channel.accept(update("start.json"))
        await harness.channel.accept(update("message.json"))
        await harness.channel.accept(update("callback.json"))
        assert len(harness.channel._chat_locks) == 1  # one lock for the chat's three updates
        await harness.channel.drain()
        assert harness.channel._chat_locks == {}  # and gone once they are answered: only busy chats are kept

    run(scenario())
    texts = [m["text"] for m in harness.request.messages()]
    assert len(texts) == 3
    assert "90" in texts[0]  # the welcome with the consent notice comes first
    assert "Спасибо" in texts[2]  # the "yes" button answer comes last
    assert ("answerCallbackQuery", {"callback_query_id": "4382019283746501234"}) in [
        (m, {k: v for k, v in p.items() if k == "callback_query_id"}) for m, p in harness.request.sent]


def test_non_text_message_gets_a_clear_reply(harness: Harness) -> None:
    async def scenario() -> None:
        await harness.channel.accept(update("photo.json"))
        await harness.channel.drain()

    run(scenario())
    [message] = harness.request.messages()
    assert "текст" in message["text"].lower() or "text" in message["text"].lower()


def test_flood_limit_is_waited_out_and_nothing_is_dropped(runtime: Runtime) -> None:
    flooded = Harness(runtime, flood_times=2)

    async def scenario() -> None:
        await flooded.channel.accept(update("message.json"))
        await flooded.channel.drain()

    run(scenario())
    assert len(flooded.request.messages()) == 1
    assert flooded.slept.count(1.0) >= 2  # waited retry_after twice, then sent


def test_unanswered_updates_are_resumed_after_a_restart(harness: Harness, runtime: Runtime) -> None:
    _, chat, payload = minimal_update(update("message.json"))
    assert runtime.store.record_update("telegram", 718293401, chat, payload)  # recorded, then the process died

    async def scenario() -> int:
        resumed = await harness.channel.resume()
        await harness.channel.drain()
        return resumed

    assert run(scenario()) == 1
    assert len(harness.request.messages()) == 1
    assert runtime.store.pending_updates("telegram") == []


def test_stored_update_keeps_no_names_and_masks_numbers() -> None:
    data = update("message.json")
    data["message"]["text"] = "мой номер 900101-5123456"
    _, _, payload = minimal_update(data)
    assert "Dilnoza" not in json.dumps(payload, ensure_ascii=False)
    assert "5123456" not in payload["text"]


def test_every_button_fits_telegram_callback_limit() -> None:
    base, _ = load_content(ROOT / "content")
    payloads = ["/human", "/language", "/lang uz-Cyrl"]
    for card_id in base.cards:
        payloads += [f"/card {card_id}", f"/helpful {card_id} yes", f"/helpful {card_id} no"]
    for payload in payloads:
        assert len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT, payload
    with pytest.raises(ValueError):
        keyboard(Reply(language="en", action="answer", quick_replies=[QuickReply("x", "/card " + "a" * 70)]))


def test_long_answers_split_without_breaking_words_or_links() -> None:
    link = "https://www.hikorea.go.kr/info/InfoDatail.pt?CAT_SEQ=192&PARENT_ID=144"
    text = " ".join(["слово"] * 900 + [link] + ["слово"] * 900)
    pieces = split_text(text, TEXT_LIMIT)
    assert len(pieces) >= 3 and all(len(p) <= TEXT_LIMIT for p in pieces)
    assert sum(p.count(link) for p in pieces) == 1
    assert " ".join(pieces).split() == text.split()


def test_long_polling_answers_each_update_once(runtime: Runtime) -> None:
    harness = Harness(runtime)
    polling = OfflineRequest(updates=[update("start.json"), update("message.json"), update("start.json")])
    harness.bot = Bot("123456:TEST-TOKEN", request=harness.request, get_updates_request=polling)
    harness.channel.bot = harness.bot

    async def scenario() -> None:
        stop = asyncio.Event()
        polling.stop = stop
        async with harness.bot:
            await harness.channel.poll(stop, timeout=0)

    run(scenario())
    assert [m for m, _ in harness.request.sent].count("deleteWebhook") == 1
    assert len(harness.request.messages()) == 2  # the repeated /start (same update_id) is not answered twice


@pytest.mark.parametrize(
    ("fixture", "expect"),
    [("sticker.json", "text"), ("edited.json", None), ("group.json", "private"), ("unknown.json", None)],
)
def test_every_update_kind_is_handled_or_declined(harness: Harness, fixture: str, expect: str | None) -> None:
    async def scenario() -> None:
        assert await harness.channel.accept(update(fixture))
        await harness.channel.drain()

    run(scenario())
    sent = harness.request.messages()
    if expect is None:
        assert sent == []  # edits and membership changes need no answer
    else:
        [message] = sent
        if expect == "private":
            assert message["chat_id"] == -1001987654321
            assert "riêng" in message["text"]  # declined in the group's language (Vietnamese)
    assert harness.channel.store.pending_updates("telegram") == []


def test_an_answer_that_could_not_be_sent_is_retried_later(runtime: Runtime) -> None:
    from telegram.error import NetworkError

    harness = Harness(runtime)
    real_send = harness.bot.send_message
    failures = {"left": 9}  # more than one send's own attempts: the answer stays in the outbox

    async def flaky_send(**kwargs: Any) -> Any:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise NetworkError("Telegram unreachable")
        return await real_send(**kwargs)

    async def scenario() -> tuple[int, int]:
        object.__setattr__(harness.bot, "send_message", flaky_send)
        await harness.channel.accept(update("message.json"))
        await harness.channel.drain()
        outbound = harness.channel.outbound
        queued = outbound.pending()
        # Backoff has pushed the retry into the future: pretend that time has passed.
        with harness.channel.store.session() as session:
            session.execute(sa_update(Outbox).values(next_attempt_at=utcnow() - dt.timedelta(seconds=1)))
        stop = asyncio.Event()
        retry = asyncio.ensure_future(harness.channel.keep_retrying(stop, every=0.01))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if not outbound.pending():
                break
        stop.set()
        await retry
        await harness.channel.drain()
        return queued, outbound.pending()

    queued, left = run(scenario())
    assert (queued, left) == (1, 0)
    assert harness.channel.store.pending_updates("telegram") == []  # answered in the database at once
    assert len(harness.request.messages()) == 1  # sent once, when Telegram was back
