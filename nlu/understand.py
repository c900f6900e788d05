"""One call that reads a message: its language, danger signals, and the ranked cards and intents."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from nlu.classifier import CardClassifier, Ranked
from nlu.danger import DangerDetector, DangerHit
from nlu.langid import LANGUAGES, Detection, detect
from nlu.tokenize import tokens


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


def with_hint(reading: Reading, hint: str | None) -> Reading | None:
    """`reading` under another language hint, or None when the hint changes the language, which the ranking
    depends on: language ID takes microseconds, ranking milliseconds."""
    detection = detect(reading.text, hint)
    return replace(reading, detection=detection) if detection.lang == reading.detection.lang else None


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

    def read(self, text: str, hint: str | None = None, lang: str | None = None) -> Reading:
        """Read `text`; `lang` forces the language (an explicit choice), `hint` only tips the balance."""
        detection = detect(text, hint)
        if lang is not None and lang != detection.lang:
            detection = Detection(lang, 1.0, detection.script, "forced")
        # No lock around the whole reading: the encoder is re-entrant and each language's tokenizer holds
        # its own lock (MeCab and the CRF models are not), so a message the lexical layer answers alone is
        # not queued behind another message's encoding.
        ranking = self.classifier.rank(text, detection.lang)
        return Reading(text=text, detection=detection, danger=self.danger.check(text), ranking=ranking)

    def counts(self) -> dict[str, int]:
        """How messages were ranked since start (see CardClassifier.counts)."""
        return self.classifier.counts()

    def warm_up(self) -> None:
        """Load every language's tokenizer and the encoder (about 3 s), so that no person's first
        message waits for them."""
        for lang in LANGUAGES:
            tokens("warm-up", lang)  # some tokenizers load their dictionaries on first use
        if self.classifier.encoder is not None:
            self.classifier.encoder.encode(["warm-up"])
