"""Rasa as the NLU backend, against a fake Rasa server on loopback: real parse JSON, and a server that is down, slow or talks nonsense."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, LoadedSettings, ThresholdSettings
from bot.dialogue import Incoming, decide
from bot.runtime import NLU_BACKENDS, build_runtime, build_understander, load_content
from nlu.danger import DangerDetector
from nlu.rasa_backend import RasaUnderstander, parse_ranking
from tests.conftest import ROOT

LABELS = {"health__insurance": "health.insurance", "korean__kiip": "korean.kiip", "greet": "intent:greet",
          "human": "intent:human"}
NO_DANGER = DangerDetector({})


def parse_reply(text: str, ranking: list[tuple[str, float]]) -> dict[str, Any]:
    """The shape of Rasa 3.6's POST /model/parse reply (FallbackClassifier in the pipeline)."""
    return {
        "text": text,
        "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
        "entities": [{"entity": "language", "start": 0, "end": len(text), "confidence_entity": 1.0,
                      "value": "ko", "extractor": "NewcomerLanguageDetector"}],
        "text_tokens": [[0, len(text)]],
        "intent_ranking": [{"name": name, "confidence": conf} for name, conf in ranking],
    }


Behaviour = Callable[[BaseHTTPRequestHandler, dict[str, Any]], None]


