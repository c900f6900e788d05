"""Two server processes on one PostgreSQL, fed duplicated and concurrent Telegram traffic: no double reply, nothing lost."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.staff_auth import add_staff
from bot.store import Store
from connectors.telegram import SECRET_HEADER
from tests.conftest import ROOT
from tests.fake_telegram_api import FakeTelegramApi
from tests.handoff_helpers import escalations

SECRET = "multi-process-secret"
INTERPRETER_CHAT = 9001
QUESTIONS = ["Где учить корейский язык бесплатно?", "Мне нужен переводчик", "Спасибо"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("server did not start")


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a PostgreSQL database; SQLite is for one process")
    return database_url


@pytest.fixture
def two_servers(postgres_url: str, model_dir: Path, tmp_path: Path) -> Iterator[tuple[list[str], FakeTelegramApi]]:
    store = Store(postgres_url)
    add_staff(store, "ivan", "Ivan", "interpreter", ["ru"], "mon-sun 00:00-24:00", None, INTERPRETER_CHAT)
    store.engine.dispose()
    with FakeTelegramApi() as api:
        env = {**os.environ, "NEWCOMER_DATABASE_URL": postgres_url, "NEWCOMER_NLU_MODEL_DIR": str(model_dir),
               "NEWCOMER_PSEUDONYM_SECRET": "shared-secret", "NEWCOMER_CHANNELS_TELEGRAM_ENABLED": "true",
               "NEWCOMER_CHANNELS_TELEGRAM_API_URL": api.url, "NEWCOMER_TELEGRAM_TOKEN": "123456:TEST",
               "NEWCOMER_TELEGRAM_WEBHOOK_SECRET": SECRET, "NEWCOMER_HANDOFF_HOLIDAYS": "none",
               "OMP_NUM_THREADS": "1"}
        servers = [_start_server(env) for _ in range(2)]
        try:
            yield [url for _process, url in servers], api
        finally:
            for process, _url in servers:
                process.terminate()
            for process, _url in servers:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def _update(update_id: int, chat: int, text: str) -> dict[str, Any]:
    return {"update_id": update_id,
            "message": {"message_id": update_id, "date": 1795490123, "text": text,
                        "from": {"id": chat, "is_bot": False, "first_name": "A", "language_code": "ru"},
                        "chat": {"id": chat, "first_name": "A", "type": "private"}}}


def test_two_processes_answer_each_update_once_and_lose_no_escalation(
        two_servers: tuple[list[str], FakeTelegramApi], postgres_url: str) -> None:
    urls, api = two_servers
    chats = [6000000 + n for n in range(12)]
    updates = [(_update(100000 + 10 * i + j, chat, text), chat)
               for i, chat in enumerate(chats) for j, text in enumerate(QUESTIONS)]
    errors: list[str] = []

    def deliver(body: dict[str, Any]) -> None:
        # Telegram retries when unsure: every update reaches both processes, at the same moment.
        barrier = threading.Barrier(2)

        def post(url: str) -> None:
            barrier.wait()
            response = httpx.post(url + "/webhooks/telegram", json=body, headers={SECRET_HEADER: SECRET}, timeout=30)
            if response.status_code != 200:
                errors.append(f"{response.status_code} {response.text}")

        threads = [threading.Thread(target=post, args=(url,)) for url in urls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # One chat's messages in order (as Telegram sends them); different chats at the same time.
    def chat_traffic(chat: int) -> None:
        for body, owner in updates:
            if owner == chat:
                deliver(body)

    workers = [threading.Thread(target=chat_traffic, args=(chat,)) for chat in chats]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []

    expected_offers = len(chats)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answered = all(len(api.to(chat)) >= len(QUESTIONS) for chat in chats)
        if answered and len(api.to(INTERPRETER_CHAT)) >= expected_offers:
            break
        time.sleep(0.5)
    time.sleep(3)  # a late duplicate would arrive now
    for chat in chats:
        assert len(api.to(chat)) == len(QUESTIONS), (chat, api.to(chat))
    store = Store(postgres_url)
    try:
        cases = escalations(store)
        assert store.count_pending_outbox() == 0
    finally:
        store.engine.dispose()
    assert len(cases) == len(chats)  # one per person who asked, none lost, none doubled
    assert len(api.to(INTERPRETER_CHAT)) == expected_offers
