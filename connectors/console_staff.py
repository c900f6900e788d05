"""The staff pages of the console: the dashboard (gaps, demand, quality, interpreters, content) and announcements."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from markupsafe import Markup, escape
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot import announcements
from bot import dashboard as board
from bot.charts import bars
from bot.config import LANGUAGES
from bot.content_report import coverage
from bot.handoff_stats import handoff_measures
from bot.i18n import native_name
from bot.models import Announcement, utcnow
from bot.staff_auth import ConsoleUser

if TYPE_CHECKING:
    from connectors.console import Console

CHANNELS = ("web", "telegram", "kakao", "terminal")
DECISION_LABELS = {"new_card": "new card needed", "covered": "covered by a card", "out_of_scope": "out of scope"}


def _date(value: str | None, default: dt.datetime) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC) if value else default
    except ValueError:
        return default


def filters_from(request: Request) -> board.Filters:
    """The dashboard's filters from the query string; anything unreadable falls back to the last 30 days."""
    default = board.Filters.default(utcnow())
    since = _date(request.query_params.get("from"), default.since)
    # "to" includes that day
    until = _date(request.query_params.get("to"), default.until - dt.timedelta(days=1)) + dt.timedelta(days=1)
    language = request.query_params.get("language") or None
    channel = request.query_params.get("channel") or None
    return board.Filters(since, until, language if language in LANGUAGES else None,
                             channel if channel in CHANNELS else None)


