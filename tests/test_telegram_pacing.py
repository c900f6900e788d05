"""Telegram pacing on a fake clock: announcements bot-wide at ~30 a second, replies only per chat."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from telegram import Bot
from telegram.request import RequestData

from bot import announcements
from bot.dialogue import Incoming
from bot.runtime import Runtime
from connectors.telegram import BULK_PER_SECOND, GROUP_INTERVAL, RecentTimes, TelegramChannel, bot_from_environment
from tests.fake_telegram_api import FakeTelegramApi
from tests.test_telegram import SECRET, OfflineRequest, update


class FakeTime:
    """A clock that only moves when the channel sleeps; every sleep is recorded with the task that slept."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[tuple[asyncio.Task[Any] | None, float]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append((asyncio.current_task(), seconds))
        self.now += seconds
        await asyncio.sleep(0)


class TimedRequest(OfflineRequest):
    """The offline Bot API, noting the fake time of every sendMessage."""

    def __init__(self, time: FakeTime) -> None:
        super().__init__()
        self.time = time
        self.sent_at: list[tuple[int, float]] = []

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and request_data is not None:
            self.sent_at.append((int(str(request_data.parameters["chat_id"])), self.time.now))
        return await super().do_request(url, method, request_data, read_timeout, write_timeout, connect_timeout,
                                        pool_timeout)


def channel_on(runtime: Runtime, time: FakeTime) -> tuple[TelegramChannel, TimedRequest]:
    request = TimedRequest(time)
    bot = Bot("123456:TEST-TOKEN", request=request, get_updates_request=OfflineRequest())
    channel = TelegramChannel(runtime.engine, runtime.store, bot, SECRET, runtime.translator.text,
                              sleep=time.sleep, clock=time.clock)
    return channel, request


def announce_to(runtime: Runtime, chats: list[int]) -> int:
    """Subscribe these Telegram chats and queue one announcement to all of them; returns how many were queued."""
    for chat in chats:
        runtime.engine.handle(Incoming("telegram", str(chat), "/subscribe", reply_to=str(chat)))
    announcement = announcements.create(runtime.store, "Heavy rain",
                                        {"ko": "내일 폭우 경보.", "en": "Heavy rain warning tomorrow."}, "kim")
    return announcements.queue(runtime.store, runtime.translator, announcement)


def message_from(chat: int, update_id: int) -> dict[str, Any]:
    data = copy.deepcopy(update("message.json"))
    data["update_id"] = update_id
    data["message"]["from"]["id"] = data["message"]["chat"]["id"] = chat
    return data


def test_an_announcement_is_paced_at_the_bulk_rate(runtime: Runtime) -> None:
    time = FakeTime()
    channel, request = channel_on(runtime, time)
    chats = list(range(7200001, 7200041))
    assert announce_to(runtime, chats) == 40  # more than one second's worth

    async def broadcast() -> int:
        sent = 0
        while channel.outbound.pending():
            sent += await channel.outbound.send_due()
        return sent

    assert asyncio.run(broadcast()) == 40
    times = sorted(at for chat, at in request.sent_at)
    assert sorted(chat for chat, _at in request.sent_at) == chats
    per_second = int(BULK_PER_SECOND)
    # Never more than 30 in any one second: the 31st waits until a second after the first.
    assert all(times[i + per_second] - times[i] >= 1.0 - 1e-6 for i in range(len(times) - per_second))
    assert times[-1] >= 39 / BULK_PER_SECOND - 1e-6


def test_replies_are_not_held_back_by_an_announcement(runtime: Runtime) -> None:
    time = FakeTime()
    channel, request = channel_on(runtime, time)
    subscribers = list(range(7300001, 7300041))
    askers = list(range(7400001, 7400041))
    assert announce_to(runtime, subscribers) == 40

    async def scenario() -> asyncio.Task[Any]:
        broadcast = asyncio.ensure_future(channel.outbound.send_due())
        for n, chat in enumerate(askers):  # 40 people ask while the announcement goes out
            await channel.accept(message_from(chat, 900000000 + n))
        await channel.drain()
        assert await broadcast == 40
        return broadcast

    broadcast = asyncio.run(scenario())
    sent_to = [chat for chat, _at in request.sent_at]
    assert sorted(c for c in sent_to if c in askers) == askers  # every question answered, once
    assert sorted(c for c in sent_to if c in subscribers) == subscribers
    # The announcement waited for its pace (39 gaps of 1/30 s); not one reply waited for anything.
    assert [task for task, _seconds in time.slept] == [broadcast] * 39
    assert sum(seconds for _task, seconds in time.slept) == pytest.approx(39 / BULK_PER_SECOND)


def test_forty_replies_to_forty_chats_need_no_wait(runtime: Runtime) -> None:
    time = FakeTime()
    channel, request = channel_on(runtime, time)
    askers = list(range(7500001, 7500041))

    async def scenario() -> None:
        for n, chat in enumerate(askers):
            await channel.accept(message_from(chat, 910000000 + n))
        await channel.drain()

    asyncio.run(scenario())
    assert sorted(chat for chat, _at in request.sent_at) == askers
    assert time.slept == [] and time.now == 0.0  # more than 30 in the same instant, none held back


def test_one_chat_is_still_paced_and_a_group_at_twenty_a_minute(runtime: Runtime) -> None:
    time = FakeTime()
    channel, request = channel_on(runtime, time)
    person, group = 5123456789, -1001987654321

    async def scenario() -> None:
        for chat in (person, person, group, group, group):
            await channel.send(chat, "hello")

    asyncio.run(scenario())
    person_times = [t for chat, t in request.sent_at if chat == person]
    group_times = [t for chat, t in request.sent_at if chat == group]
    assert person_times[1] - person_times[0] == pytest.approx(1.0)  # one a second in a private chat
    assert [b - a for a, b in zip(group_times, group_times[1:])] == pytest.approx([GROUP_INTERVAL] * 2)
    assert GROUP_INTERVAL >= 60 / 20


def test_the_bot_from_the_environment_has_no_overall_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWCOMER_TELEGRAM_TOKEN", "123456:TEST-TOKEN")
    with FakeTelegramApi() as api:
        bot, _secret = bot_from_environment(need_secret=False, api_url=api.url)
        # PTB's AIORateLimiter would hold every reply to 30 a second; TelegramChannel paces bulk itself.
        assert getattr(bot, "rate_limiter", None) is None

        async def send() -> None:
            async with bot:
                await bot.send_message(chat_id=42, text="hi")

        asyncio.run(send())
        assert api.to(42) == ["hi"]


def test_send_times_forget_chats_that_no_longer_need_pacing() -> None:
    times = RecentTimes(keep=3.0, start_pruning_at=100)
    for chat in range(100_000):  # a long-running server meets many chats, each once
        times.mark(chat, chat / 1000)  # a thousand new chats a second
    assert len(times) <= 2 * 3_000 + 100  # about the last 3 seconds' chats, not all 100,000
    assert times.get(99_999) == 99.999  # recent chats are still paced
    assert times.get(0) == float("-inf")  # long-gone chats count as never
