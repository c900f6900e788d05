"""Language ID on hard chat messages (tests/fixtures/langid_hard.jsonl): one-to-four words in the first batches,
question-length from the fifth, mixed scripts,
Vietnamese without marks, Uzbek in both scripts with Russian loanwords, Russian with Uzbek words,
romanised Korean and Nepali, English with typos. Each of its eight batches was written before it was
measured; the rules before it reached 97.5 % without a hint. The fourth (198 messages) is phone-typed
English with romanised Korean terms, Vietnamese with partial or telex-typed marks, Uzbek with every
apostrophe look-alike or none and Cyrillic Uzbek on a Russian keyboard, with Russian and Nepali near-misses;
the rules of the time read 193 of them right (97.5 %). The fifth (200 messages) is question-length (6-30 words,
as newcomers ask the bot about registration, visas, KIIP, wages, injuries, housing, banks, phones, buses, and
out-of-scope things): 50 English, 50 Vietnamese (full, partial or no marks, Telex, Hangul terms), 60 Uzbek
(Latin with ' ` ‘ ’ ʻ ´ or no apostrophe, Cyrillic with ў қ ғ ҳ or on a Russian keyboard, Russian loanwords,
Hangul terms) and 40 near-misses (Russian with Hangul terms, Korean with English words, Nepali romanised and
in Devanagari, Khmer, Thai, Chinese with Latin terms); the rules of the time read all 200 right (100 %). So a
sixth (137 messages) was written, shorter everyday and out-of-scope questions with brand and place names
(Coupang, Daiso, KTX, Shinhan), Vietnamese without marks around English words, Uzbek in both scripts with
words outside the lists (osh, namoz, posilka) and short Russian, Nepali and Korean near-misses; the same rules
read 135 of them right (98.5 %). A seventh (85 messages), written after the rules that fixed those, asks
about a Korean term or quotes a Korean sentence ("내일부터 나오지 마세요 là sao ạ", "월세 bilan 전세 ning farqi")
in English, Vietnamese and Uzbek of both scripts, with a few near-misses; both the rules before the sixth
batch and those after it read all 85 right (100 %). An eighth (60 messages) checks the rules on local place
names and borrowed terms in small letters (asan, kiip, arc) against messages they could misread: Vietnamese
đã and ga after them, Uzbek case endings apart and joined in both scripts, Nepali and English with the same
names; the rules before and after those read all 60 right (100 %). A ninth (150 messages), written by a helper
that never saw the rules, mixes Hangul office and document names into English, Russian, Uzbek and Vietnamese,
telegraphic Korean, romanised Nepali postpositions after English nouns, Vietnamese chat abbreviations and short
Cyrillic Uzbek on a Russian keyboard; the rules before and after tests/test_langid_typed.py read all 150 right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu.langid import LANGUAGES, detect

_CORPUS = Path(__file__).parent / "fixtures" / "langid_hard.jsonl"
_GOAL = 0.99  # all languages together
_MISSES_PER_LANGUAGE = 1  # at most, in any one language


def _corpus() -> list[tuple[str, str]]:
    with _CORPUS.open(encoding="utf-8") as lines:
        return [(row["text"], row["lang"]) for row in map(json.loads, filter(str.strip, lines))]


def _misses(hinted: bool) -> dict[str, tuple[int, list[str]]]:
    """Per language: how many messages, and the ones detected wrong (as "text -> detected")."""
    result: dict[str, tuple[int, list[str]]] = {lang: (0, []) for lang in LANGUAGES}
    for text, lang in _corpus():
        total, wrong = result[lang]
        found = detect(text, hint=lang if hinted else None).lang
        result[lang] = (total + 1, wrong + ([f"{text!r} -> {found}"] if found != lang else []))
    return result


def test_corpus_is_weighted_to_the_hard_languages() -> None:
    counts = {lang: total for lang, (total, _) in _misses(hinted=False).items()}
    assert min(counts.values()) >= 25 and counts["uz"] >= 60 and counts["vi"] >= 50, counts


@pytest.mark.parametrize("hinted", [False, True], ids=["no-hint", "own-hint"])
def test_accuracy(hinted: bool) -> None:
    misses = _misses(hinted)
    total = sum(count for count, _ in misses.values())
    wrong = [f"{lang}: {line}" for lang, (_, lines) in sorted(misses.items()) for line in lines]
    assert 1 - len(wrong) / total >= _GOAL, "\n".join(wrong)
    too_many = {lang: lines for lang, (_, lines) in misses.items() if len(lines) > _MISSES_PER_LANGUAGE}
    assert not too_many, too_many
