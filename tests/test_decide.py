"""The stateless decision: answer, clarify between close cards, admit not knowing, danger first."""

from __future__ import annotations

from bot.config import ThresholdSettings
from bot.dialogue import decide
from nlu.classifier import Ranked
from nlu.danger import DangerHit
from nlu.langid import Detection
from nlu.understand import Reading

THRESHOLDS = ThresholdSettings(answer=0.45, clarify=0.2, clarify_margin=0.12, per_language={"km": 0.7})


def reading(*ranks: tuple[str, float], lang: str = "en", danger: DangerHit | None = None) -> Reading:
    return Reading("q", Detection(lang, 0.9, "Latn", "test"), danger, [Ranked(l, p) for l, p in ranks])


def test_confident_card_is_answered() -> None:
    decision = decide(reading(("a.one", 0.8), ("b.two", 0.1)), THRESHOLDS)
    assert (decision.action, decision.card) == ("answer", "a.one")
    assert decision.candidates == ["a.one", "b.two"]


def test_two_close_cards_ask_which() -> None:
    decision = decide(reading(("a.one", 0.46), ("b.two", 0.40), ("c.three", 0.05)), THRESHOLDS)
    assert decision.action == "clarify"
    assert decision.candidates == ["a.one", "b.two"]


def test_low_confidence_is_unsure() -> None:
    decision = decide(reading(("a.one", 0.3), ("b.two", 0.1)), THRESHOLDS)
    assert decision.action == "unsure" and decision.card is None


def test_per_language_threshold_applies() -> None:
    ranks = (("a.one", 0.6), ("b.two", 0.1))
    assert decide(reading(*ranks, lang="en"), THRESHOLDS).action == "answer"
    assert decide(reading(*ranks, lang="km"), THRESHOLDS).action == "unsure"


def test_out_of_scope_intent_is_never_answered_with_a_card() -> None:
    decision = decide(reading(("intent:out_of_scope", 0.5), ("a.one", 0.3)), THRESHOLDS)
    assert decision.action == "unsure" and decision.card is None


def test_intents_map_to_actions() -> None:
    assert decide(reading(("intent:greet", 0.9)), THRESHOLDS).action == "greet"
    assert decide(reading(("intent:human", 0.7)), THRESHOLDS).action == "handoff"
    assert decide(reading(("intent:thanks", 0.7)), THRESHOLDS).action == "thanks"


def test_danger_wins_over_everything() -> None:
    hit = DangerHit("violence", "safety.domestic-violence", "beat me")
    decision = decide(reading(("intent:greet", 0.99), danger=hit), THRESHOLDS)
    assert (decision.action, decision.card) == ("safety", "safety.domestic-violence")
