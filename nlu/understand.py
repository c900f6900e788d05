"""One call that reads a message: its language, danger signals, and the ranked cards and intents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from nlu.classifier import CardClassifier, Ranked
from nlu.danger import DangerDetector, DangerHit
from nlu.langid import Detection, detect


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
        return Reading(
            text=text,
            detection=detection,
            danger=self.danger.check(text),
            ranking=self.classifier.rank(text, detection.lang),
        )
