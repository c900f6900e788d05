"""The danger lexicon matcher: word starts in spaced scripts, marks ignored, the longest phrase first, and its
substring shortcut never missing what the patterns alone find."""

from __future__ import annotations

import json
from pathlib import Path

from bot.runtime import danger_detector, load_content
from nlu.danger import DangerDetector, DangerHit, _normal
from tests.conftest import ROOT, settings_for

LEXICON = {
    "violence": ("safety.violence", {"en": ["kill", "hit me"], "vi": ["đánh tôi"], "ko": ["때려요"],
                                     "ru": ["избива"]}),
    "self_harm": ("safety.crisis", {"en": ["kill myself"]}),
}


def _phrase(hit: DangerHit | None) -> str | None:
    return hit.phrase if hit else None


def test_spaced_words_match_at_their_start_and_stems_run_on() -> None:
    detector = DangerDetector(LEXICON)
    assert _phrase(detector.check("He will KILL me")) == "kill"
    assert detector.check("I need a new skill for my job") is None  # "kill" inside a word
    assert _phrase(detector.check("муж меня избивает")) == "избива"
    assert _phrase(detector.check("남편이 저를 때려요")) == "때려요"  # unspaced scripts match anywhere


def test_marks_are_ignored_and_the_longest_phrase_wins() -> None:
    detector = DangerDetector(LEXICON)
    assert _phrase(detector.check("chong danh toi moi ngay")) == "danh toi"  # phrases are kept as normalised
    hit = detector.check("sometimes I want to kill myself")
    assert hit is not None and (hit.category, hit.card) == ("self_harm", "safety.crisis")
    assert DangerDetector({}).check("kill") is None


def test_the_substring_shortcut_finds_whatever_the_patterns_find(tmp_path: Path) -> None:
    detector = danger_detector(load_content(settings_for(tmp_path, tmp_path)))
    phrases = [phrase for phrase, _p, _n, _c in detector._phrases]  # noqa: SLF001 - the lexicon as compiled
    texts = [json.loads(line)["text"] for path in sorted((ROOT / "eval").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [f"please help, {phrase} again" for phrase in phrases] + [f"x{phrase}" for phrase in phrases]

    def patterns_only(text: str) -> str | None:
        normal = _normal(text)
        return next((phrase for phrase, pattern, _n, _c in detector._phrases if pattern.search(normal)), None)  # noqa: SLF001

    assert [_phrase(detector.check(text)) for text in texts] == [patterns_only(text) for text in texts]
    assert sum(detector.check(text) is not None for text in texts) >= len(phrases)  # the corpus does hit
