"""The PostgreSQL server stops and starts again: people get an apology and a hotline at once, nothing is lost."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot import messages as M
from bot.models import Message, User
from bot.runtime import Runtime, build_runtime
from connectors.telegram import SECRET_HEADER
from connectors.web import create_app
from tests.handoff_helpers import escalations, handoff_settings
from tests.pg_cluster import PgCluster
from tests.test_telegram import FIXTURES as TELEGRAM_FIXTURES
from tests.test_telegram import Harness


@pytest.fixture
def cluster() -> Iterator[PgCluster]:
    server = PgCluster()
    server.start()
    yield server
    server.remove()


@pytest.fixture
def rt(cluster: PgCluster, tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "test-secret")
    built = build_runtime(handoff_settings(tmp_path, model_dir, cluster.url))
    yield built
    built.store.engine.dispose()


def _kakao(text: str, user: str) -> dict[str, object]:
    data = json.loads((Path(__file__).parent / "fixtures" / "kakao" / "utterance.json").read_text(encoding="utf-8"))
    data["userRequest"]["utterance"] = text
    data["userRequest"]["user"]["id"] = user
    return data


def test_messages_during_an_outage_are_kept_and_answered_when_the_database_is_back(
        cluster: PgCluster, rt: Runtime) -> None:
    t = rt.translator
    harness = Harness(rt)
    with TestClient(create_app(rt)) as client:
        assert client.post("/api/chat", json={"user": "web-1", "text": "hello"}).status_code == 200
        cluster.stop()

        web = client.post("/api/chat", json={"user": "web-1", "text": "Мне нужен переводчик"})
        assert web.status_code == 200
        assert web.json()["messages"] == [t.text("ru", M.DATABASE_DOWN)]
        kakao = client.post("/webhooks/kakao", json=_kakao("Chồng tôi đánh tôi, tôi sợ lắm", "kakao-vi"))
        texts = [o["simpleText"]["text"] for o in kakao.json()["template"]["outputs"]]
        assert texts == [t.text("vi", M.SAFETY_FIRST), t.text("vi", M.DATABASE_DOWN)]  # 112/119 first

        telegram = json.loads((TELEGRAM_FIXTURES / "message.json").read_text(encoding="utf-8"))
        with TestClient(harness.app) as tg:
            refused = tg.post("/webhooks/telegram", json=telegram, headers={SECRET_HEADER: "s3cret-Token_for-tests"})
            again = tg.post("/webhooks/telegram", json=telegram, headers={SECRET_HEADER: "s3cret-Token_for-tests"})
        assert refused.status_code == 503 and again.status_code == 503  # Telegram will deliver it again
        apologies = [m for m in harness.request.messages() if t.text("ru", M.DATABASE_DOWN) in m["text"]]
        assert len(apologies) == 1  # one apology, not one per retry
        assert rt.engine.spool is not None and rt.engine.spool.waiting() == 2

        cluster.start()
        assert rt.engine.replay_spool() == 2
        assert rt.engine.spool.waiting() == 0
        assert rt.engine.replay_spool() == 0  # nothing is answered twice

        cases = escalations(rt.store)
        assert sorted((c.language, c.priority, c.reason) for c in cases) == [
            ("ru", "normal", "asked"), ("vi", "urgent", "danger")]
        with rt.store.session() as session:
            texts_in = [m.text for m in session.scalars(select(Message).where(Message.direction == "in"))]
            assert session.scalar(select(User).where(User.channel == "kakao")) is not None
        assert "Мне нужен переводчик" in texts_in and "Chồng tôi đánh tôi, tôi sợ lắm" in texts_in
        # The answers wait for the person: the web page's inbox, Kakao's next message.
        inbox = client.post("/api/inbox", json={"user": "web-1"}).json()
        assert t.text("ru", M.HANDOFF_NO_TEAM) in inbox["messages"]

        # Telegram delivers the refused update again: now it is answered, once.
        async def redeliver() -> None:
            await harness.channel.accept(copy.deepcopy(telegram))
            await harness.channel.drain()
        asyncio.run(redeliver())
    answers = [m for m in harness.request.messages() if t.text("ru", M.DATABASE_DOWN) not in m["text"]]
    assert len(answers) == 1
