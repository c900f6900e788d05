"""Language ID on fresh chat messages (tests/fixtures/langid_chat.jsonl), per language, with and without a hint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu.langid import LANGUAGES, detect

_CORPUS = Path(__file__).parent / "fixtures" / "langid_chat.jsonl"
# Reached on this corpus (354 messages, about 40 a language): a fix that loses a message here must say why.
_FLOOR = {lang: 1.0 for lang in LANGUAGES}


def _corpus() -> list[tuple[str, str]]:
    with _CORPUS.open(encoding="utf-8") as lines:
        return [(row["text"], row["lang"]) for row in map(json.loads, lines) if row]


def _misses(hinted: bool) -> dict[str, tuple[int, list[str]]]:
    """Per language: how many messages, and the ones detected wrong (as "text -> detected")."""
    result: dict[str, tuple[int, list[str]]] = {}
    for text, lang in _corpus():
        total, wrong = result.get(lang, (0, []))
        found = detect(text, hint=lang if hinted else None).lang
        result[lang] = (total + 1, wrong + ([f"{text!r} -> {found}"] if found != lang else []))
    return result


def test_corpus_covers_every_language() -> None:
    counts = {lang: total for lang, (total, _) in _misses(hinted=False).items()}
    assert set(counts) == set(LANGUAGES) and min(counts.values()) >= 30, counts


@pytest.mark.parametrize("hinted", [False, True], ids=["no-hint", "own-hint"])
def test_accuracy_per_language(hinted: bool) -> None:
    below = {
        lang: f"{1 - len(wrong) / total:.1%} < {_FLOOR[lang]:.0%}: " + "; ".join(wrong)
        for lang, (total, wrong) in _misses(hinted).items()
        if 1 - len(wrong) / total < _FLOOR[lang]
    }
    assert not below, "\n".join(f"{lang}: {line}" for lang, line in sorted(below.items()))
