"""The web console for interpreters and staff: login, queue, case, claim, reply, transfer, close, measures."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.config import LANGUAGES
from bot.handoff import HandoffError, base_language
from bot.handoff_stats import handoff_measures
from bot.i18n import native_name
from bot.outbox import Outbound
from bot.models import ACTIVE_STATUSES, WAITING_STATUSES, Escalation, EscalationEvent, StaffMember, as_utc, utcnow
from bot.staff_auth import ConsoleUser, log_in, log_out, session_user
from connectors.console_staff import StaffPages

if TYPE_CHECKING:
    from bot.runtime import Runtime

COOKIE = "nb_console"
LOGIN_CSRF_COOKIE = "nb_login_csrf"
MAX_FORM_BYTES = 16 * 1024
EVERYONE = frozenset({"interpreter", "staff"})
STAFF_ONLY = frozenset({"staff"})
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                         autoescape=select_autoescape(["html"]))
# No framing, no foreign scripts, nothing cached: these pages show people's conversations.
_HEADERS = {"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'",
            "X-Frame-Options": "DENY", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

Handler = Callable[[Request, ConsoleUser], Awaitable[Response]]


class FormError(Exception):
    """A form we refuse with a 4xx."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form, size-limited; one value per field."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise FormError(413, f"the form is larger than {MAX_FORM_BYTES} bytes")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormError(400, f"the form cannot be read: {exc}") from exc
    return {key: values[0] for key, values in fields.items()}


