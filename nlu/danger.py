"""Danger detection: phrases that signal violence, injury or self-harm, matched in every language."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nlu.tokenize import strip_marks


@dataclass(frozen=True)
class DangerHit:
    """Which danger category a message matched, the safety card to send, and the phrase found."""

    category: str
    card: str
    phrase: str


def _normal(text: str) -> str:
    # Casefold, and drop Latin diacritics so "đánh tôi" and "danh toi" both match.
    return strip_marks(" ".join(unicodedata.normalize("NFC", text).casefold().split()))


def _pattern(phrase: str) -> re.Pattern[str]:
    """Words in spaced scripts must start at a word boundary ("kill" is not in "skill"); stems may
    run on ("избива" matches "избивает"). Korean, Chinese, Thai and Khmer match anywhere."""
    spaced = any(ch.isalpha() and ("LATIN" in unicodedata.name(ch, "") or "CYRILLIC" in unicodedata.name(ch, ""))
                 for ch in phrase)
    return re.compile((r"(?<!\w)" if spaced else "") + re.escape(phrase))


class DangerDetector:
    """Looks for lexicon phrases of all languages in a message: a person in danger may mix languages."""

    def __init__(self, categories: dict[str, tuple[str, dict[str, list[str]]]]) -> None:
        found: list[tuple[str, str, str]] = []
        for name, (card, by_language) in categories.items():
            for phrases in by_language.values():
                found.extend((_normal(p), name, card) for p in phrases if p.strip())
        # Longer phrases first, so the most specific category wins.
        found.sort(key=lambda item: -len(item[0]))
        self._phrases = [(phrase, _pattern(phrase), name, card) for phrase, name, card in found]

    def check(self, text: str) -> DangerHit | None:
        """The first danger phrase found in `text`, or None."""
        normal = _normal(text)
        for phrase, pattern, name, card in self._phrases:
            # Every message is checked and almost none holds a phrase: the plain substring test (a third of
            # the time of the search) rules a phrase out before its pattern looks at word starts.
            if phrase in normal and pattern.search(normal):
                return DangerHit(category=name, card=card, phrase=phrase)
        return None
