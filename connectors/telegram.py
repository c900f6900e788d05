"""Telegram: webhook and long polling, each update recorded before it is acknowledged and answered once, in order."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import logging
import math
import os
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

# Opt in to PTB's coming behaviour (retry_after as a timedelta) instead of a warning per flood error.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from sqlalchemy.exc import InterfaceError, OperationalError  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import JSONResponse, Response  # noqa: E402
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup  # noqa: E402
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut  # noqa: E402

from bot import messages as M  # noqa: E402
from bot.crashpoints import crashpoint
from bot.dialogue import Contact, Incoming, QuickReply, Reply
from bot.outbox import BULK, Leased, Outbound
from bot.privacy import mask
from bot.store import Store
from connectors.base import QueueingHandler, contact_lines, split_text
from connectors.telegram_desk import StaffDesk
from nlu.langid import detect

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TEXT_LIMIT = 4096  # MessageLimit.MAX_TEXT_LENGTH
CALLBACK_DATA_LIMIT = 64  # bytes, InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
MAX_BODY_BYTES = 64 * 1024
# Telegram's Bot FAQ (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
PER_CHAT_INTERVAL = 1.0  # avoid more than one message per second in one chat
GROUP_INTERVAL = 3.0  # no more than 20 messages a minute in one group (negative chat ids)
BULK_PER_SECOND = 30.0  # "for bulk notifications" not more than about 30 messages a second; not replies
SEND_ATTEMPTS = 8
APOLOGY_INTERVAL = 600.0  # seconds: at most one "database down" apology per chat in this time


class UpdateError(ValueError):
    """The body is not a Telegram update."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def minimal_update(data: Any, is_staff: Callable[[int], bool] = lambda _chat: False) -> tuple[int, str, dict[str, Any]]:
    """(update_id, chat key, what the bot needs) from an Update, with text masked and names dropped.

    Only this minimum is stored: the person's name, username and other fields never are. Text from
    a staff chat is kept as written, so an office's phone number in an interpreter's reply survives.
    """
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise UpdateError("not a Telegram update: update_id is missing")
    update_id = data["update_id"]
    message = _dict(data.get("message"))
    query = _dict(data.get("callback_query"))
    if message.get("chat"):
        sender = _dict(message.get("from"))
        chat_id = _dict(message["chat"]).get("id")
        private = _dict(message["chat"]).get("type", "private") == "private"
        text = message["text"] if isinstance(message.get("text"), str) else ""
        staff = private and isinstance(chat_id, int) and is_staff(chat_id)
        payload = {"kind": "message" if private else "group", "chat_id": chat_id, "user_id": sender.get("id", chat_id),
                   "language_code": sender.get("language_code"), "text": text if staff else mask(text), "staff": staff}
    elif query.get("from"):
        person = _dict(query["from"])
        chat = _dict(_dict(query.get("message")).get("chat"))
        chat_id = chat.get("id", person.get("id"))
        payload = {"kind": "callback", "chat_id": chat_id,
                   "user_id": person.get("id"), "language_code": person.get("language_code"),
                   "callback_id": query.get("id"), "text": str(query.get("data") or ""),
                   "staff": isinstance(chat_id, int) and is_staff(chat_id)}
    else:
        return update_id, "", {"kind": "ignored"}
    if not isinstance(payload["chat_id"], int):
        raise UpdateError("the update has no chat id")
    return update_id, str(payload["chat_id"]), payload


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Quick replies as inline buttons (short ASCII callback data), links as URL buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    per_row = 3 if len(reply.quick_replies) > 6 else 2
    for button in reply.quick_replies:
        data = button.payload
        if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
        wide = len(button.label) > 16
        if wide or len(row) == per_row:
            if row:
                rows.append(row)
            row = []
        row.append(InlineKeyboardButton(button.label, callback_data=data))
        if wide:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    rows.extend([InlineKeyboardButton(c.label, url=c.url)] for c in reply.contacts if c.url)
    return InlineKeyboardMarkup(rows) if rows else None


def reply_from_payload(payload: dict[str, Any]) -> Reply:
    """A reply (or a handoff message) as stored in the outbox, back into a Reply to render."""
    return Reply(
        language=str(payload.get("language") or "en"), action="info",
        messages=[str(m) for m in payload.get("messages", [])],
        quick_replies=[QuickReply(b["label"], b["payload"]) for b in payload.get("quick_replies", [])],
        contacts=[Contact(c["label"], c.get("phone"), c.get("url")) for c in payload.get("contacts", [])],
    )


def reply_texts(reply: Reply) -> list[str]:
    """One Telegram message per reply where possible (fewer messages, fewer flood limits), split at 4096."""
    parts = list(reply.messages)
    phones = contact_lines(reply, phones_only=True)  # links travel as URL buttons
    if phones:
        parts.insert(max(len(parts) - 1, 0), phones)
    return split_text("\n\n".join(parts), TEXT_LIMIT)


