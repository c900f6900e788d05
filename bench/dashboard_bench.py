"""Dashboard benchmark: a year of seeded traffic (1 million messages by default), then each staff page timed.

    .venv/bin/python -m bench.dashboard_bench                      # SQLite, 1,000,000 messages
    .venv/bin/python -m bench.dashboard_bench --db postgresql
    .venv/bin/python -m bench.dashboard_bench --messages 100000    # a quick look

Prints one table (median of 5 loads per page, after one warm-up) and writes it to docs/dashboard-bench.md.
Goal: every page <= 300 ms with 1 million stored messages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from bot.config import LANGUAGES, load_settings  # noqa: E402
from bot.models import Escalation, Feedback, Message, Unanswered, User  # noqa: E402
from bot.rollups import roll_up  # noqa: E402
from bot.runtime import build_runtime  # noqa: E402
from bot.staff_auth import add_staff  # noqa: E402
from bot.store import Store  # noqa: E402
from connectors.web import create_app  # noqa: E402
from tests.pg_cluster import PgCluster  # noqa: E402

CHANNELS = ("web", "telegram", "kakao")
PAGES = [
    ("dashboard, last 30 days", "/console/dashboard"),
    ("dashboard, whole year", "/console/dashboard?from={year_ago}"),
    ("dashboard, one language, 30 days", "/console/dashboard?language=uz"),
    ("dashboard, one channel, whole year", "/console/dashboard?from={year_ago}&channel=telegram"),
    ("CSV demand, whole year", "/console/dashboard.csv?section=demand&from={year_ago}"),
    ("CSV gaps, whole year", "/console/dashboard.csv?section=gaps&from={year_ago}"),
    ("handoff measures, 30 days", "/console/stats"),
]


def seed(store: Store, messages: int, cards: list[str], now: dt.datetime) -> None:
    """Users, messages over a year, and the unanswered questions, feedback and escalations that go with them."""
    rng = random.Random(11)
    users = max(1000, messages // 40)
    phrases = ["haydovchilik guvohnomasi", "ob-havo", "bank hisobi", "telefon raqami", "visa extension", "주차 요금",
               "租房合同", "giấy phép lái xe", "ប័ណ្ណបើកបរ", "ใบขับขี่", "ड्राइभिङ लाइसेन्स", "водительские права"]
    with store.engine.begin() as connection:
        connection.execute(insert(User), [
            {"key": f"{n:064x}", "channel": CHANNELS[n % 3], "language": LANGUAGES[n % 9], "language_chosen": False,
             "misses": 0, "unhelpful": 0, "last_cards": [], "created_at": now, "last_seen_at": now}
            for n in range(1, users + 1)])
        batch: list[dict[str, object]] = []
        unanswered: list[dict[str, object]] = []
        for n in range(messages):
            user = rng.randrange(1, users + 1)
            at = now - dt.timedelta(seconds=rng.randrange(365 * 86400))
            language = LANGUAGES[(user - 1) % 9]
            answered = rng.random() < 0.8
            batch.append({"user_id": user, "direction": "out" if n % 2 else "in", "text": "…", "language": language,
                          "action": ("answer" if answered else "unsure") if n % 2 else None,
                          "card": rng.choice(cards) if n % 2 and answered else None,
                          "confidence": 0.9 if n % 2 else None, "created_at": at})
            if n % 2 and not answered and rng.random() < 0.2:
                unanswered.append({"user_id": user, "text": f"{rng.choice(phrases)} {rng.randrange(50)}?",
                                   "language": language, "candidates": [], "created_at": at})
            if len(batch) == 20000:
                connection.execute(insert(Message), batch)
                batch = []
        if batch:
            connection.execute(insert(Message), batch)
        connection.execute(insert(Unanswered), unanswered)
        connection.execute(insert(Feedback), [
            {"user_id": rng.randrange(1, users + 1), "card": rng.choice(cards), "language": rng.choice(LANGUAGES),
             "helpful": rng.random() < 0.7, "created_at": now - dt.timedelta(seconds=rng.randrange(365 * 86400))}
            for _ in range(messages // 40)])
        connection.execute(insert(Escalation), [
            {"user_id": rng.randrange(1, users + 1), "language": rng.choice(LANGUAGES), "channel": "web",
             "reason": "unsure", "priority": "normal", "status": "closed", "offer_level": 0,
             "candidates": [rng.choice(cards)], "transcript": [],
             "created_at": (opened := now - dt.timedelta(seconds=rng.randrange(365 * 86400))), "updated_at": opened,
             "first_reply_at": opened + dt.timedelta(minutes=rng.randrange(2, 60)),
             "closed_at": opened + dt.timedelta(minutes=rng.randrange(60, 300))}
            for _ in range(messages // 200)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--out", default=str(ROOT / "docs" / "dashboard-bench.md"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newcomer-dash-"))
    cluster = None
    if args.db == "postgresql":
        cluster = PgCluster()
        cluster.start()
        url = cluster.url
    else:
        url = f"sqlite:///{work / 'dash.db'}"
    os.environ["NEWCOMER_PSEUDONYM_SECRET"] = "bench"
    config = load_settings(ROOT / "config.yml", environ={
        "NEWCOMER_DATABASE_URL": url, "NEWCOMER_HANDOFF_SECURE_COOKIES": "false",
        "NEWCOMER_DATABASE_SPOOL_DIR": str(work / "spool")})
    try:
        runtime = build_runtime(config)
        started = time.perf_counter()
        seed(runtime.store, args.messages, sorted(runtime.engine.content.cards), dt.datetime.now(dt.UTC))
        seeding = time.perf_counter() - started
        with runtime.store.session() as session:
            roll_up(session)  # what `serve` does every few seconds: finished days counted once
        add_staff(runtime.store, "bench", "Bench", "staff", ["ko"], "mon-fri 09:00-18:00", "bench-password-1")
        year_ago = (dt.date.today() - dt.timedelta(days=365)).isoformat()
        rows = []
        with TestClient(create_app(runtime)) as client:
            form = client.get("/console/login")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert token is not None
            client.post("/console/login", data={"csrf": token.group(1), "login": "bench", "password": "bench-password-1"})
            for name, path in PAGES:
                url_path = path.format(year_ago=year_ago)
                assert client.get(url_path).status_code == 200, url_path  # warm-up
                times = []
                for attempt in range(5):
                    # A new unanswered question before each load: the gap grouping is redone every time,
                    # as on the first load after people asked something new (the worst case).
                    with runtime.store.session() as session:
                        session.add(Unanswered(user_id=1, text=f"new question {name} {attempt}?", language="ko",
                                               candidates=[], created_at=dt.datetime.now(dt.UTC)))
                    began = time.perf_counter()
                    response = client.get(url_path)
                    times.append((time.perf_counter() - began) * 1000)
                    assert response.status_code == 200
                rows.append((name, statistics.median(times)))
        runtime.store.engine.dispose()
    finally:
        if cluster is not None:
            cluster.remove()
    lines = [f"Dashboard benchmark: {args.db}, {args.messages:,} messages over a year (seeded in {seeding:.0f} s), "
             f"{os.cpu_count()} cores; median of 5 loads, each after a new unanswered question (gaps grouped again)", "", "| page | ms | goal |", "|---|---|---|"]
    lines += [f"| {name} | {ms:.0f} | <= 300 |" for name, ms in rows]
    text = "\n".join(lines)
    print(text)
    out = Path(args.out)
    marker = f"<!-- {args.db} -->"
    previous = out.read_text(encoding="utf-8") if out.exists() else "# Dashboard benchmark\n"
    section = f"{marker}\n{text}\n\nCommand: `.venv/bin/python -m bench.dashboard_bench --db {args.db} --messages {args.messages}`\n{marker}"
    if marker in previous:
        parts = previous.split(marker)
        previous = parts[0] + section + parts[2]
    else:
        previous = previous.rstrip() + "\n\n" + section + "\n"
    out.write_text(previous, encoding="utf-8")


if __name__ == "__main__":
    main()
