"""The lexical fast path skips the sentence encoder only when the bot would answer from the lexical ranking,
and does not queue behind another message's encoding."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from bot.config import LANGUAGES
from bot.runtime import load_classifier, load_content
from nlu.classifier import CardClassifier, FastPath
from nlu.danger import DangerDetector
from nlu.encoders import BatchingEncoder, NoEncoder
from nlu.fitting import fit
from nlu.understand import Reading, Understander
from tests.conftest import settings_for


class CountingEncoder(NoEncoder):
    """No sentence vectors, but counts the texts it was asked to encode."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return super().encode(texts)


def _lexical_model(tmp_path: Path) -> tuple[CardClassifier, CountingEncoder, tuple[str, str, str]]:
    """A small model without sentence vectors, its counting encoder, and one of its Korean examples."""
    examples = load_content(settings_for(tmp_path, tmp_path)).training_examples()[::4]
    model = fit(examples, NoEncoder())
    model.encoder = CountingEncoder()
    return model, model.encoder, next(example for example in examples if example[2] == "ko")


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


def test_a_busy_encoder_lowers_the_floor_for_cards_only() -> None:
    rule = FastPath(floor=0.6, margin=0.12, answer={"ko": 0.3, "en": 0.71}, intent_floor=0.6, busy_floor=0.3)
    card = "services.interpretation"
    assert not rule.sure("ko", card, 0.5, 0.2) and rule.sure("ko", card, 0.5, 0.2, busy=True)
    assert not rule.sure("ko", card, 0.29, 0.0, busy=True)  # below the floor for a busy encoder
    assert not rule.sure("en", card, 0.7, 0.0, busy=True)  # English's answer threshold still holds
    assert not rule.sure("ko", card, 0.5, 0.45, busy=True)  # and the clarify margin
    assert not rule.sure("ne", "intent:human", 0.5, 0.1, busy=True)  # intents keep their own floor
    assert FastPath(floor=0.6, busy_floor=0.9).sure("ko", card, 0.7, 0.0, busy=True)  # never stricter than idle
    assert not FastPath().sure("ko", card, 1.0, 0.0, busy=True)  # off by default


def test_a_busy_encoder_is_skipped_only_where_the_lexical_layer_would_answer(tmp_path: Path) -> None:
    model, encoder, (text, label, lang) = _lexical_model(tmp_path)
    model.fast_path = FastPath(floor=1.1, margin=0.0, busy_floor=0.0)  # only a busy encoder is ever skipped
    assert model.rank(text, lang)[0].label == label and encoder.texts == [text]
    model.encoder_busy = lambda: True
    assert model.rank(text, lang)[0].label == label and encoder.texts == [text]  # not asked again
    model.fast_path = FastPath(floor=1.1, margin=0.0, answer={lang: 1.0}, busy_floor=0.0)  # would not answer
    model.rank(text, lang)
    assert encoder.texts == [text, text]  # so it waits for the busy encoder
    assert model.counts() == {"ranked_encoder": 2, "ranked_lexical_busy": 1}


def test_serving_batches_the_encoder_and_tells_the_classifier_when_it_is_busy(model_dir: Path, tmp_path: Path) -> None:
    config = settings_for(tmp_path, model_dir)
    classifier = load_classifier(config)
    assert isinstance(classifier.encoder, BatchingEncoder)
    assert classifier.encoder_busy == classifier.encoder.busy
    assert classifier.encoder.busy_queue == config.settings.nlu.busy_queue > 0
    assert classifier.fast_path.busy_floor == config.settings.nlu.fast_path_busy < classifier.fast_path.floor


def test_rank_calls_the_encoder_only_when_the_lexical_layer_is_not_sure(tmp_path: Path) -> None:
    model, encoder, (text, label, lang) = _lexical_model(tmp_path)
    model.fast_path = FastPath(floor=0.0, margin=0.0)
    assert model.rank(text, lang)[0].label == label and encoder.texts == []
    model.fast_path = FastPath(floor=0.0, margin=0.0, answer={lang: 1.0})  # no lexical ranking reaches 1.0
    assert model.rank(text, lang)[0].label == label and encoder.texts == [text]


def test_a_lexical_answer_does_not_wait_for_another_message_being_encoded(tmp_path: Path) -> None:
    examples = load_content(settings_for(tmp_path, tmp_path)).training_examples()[::4]
    model = fit(examples, NoEncoder())
    encoding, release = threading.Event(), threading.Event()

    class HeldEncoder(NoEncoder):
        """Holds an encoding until the test releases it, as a long message would."""

        def encode(self, texts: list[str]) -> np.ndarray:
            encoding.set()
            release.wait(10)
            return super().encode(texts)

    model.encoder = HeldEncoder()
    model.fast_path = FastPath(floor=0.0, margin=0.0, answer={"en": 1.0})  # English always encodes, Korean never
    reader = Understander(model, DangerDetector({}))
    english = next(text for text, _, lang in examples if lang == "en")
    korean, korean_label = next((text, label) for text, label, lang in examples if lang == "ko")
    slow = threading.Thread(target=reader.read, args=(english,), kwargs={"lang": "en"})
    slow.start()
    try:
        assert encoding.wait(10)
        readings: list[Reading] = []
        fast = threading.Thread(target=lambda: readings.append(reader.read(korean, lang="ko")))
        fast.start()
        fast.join(5)
        assert not fast.is_alive(), "the lexical answer waited for the other message's encoding"
        assert readings[0].ranking[0].label == korean_label
    finally:
        release.set()
        slow.join(10)


def test_concurrent_readings_match_one_at_a_time(model_dir: Path, tmp_path: Path) -> None:
    """Tokenizers that are not re-entrant (MeCab, CRF models) keep their own locks and the encoder needs
    none: eight threads reading all nine languages at once rank exactly as one thread does."""
    config = settings_for(tmp_path, model_dir)
    classifier = load_classifier(config)
    classifier.fast_path = FastPath()  # every message through the sentence encoder too
    reader = Understander(classifier, DangerDetector({}))
    examples = load_content(config).training_examples()
    texts = [text for lang in LANGUAGES for text in [t for t, _, lg in examples if lg == lang][:12]]
    alone = {text: [r.label for r in reader.read(text).ranking[:3]] for text in texts}
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = dict(zip(texts, pool.map(lambda text: [r.label for r in reader.read(text).ranking[:3]],
                                            texts * 3)))
    assert together == alone
