"""One call that reads a message: its language, danger signals, and the ranked cards and intents."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from nlu.classifier import CardClassifier, Ranked
from nlu.danger import DangerDetector, DangerHit
from nlu.langid import LANGUAGES, Detection, detect
from nlu.tokenize import tokenizer_for


@dataclass(frozen=True)
class Reading:
    """What the NLU made of one message."""

    text: str
    detection: Detection
    danger: DangerHit | None
    ranking: list[Ranked] = field(default_factory=list)

    @property
    def lang(self) -> str:
        """The detected language code (uz for both Uzbek scripts)."""
        return self.detection.lang


class Reader(Protocol):
    """What the engine needs from an NLU backend: one reading per message, and a danger lexicon it
    can swap when the content is reloaded."""

    danger: DangerDetector

    def read(self, text: str, hint: str | None = None, lang: str | None = None) -> Reading:
        """Read one message."""
        ...

    def warm_up(self) -> None:
        """Load everything that would otherwise load on a language's first message."""
        ...


class Understander:
    """Language ID, danger lexicon and the trained classifier, behind one method."""

    def __init__(self, classifier: CardClassifier, danger: DangerDetector) -> None:
        self.classifier = classifier
        self.danger = danger
        # The sentence encoder and some tokenizers (MeCab, CRF models) are not re-entrant: one
        # message at a time per process, warm-up included.
        self._lock = threading.Lock()

    def read(self, text: str, hint: str | None = None, lang: str | None = None) -> Reading:
        """Read `text`; `lang` forces the language (an explicit choice), `hint` only tips the balance."""
        detection = detect(text, hint)
        if lang is not None and lang != detection.lang:
            detection = Detection(lang, 1.0, detection.script, "forced")
        with self._lock:
            ranking = self.classifier.rank(text, detection.lang)
        return Reading(text=text, detection=detection, danger=self.danger.check(text), ranking=ranking)

    def warm_up(self) -> None:
        """Load every language's tokenizer and the encoder (about 3 s), so that no person's first
        message waits for them."""
        with self._lock:
            for lang in LANGUAGES:
                tokenizer_for(lang)("warm-up")  # some load their dictionaries on first use
            if self.classifier.encoder is not None:
                self.classifier.encoder.encode(["warm-up"])