def _age(value: dt.datetime | None, now: dt.datetime) -> str:
    if value is None:
        return ""
    minutes = int((now - as_utc(value)).total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


class Console:
    """Routes of the console; every route names the roles allowed (checked in tests, route by route)."""

    def __init__(self, runtime: Runtime, outbounds: list[Outbound] | None = None) -> None:
        self.runtime = runtime
        self.outbounds = outbounds if outbounds is not None else []
        self.store = runtime.store
        self.handoff = runtime.handoff
        self.settings = runtime.config.settings.handoff
        self.roles: dict[str, frozenset[str]] = {}

    def routes(self) -> list[Route]:
        """The console's routes, each wrapped with its role check (and CSRF check for POST)."""
        table: list[tuple[str, Handler, str, frozenset[str]]] = [
            ("/console", self.queue, "GET", EVERYONE),
            ("/console/case/{case:int}", self.case, "GET", EVERYONE),
            ("/console/case/{case:int}/claim", self.claim, "POST", EVERYONE),
            ("/console/case/{case:int}/reply", self.reply, "POST", EVERYONE),
            ("/console/case/{case:int}/transfer", self.transfer, "POST", EVERYONE),
            ("/console/case/{case:int}/close", self.close, "POST", EVERYONE),
            ("/console/logout", self.logout, "POST", EVERYONE),
            ("/console/stats", self.stats_page, "GET", STAFF_ONLY),
            ("/console/stats.json", self.stats_json, "GET", STAFF_ONLY),
            ("/staff/content", self.content_report, "GET", STAFF_ONLY),
        ]
        table += [(path, handler, method, STAFF_ONLY) for path, handler, method in StaffPages(self).routes()]
        routes = [Route("/console/login", self.login_form, methods=["GET"]),
                  Route("/console/login", self.login, methods=["POST"])]
        for path, handler, method, roles in table:
            self.roles[f"{method} {path}"] = roles
            routes.append(Route(path, self._guard(handler, roles, method), methods=[method]))
        return routes

    def _guard(self, handler: Handler, roles: frozenset[str], method: str) -> Callable[[Request], Awaitable[Response]]:
        async def guarded(request: Request) -> Response:
            me = session_user(self.store, request.cookies.get(COOKIE))
            if me is None:
                if method == "GET":
                    return RedirectResponse("/console/login", status_code=303)
                return self._page("login.html", None, status=401, error="Please log in again.", csrf="")
            if me.role not in roles:
                return self._page("base.html", me, status=403, error="Your role cannot open this page.")
            if method == "POST":
                try:
                    request.state.form = await read_form(request)
                except FormError as exc:
                    return self._page("base.html", me, status=exc.status, error=str(exc))
                if not hmac.compare_digest(request.state.form.get("csrf", ""), me.csrf):
                    return self._page("base.html", me, status=403, error="The form expired. Reload the page and try again.")
            return await handler(request, me)
        return guarded

    def _page(self, template: str, me: ConsoleUser | None, status: int = 200, **values: Any) -> HTMLResponse:
        html = _TEMPLATES.get_template(template).render(me=me, **values)
        return HTMLResponse(html, status_code=status, headers=_HEADERS)

    # ----- login -------------------------------------------------------------------------------

    async def login_form(self, _request: Request) -> Response:
        token = secrets.token_urlsafe(24)
        response = self._page("login.html", None, csrf=token)
        # Double-submit token: a login form posted from another site has no matching cookie.
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=self.settings.secure_cookies, path="/console/login", max_age=3600)
        return response

    async def login(self, request: Request) -> Response:
        try:
            form = await read_form(request)
        except FormError as exc:
            return self._page("login.html", None, status=exc.status, error=str(exc), csrf="")
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(form.get("csrf", ""), expected):
            return self._page("login.html", None, status=403, error="The form expired. Please try again.", csrf="")
        token = log_in(self.store, form.get("login", "")[:64], form.get("password", "")[:200],
                       self.settings.console_session_hours)
        if token is None:
            return self._page("login.html", None, status=401, error="Wrong login or password.", csrf=expected)
        response = RedirectResponse("/console", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=self.settings.secure_cookies,
                            path="/", max_age=self.settings.console_session_hours * 3600)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console/login")
        return response

    async def logout(self, request: Request, _me: ConsoleUser) -> Response:
        log_out(self.store, request.cookies.get(COOKIE))
        response = RedirectResponse("/console/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    # ----- queue and cases ---------------------------------------------------------------------

    async def queue(self, _request: Request, me: ConsoleUser) -> Response:
        now = utcnow()
        with self.store.session() as session:
            waiting = session.scalars(select(Escalation).where(Escalation.status.in_(WAITING_STATUSES))).all()
            mine = session.scalars(select(Escalation).where(Escalation.assignee_id == me.staff_id,
                                                            Escalation.status.in_(ACTIVE_STATUSES))).all()

            def view(e: Escalation) -> dict[str, Any]:
                return {"id": e.id, "language": e.language, "language_name": native_name(e.language),
                        "priority": e.priority, "reason": e.reason, "channel": e.channel, "status": e.status,
                        "age": _age(e.created_at, now), "created": e.created_at}

            def order(e: Escalation) -> tuple[bool, bool, dt.datetime]:
                return (base_language(e.language) not in me.languages, e.priority != "urgent", e.created_at)

            rows = [view(e) for e in sorted(waiting, key=order)]
            own = [view(e) for e in mine]
        return self._page("queue.html", me, waiting=rows, mine=own)

    async def case(self, request: Request, me: ConsoleUser, error: str | None = None, status: int = 200) -> Response:
        case_id = int(request.path_params["case"])
        with self.store.session() as session:
            escalation = session.get(Escalation, case_id)
            if escalation is None:
                return self._page("base.html", me, status=404, error=f"Case #{case_id} does not exist.")
            assignee = session.get(StaffMember, escalation.assignee_id) if escalation.assignee_id else None
            events = session.scalars(select(EscalationEvent).where(EscalationEvent.escalation_id == case_id)
                                     .order_by(EscalationEvent.id)).all()
            values = {
                "e": escalation, "language_name": native_name(escalation.language),
                "assignee": assignee.name if assignee else None,
                "events": [{"at": self.handoff.calendar.local(as_utc(ev.at))
                            .strftime("%Y-%m-%d %H:%M"), "status": ev.status, "actor": ev.actor, "detail": ev.detail}
                           for ev in events],
                "waiting": escalation.status in WAITING_STATUSES,
                "mine": escalation.assignee_id == me.staff_id and escalation.status in ("claimed", "answered"),
                "languages": [(code, native_name(code)) for code in LANGUAGES],
                "colleagues": [(s.login, s.name) for s in session.scalars(
                    select(StaffMember).where(StaffMember.active.is_(True), StaffMember.id != me.staff_id)
                    .order_by(StaffMember.name))],
            }
            return self._page("case.html", me, status=status, error=error, **values)

    async def _act(self, request: Request, me: ConsoleUser, action: Callable[[int], None]) -> Response:
        case_id = int(request.path_params["case"])
        try:
            action(case_id)
        except HandoffError as exc:
            return await self.case(request, me, error=str(exc), status=409)
        await self._push()
        return RedirectResponse(f"/console/case/{case_id}", status_code=303)

    async def _push(self) -> None:
        # Telegram replies go out now rather than at the next housekeeping round.
        for outbound in self.outbounds:
            await outbound.send_due()

    async def claim(self, request: Request, me: ConsoleUser) -> Response:
        def claim(case_id: int) -> None:
            if not self.handoff.claim(case_id, me.staff_id):
                raise HandoffError(f"case #{case_id} is already taken or finished")
        return await self._act(request, me, claim)

    async def reply(self, request: Request, me: ConsoleUser) -> Response:
        text = request.state.form.get("text", "")
        if len(text) > 4000:
            return await self.case(request, me, error="The reply is longer than 4000 characters.", status=422)
        return await self._act(request, me, lambda case_id: self.handoff.reply(case_id, me.staff_id, text))

    async def transfer(self, request: Request, me: ConsoleUser) -> Response:
        language = request.state.form.get("language") or None
        colleague = request.state.form.get("colleague") or None
        if language is not None and language not in LANGUAGES:
            return await self.case(request, me, error=f"Unknown language {language!r}.", status=422)
        return await self._act(request, me,
                               lambda case_id: self.handoff.transfer(case_id, me.staff_id, language, colleague))

    async def close(self, request: Request, me: ConsoleUser) -> Response:
        return await self._act(request, me, lambda case_id: self.handoff.close(case_id, me.staff_id))

    # ----- staff pages -------------------------------------------------------------------------

    def _measures(self, request: Request) -> tuple[int, dict[str, Any]]:
        raw = request.query_params.get("days", "30")
        days = int(raw) if raw.isdigit() and 0 < int(raw) <= 366 else 30
        now = utcnow()
        with self.store.session() as session:
            return days, handoff_measures(session, now - dt.timedelta(days=days), now, self.handoff.calendar)

    async def stats_page(self, request: Request, me: ConsoleUser) -> Response:
        days, measures = self._measures(request)
        return self._page("stats.html", me, m=measures, days=days)

    async def stats_json(self, request: Request, _me: ConsoleUser) -> Response:
        _days, measures = self._measures(request)
        return JSONResponse(measures, headers=_HEADERS)

    async def content_report(self, _request: Request, _me: ConsoleUser) -> Response:
        from bot.content_report import as_html, coverage

        settings = self.runtime.config.settings
        return HTMLResponse(as_html(coverage(self.runtime.engine.content, settings.content.stale_after_days)),
                            headers=_HEADERS)
