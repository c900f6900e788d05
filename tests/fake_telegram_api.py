"""A stand-in for the Telegram Bot API on loopback: records every sendMessage, answers like Telegram."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs


class FakeTelegramApi:
    """Run with `with FakeTelegramApi() as api:`; point the bot at `api.url`.

    An asyncio server on a thread of its own, reading HTTP/1.1 with keep-alive as api.telegram.org does. The
    load benchmark runs it beside its load generator on the cores it measures, so it parses no more than a
    bot sends (a request line, headers, a body of content-length bytes) and answers in one write: http.server's
    thread per connection and header parsing cost more CPU per reply than the bot's own HTTP client did.
    """

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        # Called with (chat id, monotonic time) after each sendMessage is recorded, on the server's thread: the
        # load benchmark learns of a reply at once instead of polling the list.
        self.on_send: Callable[[int, float], None] | None = None
        self._loop = asyncio.new_event_loop()
        self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/bot"
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> FakeTelegramApi:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        async def close() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def to(self, chat: int) -> list[str]:
        """Texts sent to one chat, in order."""
        with self._lock:
            return [m["text"] for m in self.sent if m["chat_id"] == chat]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return  # the client closed its kept-alive connection
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                headers = dict(line.lower().split(": ", 1) for line in header_lines if ": " in line)
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                method = request_line.split(" ")[1].rsplit("/", 1)[-1]
                payload = json.dumps({"ok": True, "result": self._answer(method, headers, body)}).encode()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                             + str(len(payload)).encode() + b"\r\n\r\n" + payload)
                await writer.drain()
                if headers.get("connection") == "close":
                    return
        finally:
            writer.close()

    def _answer(self, method: str, headers: dict[str, str], body: bytes) -> Any:
        text = body.decode("utf-8")
        if "json" in headers.get("content-type", ""):
            params = json.loads(text or "{}")
        else:
            params = {key: values[0] for key, values in parse_qs(text).items()}
        if method == "getMe":
            return {"id": 7000000001, "is_bot": True, "first_name": "Asan helper", "username": "asan_bot"}
        if method != "sendMessage":
            return True
        chat, at = int(params["chat_id"]), time.monotonic()
        with self._lock:
            self.sent.append({"chat_id": chat, "text": params.get("text", ""), "at": at})
            number = len(self.sent)
        if self.on_send is not None:
            self.on_send(chat, at)
        return {"message_id": number, "date": 0, "chat": {"id": chat, "type": "private"}}
