"""The trained card classifier as served: word and character n-grams plus a multilingual sentence vector
into a softmax layer, with a lexical-only layer in front that answers alone when it is sure (skipping the
costly encoder). Plain numpy: fitting it is nlu/fitting.py's job."""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nlu.encoders import BatchingEncoder, Encoder, make_encoder
from nlu.linear import SoftmaxLayer, Tfidf, char_ngrams, word_ngrams
from nlu.tokenize import tokens

MODEL_FILE = "model.pkl"
META_FILE = "meta.json"
FORMAT_VERSION = 3  # 2: a lexical fast-path layer; 3: plain numpy, no scikit-learn objects
# Sentence vectors are dense and few (384) against thousands of sparse n-grams; this weight
# keeps either family from drowning the other. On a split of the cards' own examples (2 held out
# per card and language) it gave 0.92 top-1 against 0.89 at 1.0 and 0.90 at 4.0.
EMBEDDING_WEIGHT = 2.0


class ModelMissing(Exception):
    """No trained model where the settings say it is."""


@dataclass(frozen=True)
class FastPath:
    """When the lexical layer's ranking is used alone, skipping the sentence encoder (most of a message's
    time): only when it is sure enough that the bot would answer from it, so the encoder is never skipped
    where it could still turn a "not sure" or a menu into an answer."""

    floor: float = 1.1  # the lexical layer's best card at least this probable; above 1: never
    margin: float = 0.0  # and this far ahead of the next label (the dialogue's clarify margin)
    answer: Mapping[str, float] = field(default_factory=dict)  # and at least each language's answer threshold
    # An intent (hello, a person please, ...) acts at a low probability, so the lexical layer alone must be
    # surer of it: "I need an interpreter at the hospital" reads as "a person please" at 0.49 on n-grams.
    intent_floor: float = 1.1
    # The floor for cards while the encoder is busy (messages queue for it): under overload a reply now from
    # the lexical layer beats one that comes late or not at all (KakaoTalk gives a skill 5 seconds). Never
    # above `floor`; 1.1 = always wait for the encoder. Intents keep their floor.
    busy_floor: float = 1.1

    def sure(self, lang: str, label: str, best: float, runner_up: float, busy: bool = False) -> bool:
        """Whether a lexical ranking led by `label`, with these two top probabilities, can stand alone
        (`busy`: while the encoder is busy)."""
        if label.startswith("intent:"):
            floor = self.intent_floor
        else:
            floor = max(min(self.floor, self.busy_floor) if busy else self.floor, self.answer.get(lang, 0.0))
        return best >= floor and best - runner_up >= self.margin


@dataclass(frozen=True)
class Ranked:
    """One label (a card id, or intent:<name>) and its probability."""

    label: str
    probability: float


def fingerprint(examples: Iterable[tuple[str, str, str]]) -> str:
    """A hash of the training data, so a model can tell that the content changed after it."""
    digest = hashlib.sha256()
    for text, label, lang in sorted(examples):
        digest.update(f"{text}\t{label}\t{lang}\n".encode())
    return digest.hexdigest()[:16]


def _never_busy() -> bool:
    return False


