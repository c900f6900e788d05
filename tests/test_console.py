"""The web console: login with argon2 hashes, secure cookies, CSRF on every form, every route checked for its role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.models import StaffMember
from bot.runtime import Runtime, build_runtime
from bot.staff_auth import StaffError, add_staff
from connectors.console import Console
from connectors.web import create_app
from tests.handoff_helpers import PASSWORD, WORKDAY, Clock, add_team, handoff_settings, login


@pytest.fixture
def rt(tmp_path: Path, model_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "test-secret")
    built = build_runtime(handoff_settings(tmp_path, model_dir, database_url))
    built.handoff.clock = Clock(WORKDAY)
    add_team(built.store)
    yield built
    built.store.engine.dispose()


def _path(template: str) -> str:
    return re.sub(r"\{case:int\}", "1", template)


def _routes(rt: Runtime) -> dict[str, frozenset[str]]:
    console = Console(rt)
    console.routes()
    return console.roles


def test_passwords_are_stored_as_argon2_hashes(rt: Runtime) -> None:
    with rt.store.session() as session:
        hashes = [s.password_hash or "" for s in session.scalars(select(StaffMember)).all()]
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    with pytest.raises(StaffError):
        add_staff(rt.store, "short", "S", "staff", ["ko"], "", "too-short")
    with pytest.raises(StaffError):
        add_staff(rt.store, "x", "X", "boss", ["ko"], "", PASSWORD)


def test_every_console_route_needs_a_login(rt: Runtime) -> None:
    with TestClient(create_app(rt)) as client:
        for key in _routes(rt):
            method, path = key.split(" ", 1)
            response = client.request(method, _path(path), follow_redirects=False)
            if method == "GET":
                assert response.status_code == 303 and response.headers["location"] == "/console/login", key
            else:
                assert response.status_code == 401, key


def test_every_route_admits_exactly_its_roles(rt: Runtime) -> None:
    routes = _routes(rt)
    assert routes["GET /console/stats"] == {"staff"} and routes["GET /staff/content"] == {"staff"}
    for who, role in (("ivan", "interpreter"), ("kim", "staff")):
        with TestClient(create_app(rt)) as client:
            login(client, who)
            for key, roles in routes.items():
                method, path = key.split(" ", 1)
                if method != "GET":
                    continue
                status = client.get(_path(path), follow_redirects=False).status_code
                if role in roles:
                    assert status in (200, 404), key  # 404: case 1 does not exist yet
                else:
                    assert status == 403, key


def test_every_form_needs_the_session_s_csrf_token(rt: Runtime) -> None:
    with TestClient(create_app(rt)) as client:
        login(client, "kim")
        for key in _routes(rt):
            method, path = key.split(" ", 1)
            if method == "POST":
                assert client.post(_path(path), data={"csrf": "forged"}).status_code == 403, key
                assert client.post(_path(path), data={}).status_code == 403, key


def test_login_form_refuses_cross_site_posts_and_wrong_passwords(rt: Runtime) -> None:
    with TestClient(create_app(rt)) as client:
        forged = client.post("/console/login", data={"csrf": "x", "login": "kim", "password": PASSWORD})
        assert forged.status_code == 403
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/login").text)
        assert token is not None
        wrong = client.post("/console/login", data={"csrf": token.group(1), "login": "kim", "password": "nope" * 3})
        assert wrong.status_code == 401 and "Wrong login or password" in wrong.text
        unknown = client.post("/console/login", data={"csrf": token.group(1), "login": "ghost", "password": PASSWORD})
        assert unknown.status_code == 401


def test_session_cookie_is_secure_http_only_and_strict_by_default(runtime: Runtime) -> None:
    add_staff(runtime.store, "kim", "Kim", "staff", ["ko"], "mon-fri 09:00-18:00", PASSWORD)
    assert runtime.config.settings.handoff.secure_cookies
    with TestClient(create_app(runtime), base_url="https://testserver") as client:
        login(client, "kim")
        page = client.get("/console")
        assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
        assert page.headers["x-frame-options"] == "DENY"
    with TestClient(create_app(runtime), base_url="https://testserver") as client:
        form = client.get("/console/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token is not None
        response = client.post("/console/login", data={"csrf": token.group(1), "login": "kim", "password": PASSWORD},
                               follow_redirects=False)
        cookie = response.headers["set-cookie"].lower()
        assert "nb_console=" in cookie and "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie


def test_logout_ends_the_session(rt: Runtime) -> None:
    with TestClient(create_app(rt)) as client:
        login(client, "kim")
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/console").text)
        assert token is not None
        stolen = client.cookies.get("nb_console")
        client.post("/console/logout", data={"csrf": token.group(1)})
        client.cookies.set("nb_console", stolen or "")
        assert client.get("/console", follow_redirects=False).status_code == 303  # the old cookie is dead


def test_staff_see_content_coverage_and_handoff_measures(rt: Runtime) -> None:
    with TestClient(create_app(rt)) as client:
        login(client, "kim")
        page = client.get("/staff/content")
        assert page.status_code == 200 and "services.hotlines" in page.text and "<table>" in page.text
        measures = client.get("/console/stats.json?days=7").json()
        assert set(measures) >= {"queue", "by_language", "by_hour"}
        assert "Handoff measures" in client.get("/console/stats").text
