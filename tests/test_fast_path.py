"""The lexical fast path skips the sentence encoder only when the bot would answer from the lexical ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.runtime import load_content
from nlu.classifier import FastPath
from nlu.encoders import NoEncoder
from nlu.fitting import fit
from tests.conftest import settings_for


class CountingEncoder(NoEncoder):
    """No sentence vectors, but counts the texts it was asked to encode."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return super().encode(texts)


def test_sure_needs_the_floor_the_language_threshold_and_the_margin() -> None:
    rule = FastPath(floor=0.45, margin=0.12, answer={"ko": 0.3, "en": 0.71}, intent_floor=0.6)
    card = "services.interpretation"
    assert rule.sure("ko", card, 0.5, 0.2)
    assert not rule.sure("ko", card, 0.44, 0.0)  # below the floor
    assert not rule.sure("en", card, 0.7, 0.0)  # below English's answer threshold: the encoder may still answer
    assert rule.sure("en", card, 0.72, 0.1)
    assert not rule.sure("ko", card, 0.5, 0.4)  # too close to the runner-up: the bot would ask which one
    assert not rule.sure("ne", "intent:human", 0.5, 0.1)  # an intent needs its own, higher floor
    assert rule.sure("ne", "intent:human", 0.65, 0.1)
    assert not FastPath().sure("ko", card, 1.0, 0.0)  # off by default
    assert not FastPath().sure("ko", "intent:greet", 1.0, 0.0)


def test_rank_calls_the_encoder_only_when_the_lexical_layer_is_not_sure(tmp_path: Path) -> None:
    examples = load_content(settings_for(tmp_path, tmp_path)).training_examples()[::4]
    model = fit(examples, NoEncoder())
    encoder = CountingEncoder()
    model.encoder = encoder
    text, label, lang = next((t, lab, lg) for t, lab, lg in examples if lg == "ko")
    model.fast_path = FastPath(floor=0.0, margin=0.0)
    assert model.rank(text, lang)[0].label == label and encoder.texts == []
    model.fast_path = FastPath(floor=0.0, margin=0.0, answer={lang: 1.0})  # no lexical ranking reaches 1.0
    assert model.rank(text, lang)[0].label == label and encoder.texts == [text]
