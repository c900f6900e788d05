"""Tokenising and language detection for the exported Rasa project, in plain Python (no Rasa import, runs on 3.10+)."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Dict, List, Optional, Tuple

# Scripts by Unicode block. Rasa's own WhitespaceTokenizer treats U+24C2-U+1F251 as "emoji" and
# drops every Hangul and CJK word, so this module decides on words itself.
_BLOCKS = (
    ("Hang", 0xAC00, 0xD7A3), ("Hang", 0x1100, 0x11FF), ("Hang", 0x3130, 0x318F),
    ("Hani", 0x4E00, 0x9FFF), ("Hani", 0x3400, 0x4DBF), ("Hani", 0xF900, 0xFAFF),
    ("Thai", 0x0E00, 0x0E7F), ("Khmr", 0x1780, 0x17FF), ("Khmr", 0x19E0, 0x19FF),
    ("Deva", 0x0900, 0x097F), ("Cyrl", 0x0400, 0x04FF),
)
# Scripts written without spaces between words. No segmenter ships with Rasa: Chinese is cut into
# characters (word bigrams in the featuriser then see character pairs), while a Thai or Khmer run
# stays one token whose character n-grams (char_wb) carry the words inside it.
PER_CHARACTER = frozenset({"Hani"})
SCRIPT_LANGUAGE = {"Hang": "ko", "Hani": "zh", "Thai": "th", "Khmr": "km", "Deva": "ne"}
_KHMER_COENG = "\u17d2"  # joins the next consonant under the previous one: one cluster
_APOSTROPHES = "'’‘ʻʼ`"
_UZ_CYRILLIC_LETTERS = frozenset("ўқғҳЎҚҒҲ")
_VI_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")
_WORD = re.compile(r"[^\W\d_]+(?:['][^\W\d_]+)*")


def script_of(char: str) -> Optional[str]:
    """The script of one character (Hang, Hani, Thai, Khmr, Deva, Cyrl, Latn, Othr) or None if not a letter."""
    code = ord(char)
    for name, low, high in _BLOCKS:
        if low <= code <= high:
            return name
    if char.isalpha():
        return "Latn" if unicodedata.name(char, "").startswith("LATIN") else "Othr"
    return None


def _kind(char: str) -> Optional[str]:
    """What a character contributes to a word: a script, digits, a combining mark ("M") or None (a break)."""
    if unicodedata.category(char).startswith("M"):
        return "M"
    if char.isdigit():
        return "Nd"
    return script_of(char)


def word_spans(text: str) -> List[Tuple[str, int]]:
    """Words of `text` with their start offsets. Words break at spaces, punctuation and changes of
    script; apostrophes inside Latin words stay (Uzbek o'zbek); each Chinese character is a word."""
    spans: List[Tuple[str, int]] = []
    start, kind = -1, None
    index = 0

    def close(end: int) -> None:
        if start >= 0 and end > start:
            spans.append((unicodedata.normalize("NFC", text[start:end]), start))

    while index < len(text):
        char = text[index]
        this = _kind(char)
        if this == "M" and start >= 0:
            index += 1
            if char == _KHMER_COENG and index < len(text):
                index += 1  # the subscript consonant belongs to the same cluster
            continue
        if (char in _APOSTROPHES and kind == "Latn" and index + 1 < len(text)
                and script_of(text[index + 1]) == "Latn"):
            index += 1
            continue
        if this is None or this == "M":
            close(index)
            start, kind = -1, None
        elif this != kind or this in PER_CHARACTER:
            close(index)
            start, kind = index, this
        index += 1
    close(len(text))
    return spans


def normalise_word(word: str) -> str:
    """A token's text for features: NFC, casefolded, one apostrophe."""
    for mark in _APOSTROPHES[1:]:
        word = word.replace(mark, "'")
    return unicodedata.normalize("NFC", word).casefold()


def word_scripts(text: str) -> Dict[str, int]:
    """How many words of each script `text` has (a Chinese character or Thai cluster counts as a
    word too, so a Chinese sentence with one English brand name stays Chinese)."""
    counts: Dict[str, int] = {}
    for word, _start in word_spans(text):
        script = next((s for s in map(script_of, word) if s), None)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    return counts


class LanguageGuesser:
    """Guesses the language tag of a message: by script for six languages, by word statistics
    (learnt from the cards' example questions at export time) between en, vi and uz in Latin letters
    and between ru and uz-Cyrl in Cyrillic, and by name when the message only names a language."""

    def __init__(self, word_counts: Dict[str, Dict[str, int]], names: Dict[str, str]) -> None:
        self.names = {self._plain(name): tag for name, tag in names.items()}
        self.totals = {tag: sum(counts.values()) for tag, counts in word_counts.items()}
        self.counts = word_counts
        self.vocabulary = len({w for counts in word_counts.values() for w in counts}) or 1

    @staticmethod
    def _plain(text: str) -> str:
        return " ".join(normalise_word(unicodedata.normalize("NFKC", text)).strip(" .!?").split())

    def _score(self, words: List[str], tags: List[str]) -> Optional[str]:
        known = [tag for tag in tags if tag in self.counts]
        if not known or not any(w in self.counts[tag] for tag in known for w in words):
            return None  # no word seen in any example (a typo, gibberish): keep the language as it was

        def log_likelihood(tag: str) -> float:
            counts, total = self.counts[tag], self.totals[tag]
            return sum(math.log((counts.get(w, 0) + 0.5) / (total + 0.5 * self.vocabulary)) for w in words)

        return max(known, key=log_likelihood)

    def guess(self, text: str) -> Optional[str]:
        """A language tag (ko en zh vi km uz uz-Cyrl th ne ru), or None when the text gives no clue."""
        named = self.names.get(self._plain(text))
        if named is not None:
            return named
        counts = word_scripts(text)
        if not counts:
            return None
        script = max(counts.items(), key=lambda item: item[1])[0]
        if script in SCRIPT_LANGUAGE:
            return SCRIPT_LANGUAGE[script]
        words = [normalise_word(w) for w in _WORD.findall(text.replace("’", "'").replace("ʻ", "'"))]
        if script == "Cyrl":
            if any(ch in _UZ_CYRILLIC_LETTERS for ch in text):
                return "uz-Cyrl"
            return self._score(words, ["ru", "uz-Cyrl"]) or "ru"
        if script == "Latn":
            if any(ch in _VI_LETTERS for ch in text):
                return "vi"
            return self._score(words, ["en", "vi", "uz"])
        return None


def count_words(examples: List[Tuple[str, str]]) -> Dict[str, Dict[str, int]]:
    """Word counts per language tag from (text, tag) pairs, for LanguageGuesser."""
    counts: Dict[str, Dict[str, int]] = {}
    for text, tag in examples:
        bucket = counts.setdefault(tag, {})
        for word in _WORD.findall(text.replace("’", "'").replace("ʻ", "'")):
            key = normalise_word(word)
            bucket[key] = bucket.get(key, 0) + 1
    return counts