class Pacer:
    """At most `per_second` calls a second, spaced evenly, in the order they come.

    The bot-wide pace of bulk messages. Our own rather than a second Bot with PTB's AIORateLimiter:
    that Bot would need its own connection pool, initialize() and shutdown() wherever the channel is
    built, and aiolimiter reads the event loop's clock, so a test could only check it against the wall
    clock. This is the per-chat pacing's idea, on the channel's own (injectable) clock and sleep.
    """

    def __init__(self, per_second: float, clock: Callable[[], float],
                 sleep: Callable[[float], Awaitable[None]]) -> None:
        self.interval = 1.0 / per_second
        self.clock = clock
        self.sleep = sleep
        self._next = -math.inf

    async def wait(self) -> None:
        """Take the next free slot (before any await, so no lock is needed) and wait until it comes."""
        now = self.clock()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await self.sleep(slot - now)


class RecentTimes:
    """When something last happened in each chat, forgetting chats after `keep` seconds: a server that
    runs for months meets millions of chats, and only the last few seconds (minutes) matter."""

    def __init__(self, keep: float, start_pruning_at: int = 4096) -> None:
        self.keep = keep
        self._times: dict[int, float] = {}
        self._floor = start_pruning_at
        self._prune_at = start_pruning_at

    def __len__(self) -> int:
        return len(self._times)

    def get(self, chat_id: int) -> float:
        """When it last happened in this chat (minus infinity: never, or too long ago to matter)."""
        return self._times.get(chat_id, -math.inf)

    def mark(self, chat_id: int, now: float) -> None:
        """It happened now; now and then forget every chat older than `keep` (amortised: the bound doubles
        with what is left, so pruning never runs on every call)."""
        self._times[chat_id] = now
        if len(self._times) > self._prune_at:
            cutoff = now - self.keep
            self._times = {chat: at for chat, at in self._times.items() if at >= cutoff}
            self._prune_at = max(self._floor, 2 * len(self._times))


