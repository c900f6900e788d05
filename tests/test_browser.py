"""The web chat in a real headless Chromium (Debian's), against the app served on loopback."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def _serve(runtime: Runtime) -> Iterator[str]:
    """The web app on a free loopback port, in a thread, for as long as the block runs."""
    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(runtime: Runtime) -> Iterator[str]:
    with _serve(runtime) as url:
        yield url


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


def test_language_picker_and_scripts_without_spaces(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        # Khmer, chosen with the picker in the header, then asked in Khmer (no spaces between words).
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(server + "/")
        expect(page.locator(".msg.bot").first).to_be_visible(timeout=20000)
        page.select_option("#language", "km")
        expect(page.locator(".msg.me").last).to_have_text("ខ្មែរ", timeout=20000)
        page.fill("#text", "ធានារ៉ាប់រងសុខភាពសម្រាប់ជនបរទេស")
        page.keyboard.press("Enter")  # usable from the keyboard alone
        expect(page.locator(".msg.bot").filter(has_text="·").last).to_be_visible(timeout=30000)
        assert page.get_attribute("html", "lang") in ("en", "km")
        assert page.locator("#language").input_value() == "km"
        page.screenshot(path=str(tmp_path / "km.png"), full_page=True)
        page.close()
        # Thai, typed straight away: the answer comes in Thai with its source line.
        context = browser.new_context(viewport={"width": 390, "height": 844})
        thai = context.new_page()
        thai.goto(server + "/")
        expect(thai.locator(".msg.bot").first).to_be_visible(timeout=20000)
        thai.fill("#text", "ประกันสุขภาพสำหรับคนต่างชาติทำยังไง")
        thai.click("#send")
        answer = thai.locator(".msg.bot").filter(has_text="·").last
        expect(answer).to_be_visible(timeout=30000)
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in answer.inner_text())
        assert thai.locator("#language").input_value() == "th"
        assert thai.locator("main[aria-live=polite]").count() == 1  # read out by screen readers
        browser.close()


@pytest.fixture
def handoff_server(tmp_path: Path, model_dir: Path, database_url: str,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from bot.runtime import build_runtime
    from tests.handoff_helpers import WORKDAY, Clock, add_team, handoff_settings

    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "test-secret")
    runtime = build_runtime(handoff_settings(tmp_path, model_dir, database_url))
    runtime.handoff.clock = Clock(WORKDAY)
    add_team(runtime.store)
    with _serve(runtime) as url:
        yield url
    runtime.store.engine.dispose()


def test_interpreter_reply_reaches_the_web_chat(handoff_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.handoff_helpers import PASSWORD

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        person = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        person.goto(handoff_server + "/?lang=ru")
        expect(person.locator(".msg.bot").first).to_be_visible(timeout=20000)
        person.fill("#text", "Мне нужен переводчик")
        person.press("#text", "Enter")
        expect(person.locator(".msg.bot").last).to_contain_text("1577-1366", timeout=20000)

        console = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()  # a tablet
        console.goto(handoff_server + "/console")
        console.fill("input[name=login]", "ivan")
        console.fill("input[name=password]", PASSWORD)
        console.get_by_role("button", name="Log in").click()
        expect(console.locator("#waiting")).to_contain_text("ru", timeout=20000)
        console.locator("#waiting").get_by_role("button", name="Claim").first.click()
        expect(console.locator("#status")).to_have_text("claimed", timeout=20000)
        expect(console.locator("#transcript")).to_contain_text("Мне нужен переводчик")
        console.fill("textarea[name=text]", "Здравствуйте, это Иван. Чем помочь?")
        console.get_by_role("button", name="Send reply").click()
        expect(console.locator("#status")).to_have_text("answered", timeout=20000)
        console.screenshot(path=str(tmp_path / "console.png"), full_page=True)

        # The web chat asks for team replies every few seconds: the reply appears without a new message.
        expect(person.locator(".msg.bot").last).to_contain_text("Здравствуйте, это Иван", timeout=20000)
        browser.close()
    assert (tmp_path / "console.png").stat().st_size > 10_000


@pytest.fixture
def staff_server(tmp_path: Path, model_dir: Path, database_url: str,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Runtime]]:
    from bot.dialogue import Incoming
    from bot.models import utcnow
    from bot.runtime import build_runtime
    from tests.handoff_helpers import WORKDAY, Clock, add_team, handoff_settings
    from tests.test_dashboard import seed

    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "test-secret")
    runtime = build_runtime(handoff_settings(tmp_path, model_dir, database_url))
    runtime.handoff.clock = Clock(WORKDAY)
    add_team(runtime.store)
    seed(runtime.store, utcnow())
    for user, lang in (("sub-vi", "vi"), ("sub-km", "km")):
        runtime.engine.handle(Incoming("web", user, f"/lang {lang}"))
        runtime.engine.handle(Incoming("web", user, "/subscribe"))
    with _serve(runtime) as url:
        yield url, runtime
    runtime.store.engine.dispose()


def test_dashboard_and_announcement_in_a_real_browser(staff_server: tuple[str, Runtime], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.handoff_helpers import PASSWORD

    url, runtime = staff_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()  # a tablet
        page.goto(url + "/console/login")
        page.fill("input[name=login]", "kim")
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(url + "/console/dashboard")
        page.select_option("select[name=language]", "uz")
        page.get_by_role("button", name="Show").click()
        first = page.locator("tr.gap").first
        expect(first).to_contain_text("Haydovchilik")
        first.locator("select[name=decision]").select_option("new_card")
        first.get_by_role("button", name="Save").click()
        expect(page.locator("tr.gap").first.locator(".decision")).to_have_text("new card needed")
        # The charts are drawn: bars with a size, and a screenshot that is not blank.
        page.goto(url + "/console/dashboard")
        chart = page.locator("#demand svg").first
        expect(chart).to_be_visible()
        assert page.locator("#demand svg rect").count() >= 2
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 40
        chart.screenshot(path=str(tmp_path / "demand.png"))
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

        page.goto(url + "/console/announcements")
        page.fill("input[name=title]", "Heavy rain")
        page.fill("textarea[name=text_ko]", "내일 폭우 경보")
        page.fill("textarea[name=text_en]", "Heavy rain warning tomorrow")
        page.fill("textarea[name=text_vi]", "Cảnh báo mưa lớn ngày mai")
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#preview [role=alert]")).to_contain_text("km (1 people)")
        page.get_by_role("button", name="Send to 2 people").click()
        expect(page.locator("#sent")).to_contain_text("Heavy rain")
        browser.close()
    assert (tmp_path / "demand.png").stat().st_size > 3_000 and (tmp_path / "dashboard.png").stat().st_size > 20_000
    from bot.dialogue import Incoming

    # A subscriber on the web chat gets it with their next message, in Vietnamese.
    reply = runtime.engine.handle(Incoming("web", "sub-vi", "?"))
    assert any("Cảnh báo mưa lớn" in m for m in reply.messages)
