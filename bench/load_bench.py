"""Load benchmark: mixed-language Telegram and KakaoTalk webhook traffic against running servers on loopback.

Prints one table (messages/s sustained, p50/p99 end-to-end latency, errors, resident memory and its growth)
and writes it to docs/load-bench.md. Run on an otherwise idle machine:

    .venv/bin/python -m bench.load_bench --db sqlite
    .venv/bin/python -m bench.load_bench --db postgresql --servers 2
    .venv/bin/python -m bench.load_bench --db sqlite --soak 600     # the 10-minute memory soak
    .venv/bin/python -m bench.load_bench --encoder none             # lexical NLU: what the rest costs

Telegram's end-to-end time runs from the webhook POST to the reply arriving at a stand-in Bot API
server; KakaoTalk's is the skill request's response time (the answer travels in the response).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.runtime import encoder_workers  # noqa: E402
from tests.fake_telegram_api import FakeTelegramApi  # noqa: E402
from tests.pg_cluster import PgCluster  # noqa: E402

SECRET = "load-bench-secret"
GOALS = {"sustained (msg/s)": ">= 200, 0 errors", "p50 at 50 msg/s (ms)": "<= 20", "p99 at 50 msg/s (ms)": "<= 100",
         "RSS growth over soak": "<= 5 %"}


def questions() -> list[str]:
    """The held-out questions of eval/, every language: the texts of the traffic."""
    texts = []
    for path in sorted((ROOT / "eval").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sample_rss(pids: list[int], samples: list[float], stop: threading.Event) -> None:
    while not stop.wait(60):
        samples.append(sum(_rss_mb(pid) for pid in pids))


def _log_problems(logs: Path) -> str:
    """How many warnings and errors the servers logged, and the most frequent kind: a reply can arrive in
    time and still hide a fault (a message spooled, a send retried)."""
    kinds: dict[str, int] = {}
    for path in logs.glob("server-*.log"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split(" ", 4)
            if len(parts) == 5 and parts[2] in ("WARNING", "ERROR", "CRITICAL"):
                kind = f"{parts[2]} {parts[3]} {parts[4][:60]}"
                kinds[kind] = kinds.get(kind, 0) + 1
    if not kinds:
        return "0"
    worst = max(kinds, key=kinds.__getitem__)
    return f"{sum(kinds.values())} (most: {kinds[worst]} x `{worst}`)"


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


_IDLE_FOR = 2.0  # seconds a kept-alive connection may wait for its next request (uvicorn's limit is 5)


class Http:
    """Keep-alive HTTP/1.1 POSTs of JSON to the servers under test, in a few lines of asyncio.

    The load generator shares the two cores with the servers it measures: httpx spent ~0.5 ms of CPU a request,
    about a twentieth of a server's work for a message, all of it taken from the servers. This reads only what
    the servers send (a status line, headers, a body of content-length bytes or chunks).
    """

    def __init__(self, timeout: float = 30, connections: int = 500) -> None:
        self.timeout = timeout
        # Per server: kept-alive connections and when each was last used. uvicorn closes one idle for 5 s; reusing
        # it would fail the next request, so one idle for more than _IDLE_FOR is closed here instead.
        self._idle: dict[tuple[str, int], list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]]] = {}
        self._open = asyncio.Semaphore(connections)

    async def post(self, url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """POST `payload` as JSON; the status and the body."""
        async with self._open:
            return await asyncio.wait_for(self._post(urlsplit(url), payload, headers or {}), self.timeout)

    async def _post(self, url: SplitResult, payload: dict[str, Any], headers: dict[str, str]) -> tuple[int, bytes]:
        host, port = url.hostname or "127.0.0.1", url.port or 80
        idle = self._idle.setdefault((host, port), [])
        while idle:
            reader, writer, used = idle.pop()
            if time.monotonic() - used < _IDLE_FOR and not reader.at_eof():
                break
            writer.close()
        else:
            reader, writer = await asyncio.open_connection(host, port)
        body = json.dumps(payload).encode()
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        writer.write(f"POST {url.path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
                     f"content-length: {len(body)}\r\n{head}\r\n".encode() + body)
        try:
            status, keep, data = await _response(reader)
        except BaseException:
            writer.close()
            raise
        if keep:
            idle.append((reader, writer, time.monotonic()))
        else:
            writer.close()
        return status, data

    async def close(self) -> None:
        for connections in self._idle.values():
            for _reader, writer, _used in connections:
                writer.close()
        self._idle.clear()


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """(status, whether the connection stays open, body) of one HTTP/1.1 response."""
    status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines if ": " in line)
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")  # no trailers from our servers
        body = b"".join(chunks)
    else:
        return int(status_line.split(" ")[1]), False, await reader.read()
    return int(status_line.split(" ")[1]), headers.get("connection") != "close", body


@dataclass
class Run:
    """What one phase measured."""

    sent: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    finished: list[float] = field(default_factory=list)  # when each latency was taken (monotonic clock)
    seconds: float = 0.0

    def rate(self) -> float:
        return (self.sent - self.errors) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def took(self, started: float, now: float) -> None:
        self.latencies_ms.append((now - started) * 1000)
        self.finished.append(now)

    def minutes(self) -> list[Run]:
        """The answers of each whole minute from the first: a latency that climbs means work that grows."""
        if not self.finished:
            return []
        first = min(self.finished)
        buckets: dict[int, Run] = {}
        for at, ms in zip(self.finished, self.latencies_ms):
            buckets.setdefault(int((at - first) // 60), Run()).latencies_ms.append(ms)
        return [buckets[m] for m in sorted(buckets) if (m + 1) * 60 <= max(self.finished) - first]


class Traffic:
    """Realistic webhook bodies with the held-out questions: every message from someone new, or `people` taking
    turns (bench.request_profile sends the same)."""

    def __init__(self, people: int = 0) -> None:
        self.questions = questions()
        self.random = random.Random(7)
        # people = 0: every message from someone new (first contact: consent notice, a new row). Otherwise
        # that many people take turns, as in a day's conversations, each asking again long after their reply.
        self.chat: Iterator[int] = (itertools.cycle(range(700_000_000, 700_000_000 + people)) if people
                                    else itertools.count(700_000_000))
        self.update = itertools.count(1)

    def question(self) -> str:
        return self.random.choice(self.questions)

    def telegram(self, text: str) -> tuple[int, dict[str, Any]]:
        """(chat id, a Telegram update with `text` from that chat)."""
        chat = next(self.chat)
        update_id = next(self.update)
        return chat, {"update_id": update_id, "message": {
            "message_id": update_id, "date": 1795490123, "text": text,
            "from": {"id": chat, "is_bot": False, "first_name": "L"}, "chat": {"id": chat, "type": "private"}}}

    def kakao(self, text: str) -> dict[str, Any]:
        """A KakaoTalk skill request with `text`."""
        user = f"load-{next(self.chat)}"
        return {"intent": {"id": "x", "name": "fallback"}, "bot": {"id": "b", "name": "bot"},
                "action": {"id": "a", "name": "skill", "params": {}, "detailParams": {}, "clientExtra": None},
                "userRequest": {"timezone": "Asia/Seoul", "utterance": text, "lang": "kr", "params": {},
                                "block": {"id": "x", "name": "fallback"},
                                "user": {"id": user, "type": "botUserKey", "properties": {}}}}


class Load:
    """Servers, the stand-in Bot API, and the traffic."""

    def __init__(self, urls: list[str], api: FakeTelegramApi, people: int = 0) -> None:
        self.urls = itertools.cycle(urls)
        self.api = api
        self.traffic = Traffic(people)
        # Who waits for a reply in each chat: (when the question was sent, the future its first reply resolves).
        # The stand-in Bot API calls back on each sendMessage; polling for replies every few milliseconds
        # spent the cores the servers are measured on (thousands of wake-ups a second at 32 in flight).
        self._waiting: dict[int, list[tuple[float, asyncio.Future[float]]]] = {}
        self._waiting_lock = threading.Lock()
        api.on_send = self._arrived

    async def one(self, client: Http, run: Run) -> None:
        text = self.traffic.question()
        url = next(self.urls)
        started = time.monotonic()
        try:
            if self.traffic.random.random() < 0.5:
                chat, body = self.traffic.telegram(text)
                reply = self._expect(chat, started)  # before the POST: the reply can come before its response
                try:
                    status, _body = await client.post(url + "/webhooks/telegram", body,
                                                      {"X-Telegram-Bot-Api-Secret-Token": SECRET})
                    if status != 200:
                        raise RuntimeError(status)
                    run.took(started, await asyncio.wait_for(reply, 30))
                finally:
                    self._forget(chat, reply)
            else:
                status, answer = await client.post(url + "/webhooks/kakao", self.traffic.kakao(text))
                if status != 200 or b"template" not in answer:
                    raise RuntimeError(status)
                run.took(started, time.monotonic())
        except Exception:
            run.errors += 1
        finally:
            run.sent += 1

    def _expect(self, chat: int, started: float) -> asyncio.Future[float]:
        """A future for the first message to `chat` sent after `started` (earlier ones answered the person's
        last question)."""
        reply: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        with self._waiting_lock:
            self._waiting.setdefault(chat, []).append((started, reply))
        return reply

    def _forget(self, chat: int, reply: asyncio.Future[float]) -> None:
        with self._waiting_lock:
            left = [(started, waiting) for started, waiting in self._waiting.get(chat, []) if waiting is not reply]
            if left:
                self._waiting[chat] = left
            else:
                self._waiting.pop(chat, None)

    def _arrived(self, chat: int, at: float) -> None:
        """The stand-in Bot API sent a message to `chat` (called on its thread)."""
        with self._waiting_lock:
            waiting = [reply for started, reply in self._waiting.get(chat, []) if started <= at]
        for reply in waiting:
            try:
                reply.get_loop().call_soon_threadsafe(_resolve, reply, at)
            except RuntimeError:  # its phase has ended and closed the loop
                pass

    async def every_language(self, servers: int) -> None:
        """A question in every language to every server: tokenisers load on first use, which takes seconds
        of CPU that would otherwise fall into the measured phases."""
        firsts: dict[str, str] = {}
        for path in sorted((ROOT / "eval").glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    question = json.loads(line)
                    firsts.setdefault(question["lang"], question["text"])
        client = Http(timeout=60)
        for text in firsts.values():
            for _ in range(servers):
                await client.post(next(self.urls) + "/webhooks/kakao", self.traffic.kakao(text))
        await client.close()

    async def closed_loop(self, seconds: float, concurrency: int) -> Run:
        """As fast as the servers answer, with `concurrency` messages in flight."""
        run = Run()
        stop = time.monotonic() + seconds
        client = Http()

        async def worker() -> None:
            while time.monotonic() < stop:
                await self.one(client, run)
        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        run.seconds = time.monotonic() - started
        await client.close()
        return run

    async def open_loop(self, seconds: float, rate: float) -> Run:
        """A steady `rate` messages per second, whatever the answers do (latency includes queueing)."""
        run = Run()
        tasks = []
        client = Http()
        started = time.monotonic()
        for n in range(int(seconds * rate)):
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(self.one(client, run)))
        await asyncio.gather(*tasks)
        run.seconds = time.monotonic() - started
        await client.close()
        return run


def _resolve(reply: asyncio.Future[float], at: float) -> None:
    if not reply.done():  # a later message of the same reply, or one the waiter stopped waiting for
        reply.set_result(at)


def lexical_model(env: dict[str, str]) -> dict[str, str]:
    """Settings for NLU without the sentence encoder: its own model folder, trained here if not current."""
    env = {**env, "NEWCOMER_NLU_ENCODER": "none", "NEWCOMER_NLU_MODEL_DIR": str(ROOT / "var" / "model-none")}
    check = [sys.executable, "-m", "bot.cli", "train", "--check-only"]
    if subprocess.run(check, cwd=ROOT, env=env, capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "bot.cli", "train", "--quiet"], cwd=ROOT, env=env, check=True)
    return env


def _nlu_counts(urls: list[str]) -> Counter[str]:
    """How the servers have ranked messages so far (their /healthz), summed."""
    total: Counter[str] = Counter()
    for url in urls:
        total.update(httpx.get(url + "/healthz", timeout=10).json().get("nlu", {}))
    return total


def _routes(before: Counter[str], after: Counter[str]) -> str:
    """Shares of the messages ranked between two counts: lexical alone, lexical alone because the encoder was
    busy, encoder; and texts per encoder call."""
    delta = after - before
    ranked = sum(n for key, n in delta.items() if key.startswith("ranked_")) or 1
    shares = ", ".join(f"{label} {delta[key] / ranked * 100:.0f} %" for key, label in
                       [("ranked_lexical", "lexical"), ("ranked_lexical_busy", "lexical, encoder busy"),
                        ("ranked_encoder", "encoder")])
    if not delta["encoder_calls"]:
        return shares
    return f"{shares}; {delta['encoder_texts'] / delta['encoder_calls']:.2f} messages per encoder call"


def _start_servers(count: int, env: dict[str, str], logs: Path) -> list[tuple[subprocess.Popen[bytes], str]]:
    servers = []
    for n in range(count):
        port = _free_port()
        with open(logs / f"server-{n}.log", "wb") as log:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1",
                                        "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        servers.append((process, f"http://127.0.0.1:{port}"))
    for process, url in servers:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server at {url} did not start (is the model trained? `newcomer train`)")
            time.sleep(0.3)
    return servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--servers", type=int, default=1, help="server processes (PostgreSQL for more than one)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each load phase")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--soak", type=float, default=0, help="seconds of steady load for the memory soak (600 = 10 min)")
    parser.add_argument("--people", type=int, default=0,
                        help="0: every message from a new person; N: N people take turns (returning people)")
    parser.add_argument("--encoder", choices=["config", "none"], default="config",
                        help="none: lexical NLU only, to measure everything but the sentence encoder")
    parser.add_argument("--busy-queue", type=int, default=None,
                        help="nlu.busy_queue for the servers (0: always wait for the encoder); default: config.yml")
    parser.add_argument("--out", default=str(ROOT / "docs" / "load-bench.md"))
    args = parser.parse_args()
    if args.servers > 1 and args.db == "sqlite":
        raise SystemExit("several servers share a PostgreSQL database: use --db postgresql")

    work = Path(tempfile.mkdtemp(prefix="newcomer-load-"))
    print(f"servers log to {work}", file=sys.stderr)
    cluster = None
    if args.db == "postgresql":
        cluster = PgCluster()
        cluster.start()
        url = cluster.url
    else:
        url = f"sqlite:///{work / 'load.db'}"
    with FakeTelegramApi() as api:
        env = {**os.environ, "NEWCOMER_DATABASE_URL": url, "NEWCOMER_DATABASE_SPOOL_DIR": str(work / "spool"),
               "NEWCOMER_PSEUDONYM_SECRET": "load", "NEWCOMER_CHANNELS_TELEGRAM_ENABLED": "true",
               "NEWCOMER_CHANNELS_KAKAO_ENABLED": "true", "NEWCOMER_CHANNELS_TELEGRAM_API_URL": api.url,
               "NEWCOMER_TELEGRAM_TOKEN": "123456:LOAD", "NEWCOMER_TELEGRAM_WEBHOOK_SECRET": SECRET}
        if args.encoder == "none":
            env = lexical_model(env)
        if args.busy_queue is not None:
            env["NEWCOMER_NLU_BUSY_QUEUE"] = str(args.busy_queue)
        servers = _start_servers(args.servers, env, work)
        load = Load([u for _p, u in servers], api, args.people)
        try:
            asyncio.run(load.every_language(len(servers)))  # warm-up
            asyncio.run(load.closed_loop(5, 4))
            rss_start = sum(_rss_mb(p.pid) for p, _u in servers)
            # Where the two cores go in the sustained phase: the servers, and this process (the load generator
            # and the stand-in Bot API), which a deployment does not run beside its servers.
            urls = [u for _p, u in servers]
            counts_start = _nlu_counts(urls)
            cpu_start, harness_start = sum(_cpu_seconds(p.pid) for p, _u in servers), time.process_time()
            peak = asyncio.run(load.closed_loop(args.seconds, args.concurrency))
            per_message = 1000 / max(1, peak.sent)
            cpu_per_message = (sum(_cpu_seconds(p.pid) for p, _u in servers) - cpu_start) * per_message
            harness_per_message = (time.process_time() - harness_start) * per_message
            counts_peak = _nlu_counts(urls)
            steady = asyncio.run(load.open_loop(args.seconds, args.rate))
            counts_steady = _nlu_counts(urls)
            soak_growth = None
            soak_minutes: list[float] = []
            soak = Run()
            if args.soak:
                before = sum(_rss_mb(p.pid) for p, _u in servers)
                # A sample each minute tells steady growth (a leak) from caches filling up to their bounds.
                stop = threading.Event()
                sampler = threading.Thread(target=_sample_rss, args=([p.pid for p, _u in servers], soak_minutes, stop))
                sampler.start()
                soak = asyncio.run(load.open_loop(args.soak, min(args.rate, max(1.0, peak.rate() * 0.5))))
                stop.set()
                sampler.join()
                soak_growth = (sum(_rss_mb(p.pid) for p, _u in servers) - before) / before * 100
            rss_end = sum(_rss_mb(p.pid) for p, _u in servers)
        finally:
            for process, _u in servers:
                process.terminate()
                process.wait(timeout=30)
            if cluster is not None:
                cluster.remove()

    rows = [
        ("sustained (msg/s)", f"{peak.rate():.1f} ({peak.errors} errors of {peak.sent}, {args.concurrency} in flight)",
         GOALS["sustained (msg/s)"]),
        ("server CPU per message, sustained phase (ms)", f"{cpu_per_message:.1f}", ""),
        ("load generator and stand-in Bot API CPU per message (ms)", f"{harness_per_message:.1f}", ""),
        # Without an encoder every message is read by n-grams alone: nothing to tell apart.
        *([("how messages were ranked, sustained phase", _routes(counts_start, counts_peak), ""),
           (f"how messages were ranked at {args.rate:g} msg/s", _routes(counts_peak, counts_steady), "")]
          if args.encoder != "none" else []),
        (f"p50 at {args.rate:g} msg/s (ms)", f"{steady.pct(0.5):.0f}", GOALS["p50 at 50 msg/s (ms)"]),
        (f"p99 at {args.rate:g} msg/s (ms)", f"{steady.pct(0.99):.0f}", GOALS["p99 at 50 msg/s (ms)"]),
        (f"errors at {args.rate:g} msg/s", f"{steady.errors} of {steady.sent}", "0"),
        ("server warnings and errors", _log_problems(work), ""),
        ("resident memory, all servers (MB)", f"{rss_start:.0f} -> {rss_end:.0f}", ""),
        ("RSS growth over soak", "not run" if soak_growth is None else f"{soak_growth:.1f} % over {args.soak:g} s",
         GOALS["RSS growth over soak"]),
    ]
    if soak_minutes:
        rows.append(("resident memory each soak minute (MB)", ", ".join(f"{mb:.0f}" for mb in soak_minutes), ""))
        rows.append((f"soak at {soak.rate():.1f} msg/s: p50 / p99 each minute (ms)",
                     ", ".join(f"{m.pct(0.5):.0f}/{m.pct(0.99):.0f}" for m in soak.minutes()), ""))
    encoder = ", encoder none (lexical NLU only)" if args.encoder == "none" else ""
    people = f"{args.people} people taking turns" if args.people else "every message from a new person"
    if args.encoder != "none":
        nlu = load_settings(ROOT / "config.yml").settings.nlu
        busy_queue = nlu.busy_queue if args.busy_queue is None else args.busy_queue
        encoder = f", {encoder_workers(nlu)} encoder worker(s) each, busy queue {busy_queue or 'off'}"
    table = [f"Load benchmark: {args.db}, {args.servers} server process(es){encoder}, {people}, {os.cpu_count()} cores, "
             f"{args.seconds:g} s per phase", "",
             "| measure | result | goal |", "|---|---|---|"]
    table += [f"| {name} | {value} | {goal} |" for name, value, goal in rows]
    text = "\n".join(table)
    print(text)
    out = Path(args.out)
    previous = out.read_text(encoding="utf-8") if out.exists() else "# Load benchmark\n"
    flag = (" --encoder none" if args.encoder == "none" else "") + (f" --people {args.people}" if args.people else "") \
        + (f" --busy-queue {args.busy_queue}" if args.busy_queue is not None else "")
    marker = f"<!-- {args.db} x{args.servers}{flag.replace(' --', ' ')} -->"
    section = f"{marker}\n{text}\n\nCommand: `.venv/bin/python -m bench.load_bench --db {args.db} --servers {args.servers}" \
              f"{flag}{' --soak %g' % args.soak if args.soak else ''}`\n{marker}"
    if marker in previous:
        head, _old, tail = previous.split(marker, 2)[0], None, previous.split(marker, 2)[2]
        previous = head + section + tail
    else:
        previous = previous.rstrip() + "\n\n" + section + "\n"
    out.write_text(previous, encoding="utf-8")


if __name__ == "__main__":
    main()
