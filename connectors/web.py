"""The ASGI web app: web chat page at /, JSON chat API, health check; channel webhooks mount here later."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from bot import messages as M
from bot.dialogue import Incoming
from bot.i18n import native_name
from bot.memory import release_free_memory
from bot.outbox import Outbound
from bot.rollups import roll_up
from connectors.base import MAX_USER_ID_CHARS, usable_user_id
from connectors.console import Console
from connectors.kakao import KakaoSkill
from connectors.openapi import openapi
from connectors.ratelimit import guard_middleware
from connectors.telegram import TelegramChannel, bot_from_environment
from connectors.telegram_desk import StaffDesk
from nlu.understand import Understander

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 16 * 1024
HOUSEKEEPING_SECONDS = 5.0
# How often freed memory is handed back to the system (a few milliseconds of one thread each time).
TRIM_SECONDS = 30.0
_PAGE = Path(__file__).resolve().parent / "web_page.html"


class BadRequest(Exception):
    """A request we refuse with a 4xx and a plain explanation."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def _json_body(request: Request) -> dict[str, Any]:
    if "application/json" not in request.headers.get("content-type", ""):
        raise BadRequest(415, "send JSON with Content-Type: application/json")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadRequest(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BadRequest(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(400, f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadRequest(400, 'expected a JSON object like {"user": "...", "text": "..."}')
    return data


def _check_user(user: Any) -> str:
    """The web chat's user id, or a 422 saying what it must look like."""
    if not usable_user_id(user):
        raise BadRequest(422, f'"user" must be printable text of 1 to {MAX_USER_ID_CHARS} characters')
    return str(user)


def create_app(runtime: Runtime) -> Starlette:
    """The web app around one runtime."""
    languages = runtime.config.settings.languages
    template = _PAGE.read_text(encoding="utf-8")  # read once, not per visit

    async def chat(request: Request) -> Response:
        try:
            data = await _json_body(request)
            user, text, lang = data.get("user"), data.get("text"), data.get("lang")
            user = _check_user(user)
            if not isinstance(text, str):
                raise BadRequest(422, '"text" must be a string')
            if lang is not None and (not isinstance(lang, str) or lang.split("-")[0] not in languages):
                raise BadRequest(422, f'"lang" must be one of {", ".join(languages)}')
        except BadRequest as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        try:
            reply = await run_in_threadpool(runtime.engine.handle, Incoming("web", user, text, lang))
        except Exception:
            log.exception("chat failed")  # message text is not logged: it may hold personal data
            tag = lang or runtime.config.settings.default_language
            return JSONResponse({"error": runtime.translator.text(tag, M.ERROR_INTERNAL)}, status_code=503)
        return JSONResponse(reply.as_dict())

    async def health(_request: Request) -> Response:
        status: dict[str, object] = {"status": "ok", "cards": len(runtime.engine.content.cards)}
        if isinstance(runtime.understander, Understander):  # counts only, nothing a person said
            status["nlu"] = runtime.understander.counts()
        return JSONResponse(status)

    async def page(request: Request) -> Response:
        tag = request.query_params.get("lang", runtime.config.settings.default_language)
        if tag.split("-")[0] not in languages:
            tag = runtime.config.settings.default_language
        t = runtime.translator
        choices = [(lang, native_name(lang)) for lang in languages]
        if "uz" in languages:
            choices.append(("uz-Cyrl", "Ўзбекча"))
        options = "".join(
            f'<option value="{value}"{" selected" if value == tag else ""}>{html.escape(name)}</option>'
            for value, name in choices
        )
        page_html = (
            template
            .replace("{{lang}}", tag)
            .replace("{{title}}", t.text(tag, M.WEB_TITLE))
            .replace("{{placeholder}}", t.text(tag, M.WEB_PLACEHOLDER))
            .replace("{{send}}", t.text(tag, M.WEB_SEND))
            .replace("{{language_options}}", options)
        )
        return HTMLResponse(page_html)

    async def inbox(request: Request) -> Response:
        # The web page asks here for replies from the team while it waits (it cannot be pushed to).
        try:
            data = await _json_body(request)
            user = data.get("user")
            user = _check_user(user)
        except BadRequest as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        payloads = await run_in_threadpool(runtime.engine.outbound.take, "web", user)
        return JSONResponse({
            "messages": [m for p in payloads for m in p.get("messages", [])],
            "quick_replies": [b for p in payloads for b in p.get("quick_replies", [])],
        })

    async def api_description(_request: Request) -> Response:
        return JSONResponse(openapi(languages))

    async def not_found(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": "not found"}, status_code=404)

    async def wrong_method(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": "method not allowed"}, status_code=405)

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/api/chat", chat, methods=["POST"]),
        Route("/api/openapi.json", api_description, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
        Route("/api/inbox", inbox, methods=["POST"]),
    ]
    channels = runtime.config.settings.channels
    if channels.kakao.enabled:
        skill = KakaoSkill(runtime.engine, runtime.translator.text, runtime.config.settings.default_language,
                           callback_enabled=channels.kakao.callback, staff_block_id=channels.kakao.staff_block_id)
        routes.append(Route("/webhooks/kakao", skill.handle, methods=["POST"]))
    startup: list[Any] = []
    shutdown: list[Any] = []
    outbounds: list[Outbound] = []
    routes.extend(Console(runtime, outbounds).routes())
    if channels.telegram.enabled:
        bot, secret = bot_from_environment(need_secret=True, api_url=channels.telegram.api_url)
        telegram = TelegramChannel(runtime.engine, runtime.store, bot, secret, runtime.translator.text,
                                   desk=StaffDesk(runtime.store, runtime.handoff))
        outbounds.append(telegram.outbound)
        routes.append(Route("/webhooks/telegram", telegram.webhook, methods=["POST"]))

        stop_retrying = asyncio.Event()
        background: list[asyncio.Future[None]] = []

        async def start_telegram() -> None:
            await bot.initialize()
            await telegram.resume()  # updates recorded before a crash are answered now
            background.append(asyncio.ensure_future(telegram.keep_retrying(stop_retrying)))

        async def stop_telegram() -> None:
            stop_retrying.set()
            await asyncio.gather(*background)
            await telegram.drain()
            await bot.shutdown()

        startup.append(start_telegram)
        shutdown.append(stop_telegram)

    stop_housekeeping = asyncio.Event()

    def roll_up_days() -> None:
        with runtime.store.session() as session:
            roll_up(session)

    async def housekeeping() -> None:
        # Offers nobody claimed are widened, queued cases offered when someone comes on duty, and
        # the outbox is retried, even in a process that receives no traffic.
        trim_at = 0.0
        while not stop_housekeeping.is_set():
            try:
                if (now := asyncio.get_running_loop().time()) >= trim_at:
                    trim_at = now + TRIM_SECONDS
                    await asyncio.to_thread(release_free_memory)
                await asyncio.to_thread(runtime.engine.replay_spool)
                await asyncio.to_thread(roll_up_days)
                await asyncio.to_thread(runtime.handoff.tick)
                for outbound in outbounds:
                    await outbound.send_due()
            except Exception:
                log.exception("housekeeping failed; trying again shortly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_housekeeping.wait(), timeout=HOUSEKEEPING_SECONDS)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        for hook in startup:
            await hook()
        chores = asyncio.ensure_future(housekeeping())
        yield
        stop_housekeeping.set()
        await chores
        for hook in shutdown:
            await hook()

    return Starlette(
        routes=routes,
        exception_handlers={404: not_found, 405: wrong_method},
        lifespan=lifespan,
        middleware=guard_middleware(runtime.config.settings.limits, runtime.translator.text,
                                    runtime.config.settings.default_language),
    )
