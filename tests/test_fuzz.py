"""Fuzzing every webhook and the chat API with Hypothesis: bad input gets a 4xx, never a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient
from telegram import Bot

from bot.runtime import Runtime
from connectors.telegram import SECRET_HEADER, TelegramChannel
from connectors.web import create_app
from tests.test_telegram import OfflineRequest

SECRET = "fuzz-secret"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
# Shapes close to the real ones reach deeper code than random JSON does.
kakao_like = st.fixed_dictionaries({"userRequest": st.fixed_dictionaries(
    {"utterance": st.one_of(st.text(max_size=80), st.integers(), st.none()),
     "user": st.one_of(st.fixed_dictionaries({"id": st.text(max_size=20)}), st.text(), st.none())}),
    "action": st.one_of(st.none(), st.fixed_dictionaries({"clientExtra": st.one_of(st.none(), json_values)}))})
telegram_like = st.fixed_dictionaries({"update_id": st.integers(min_value=0, max_value=2**40), "message": st.one_of(
    json_values, st.fixed_dictionaries({"chat": st.one_of(json_values, st.fixed_dictionaries(
        {"id": st.integers(min_value=1, max_value=2**40), "type": st.sampled_from(["private", "group"])})),
        "text": st.one_of(st.text(max_size=80), st.integers())}))})
chat_like = st.fixed_dictionaries({"user": st.one_of(st.text(max_size=40), st.integers()),
                                   "text": st.one_of(st.text(max_size=200), st.none()),
                                   "lang": st.one_of(st.none(), st.sampled_from(["ko", "xx", "uz-Cyrl"]))})
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(runtime)
    telegram = TelegramChannel(runtime.engine, runtime.store, Bot("1:T", request=OfflineRequest()), SECRET,
                               runtime.translator.text)
    app.router.routes.append(Route("/webhooks/telegram", telegram.webhook, methods=["POST"]))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def post(client: TestClient, path: str, body: bytes) -> int:
    headers = {"content-type": "application/json", SECRET_HEADER: SECRET}
    return client.post(path, content=body, headers=headers).status_code


@pytest.mark.parametrize("path", ["/api/chat", "/webhooks/kakao", "/webhooks/telegram"])
def test_oversized_and_wrong_method(client: TestClient, path: str) -> None:
    assert post(client, path, b'{"x": "' + b"a" * (65 * 1024) + b'"}') == 413
    assert client.get(path).status_code == 405
    assert post(client, path, b"{not json") == 400


@FUZZ
@given(body=st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=200)))
def test_random_bodies_never_5xx(client: TestClient, body: bytes) -> None:
    for path in ("/api/chat", "/webhooks/kakao", "/webhooks/telegram"):
        assert post(client, path, body) < 500, (path, body)


@FUZZ
@given(kakao=kakao_like, update=telegram_like, chat=chat_like)
@example(kakao={"userRequest": {"utterance": "a\x00b", "user": {"id": "k1"}}, "action": None},  # PostgreSQL refuses NUL
         update={"update_id": 5, "message": {"chat": {"id": 5, "type": "private"}, "text": "\x00hi"}},
         chat={"text": "è\U00013a2a\x001\x85", "lang": None, "user": "¡½"})  # found by this test, on PostgreSQL
def test_near_valid_payloads_never_5xx(client: TestClient, kakao: Any, update: Any, chat: Any) -> None:
    assert post(client, "/webhooks/kakao", json.dumps(kakao).encode()) < 500
    assert post(client, "/webhooks/telegram", json.dumps(update).encode()) < 500
    assert post(client, "/api/chat", json.dumps(chat).encode()) < 500
