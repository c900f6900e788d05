"""A bot process for the crash tests: takes one Telegram update (or resumes after a crash) and sends its outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.request import RequestData

from bot.runtime import build_runtime
from connectors.telegram import TelegramChannel
from connectors.telegram_desk import StaffDesk
from tests.handoff_helpers import WORKDAY, Clock, add_team, handoff_settings
from tests.test_telegram import OfflineRequest

UPDATE = {
    "update_id": 918273645,
    "message": {"message_id": 7, "date": 1795490123, "text": "Мне нужен переводчик, пожалуйста",
                "from": {"id": 5123456789, "is_bot": False, "first_name": "Dilnoza", "language_code": "ru"},
                "chat": {"id": 5123456789, "first_name": "Dilnoza", "type": "private"}},
}


class LoggingRequest(OfflineRequest):
    """The offline Bot API, plus a file: every sendMessage is appended (and synced) before it is acknowledged."""

    def __init__(self, log_path: Path) -> None:
        super().__init__()
        self.log_path = log_path

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        params = request_data.parameters if request_data else {}
        if url.endswith("/sendMessage"):
            with self.log_path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"chat_id": params.get("chat_id"), "text": params.get("text")}) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        return await super().do_request(url, method, request_data)


async def main(database_url: str, model_dir: str, log_path: str, step: str) -> None:
    runtime = build_runtime(handoff_settings(Path(log_path).parent, Path(model_dir), database_url))
    runtime.handoff.clock = Clock(WORKDAY)
    if step == "start":
        add_team(runtime.store)
    bot = Bot("123456:TEST-TOKEN", request=LoggingRequest(Path(log_path)))
    channel = TelegramChannel(runtime.engine, runtime.store, bot, "secret", runtime.translator.text,
                              desk=StaffDesk(runtime.store, runtime.handoff))
    if step == "resume":
        channel.outbound.lease = dt.timedelta(0)  # this is the only process: a "sending" row was orphaned
        await channel.resume()
    await channel.accept(UPDATE)  # on resume: Telegram delivering the update again, as it does without a 200
    await channel.drain()
    await channel.outbound.send_due()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
