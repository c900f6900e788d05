"""The evaluation tool: stable splits, metrics, calibration, threshold tuning, malformed data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ThresholdSettings
from bot.dialogue import Decision
from nlu import evaluate as ev


def outcome(lang: str, expected: str, top: str, p: float, action: str = "answer") -> ev.Outcome:
    question = ev.Question(f"{lang}-{expected}-{top}-{p}-{action}", lang, expected)
    card = top if action == "answer" else None
    return ev.Outcome(question, lang, top, p, Decision(action, card, p, [top]))  # type: ignore[arg-type]


def test_split_is_stable_and_roughly_forty_sixty() -> None:
    questions = [ev.Question(f"question {i}", "en", "x.y") for i in range(1000)]
    dev = sum(q.split == "dev" for q in questions)
    assert 330 < dev < 470
    assert [q.split for q in questions] == [ev.Question(q.text, "ko", "a.b").split for q in questions]


def test_scores() -> None:
    outcomes = [
        outcome("en", "a.one", "a.one", 0.9),
        outcome("en", "a.one", "b.two", 0.8),  # wrong automatic answer
        outcome("en", "b.two", "b.two", 0.3, "unsure"),  # right card, but handed off
        outcome("en", "out_of_scope", "a.one", 0.2, "unsure"),
        outcome("en", "out_of_scope", "a.one", 0.7),  # answered an out-of-scope question: wrong
    ]
    s = ev.score(outcomes, "en")
    assert (s.in_scope, s.out_of_scope) == (3, 2)
    assert s.top1 == pytest.approx(2 / 3)
    assert s.wrong_answers == pytest.approx(2 / 5)
    assert s.handoff_rate == pytest.approx(2 / 5)
    assert s.oos_handoff == pytest.approx(1 / 2)
    assert s.langid == 1.0


def test_calibration_error() -> None:
    assert ev.calibration_error([(0.95, True)] * 10) == pytest.approx(0.05)
    assert ev.calibration_error([(0.9, False)] * 4) == pytest.approx(0.9)
    assert ev.calibration_error([]) == 0.0


def test_tuning_finds_the_lowest_threshold_with_the_target_precision() -> None:
    outcomes = [outcome("km", "a.one", "a.one", 0.9), outcome("km", "a.one", "b.two", 0.5),
                outcome("km", "a.one", "a.one", 0.7), outcome("km", "out_of_scope", "a.one", 0.4)]
    tuned = ev.tune_thresholds(outcomes, target_precision=0.99)
    assert tuned["km"] == pytest.approx(0.51)
    assert ev.tune_thresholds(outcomes, target_precision=0.5)["km"] == pytest.approx(0.3)


def test_malformed_data_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"text": "a", "lang": "en", "expected": "a.one"}\n{"text": "b"}\n', encoding="utf-8")
    with pytest.raises(ev.EvalDataError, match=r"q.jsonl:2"):
        ev.load_questions([path], {"a.one"})
    path.write_text('{"text": "a", "lang": "en", "expected": "nope.card"}\n', encoding="utf-8")
    with pytest.raises(ev.EvalDataError, match="unknown card"):
        ev.load_questions([path], {"a.one"})


def test_report_and_chart(tmp_path: Path) -> None:
    scores = [ev.score([outcome("en", "a.one", "a.one", 0.9)], "en")]
    text = ev.markdown(scores, "test", ThresholdSettings(), "chart.png")
    assert "| en | 1 | 1 | 0 | 100.0% |" in text
    ev.chart(scores, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_misses_are_wrong_cards_wrong_answers_and_misread_languages() -> None:
    right = outcome("en", "a.one", "a.one", 0.9)
    wrong_card_handed_off = outcome("en", "a.one", "b.two", 0.3, "unsure")
    answered_out_of_scope = outcome("en", "out_of_scope", "a.one", 0.8)
    declined_out_of_scope = outcome("en", "out_of_scope", "a.one", 0.2, "unsure")
    misread = ev.Outcome(ev.Question("ma nepali ho", "ne", "out_of_scope"), "vi", "a.one", 0.1,
                         Decision("unsure", None, 0.1, ["a.one"]))
    outcomes = [right, wrong_card_handed_off, answered_out_of_scope, declined_out_of_scope, misread]
    assert [ev.is_miss(o) for o in outcomes] == [False, True, True, False, True]
    assert ev.describe_miss(misread) == "ne->vi  expected out_of_scope, top a.one (0.10), unsure: ma nepali ho"


def test_misses_of_the_test_split_are_not_shown(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import EXIT_USAGE, main

    assert main(["eval", "--split", "test", "--misses"]) == EXIT_USAGE
    assert "dev split only" in capsys.readouterr().err


def test_rounding_never_shows_a_missed_goal_as_met() -> None:
    langid = ev.LanguageScore("all", questions=383, in_scope=297, out_of_scope=86, top1=1.0,
                              wrong_answers=0.0204, langid=379 / 383)  # 98.96 % and 2.04 %
    row = ev.markdown([langid], "test", ThresholdSettings(), None).splitlines()[-1]
    assert "| 98.9% |" in row and "| 2.1% |" in row
    assert "| 100.0% |" in row  # exact values stay exact


def test_a_report_read_as_under_load_says_so_and_how_to_reproduce_it() -> None:
    scores = [ev.score([outcome("en", "a.one", "a.one", 0.9)], "en")]
    text = ev.markdown(scores, "test", ThresholdSettings(), None, encoder_busy=True)
    assert text.startswith("# NLU evaluation (test split, encoder busy)")
    assert "`newcomer train && newcomer eval --split test --encoder-busy --out docs`" in text
    assert "encoder busy" not in ev.markdown(scores, "test", ThresholdSettings(), None)
