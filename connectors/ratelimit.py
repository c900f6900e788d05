"""Limits in front of every POST route: body size (413), token buckets per person and per address (429 or a polite reply)."""

from __future__ import annotations

import hmac
import json
import math
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.middleware import Middleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import messages as M
from bot.config import LimitSettings, RateSettings
from connectors.kakao import KakaoRequestError, parse_request
from connectors.telegram import SECRET_ENV, SECRET_HEADER, UpdateError, minimal_update
from nlu.langid import detect

Translate = Callable[..., str]
MAX_TRACKED = 50_000  # buckets kept in memory; the least recently used is dropped (it was full anyway)


class TokenBuckets:
    """One bucket per key: `burst` tokens, refilled at `per_minute`; each request takes one."""

    def __init__(self, rate: RateSettings, clock: Callable[[], float] = time.monotonic,
                 size: int = MAX_TRACKED) -> None:
        self.per_second = rate.per_minute / 60.0
        self.burst = float(rate.burst)
        self.clock = clock
        self.size = size
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """0 if the request may go ahead, else the seconds until it may."""
        now = self.clock()
        tokens, stamp = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - stamp) * self.per_second)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.per_second
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.size:
            self._buckets.popitem(last=False)
        return wait


@dataclass(frozen=True)
class Sender:
    """Who sent a request, as far as the route's body tells: a key to count under, and what they wrote."""

    key: str
    text: str
    hint: str | None = None
    chat_id: int | None = None

    def tag(self, default: str) -> str:
        """The language to refuse in (worked out only when refusing: detection costs time)."""
        return detect(self.text, self.hint or default).tag if self.text.strip() else (self.hint or default)


def _web_sender(data: Any) -> Sender | None:
    if not isinstance(data, dict) or not isinstance(data.get("user"), str):
        return None
    lang, text = data.get("lang"), data.get("text")
    return Sender("web:" + data["user"], "" if isinstance(lang, str) and lang else str(text or ""),
                  lang if isinstance(lang, str) and lang else None)


def _kakao_sender(data: Any) -> Sender | None:
    try:
        request = parse_request(data)
    except KakaoRequestError:
        return None
    return Sender("kakao:" + request.user_id, request.text)


def _telegram_sender(data: Any) -> Sender | None:
    try:
        _update_id, chat_key, payload = minimal_update(data)
    except UpdateError:
        return None
    if not chat_key:
        return None
    return Sender("telegram:" + chat_key, str(payload.get("text", "")), payload.get("language_code"), int(chat_key))


def _json_reply(translate: Translate, sender: Sender | None, wait: float, default: str) -> Response:
    tag = sender.tag(default) if sender else default
    return JSONResponse({"error": translate(tag, M.RATE_LIMITED)}, status_code=429,
                        headers={"Retry-After": str(max(1, math.ceil(wait)))})


def _kakao_reply(translate: Translate, sender: Sender | None, wait: float, default: str) -> Response:
    # Kakao shows an error bubble for anything but a skill response: answer politely with 200 instead.
    text = translate(sender.tag(default) if sender else default, M.RATE_LIMITED)
    return JSONResponse({"version": "2.0", "template": {"outputs": [{"simpleText": {"text": text}}]}})


def _telegram_reply(translate: Translate, sender: Sender | None, wait: float, default: str) -> Response:
    # Telegram resends on anything but 2xx. A method in the webhook answer is the Bot API's way to
    # reply without a separate call (core.telegram.org/bots/api#making-requests-when-getting-updates).
    if sender is None or sender.chat_id is None:
        return JSONResponse({"ok": True, "limited": True})
    return JSONResponse({"method": "sendMessage", "chat_id": sender.chat_id,
                         "text": translate(sender.tag(default), M.RATE_LIMITED)})


def _telegram_trusted(scope: Scope) -> bool:
    """Only requests with Telegram's secret count against a chat: a forged one must not use up its tokens."""
    secret = os.environ.get(SECRET_ENV, "")
    given = dict(scope["headers"]).get(SECRET_HEADER.lower().encode(), b"")
    return bool(secret) and hmac.compare_digest(given, secret.encode())


@dataclass(frozen=True)
class Policy:
    """How one route is limited: who the sender is, how to say no, and whether addresses are counted."""

    sender: Callable[[Any], Sender | None]
    reply: Callable[[Translate, Sender | None, float, str], Response]
    per_address: bool = True  # webhooks come from Kakao's or Telegram's servers: one address for everyone
    trusted: Callable[[Scope], bool] = lambda _scope: True


POLICIES: dict[str, Policy] = {
    "/api/chat": Policy(_web_sender, _json_reply),
    "/webhooks/kakao": Policy(_kakao_sender, _kakao_reply, per_address=False),
    "/webhooks/telegram": Policy(_telegram_sender, _telegram_reply, per_address=False, trusted=_telegram_trusted),
}
# Any other POST route (a login form, say) is limited per address and answered with 429.
DEFAULT_POLICY = Policy(lambda _data: None, _json_reply)


class BodyTooLarge(Exception):
    """The request body passed the configured limit."""


class Guard:
    """ASGI middleware: reads each POST body once (within the size limit), applies the route's limits,
    then hands the same body to the route."""

    def __init__(self, app: ASGIApp, limits: LimitSettings, translate: Translate, default_language: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.max_body = limits.max_body_bytes
        self.translate = translate
        self.default = default_language
        self.people = TokenBuckets(limits.per_person, clock)
        self.addresses = TokenBuckets(limits.per_address, clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read(scope, receive)
        except BodyTooLarge:
            response = JSONResponse({"error": f"the request body is larger than {self.max_body} bytes"},
                                    status_code=413)
            await response(scope, receive, send)
            return
        refusal = self._check(scope, body)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, scope: Scope, receive: Receive) -> bytes:
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            raise BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _check(self, scope: Scope, body: bytes) -> Response | None:
        policy = POLICIES.get(scope["path"], DEFAULT_POLICY)
        data = None
        if policy is not DEFAULT_POLICY and body:
            try:
                data = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                # Refused here for every JSON route: "[[[[…" raises RecursionError and 5,000 digits
                # ValueError, which a route catching only JSONDecodeError would turn into a 500.
                return JSONResponse({"error": "the body is not valid JSON"}, status_code=400)
        if not policy.trusted(scope):
            return None  # the route itself refuses it
        sender = policy.sender(data) if data is not None else None
        if policy.per_address:
            client = scope.get("client")
            wait = self.addresses.take(client[0] if client else "unknown")
            if wait > 0:
                return policy.reply(self.translate, sender, wait, self.default)
        if sender is not None:
            wait = self.people.take(sender.key)
            if wait > 0:
                return policy.reply(self.translate, sender, wait, self.default)
        return None


def _replay(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # a disconnect, later

    return replayed


def guard_middleware(limits: LimitSettings, translate: Translate, default_language: str) -> list[Middleware]:
    """The middleware list for Starlette(...)."""
    return [Middleware(Guard, limits=limits, translate=translate, default_language=default_language)]
