"""One engine behind every channel: the same question gets the same card in the same language everywhere."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.runtime import Runtime
from connectors.terminal import TerminalChat
from connectors.web import create_app
from tests.test_telegram import Harness

QUESTIONS = [
    ("ru", "Где можно бесплатно учить корейский язык?"),
    ("th", "ประกันสุขภาพสำหรับคนต่างชาติทำยังไง"),
    ("vi", "cong ty khong tra luong 2 thang roi phai lam sao"),
]
KAKAO = json.loads((Path(__file__).resolve().parent / "fixtures" / "kakao" / "utterance.json").read_text("utf-8"))


@pytest.mark.parametrize(("lang", "question"), QUESTIONS)
def test_same_answer_on_web_kakao_telegram_and_terminal(runtime: Runtime, lang: str, question: str) -> None:
    with TestClient(create_app(runtime)) as client:
        web = client.post("/api/chat", json={"user": f"web-{lang}", "text": question}).json()
        body = json.loads(json.dumps(KAKAO))
        body["userRequest"]["utterance"] = question
        body["userRequest"]["user"]["id"] = f"kakao-{lang}"
        kakao = client.post("/webhooks/kakao", json=body).json()
    assert web["language"] == lang and web["action"] == "answer" and web["card"]
    card = runtime.engine.content.cards[web["card"]]
    title = card.block(lang).title
    kakao_text = "\n".join(o["simpleText"]["text"] for o in kakao["template"]["outputs"] if "simpleText" in o)
    assert title in kakao_text

    harness = Harness(runtime)
    telegram_update = {"update_id": 900 + QUESTIONS.index((lang, question)), "message": {
        "message_id": 1, "date": 0, "text": question,
        "from": {"id": 4242, "is_bot": False, "first_name": "T"}, "chat": {"id": 4242, "type": "private"}}}

    async def scenario() -> None:
        await harness.channel.accept(telegram_update)
        await harness.channel.drain()

    asyncio.run(scenario())
    assert any(title in m["text"] for m in harness.request.messages())
    assert title in TerminalChat(runtime.engine, user_id=f"tty-{lang}").turn(question)
