"""The web app over HTTP: chat API, health, the page, and clear 4xx errors for bad requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from bot.runtime import Runtime
from connectors.web import create_app


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def test_health(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["cards"] >= 8
    before = response.json()["nlu"]
    client.post("/api/chat", json={"user": "h1", "text": "Where can I learn Korean for free?"})
    after = client.get("/healthz").json()["nlu"]  # how messages were ranked: counts, no text
    assert sum(after.values()) > sum(before.values())
    assert all(key.startswith(("ranked_", "encoder_")) and isinstance(n, int) for key, n in after.items())


def test_chat_answers_in_the_person_s_language(client: TestClient) -> None:
    first = client.post("/api/chat", json={"user": "w1", "text": "/start"}).json()
    assert first["action"] == "greet" and len(first["quick_replies"]) >= 9
    reply = client.post("/api/chat", json={"user": "w1", "text": "Как позвонить в полицию, срочно нужна помощь?"}).json()
    assert reply["language"] == "ru"
    assert reply["action"] in ("answer", "safety")
    assert reply["card"] == "safety.emergency"
    assert any("112" in m for m in reply["messages"])


def test_lang_field_is_only_a_hint(client: TestClient) -> None:
    reply = client.post("/api/chat", json={"user": "w2", "text": "외국인등록증 어디서 신청해요?", "lang": "en"}).json()
    assert reply["language"] == "ko"


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"not json", {"content-type": "application/json"}, 400),
        (b"[1, 2]", {"content-type": "application/json"}, 400),
        (b'{"text": "hi"}', {"content-type": "application/json"}, 422),
        (b'{"user": "u", "text": 5}', {"content-type": "application/json"}, 422),
        (b'{"user": "u", "text": "hi", "lang": "fr"}', {"content-type": "application/json"}, 422),
        (b'{"user": "u", "text": "hi"}', {"content-type": "text/plain"}, 415),
        (b'{"user": "u", "text": "' + b"a" * 20000 + b'"}', {"content-type": "application/json"}, 413),
    ],
)
def test_bad_requests_get_clear_4xx(client: TestClient, body: bytes, headers: dict[str, str], status: int) -> None:
    response = client.post("/api/chat", content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]


def test_too_long_message_is_refused_politely_in_language(client: TestClient, runtime: Runtime) -> None:
    limit = runtime.config.settings.dialogue.max_message_chars
    reply = client.post("/api/chat", json={"user": "w3", "text": "я " * limit, "lang": "ru"}).json()
    assert reply["action"] == "error"
    assert str(limit) in reply["messages"][0]


def test_unknown_route_and_method(client: TestClient) -> None:
    assert client.get("/nope").status_code == 404
    assert client.get("/api/chat").status_code == 405


def test_page_is_localised(client: TestClient) -> None:
    page = client.get("/?lang=vi")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text
    assert "{{" not in page.text


def test_content_coverage_page_is_behind_the_staff_login(client: TestClient) -> None:
    page = client.get("/staff/content", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/console/login"


def test_openapi_description_matches_a_real_reply(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    schema = spec["paths"]["/api/chat"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    reply = client.post("/api/chat", json={"user": "oa", "text": "hello"}).json()
    assert set(schema["required"]) <= set(reply)
    assert set(reply) <= set(schema["properties"])
    assert reply["action"] in schema["properties"]["action"]["enum"]


def test_user_ids_that_cannot_be_an_address_are_refused(client: TestClient) -> None:
    # The id is kept as the address for team replies; PostgreSQL refuses NUL characters in text.
    for user in ("a\x00b", "tab\there", "x" * 129):
        assert client.post("/api/chat", json={"user": user, "text": "hello"}).status_code == 422
        assert client.post("/api/inbox", json={"user": user}).status_code == 422
    assert client.post("/api/chat", json={"user": "웹-사용자-1", "text": "hello"}).status_code == 200