class TelegramChannel:
    """Receives updates (webhook or polling), records them, answers each once, per chat in order."""

    def __init__(self, engine: QueueingHandler, store: Store, bot: Bot, secret_token: str | None,
                 translate: Callable[..., str], per_chat_interval: float = PER_CHAT_INTERVAL,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, desk: StaffDesk | None = None,
                 clock: Callable[[], float] = time.monotonic, bulk_per_second: float = BULK_PER_SECOND) -> None:
        self.engine = engine
        # Replies and handoff messages go through the outbox: queued with their cause, sent once.
        self.outbound = Outbound(store, {CHANNEL: self})
        self.desk = desk
        self.store = store
        self.bot = bot
        self.translate = translate
        self.secret_token = secret_token
        self.per_chat_interval = per_chat_interval
        self.sleep = sleep
        self.clock = clock
        # Only broadcasts (outbox payloads marked BULK) wait for the bot-wide pace: replies to a
        # person's own message, handoff and interpreter messages go at once, paced per chat only.
        self.bulk_pacer = Pacer(bulk_per_second, clock, sleep)
        # A chat's lock lives while it has updates scheduled (counted), so the table holds only busy chats.
        self._chat_locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._in_flight: set[int] = set()
        self._last_sent = RecentTimes(keep=max(per_chat_interval, GROUP_INTERVAL))
        self._tasks: set[asyncio.Task[None]] = set()
        self._apologised = RecentTimes(keep=APOLOGY_INTERVAL)

    # ----- inbound -----------------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        """POST /webhooks/telegram: secret checked in constant time, recorded, then 200."""
        given = request.headers.get(SECRET_HEADER)
        if not self.secret_token:
            return JSONResponse({"error": "the Telegram webhook secret is not configured"}, status_code=403)
        if given is None:
            return JSONResponse({"error": "missing secret token"}, status_code=401)
        if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
            return JSONResponse({"error": "wrong secret token"}, status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "the body is too large"}, status_code=413)
        try:
            data = json.loads(body.decode("utf-8"))
            fresh = await self.accept(data)
        except (OperationalError, InterfaceError):
            # No database: apologise now; the 503 makes Telegram deliver the update again later.
            await self._apologise(data)
            return JSONResponse({"error": "the database is unavailable; deliver again later"}, status_code=503)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return JSONResponse({"error": "the body is not valid JSON"}, status_code=400)
        except UpdateError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True, "duplicate": not fresh})

    async def _apologise(self, data: Any) -> None:
        try:
            _update_id, _chat, payload = minimal_update(data)
        except UpdateError:
            return
        if payload.get("kind") not in ("message", "callback"):
            return
        chat_id = int(payload["chat_id"])
        now = asyncio.get_running_loop().time()
        if now - self._apologised.get(chat_id) < APOLOGY_INTERVAL:
            return  # Telegram's retries must not become a stream of apologies
        self._apologised.mark(chat_id, now)
        incoming = Incoming(CHANNEL, str(payload["user_id"]), str(payload.get("text", "")), payload.get("language_code"))
        reply = self.engine.fallback_reply(incoming, M.DATABASE_DOWN)
        try:
            await self.send(chat_id, "\n\n".join(reply.messages))
        except (TimedOut, NetworkError):
            log.warning("could not send the apology either")

    async def accept(self, data: Any) -> bool:
        """Record one update and schedule it; False for an update id seen before (nothing is done)."""
        desk = self.desk

        def record() -> tuple[int, str, dict[str, Any], bool]:
            # One trip to a worker thread and one transaction for both: each trip waits its turn for a
            # thread and the GIL, each transaction for a connection. Plain statements: no ORM session.
            with self.store.connection() as connection:
                def is_staff(chat: int) -> bool:
                    return desk is not None and desk.is_staff_chat(chat, connection)

                update_id, chat_key, payload = minimal_update(data, is_staff)
                fresh = self.store.record_update(CHANNEL, update_id, chat_key, payload, connection)
            return update_id, chat_key, payload, fresh

        update_id, chat_key, payload, fresh = await asyncio.to_thread(record)
        crashpoint("update_recorded")
        if fresh:
            self._schedule(update_id, chat_key, payload)
        return fresh

    async def resume(self) -> int:
        """Process recorded updates that are not answered and not in progress; returns how many.

        Runs at start (a crash between acknowledging and answering) and then periodically (an answer
        that could not be sent, e.g. Telegram unreachable for minutes), so nothing stays unanswered.
        """
        pending = await asyncio.to_thread(self.store.pending_updates, CHANNEL)
        waiting = [(uid, payload) for uid, payload in pending if uid not in self._in_flight]
        for update_id, payload in waiting:
            self._schedule(update_id, str(payload.get("chat_id", "")), payload)
        return len(waiting)

    async def keep_retrying(self, stop: asyncio.Event, every: float = 60.0) -> None:
        """Call resume() every `every` seconds until `stop` is set."""
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except TimeoutError:
                await self.resume()
                await self.outbound.send_due()

    def _schedule(self, update_id: int, chat_key: str, payload: dict[str, Any]) -> None:
        # Tasks start in arrival order and the per-chat lock is FIFO: one chat is answered in order,
        # different chats in parallel.
        lock, scheduled = self._chat_locks.get(chat_key, (asyncio.Lock(), 0))
        self._chat_locks[chat_key] = (lock, scheduled + 1)
        self._in_flight.add(update_id)
        task = asyncio.ensure_future(self._process_locked(chat_key, lock, update_id, payload))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every scheduled update is answered (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _process_locked(self, chat_key: str, lock: asyncio.Lock, update_id: int, payload: dict[str, Any]) -> None:
        try:
            async with lock:
                try:
                    finished = await self.process(payload, update_id)
                except Exception:
                    # Left as "received": the next resume() answers it. Nothing is lost.
                    log.exception("telegram update %s failed; it stays queued", update_id)
                    return
                if not finished:
                    await asyncio.to_thread(self.store.finish_update, CHANNEL, update_id)
        finally:
            self._in_flight.discard(update_id)
            scheduled = self._chat_locks[chat_key][1]
            if scheduled > 1:
                self._chat_locks[chat_key] = (lock, scheduled - 1)
            else:  # nobody holds or waits for it: the chat's next update starts a new lock
                del self._chat_locks[chat_key]

    async def process(self, payload: dict[str, Any], update_id: int | None = None) -> bool:
        """Answer one recorded update; True when the engine already marked it done, in the same
        transaction as the reply it queued (then no separate commit is needed)."""
        if payload.get("kind") == "ignored":
            return False  # edits, membership changes and other kinds: nothing to answer
        if payload.get("kind") == "group":
            # Questions about visas or violence do not belong in a group: invite a private chat.
            tag = detect(str(payload.get("text", "")), payload.get("language_code")).tag
            await self.send(int(payload["chat_id"]), self.translate(tag, M.PRIVATE_ONLY))
            return False
        if payload.get("kind") == "callback" and payload.get("callback_id"):
            try:
                await self.bot.answer_callback_query(payload["callback_id"])
            except BadRequest:  # too old to answer: the reply below still goes out
                pass
        chat_id = int(payload["chat_id"])
        if self.desk is not None and payload.get("staff"):  # looked up once, when the update was recorded
            for text, buttons in await asyncio.to_thread(self.desk.handle, chat_id, str(payload.get("text", ""))):
                await self.send(chat_id, text, keyboard(Reply("en", "info", quick_replies=buttons)))
            await self.outbound.send_due()  # what the interpreter's action queued for the person
            return False
        incoming = Incoming(CHANNEL, str(payload["user_id"]), str(payload.get("text", "")),
                            payload.get("language_code"), update_id=update_id, reply_to=str(chat_id))
        leased: list[Leased] | None = None

        def lease(session: Session) -> None:
            # In the engine's transaction: the reply (and anything else due for this chat, in order) is
            # committed already leased to this process, and sent without another transaction.
            nonlocal leased
            leased = self.outbound.lease_due(session, address=str(chat_id))

        await asyncio.to_thread(self.engine.handle, incoming, lease)
        if leased is None:  # nothing was queued (an update answered before): whatever is due for the chat
            await self.outbound.send_due(address=str(chat_id))
        else:
            crashpoint("outbox_leased")
            await self.outbound.send(leased)
        return update_id is not None

    async def deliver(self, address: str, payload: dict[str, Any]) -> None:
        """The outbox's transport: one stored reply, handoff message or announcement to one chat."""
        reply = reply_from_payload(payload)
        texts = reply_texts(reply)
        markup = keyboard(reply)
        bulk = bool(payload.get(BULK))
        for index, text in enumerate(texts):
            await self.send(int(address), text, markup if index == len(texts) - 1 else None, bulk=bulk)

    # ----- outbound ----------------------------------------------------------------------------

    async def send(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None,
                   bulk: bool = False) -> None:
        """Send one message, paced per chat (and bot-wide if `bulk`), retrying after RetryAfter and
        network errors."""
        interval = self.per_chat_interval if chat_id > 0 else max(self.per_chat_interval, GROUP_INTERVAL)
        wait = self._last_sent.get(chat_id) + interval - self.clock()
        if wait > 0:
            await self.sleep(wait)
        if bulk:
            await self.bulk_pacer.wait()
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self.bot.send_message(chat_id=chat_id, text=text, reply_markup=markup,
                                            disable_web_page_preview=True)
                self._last_sent.mark(chat_id, self.clock())
                return
            except RetryAfter as exc:
                with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
                    warnings.simplefilter("ignore")
                    delay = exc.retry_after
                await self.sleep(float(delay.total_seconds() if isinstance(delay, dt.timedelta) else delay))
            except (TimedOut, NetworkError):
                if attempt == SEND_ATTEMPTS:
                    raise
                await self.sleep(min(30.0, 0.5 * 2**attempt))
        raise NetworkError(f"could not send to chat after {SEND_ATTEMPTS} attempts")

    # ----- long polling ------------------------------------------------------------------------

    async def poll(self, stop: asyncio.Event, timeout: int = 25) -> None:
        """Long polling for deployments without a public address; same recording and dedup as webhooks."""
        await self.bot.delete_webhook()  # getUpdates and webhooks exclude each other
        await self.resume()
        retrying = asyncio.ensure_future(self.keep_retrying(stop))
        offset: int | None = None
        while not stop.is_set():
            try:
                updates = await self.bot.get_updates(offset=offset, timeout=timeout,
                                                     allowed_updates=["message", "callback_query"])
            except (TimedOut, NetworkError) as exc:
                log.warning("telegram polling: %s; retrying", exc)
                await self.sleep(2.0)
                continue
            for update in updates:
                await self.accept(update.to_dict())
                offset = update.update_id + 1
        await retrying
        await self.drain()


TOKEN_ENV = "NEWCOMER_TELEGRAM_TOKEN"
SECRET_ENV = "NEWCOMER_TELEGRAM_WEBHOOK_SECRET"


class TelegramNotConfigured(RuntimeError):
    """Telegram is enabled but its token (or webhook secret) is not in the environment."""


def bot_from_environment(need_secret: bool, api_url: str = "https://api.telegram.org/bot") -> tuple[Bot, str | None]:
    """The Bot and the webhook secret, from environment variables only.

    The Bot has no rate limiter of its own: Telegram's ~30 messages a second are for bulk notifications,
    not for replies to people's own messages, so a limiter on every send would cap replies at 30 a second
    per process. TelegramChannel paces instead: every chat (1 a second, a group 20 a minute), bulk
    messages (announcements) bot-wide at ~30 a second per process, and it waits out RetryAfter.
    """
    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise TelegramNotConfigured(f"set {TOKEN_ENV} to the bot token from @BotFather")
    secret = os.environ.get(SECRET_ENV)
    if need_secret and not secret:
        raise TelegramNotConfigured(f"set {SECRET_ENV} (1-256 characters A-Z a-z 0-9 _ -) for the webhook")
    return Bot(token, base_url=api_url), secret
