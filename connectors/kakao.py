"""KakaoTalk (Kakao i Open Builder) skill server: request JSON in, version 2.0 response out, inside 5 seconds."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot import messages as M
from bot.dialogue import Incoming, QuickReply, Reply
from connectors.base import ReplyHandler, split_text, usable_user_id
from nlu.langid import detect

log = logging.getLogger(__name__)

CHANNEL = "kakao"
MAX_BODY_BYTES = 64 * 1024
# Limits that public implementations use; Kakao's own pages do not state them (channels.md 1.3).
TEXT_LIMIT = 1000
QUICK_REPLY_LIMIT = 10
QUICK_REPLY_LABEL_LIMIT = 14
CARD_BUTTON_LIMIT = 3
CARD_DESCRIPTION_LIMIT = 230
OUTPUT_LIMIT = 3
DEADLINE_SECONDS = 4.0  # Kakao gives up after 5 s; leave room for the network
DUPLICATE_WINDOW_SECONDS = 30.0


@dataclass(frozen=True)
class KakaoRequest:
    """The parts of an Open Builder skill request the bot uses."""

    user_id: str
    text: str
    payload: str | None
    callback_url: str | None


class KakaoRequestError(ValueError):
    """The request is not a skill request we can read."""


def parse_request(data: Any) -> KakaoRequest:
    """Read the user key, the utterance, a pressed button's payload and the callback URL."""
    if not isinstance(data, dict) or not isinstance(data.get("userRequest"), dict):
        raise KakaoRequestError("not an Open Builder skill request: userRequest is missing")
    user_request = data["userRequest"]
    user = user_request.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
        raise KakaoRequestError("userRequest.user.id is missing")
    if not usable_user_id(user["id"]):
        raise KakaoRequestError("userRequest.user.id must be printable text of at most 128 characters")
    utterance = user_request.get("utterance")
    if not isinstance(utterance, str):
        raise KakaoRequestError("userRequest.utterance must be a string")
    action = data.get("action")
    extra = action.get("clientExtra") if isinstance(action, dict) else None
    payload = extra.get("payload") if isinstance(extra, dict) else None
    payload = payload if isinstance(payload, str) else None
    callback = user_request.get("callbackUrl")
    return KakaoRequest(user["id"], utterance, payload, callback if isinstance(callback, str) else None)


