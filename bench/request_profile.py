"""CPU per Telegram update and per KakaoTalk skill request, in-process through the ASGI app, NLU apart; optional cProfile."""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_bench import Traffic, lexical_model  # noqa: E402
SECRET = "profile-secret"
USAGE = """\
The real app (config.yml, lexical NLU only as `bench.load_bench --encoder none`, logging as `newcomer serve`
sets it) on a temporary SQLite database or a throw-away PostgreSQL, called through its ASGI interface. The CPU
of a message is what this process spends on it: the Guard middleware, the route, the store, the engine, the
reply's delivery to a stand-in Bot API (in its own process, so its CPU is not counted). uvicorn's HTTP
parsing is not included. Measure CPU, not wall time: the machine is shared.

    .venv/bin/python -m bench.request_profile                  # 3 rounds of 500 per channel, medians
    .venv/bin/python -m bench.request_profile --profile 300    # cProfile (CPU time) of 300 messages per channel
    .venv/bin/python -m bench.request_profile --sql            # the SQL statements of one message per channel
    .venv/bin/python -m bench.request_profile --db postgresql --people 200 --concurrency 16
"""

# The stand-in Bot API, in a child process: its CPU must not count as the server's.
_FAKE_API = """
import sys
from tests.fake_telegram_api import FakeTelegramApi
with FakeTelegramApi() as api:
    print(api.url, flush=True)
    sys.stdin.read()
"""


class InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs asyncio.to_thread work on the calling thread, so cProfile (one thread only) sees it (a subclass:
    asyncio takes only thread pools as the default executor)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine, as a thread would
            future.set_exception(exc)
        return future