@dataclass
class CardClassifier:
    """Ranks the labels for a message; built by nlu.fitting.fit, kept with save() and load()."""

    labels: list[str]
    words: Tfidf
    chars: Tfidf
    lexical: SoftmaxLayer  # n-grams only
    full: SoftmaxLayer  # n-grams and the sentence vector
    meta: dict[str, object]
    encoder: Encoder | None = None  # not saved: encoders hold native handles
    fast_path: FastPath = field(default_factory=FastPath)  # off, until load() is told the settings
    # Whether messages are waiting for the encoder (the serving runtime wires BatchingEncoder.busy in).
    encoder_busy: Callable[[], bool] = _never_busy
    _offset: int = field(init=False)
    _routes: Counter[str] = field(init=False)
    _routes_lock: threading.Lock = field(init=False)

    def __post_init__(self) -> None:
        self._offset = len(self.words.vocabulary)
        self._routes = Counter()
        self._routes_lock = threading.Lock()

    def __getstate__(self) -> dict[str, object]:
        # Counters, the lock and the busy signal belong to a running process, not to the saved model.
        state = dict(self.__dict__)
        for name in ("_routes", "_routes_lock", "encoder_busy"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.encoder_busy = _never_busy
        self._routes = Counter()
        self._routes_lock = threading.Lock()

    def lexical_vector(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sparse columns and values of a tokenised message: word features, then character ones."""
        word_columns, word_values = self.words.vector(word_ngrams(words))
        char_columns, char_values = self.chars.vector(char_ngrams(" ".join(words)))
        return np.concatenate([word_columns, char_columns + self._offset]), np.concatenate([word_values, char_values])

    def rank(self, text: str, lang: str) -> list[Ranked]:
        """All labels for `text`, most probable first: from the lexical layer when it is sure enough,
        otherwise from the full layer with the sentence vector."""
        columns, values = self.lexical_vector(tokens(text, lang))
        probabilities = self.lexical.probabilities(columns, values)
        route = self._route(probabilities, lang)
        if route == "encoder":
            assert self.encoder is not None, "load() gives the classifier its encoder"
            vector = self.encoder.encode([text])[0] * EMBEDDING_WEIGHT
            probabilities = self.full.probabilities(columns, values, vector)
        with self._routes_lock:
            self._routes[route] += 1
        order = np.argsort(probabilities)[::-1]
        return [Ranked(self.labels[i], float(probabilities[i])) for i in order]

    def _route(self, probabilities: np.ndarray, lang: str) -> str:
        """How a message is ranked: "lexical" (sure), "lexical_busy" (sure enough while the encoder is busy)
        or "encoder"."""
        if self.lexical_is_sure(probabilities, lang):
            return "lexical"
        if self.fast_path.busy_floor < self.fast_path.floor and self.encoder_busy() and self.lexical_is_sure(
            probabilities, lang, busy=True
        ):
            return "lexical_busy"
        return "encoder"

    def lexical_is_sure(self, probabilities: np.ndarray, lang: str, busy: bool = False) -> bool:
        """Whether the lexical layer's probabilities for a message in `lang` can skip the encoder
        (`busy`: with the floor for a busy encoder)."""
        top = int(probabilities.argmax())
        runner_up = float(np.partition(probabilities, -2)[-2]) if len(probabilities) > 1 else 0.0
        return self.fast_path.sure(lang, self.labels[top], float(probabilities[top]), runner_up, busy)

    def counts(self) -> dict[str, int]:
        """Messages ranked by each route since start, and the encoder's calls (several messages share one
        when they arrive together)."""
        with self._routes_lock:
            counts = {f"ranked_{route}": n for route, n in sorted(self._routes.items())}
        if isinstance(self.encoder, BatchingEncoder):
            counts["encoder_calls"], counts["encoder_texts"] = self.encoder.calls, self.encoder.texts
        return counts

    def save(self, directory: Path) -> None:
        """Write the model and a JSON summary of how it was trained."""
        directory.mkdir(parents=True, exist_ok=True)
        encoder = self.encoder
        try:
            self.encoder = None
            (directory / MODEL_FILE).write_bytes(pickle.dumps(self))
        finally:
            self.encoder = encoder
        (directory / META_FILE).write_text(json.dumps(self.meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, encoder_name: str, fast_path: FastPath | None = None) -> CardClassifier:
        """Read a saved model (fast path off unless given); raises ModelMissing with the next step when there is none."""
        path = directory / MODEL_FILE
        if not path.is_file():
            raise ModelMissing(f"no trained model in {directory}: run `newcomer train` first")
        try:
            loaded = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, written by save()
        except Exception as exc:  # a truncated or foreign file
            raise ModelMissing(f"the model in {directory} cannot be read ({exc}): run `newcomer train`") from exc
        if not isinstance(loaded, CardClassifier) or loaded.meta.get("format") != FORMAT_VERSION:
            raise ModelMissing(f"the model in {directory} is from another version: run `newcomer train`")
        if loaded.meta.get("encoder") != encoder_name:
            raise ModelMissing(
                f"the model in {directory} was trained with encoder {loaded.meta.get('encoder')!r} "
                f"but config.yml says {encoder_name!r}: run `newcomer train`"
            )
        loaded.encoder = make_encoder(encoder_name)
        loaded.fast_path = fast_path or FastPath()
        return loaded