def _label(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quick_reply(button: QuickReply) -> dict[str, Any]:
    # The payload travels in `extra` and comes back in action.clientExtra; messageText is what the
    # person sees themselves "say", so it is the readable label, not the command.
    return {"action": "message", "label": _label(button.label, QUICK_REPLY_LABEL_LIMIT),
            "messageText": button.label, "extra": {"payload": button.payload}}


def build_response(reply: Reply) -> dict[str, Any]:
    """A version 2.0 skill response: text bubbles, a card with call/link buttons, quick replies."""
    bubbles = [chunk for message in reply.messages for chunk in split_text(message, TEXT_LIMIT)]
    outputs: list[dict[str, Any]] = []
    card_buttons = []
    for contact in reply.contacts[:CARD_BUTTON_LIMIT]:
        if contact.phone:
            card_buttons.append({"action": "phone", "label": _label(f"☎ {contact.phone}", 14),
                                 "phoneNumber": contact.phone.replace("-", "")})
        elif contact.url:
            card_buttons.append({"action": "webLink", "label": _label(contact.label, 14), "webLinkUrl": contact.url})
    room = OUTPUT_LIMIT - (1 if card_buttons else 0)
    if len(bubbles) > room:
        # Fewer, longer bubbles rather than lost text: merge the tail into the last allowed bubble.
        head, tail = bubbles[: room - 1], bubbles[room - 1 :]
        bubbles = head + split_text("\n\n".join(tail), TEXT_LIMIT)[:1]
    outputs.extend({"simpleText": {"text": text}} for text in bubbles)
    if card_buttons:
        names = "\n".join(f"{c.label}: {c.phone or c.url}" for c in reply.contacts)
        outputs.append({"basicCard": {"description": _label(names, CARD_DESCRIPTION_LIMIT), "buttons": card_buttons}})
    template: dict[str, Any] = {"outputs": outputs or [{"simpleText": {"text": "…"}}]}
    if reply.quick_replies:
        template["quickReplies"] = [_quick_reply(b) for b in reply.quick_replies[:QUICK_REPLY_LIMIT]]
    return {"version": "2.0", "template": template}


def _still_working(translate: Callable[..., str], tag: str) -> dict[str, Any]:
    return {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": translate(tag, M.STILL_WORKING)}}]}}


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


class RecentResponses:
    """Answers of the last seconds by request body: Kakao documents no retry rules and no request id,
    so a second delivery of the same body gets the first answer instead of a second turn."""

    def __init__(self, ttl: float = DUPLICATE_WINDOW_SECONDS, size: int = 2048) -> None:
        self.ttl = ttl
        self.size = size
        self._items: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()

    def get(self, key: str) -> dict[str, Any] | None:
        item = self._items.get(key)
        if item is None or time.monotonic() - item[0] > self.ttl:
            return None
        return item[1]

    def put(self, key: str, response: dict[str, Any]) -> None:
        self._items[key] = (time.monotonic(), response)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


class KakaoSkill:
    """The skill endpoint; `callback_enabled` follows config (Kakao approves callbacks per bot)."""

    def __init__(self, engine: ReplyHandler, translate: Callable[..., str], default_language: str,
                 callback_enabled: bool = False, deadline: float = DEADLINE_SECONDS,
                 staff_block_id: str | None = None) -> None:
        self.engine = engine
        self.translate = translate
        self.default_language = default_language
        self.callback_enabled = callback_enabled
        self.deadline = deadline
        self.staff_block_id = staff_block_id
        self.recent = RecentResponses()
        self._background: set[asyncio.Task[None]] = set()

    async def handle(self, request: Request) -> Response:
        """The endpoint: POST /webhooks/kakao."""
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _error(413, "the request body is too large")
        try:
            parsed = parse_request(json.loads(body.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _error(400, "the body is not valid JSON")
        except KakaoRequestError as exc:
            return _error(400, str(exc))
        key = hashlib.sha256(body).hexdigest()
        if (earlier := self.recent.get(key)) is not None:
            return JSONResponse(earlier)
        incoming = Incoming(CHANNEL, parsed.user_id, parsed.payload or parsed.text)
        work = asyncio.ensure_future(asyncio.to_thread(self.engine.handle, incoming))
        try:
            reply = await asyncio.wait_for(asyncio.shield(work), timeout=self.deadline)
        except TimeoutError:
            tag = self._fallback_language(parsed.text)
            if self.callback_enabled and parsed.callback_url:
                task = asyncio.ensure_future(self._deliver_later(work, parsed.callback_url))
                self._background.add(task)
                task.add_done_callback(self._background.discard)
                return JSONResponse({"version": "2.0", "useCallback": True,
                                     "data": {"text": self.translate(tag, M.STILL_WORKING)}})
            # No callback: the answer is still computed and stored; the person gets the hotline now.
            log.warning("kakao reply missed the %.1f s deadline", self.deadline)
            return JSONResponse(_still_working(self.translate, tag))
        except Exception:
            log.exception("kakao skill failed")
            return JSONResponse(_still_working(self.translate, self._fallback_language(parsed.text)))
        response = build_response(reply)
        if reply.action == "handoff" and self.staff_block_id:
            # Kakao's own "connect to a staff member" (1:1 chat), where the channel has it switched on.
            quick = response["template"].setdefault("quickReplies", [])
            quick[QUICK_REPLY_LIMIT - 1 :] = []
            quick.append({"action": "block", "label": _label(self.translate(reply.language, M.TALK_TO_PERSON),
                                                             QUICK_REPLY_LABEL_LIMIT),
                          "blockId": self.staff_block_id})
        self.recent.put(key, response)
        return JSONResponse(response)

    def _fallback_language(self, text: str) -> str:
        # Kakao's userRequest.lang is always "kr"; the fallback speaks the language of the text. Worked
        # out only when a fallback is sent: detection takes milliseconds, on the event loop.
        return detect(text, self.default_language).tag if text.strip() else self.default_language

    async def _deliver_later(self, work: asyncio.Future[Reply], url: str) -> None:
        """Post the finished answer to the one-time callback URL (valid for one minute)."""
        try:
            reply = await asyncio.wait_for(work, timeout=50)
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.post(url, json=build_response(reply))
                response.raise_for_status()
        except Exception:
            log.exception("kakao callback delivery failed")
