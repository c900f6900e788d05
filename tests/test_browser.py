"""The web chat in a real headless Chromium (Debian's), against the app served on loopback."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bot.runtime import Runtime
from connectors.web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(runtime: Runtime) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def test_chat_in_a_real_browser(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.goto(server + "/?lang=ru")
        expect(page.locator(".msg.bot").first).to_be_visible(timeout=20000)
        # The language menu arrives as buttons; choosing Russian answers in Russian.
        page.get_by_role("button", name="Русский").click()
        expect(page.locator(".msg.bot").last).to_contain_text("русск", timeout=20000)
        page.fill("#text", "Где можно бесплатно учить корейский язык?")
        page.press("#text", "Enter")
        answer = page.locator(".msg.bot").filter(has_text="·")
        expect(answer.last).to_be_visible(timeout=30000)
        expect(page.get_by_role("button", name="Да")).to_be_visible()
        page.get_by_role("button", name="Да").click()
        expect(page.locator(".msg.bot").last).to_contain_text("Спасибо", timeout=20000)
        page.screenshot(path=str(tmp_path / "web-chat.png"), full_page=True)
        browser.close()
    assert (tmp_path / "web-chat.png").stat().st_size > 10_000
