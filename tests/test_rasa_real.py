"""Real Rasa 3.6.21: a small export trains, serves, and answers one held-out question per language with the right card."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.config import ThresholdSettings
from bot.content import ContentBase
from bot.dialogue import decide
from bot.export_rasa import export_project, intent_labels
from bot.i18n import Translator
from bot.runtime import danger_detector, load_content
from nlu import rasa_runner
from nlu.rasa_backend import RasaUnderstander
from tests.conftest import ROOT, settings_for

pytestmark = pytest.mark.slow

LANGUAGES = ["ko", "en", "zh", "vi", "km", "uz", "th", "ne", "ru"]
CARDS = ["health.insurance", "korean.kiip", "registration.alien-registration", "labor.unpaid-wages"]
# One held-out question per language (from eval/, never trained on), spread over the four cards.
QUESTIONS = [
    ("ko", "사장님이 두달째 월급을 안줘요 어디 신고해요", "labor.unpaid-wages"),
    ("en", "how to sign up for KIIP classes", "korean.kiip"),
    ("zh", "外国人必须加入健康保险吗 每个月多少钱", "health.insurance"),
    ("vi", "bao hiem y te 건강보험 nguoi nuoc ngoai dong bao nhieu 1 thang", "health.insurance"),
    ("km", "ធ្វើកាត ARC ត្រូវយកឯកសារអីខ្លះ? ត្រូវកក់ hikorea មុនអត់", "registration.alien-registration"),
    ("uz", "KIIP ga yozilmoqchiman F-2 viza uchun, qanday qilib", "korean.kiip"),
    ("th", "นายจ้างค้างเงินเดือน 2 เดือนแล้ว จะไปแจ้งที่ไหนได้", "labor.unpaid-wages"),
    ("ne", "कोरिया आएको १ महिना भयो, ARC कहाँ बनाउने?", "registration.alien-registration"),
    ("ru", "обязательна ли медстраховка для иностранцев? пришел большой счет 건강보험", "health.insurance"),
]


def _rasa_required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("NEWCOMER_REQUIRE_RASA") == "1"


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> ContentBase:
    tmp = tmp_path_factory.mktemp("content")
    return load_content(settings_for(tmp, tmp))


@pytest.fixture(scope="module")
def server(content: ContentBase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[rasa_runner.RasaServer]:
    """Four cards and the system intents, trained and served by real Rasa from .venv-rasa."""
    try:
        rasa = rasa_runner.rasa_executable()
    except rasa_runner.RasaUnavailable as exc:
        if _rasa_required():
            pytest.fail(f"Rasa is required here (CI=1 or NEWCOMER_REQUIRE_RASA=1) but cannot be installed: {exc}")
        pytest.skip(f"no Rasa environment: {exc}")
    work = tmp_path_factory.mktemp("rasa-real")
    project = work / "project"
    export_project(content, Translator(ROOT / "locales", LANGUAGES), LANGUAGES, project, card_ids=CARDS, epochs=40)
    rasa_runner.train(rasa, project, work / "train.log", "small")
    with rasa_runner.serve(rasa, project, "models/small.tar.gz", work / "run.log") as running:
        yield running


@pytest.mark.parametrize(("lang", "text", "card"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_one_question_per_language(server: rasa_runner.RasaServer, content: ContentBase, lang: str, text: str,
                                   card: str) -> None:
    reader = RasaUnderstander(server.url, 30.0, intent_labels(content), danger_detector(content))
    try:
        reading = reader.read(text)
    finally:
        reader.close()
    assert reading.lang == lang
    assert reading.ranking[0].label == card, reading.ranking[:3]
    decision = decide(reading, ThresholdSettings(answer=0.45, clarify_margin=0.12, clarify=0.2))
    assert (decision.action, decision.card) == ("answer", card)


def test_conversation_over_rest_answers_in_the_slot_language(server: rasa_runner.RasaServer) -> None:
    def say(text: str) -> list[str]:
        reply = httpx.post(server.url + "/webhooks/rest/webhook", json={"sender": "t1", "message": text},
                           timeout=30.0, trust_env=False)
        reply.raise_for_status()
        return [message["text"] for message in reply.json()]

    assert say("외국인도 건강보험 가입해야 돼요?")[0].startswith("외국인 국민건강보험")
    assert say("English") == ["OK, I will answer in English."]
    assert any("1577-1366" in text for text in say("연결해 주세요 상담원"))