async def call(app: Any, path: str, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> tuple[int, bytes]:
    """One POST straight into the ASGI app, as uvicorn would hand it over."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode()), *(headers or [])],
             "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8080)}
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


class NluClock:
    """CPU spent inside the NLU's read() (thread CPU time of the reading thread)."""

    def __init__(self, reader: Any) -> None:
        self.seconds = 0.0
        original = reader.read

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.thread_time() - started

        reader.read = timed


async def run(args: argparse.Namespace, api_url: str, work: Path) -> None:
    from sqlalchemy import event
    from starlette.routing import Route

    from bot.config import load_settings
    from bot.logs import install
    from bot.runtime import build_runtime
    from connectors.web import create_app

    env = {**os.environ, "NEWCOMER_DATABASE_URL": args.database_url or f"sqlite:///{work / 'profile.db'}",
           "NEWCOMER_DATABASE_SPOOL_DIR": str(work / "spool"), "NEWCOMER_NLU_ENCODER": "none",
           "NEWCOMER_NLU_MODEL_DIR": str(ROOT / "var" / "model-none"), "NEWCOMER_CHANNELS_TELEGRAM_ENABLED": "true",
           "NEWCOMER_CHANNELS_KAKAO_ENABLED": "true", "NEWCOMER_CHANNELS_TELEGRAM_API_URL": api_url}
    os.environ.update(env)  # the token, secret and pseudonym key are read from the environment
    config = load_settings(ROOT / "config.yml", environ=env)
    log_file = open(work / "server.log", "w", encoding="utf-8")  # noqa: SIM115 - open for the whole run
    install(config.settings.logging, log_file)
    runtime = build_runtime(config)
    runtime.understander.warm_up()
    nlu = NluClock(runtime.understander)
    app = create_app(runtime)
    # The TelegramChannel behind the webhook route: drain() waits until its updates are answered.
    channel = next(getattr(r.endpoint, "__self__") for r in app.routes  # noqa: B009 - a bound method's owner
                   if isinstance(r, Route) and r.path == "/webhooks/telegram")
    loop = asyncio.get_running_loop()
    if args.profile:
        loop.set_default_executor(InlineExecutor())
    traffic = Traffic(args.people)
    secret = [(b"x-telegram-bot-api-secret-token", SECRET.encode())]

    async def telegram() -> None:
        _chat, update = traffic.telegram(traffic.question())
        status, body = await call(app, "/webhooks/telegram", json.dumps(update).encode(), secret)
        assert status == 200, (status, body)
        if args.concurrency == 1:
            await channel.drain()  # answered and delivered to the stand-in Bot API

    async def kakao() -> None:
        status, body = await call(app, "/webhooks/kakao", json.dumps(traffic.kakao(traffic.question())).encode())
        assert status == 200 and b"template" in body, (status, body)

    async def measure(send: Callable[[], Any], count: int) -> tuple[float, float]:
        cpu, in_nlu = time.process_time(), nlu.seconds
        left = iter(range(count))

        async def worker() -> None:
            for _ in left:
                await send()

        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        await channel.drain()
        return ((time.process_time() - cpu) / count * 1000, (nlu.seconds - in_nlu) / count * 1000)

    async with app.router.lifespan_context(app):
        for question in {json.loads(line)["lang"]: line for path in sorted((ROOT / "eval").glob("*.jsonl"))
                         for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}.values():
            await call(app, "/webhooks/kakao", json.dumps(traffic.kakao(json.loads(question)["text"])).encode())
        await measure(telegram, 50)
        await measure(kakao, 50)
        if args.sql:
            statements: list[str] = []

            def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
                statements.append(" ".join(statement.split())[:160])

            event.listen(runtime.store.engine, "before_cursor_execute", note)
            for name, send in (("telegram", telegram), ("kakao", kakao)):
                statements.clear()
                await send()
                print(f"===== {name}: {len(statements)} SQL statements for one message =====")
                print("\n".join(statements))
            event.remove(runtime.store.engine, "before_cursor_execute", note)
        if args.profile:
            for name, send in (("telegram", telegram), ("kakao", kakao)):
                profile = cProfile.Profile(time.process_time)  # CPU, not the wall clock: the machine is shared
                profile.enable()
                await measure(send, args.profile)
                profile.disable()
                for order in ("cumulative", "tottime"):
                    out = io.StringIO()
                    pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
                    print(f"===== {name}: {args.profile} messages, by {order} =====")
                    print(out.getvalue())
                if args.dump:
                    profile.dump_stats(str(Path(args.dump) / f"{name}.prof"))
            return
        results: dict[str, list[tuple[float, float]]] = {"telegram": [], "kakao": []}
        for round_ in range(args.rounds):
            for name, send in (("telegram", telegram), ("kakao", kakao)):
                total, in_nlu = await measure(send, args.count)
                results[name].append((total, in_nlu))
                print(f"round {round_ + 1} {name:8s}: {total:6.2f} ms CPU/message, NLU {in_nlu:5.2f}, "
                      f"rest {total - in_nlu:5.2f}", flush=True)
        for name, rows in results.items():
            total = statistics.median(r[0] for r in rows)
            in_nlu = statistics.median(r[1] for r in rows)
            rest = statistics.median(r[0] - r[1] for r in rows)
            print(f"median {name:8s}: {total:6.2f} ms CPU/message, NLU {in_nlu:5.2f}, rest {rest:5.2f} "
                  f"({args.rounds} rounds of {args.count})")
    log_file.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, epilog=USAGE,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500, help="messages per channel per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite",
                        help="postgresql: a throw-away server (tests/pg_cluster.py), its CPU not counted")
    parser.add_argument("--concurrency", type=int, default=1,
                        help="messages in flight (1: each Telegram update answered before the next is sent)")
    parser.add_argument("--people", type=int, default=0,
                        help="0: every message from a new person; N: N people take turns")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile N messages per channel instead")
    parser.add_argument("--sql", action="store_true", help="list the SQL statements of one message per channel")
    parser.add_argument("--top", type=int, default=40, help="lines of each profile listing")
    parser.add_argument("--dump", help="folder to write telegram.prof and kakao.prof to (with --profile)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.update({"NEWCOMER_PSEUDONYM_SECRET": "profile", "NEWCOMER_TELEGRAM_TOKEN": "123456:PROFILE",
                       "NEWCOMER_TELEGRAM_WEBHOOK_SECRET": SECRET})
    lexical_model(dict(os.environ))  # trained into var/model-none if not current
    cluster = None
    args.database_url = None
    if args.db == "postgresql":
        from tests.pg_cluster import PgCluster

        cluster = PgCluster()
        cluster.start()
        args.database_url = cluster.url
    fake = subprocess.Popen([sys.executable, "-c", _FAKE_API], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert fake.stdout is not None
        api_url = fake.stdout.readline().strip()
        with tempfile.TemporaryDirectory(prefix="newcomer-profile-") as work:
            asyncio.run(run(args, api_url, Path(work)))
    finally:
        assert fake.stdin is not None
        fake.stdin.close()
        fake.wait(timeout=10)
        if cluster is not None:
            cluster.remove()


if __name__ == "__main__":
    main()
