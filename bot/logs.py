"""Logging without personal data: message text only when debug_text is on, and then masked."""

from __future__ import annotations

import logging
import re
import sys
from typing import IO, Any

from bot.config import LoggingSettings
from bot.pii import mask

TEXT_FIELD = "chat_text"
# A Telegram bot token (123456789:AA...) can reach a log inside an error message or a URL.
_BOT_TOKEN = re.compile(r"\d{6,12}:[A-Za-z0-9_-]{30,}")
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
# Libraries whose INFO lines carry personal or secret data: httpx logs Telegram request URLs, which hold
# the bot token; uvicorn's access log holds people's addresses.
_QUIET = ("httpx", "httpcore", "uvicorn.access", "telegram.ext")


def chat_text(text: str) -> dict[str, Any]:
    """`extra=` for a log call that may show the person's text: the filter decides whether it does."""
    return {TEXT_FIELD: text}


class PrivacyFilter(logging.Filter):
    """Masks identifiers in every record (message, arguments, traceback); adds the person's text only
    when debug_text is on. Sits on the handlers, so records from every library pass through it."""

    def __init__(self, debug_text: bool = False) -> None:
        super().__init__()
        self.debug_text = debug_text

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.__dict__.pop(TEXT_FIELD, None)
        message = record.getMessage()
        if text is not None and self.debug_text:
            message = f"{message} | text: {text}"
        record.msg = _scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Exceptions can quote input (a parse error, a database row): format now, masked.
            record.exc_text = _scrub(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = _scrub(record.stack_info)
        return True


def _scrub(text: str) -> str:
    return mask(_BOT_TOKEN.sub("[TOKEN]", text))


def install(settings: LoggingSettings, stream: IO[str] | None = None) -> logging.Handler:
    """One handler on the root logger, with the privacy filter; replaces earlier configuration."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter(settings.debug_text))
    logging.basicConfig(level=_LEVELS[settings.level], handlers=[handler], force=True)
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, _LEVELS[settings.level]))
    return handler
