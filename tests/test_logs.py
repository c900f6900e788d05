"""Logs hold no message text and no identifiers, unless debug_text is on, and then masked."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

import pytest

from bot.config import LoggingSettings
from bot.dialogue import Incoming
from bot.logs import PrivacyFilter, chat_text, install
from bot.runtime import Runtime

SECRET_TEXT = "my boss hit me, my ARC is 900101-5123456 and phone 010-9876-5432"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@contextlib.contextmanager
def filtered(caplog: pytest.LogCaptureFixture, debug_text: bool) -> Iterator[None]:
    """The privacy filter on pytest's capturing handler, which pytest reuses across tests."""
    privacy = PrivacyFilter(debug_text)
    caplog.handler.addFilter(privacy)
    caplog.set_level(logging.DEBUG)  # even at DEBUG the text stays out while debug_text is off
    try:
        yield
    finally:
        caplog.handler.removeFilter(privacy)


def _talk(runtime: Runtime) -> None:
    runtime.engine.handle(Incoming("web", "logged", "/start"))
    runtime.engine.handle(Incoming("web", "logged", SECRET_TEXT))


def test_info_logs_hold_no_text_and_no_numbers(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    with filtered(caplog, debug_text=False):
        _talk(runtime)
    assert any(r.name == "bot.engine" for r in caplog.records)
    assert "boss" not in caplog.text and "5123456" not in caplog.text and "9876" not in caplog.text


def test_debug_text_shows_the_text_masked(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    with filtered(caplog, debug_text=True):
        _talk(runtime)
    assert "my boss hit me" in caplog.text and "[ID]" in caplog.text
    assert "5123456" not in caplog.text and "9876" not in caplog.text


def test_installed_handler_masks_messages_and_tracebacks(restore_logging: None) -> None:
    stream = io.StringIO()
    install(LoggingSettings(level="info", debug_text=False), stream=stream)
    log = logging.getLogger("connectors.example")
    log.info("turn done", extra=chat_text(SECRET_TEXT))
    try:
        raise ValueError("cannot parse 900101-5123456")
    except ValueError:
        log.exception("failed for %s", "010-9876-5432")
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot123:TOKEN/sendMessage")
    log.warning("send failed: https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/x")
    out = stream.getvalue()
    assert "turn done" in out and "ValueError" in out and "[ID]" in out and "[PHONE]" in out
    assert "boss" not in out and "5123456" not in out and "9876" not in out and "123:TOKEN" not in out
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in out and "[TOKEN]" in out