def _json(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class FakeRasa:
    """A real HTTP server in a thread; `behaviour` decides each reply to /model/parse."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.behaviour: Behaviour = self.answer([("health__insurance", 0.93), ("korean__kiip", 0.04)])
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, **body})
                fake.behaviour(self, body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def answer(ranking: list[tuple[str, float]]) -> Behaviour:
        return lambda handler, body: _json(handler, 200, json.dumps(parse_reply(body["text"], ranking)).encode())

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    server = FakeRasa()
    yield server
    server.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_ranking_from_real_parse_json(rasa: FakeRasa) -> None:
    reader = RasaUnderstander(rasa.url, 2.0, LABELS, NO_DANGER)
    reading = reader.read("외국인도 건강보험 가입해요?")
    assert reading.lang == "ko"
    assert [(r.label, r.probability) for r in reading.ranking] == [("health.insurance", 0.93), ("korean.kiip", 0.04)]
    assert rasa.requests == [{"path": "/model/parse", "text": "외국인도 건강보험 가입해요?"}]
    assert decide(reading, ThresholdSettings(answer=0.5)).card == "health.insurance"


def test_fallback_and_unknown_intents_are_left_to_our_thresholds(rasa: FakeRasa) -> None:
    rasa.behaviour = rasa.answer([("nlu_fallback", 0.3), ("korean__kiip", 0.22), ("switch_language", 0.1)])
    reading = RasaUnderstander(rasa.url, 2.0, LABELS, NO_DANGER).read("hmm kiip maybe")
    assert [r.label for r in reading.ranking] == ["korean.kiip"]
    assert decide(reading, ThresholdSettings(answer=0.5)).action == "unsure"


def test_danger_is_checked_locally_before_rasa(rasa: FakeRasa) -> None:
    danger = DangerDetector({"violence": ("safety.domestic-violence", {"en": ["he hits me"]})})
    reading = RasaUnderstander(rasa.url, 2.0, LABELS, danger).read("my husband he hits me")
    assert reading.danger is not None and decide(reading, ThresholdSettings()).action == "safety"


def _handoff(reader: RasaUnderstander, text: str = "how much is health insurance") -> None:
    reading = reader.read(text)
    assert [(r.label, r.probability) for r in reading.ranking] == [("intent:human", 1.0)]
    assert decide(reading, ThresholdSettings()).action == "handoff"


def test_server_down_hands_off() -> None:
    _handoff(RasaUnderstander(f"http://127.0.0.1:{_free_port()}", 1.0, LABELS, NO_DANGER))


def test_slow_server_hands_off_after_the_timeout(rasa: FakeRasa) -> None:
    def slow(handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        time.sleep(1.5)
        FakeRasa.answer([("health__insurance", 0.9)])(handler, body)

    rasa.behaviour = slow
    started = time.perf_counter()
    _handoff(RasaUnderstander(rasa.url, 0.3, LABELS, NO_DANGER))
    assert time.perf_counter() - started < 1.4


@pytest.mark.parametrize("body", [
    b"<html>502 Bad Gateway</html>",
    b'["not", "an", "object"]',
    b'{"intent_ranking": "many"}',
    b'{"intent_ranking": [{"name": "health__insurance", "confidence": "high"}]}',
    b'{"intent_ranking": [{"confidence": 0.9}]}',
    b'{"intent_ranking": [{"name": "health__insurance", "confidence": NaN}]}',
])
def test_garbage_hands_off(rasa: FakeRasa, body: bytes) -> None:
    rasa.behaviour = lambda handler, _body: _json(handler, 200, body)
    _handoff(RasaUnderstander(rasa.url, 2.0, LABELS, NO_DANGER))


def test_unexpected_failure_hands_off(monkeypatch: pytest.MonkeyPatch, rasa: FakeRasa) -> None:
    reader = RasaUnderstander(rasa.url, 2.0, LABELS, NO_DANGER)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("connection pool closed")

    monkeypatch.setattr(reader.client, "post", broken)
    _handoff(reader)


def test_server_error_hands_off(rasa: FakeRasa) -> None:
    rasa.behaviour = lambda handler, _body: _json(handler, 500, b'{"status": "failure"}')
    _handoff(RasaUnderstander(rasa.url, 2.0, LABELS, NO_DANGER))


def test_parse_without_ranking_uses_the_top_intent() -> None:
    ranking = parse_ranking({"intent": {"name": "greet", "confidence": 0.99}}, LABELS)
    assert [(r.label, r.probability) for r in ranking] == [("intent:greet", 0.99)]
    assert parse_ranking({"intent": None, "entities": []}, LABELS) == []


def _rasa_settings(tmp_path: Path, url: str, **extra: str) -> LoadedSettings:
    env = {"NEWCOMER_NLU_BACKEND": "rasa", "NEWCOMER_NLU_RASA_URL": url, "NEWCOMER_NLU_RASA_TIMEOUT": "1.5",
           "NEWCOMER_DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}", **extra}
    from bot.config import load_settings

    return load_settings(ROOT / "config.yml", environ=env)


def test_config_selects_the_backend(tmp_path: Path, rasa: FakeRasa) -> None:
    config = _rasa_settings(tmp_path, rasa.url)
    assert set(NLU_BACKENDS) == {"builtin", "rasa"}
    reader = build_understander(config, load_content(config))
    assert isinstance(reader, RasaUnderstander) and reader.timeout == 1.5
    assert reader.read("what is nhis").ranking[0].label == "health.insurance"


@pytest.mark.parametrize(("env", "message"), [
    ({"NEWCOMER_NLU_BACKEND": "dialogflow"}, "nlu.backend"),
    ({"NEWCOMER_NLU_RASA_URL": "http://rasa.example.org:5005"}, "nlu.rasa_url: must be a loopback address"),
    ({"NEWCOMER_NLU_RASA_TIMEOUT": "0"}, "nlu.rasa_timeout"),
])
def test_bad_backend_settings_name_the_key(tmp_path: Path, env: dict[str, str], message: str) -> None:
    from bot.config import load_settings

    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_settings(ROOT / "config.yml", environ={"NEWCOMER_DATABASE_URL": "sqlite:///x.db", **env})


def test_unknown_key_in_the_file_is_named(tmp_path: Path) -> None:
    from bot.config import load_settings

    path = tmp_path / "config.yml"
    path.write_text("nlu:\n  backend: rasa\n  rasa_adress: http://127.0.0.1:5005\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.yml:3: nlu\.rasa_adress: unknown setting"):
        load_settings(path, environ={})


def test_engine_hands_off_with_the_hotline_when_rasa_is_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "test-secret")
    config = _rasa_settings(tmp_path, f"http://127.0.0.1:{_free_port()}")
    runtime = build_runtime(config)
    try:
        runtime.engine.handle(Incoming("web", "u1", "hello"))
        reply = runtime.engine.handle(Incoming("web", "u1", "how much is health insurance per month"))
    finally:
        runtime.store.engine.dispose()
    assert reply.action == "handoff"
    assert any("1577-1366" in message for message in reply.messages)


def test_engine_answers_through_rasa(tmp_path: Path, rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "test-secret")
    runtime = build_runtime(_rasa_settings(tmp_path, rasa.url))
    try:
        reply = runtime.engine.handle(Incoming("web", "u2", "건강보험 한달에 얼마예요?"))
    finally:
        runtime.store.engine.dispose()
    assert (reply.action, reply.card, reply.language) == ("answer", "health.insurance", "ko")


def test_no_python310_is_reported_not_raised_as_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nlu import rasa_runner

    script = tmp_path / "rasa_env.sh"
    script.write_text("echo 'rasa_env: no working Python 3.10 found' >&2; exit 3\n", encoding="utf-8")
    monkeypatch.setattr(rasa_runner, "RASA_ENV", script)
    with pytest.raises(rasa_runner.RasaUnavailable, match="no working Python 3.10"):
        rasa_runner.rasa_executable()
