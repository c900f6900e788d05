"""A stand-in for the Telegram Bot API on loopback: records every sendMessage, answers like Telegram."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeTelegramApi:
    """Run with `with FakeTelegramApi() as api:`; point the bot at `api.url`."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        # Called with (chat id, monotonic time) after each sendMessage is recorded, on the server's thread: the
        # load benchmark learns of a reply at once instead of polling the list.
        self.on_send: Callable[[int, float], None] | None = None
        api = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as api.telegram.org: with HTTP/1.0 every call opened a new connection, which
            # cost the bot's HTTP client CPU that it does not spend against Telegram (load benchmark).
            protocol_version = "HTTP/1.1"
            # The headers and the body go out in two writes: with Nagle's algorithm the body waited for the
            # bot's delayed ACK, 40 ms a reply on a kept-alive connection (api.telegram.org answers at once).
            disable_nagle_algorithm = True

            def log_message(self, *_args: Any) -> None:
                return None

            def do_POST(self) -> None:  # noqa: N802 - the http.server protocol
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("content-type") or ""):
                    params = json.loads(body or "{}")
                else:
                    params = {key: values[0] for key, values in parse_qs(body).items()}
                method = self.path.rsplit("/", 1)[-1]
                result: Any = True
                if method == "getMe":
                    result = {"id": 7000000001, "is_bot": True, "first_name": "Asan helper", "username": "asan_bot"}
                elif method == "sendMessage":
                    chat, at = int(params["chat_id"]), time.monotonic()
                    with api._lock:
                        api.sent.append({"chat_id": chat, "text": params.get("text", ""), "at": at})
                        number = len(api.sent)
                    if api.on_send is not None:
                        api.on_send(chat, at)
                    result = {"message_id": number, "date": 0, "chat": {"id": chat, "type": "private"}}
                payload = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeTelegramApi:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, chat: int) -> list[str]:
        """Texts sent to one chat, in order."""
        with self._lock:
            return [m["text"] for m in self.sent if m["chat_id"] == chat]
