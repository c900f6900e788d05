"""Language identification for short chat messages in the nine languages, with a hint as a prior."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nlu.lexicons import NEPALI_ROMAN, KOREAN_ROMAN, UZBEK_CYRILLIC_WORDS, VIETNAMESE_PLAIN

LANGUAGES = ("ko", "en", "zh", "vi", "km", "uz", "th", "ne", "ru")
_LATIN_LANGS = ["en", "vi", "uz"]
_WORD = re.compile(r"[^\W\d_]+(?:['’ʻʼ`][^\W\d_]+)*", re.UNICODE)
_UZ_CYRILLIC_LETTERS = set("ўқғҳЎҚҒҲ")

# Script of a character, by Unicode block: the cheapest and surest signal for six of the nine.
_SCRIPT_RANGES = (
    ("Hang", 0xAC00, 0xD7A3),
    ("Hang", 0x1100, 0x11FF),
    ("Hang", 0x3130, 0x318F),
    ("Hani", 0x4E00, 0x9FFF),
    ("Hani", 0x3400, 0x4DBF),
    ("Thai", 0x0E00, 0x0E7F),
    ("Khmr", 0x1780, 0x17FF),
    ("Khmr", 0x19E0, 0x19FF),
    ("Deva", 0x0900, 0x097F),
    ("Cyrl", 0x0400, 0x04FF),
)
_SCRIPT_LANG = {"Hang": "ko", "Hani": "zh", "Thai": "th", "Khmr": "km", "Deva": "ne"}


@dataclass(frozen=True)
class Detection:
    """The language of one message, how sure we are, and the script (for Uzbek)."""

    lang: str
    confidence: float
    script: str
    reason: str

    @property
    def tag(self) -> str:
        """A language tag that keeps the Uzbek script: uz, uz-Cyrl or a plain code."""
        return "uz-Cyrl" if self.lang == "uz" and self.script == "Cyrl" else self.lang


def char_script(char: str) -> str | None:
    """The script of one character, or None for punctuation, digits and unknown blocks."""
    code = ord(char)
    for name, low, high in _SCRIPT_RANGES:
        if low <= code <= high:
            return name
    if char.isalpha() and unicodedata.name(char, "").startswith("LATIN"):
        return "Latn"
    return None


def word_scripts(text: str) -> dict[str, int]:
    """How many words of each script a message has (a word is counted once, by its first letter).

    Words, not letters, are counted so that "Где получить 외국인등록증?" stays Russian: one Korean
    term inside a Russian sentence should not outweigh it.
    """
    counts: dict[str, int] = {}
    for word in re.findall(r"\w+", text):
        script = next((s for s in map(char_script, word) if s), None)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return counts


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(_LATIN_LANGS)
    return ident


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _lexicon_share(words: list[str], lexicon: frozenset[str]) -> float:
    return sum(w in lexicon for w in words) / len(words) if words else 0.0


def _latin(text: str, hint: str | None) -> Detection:
    words = _words(text)
    # Vietnamese typed without diacritics, and romanised Korean or Nepali, fool character models.
    for lang, lexicon, reason in (
        ("vi", VIETNAMESE_PLAIN, "vietnamese-without-diacritics"),
        ("ko", KOREAN_ROMAN, "romanised-korean"),
        ("ne", NEPALI_ROMAN, "romanised-nepali"),
    ):
        share = _lexicon_share(words, lexicon)
        if len(words) >= 2 and share >= 0.6:
            return Detection(lang, min(0.95, share), "Latn", reason)
    lang, prob = _identifier().classify(text)
    if len(words) <= 1 and hint:
        # One word ("ok", "hello") says little: the conversation's language wins.
        return Detection(hint, 0.5, "Latn", "too-short-use-hint")
    if hint in _LATIN_LANGS and prob < 0.8:
        return Detection(hint, float(prob), "Latn", "uncertain-use-hint")
    return Detection(str(lang), float(prob), "Latn", "py3langid")


def _cyrillic(text: str) -> Detection:
    if any(ch in _UZ_CYRILLIC_LETTERS for ch in text):
        return Detection("uz", 0.95, "Cyrl", "uzbek-cyrillic-letters")
    words = _words(text)
    share = _lexicon_share(words, UZBEK_CYRILLIC_WORDS)
    if share >= 0.34:
        return Detection("uz", 0.7 + 0.25 * share, "Cyrl", "uzbek-cyrillic-words")
    return Detection("ru", 0.9, "Cyrl", "cyrillic")


def detect(text: str, hint: str | None = None) -> Detection:
    """Identify the language of `text`; `hint` (a saved choice or channel language) is a prior only."""
    hint = hint if hint in LANGUAGES else None
    counts = word_scripts(text)
    if not counts:
        return Detection(hint or "en", 0.0, "Zyyy", "no-letters")
    script, top = max(counts.items(), key=lambda item: item[1])
    total = sum(counts.values())
    if script in _SCRIPT_LANG:
        # Japanese kana would land here as Hani; it is not one of our languages.
        return Detection(_SCRIPT_LANG[script], top / total, script, "script")
    if script == "Cyrl":
        found = _cyrillic(text)
        return Detection(found.lang, found.confidence * top / total, "Cyrl", found.reason)
    found = _latin(text, hint)
    return Detection(found.lang, found.confidence * top / total, "Latn", found.reason)