class StaffPages:
    """Dashboard and announcements, rendered by the console (which checks the staff role and CSRF)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.store = console.store
        self.runtime = console.runtime
        self._sections: dict[str, Callable[[Any, board.Filters], tuple[list[str], list[list[Any]]]]] = {
            "gaps": self._csv_gaps,
            "demand": lambda s, f: (["card", "language", "answers"], [list(r) for r in board.demand(s, f)]),
            "weekly": lambda s, f: (["period", "questions"], [list(r) for r in board.demand_over_time(s, f)]),
            "helpful": lambda s, f: (["card", "language", "helpful", "not_helpful"],
                                     [list(r) for r in board.helpfulness(s, f)]),
            "handoff_rate": lambda s, f: (["language", "turns", "handoffs"], [list(r) for r in board.handoff_rate(s, f)]),
            "handoff_cards": lambda s, f: (["card", "handoffs"], [list(r) for r in board.handoff_cards(s, f)]),
            "interpreters": self._csv_interpreters,
            "content": self._csv_content,
        }

    def routes(self) -> list[tuple[str, Any, str]]:
        """(path, handler, method) of every staff page."""
        return [
            ("/console/dashboard", self.dashboard, "GET"),
            ("/console/dashboard.csv", self.dashboard_csv, "GET"),
            ("/console/gaps/decide", self.decide_gap, "POST"),
            ("/console/announcements", self.announcements, "GET"),
            ("/console/announcements/preview", self.preview, "POST"),
            ("/console/announcements/send", self.send, "POST"),
            ("/console/announcements/resume", self.resume, "POST"),
        ]

    # ----- dashboard ---------------------------------------------------------------------------

    async def dashboard(self, request: Request, me: ConsoleUser) -> Response:
        f = filters_from(request)
        query = {k: v for k, v in request.query_params.items() if k in ("from", "to", "language", "channel")}

        def csv_link(section: str) -> str:
            return "/console/dashboard.csv?" + urlencode({**query, "section": section})

        with self.store.session() as session:
            gaps = board.gaps(session, f)
            demand = board.demand(session, f)
            weekly = board.demand_over_time(session, f)
            helpful = board.helpfulness(session, f)
            rates = board.handoff_rate(session, f)
            handoff_cards = board.handoff_cards(session, f)
            measures = handoff_measures(session, f.since, f.until, self.console.handoff.calendar)
            totals: dict[str, int] = {}
            for card, _lang, n in demand:
                totals[card] = totals.get(card, 0) + n
            values: dict[str, Any] = {
                "f": board.Filters(f.since, f.until - dt.timedelta(days=1), f.language, f.channel),
                "languages": [(code, native_name(code)) for code in LANGUAGES], "channels": CHANNELS,
                "gaps": gaps, "max_questions": board.MAX_GAP_QUESTIONS, "decision_labels": DECISION_LABELS, "card_options": self._card_options(), "csv": csv_link,
                "back": "/console/dashboard?" + urlencode(query),
                "demand_chart": bars(sorted(totals.items(), key=lambda i: -i[1])[:15], "Answers per card (top 15)"),
                "weekly_chart": bars(weekly, "Questions per week" if f.until - f.since <= dt.timedelta(
                    days=board.LONG_PERIOD_DAYS) else "Questions per month"),
                "handoff_chart": bars([(lang, round(100 * h / t, 1) if t else 0.0) for lang, t, h in rates],
                                      "Handed to a person, per 100 turns, by language", "%"),
                "handoff_cards_chart": bars([(c, float(n)) for c, n in handoff_cards], "Cards most often followed by a handoff"),
                "helpful": helpful, "measures": measures,
                "reply_chart": bars([(lang, float(r["first_reply"]["median_min"] or 0))
                                     for lang, r in measures["by_language"].items()],
                                    "Median minutes to first human reply, by language", " min"),
                "content_counts": self._content_counts(),
            }
            return self.console._page("dashboard.html", me, **values)

    def _card_options(self) -> Markup:
        # The same list of cards is in every group's form: escaped once here, not once per group in the template.
        return Markup("".join(f'<option value="{escape(card)}">{escape(card)}</option>'
                              for card in sorted(self.runtime.engine.content.cards)))

    def _content_counts(self) -> dict[str, int]:
        report = coverage(self.runtime.engine.content, self.runtime.config.settings.content.stale_after_days)
        counts: dict[str, int] = {}
        for row in report.matrix.values():
            for status in row.values():
                counts[status] = counts.get(status, 0) + 1
        return counts

    async def dashboard_csv(self, request: Request, _me: ConsoleUser) -> Response:
        section = request.query_params.get("section", "")
        if section not in self._sections:
            return Response(f"unknown section; choose one of {', '.join(self._sections)}\n", status_code=404,
                            media_type="text/plain")
        with self.store.session() as session:
            header, rows = self._sections[section](session, filters_from(request))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{section}.csv"', "Cache-Control": "no-store"})

    def _csv_gaps(self, session: Any, f: board.Filters) -> tuple[list[str], list[list[Any]]]:
        rows = [[r.gap.language, r.gap.count, " ".join(sorted(r.gap.weeks)), " | ".join(r.gap.examples),
                 r.decision.decision if r.decision else "", (r.decision.card or "") if r.decision else ""]
                for r in board.gaps(session, f)]
        return ["language", "asked", "weeks", "examples", "decision", "card"], rows

    def _csv_interpreters(self, session: Any, f: board.Filters) -> tuple[list[str], list[list[Any]]]:
        m = handoff_measures(session, f.since, f.until, self.console.handoff.calendar)
        rows = [[lang, r["opened"], r["first_reply"]["median_min"], r["close"]["median_min"], r["satisfaction_mean"]]
                for lang, r in m["by_language"].items()]
        return ["language", "opened", "first_reply_median_min", "close_median_min", "satisfaction_mean"], rows

    def _csv_content(self, _session: Any, _f: board.Filters) -> tuple[list[str], list[list[Any]]]:
        report = coverage(self.runtime.engine.content, self.runtime.config.settings.content.stale_after_days)
        return ["card", *LANGUAGES], [[card, *(row[lang] for lang in LANGUAGES)] for card, row in report.matrix.items()]

    async def decide_gap(self, request: Request, me: ConsoleUser) -> Response:
        form = request.state.form
        try:
            ids = [int(i) for i in form.get("ids", "").split(",") if i.strip()]
            if not ids:
                raise ValueError("no questions chosen")
            with self.store.session() as session:
                board.decide_gap(session, form.get("language", "")[:8], ids, form.get("decision", ""),
                                     form.get("card") or None, form.get("note") or None, me.login)
        except ValueError as exc:
            return self.console._page("base.html", me, status=422, error=str(exc))
        back = form.get("back", "")
        return RedirectResponse(back if back.startswith("/console/dashboard") else "/console/dashboard", status_code=303)

    # ----- announcements -----------------------------------------------------------------------

    def _texts(self, form: dict[str, str]) -> dict[str, str]:
        return {code: form.get(f"text_{code}", "").strip()[:2000] for code in LANGUAGES
                if form.get(f"text_{code}", "").strip()}

    def _announcement_page(self, me: ConsoleUser, status: int = 200, **values: Any) -> Response:
        with self.store.session() as session:
            plan = announcements.plan(session, values.get("texts", {}))
            sent = [(a, announcements.deliveries(session, a.id))
                    for a in session.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(20))]
        return self.console._page("announcements.html", me, status=status, plan=plan, sent=sent,
                                  languages=[(code, native_name(code)) for code in LANGUAGES],
                                  **{"texts": {}, "title": "", "previews": [], **values})

    async def announcements(self, _request: Request, me: ConsoleUser) -> Response:
        return self._announcement_page(me)

    async def preview(self, request: Request, me: ConsoleUser) -> Response:
        texts = self._texts(request.state.form)
        title = request.state.form.get("title", "")
        if not texts:
            return self._announcement_page(me, 422, error="Write the announcement in at least one language.",
                                           title=title)
        t = self.runtime.translator
        shown = sorted(set(texts) | {lang for lang in LANGUAGES if lang not in texts})
        previews = [(lang, announcements.render(t, lang, texts)) for lang in shown]
        return self._announcement_page(me, texts=texts, title=title, previews=previews)

    async def send(self, request: Request, me: ConsoleUser) -> Response:
        texts = self._texts(request.state.form)
        try:
            announcement_id = announcements.create(self.store, request.state.form.get("title", ""), texts, me.login)
        except ValueError as exc:
            return self._announcement_page(me, 422, error=str(exc), texts=texts)
        return await self._queue(announcement_id)

    async def resume(self, request: Request, me: ConsoleUser) -> Response:
        raw = request.state.form.get("id", "")
        if not raw.isdigit():
            return self._announcement_page(me, 422, error="Which announcement?")
        return await self._queue(int(raw))

    async def _queue(self, announcement_id: int) -> Response:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(announcements.queue, self.store, self.runtime.translator, announcement_id)
        await self.console._push()  # Telegram at once (paced); web and KakaoTalk with the person's next message
        return RedirectResponse("/console/announcements", status_code=303)
