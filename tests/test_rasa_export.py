"""The Rasa export: valid YAML of Rasa's shape, every card and language present, and a tokenizer that keeps every script."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.content import ContentBase
from bot.export_rasa import ExportError, export_project, intent_labels, rasa_intent
from bot.i18n import Translator
from bot.runtime import load_content
from tests.conftest import ROOT, settings_for

LANGUAGES = ["ko", "en", "zh", "vi", "km", "uz", "th", "ne", "ru"]
TAGS = [*LANGUAGES, "uz-Cyrl"]


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> ContentBase:
    tmp = tmp_path_factory.mktemp("content")
    return load_content(settings_for(tmp, tmp))


@pytest.fixture(scope="module")
def project(content: ContentBase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rasa") / "project"
    export_project(content, Translator(ROOT / "locales", LANGUAGES), LANGUAGES, out)
    return out


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _examples(block: str) -> list[str]:
    return [line[2:] for line in block.splitlines() if line.startswith("- ")]


def _load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def test_project_files_are_rasa_yaml(project: Path) -> None:
    for name in ("config.yml", "domain.yml", "credentials.yml", "data/nlu.yml", "data/rules.yml"):
        assert isinstance(_yaml(project / name), dict), name
    for name in ("newcomer_rasa.py", "newcomer_text.py", "newcomer_language.json", "README.md"):
        assert (project / name).is_file(), name
    for name in ("domain.yml", "data/nlu.yml", "data/rules.yml"):
        assert _yaml(project / name)["version"] == "3.1"


def test_config_names_the_shipped_components(project: Path) -> None:
    config = _yaml(project / "config.yml")
    names = [step["name"] for step in config["pipeline"]]
    assert names[0] == "newcomer_rasa.NewcomerTokenizer"
    assert "newcomer_rasa.NewcomerLanguageDetector" in names
    assert "DIETClassifier" in names and names[-1] == "FallbackClassifier"
    analyzers = {step.get("analyzer") for step in config["pipeline"] if step["name"] == "CountVectorsFeaturizer"}
    assert analyzers == {"char_wb", "word"}
    assert {p["name"] for p in config["policies"]} >= {"RulePolicy"}


def test_every_card_is_an_intent_with_all_its_examples(project: Path, content: ContentBase) -> None:
    nlu = {entry["intent"]: _examples(entry["examples"]) for entry in _yaml(project / "data/nlu.yml")["nlu"]}
    domain = _yaml(project / "domain.yml")
    for card in content.cards.values():
        name = rasa_intent(card.id)
        assert name in domain["intents"]
        wanted = {" ".join(t.split()) for block in card.languages.values() for t in block.examples}
        assert wanted <= set(nlu[name]), card.id
    for intent in content.intents:
        assert intent in domain["intents"] and nlu[intent]
    assert "switch_language" in nlu and "Русский" in nlu["switch_language"]


def test_every_response_exists_in_every_language(project: Path, content: ContentBase) -> None:
    domain = _yaml(project / "domain.yml")
    assert domain["slots"]["language"]["values"] == TAGS
    expected = {"utter_" + rasa_intent(c) for c in content.cards} | {
        "utter_greet", "utter_thanks", "utter_not_sure", "utter_handoff", "utter_language_set"}
    assert set(domain["responses"]) == expected
    for name, variants in domain["responses"].items():
        conditioned = {v["condition"][0]["value"]: v["text"] for v in variants if "condition" in v}
        assert list(conditioned) == TAGS, name
        assert all(text.strip() for text in conditioned.values()), name
        assert sum("condition" not in v for v in variants) == 1, f"{name} needs one default variation"
    insurance = {v["condition"][0]["value"]: v["text"] for v in domain["responses"]["utter_health__insurance"]
                 if "condition" in v}
    assert insurance["ko"].startswith("외국인 국민건강보험")
    assert "1577-1000" in insurance["th"]
    assert "ў" in insurance["uz-Cyrl"] or "қ" in insurance["uz-Cyrl"]
    assert all("1577-1366" in v["text"] for v in domain["responses"]["utter_handoff"])


def test_rules_answer_cards_and_hand_off(project: Path, content: ContentBase) -> None:
    rules = {(r["steps"][0]["intent"], r["steps"][1]["action"]) for r in _yaml(project / "data/rules.yml")["rules"]}
    for card in content.cards:
        assert (rasa_intent(card), "utter_" + rasa_intent(card)) in rules
    assert ("nlu_fallback", "utter_handoff") in rules
    assert ("human", "utter_handoff") in rules
    assert ("greet", "utter_greet") in rules
    assert ("switch_language", "utter_language_set") in rules


def test_intent_names_map_back_to_labels(content: ContentBase) -> None:
    labels = intent_labels(content)
    assert labels["health__insurance"] == "health.insurance"
    assert labels["registration__alien_registration"] == "registration.alien-registration"
    assert labels["greet"] == "intent:greet"
    assert len(set(labels.values())) == len(labels) == len(content.cards) + len(content.intents)


def test_subset_and_refusals(content: ContentBase, tmp_path: Path) -> None:
    translator = Translator(ROOT / "locales", LANGUAGES)
    report = export_project(content, translator, LANGUAGES, tmp_path / "small",
                            card_ids=["health.insurance", "korean.kiip"])
    assert report.intents == 2 + len(content.intents) + 1
    with pytest.raises(ExportError, match="unknown card"):
        export_project(content, translator, LANGUAGES, tmp_path / "x", card_ids=["no.such-card"])
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError, match="not empty"):
        export_project(content, translator, LANGUAGES, tmp_path / "busy")


def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--config", str(ROOT / "config.yml"), "export", "rasa", str(tmp_path / "out"),
                 "--cards", "korean.kiip", "--epochs", "5"])
    assert code == 0, capsys.readouterr().err
    assert "rasa train" in capsys.readouterr().out
    assert _yaml(tmp_path / "out" / "config.yml")["pipeline"][3]["epochs"] == 5


@pytest.mark.parametrize(("text", "expected"), [
    ("KB 은행 계좌 개설", ["KB", "은행", "계좌", "개설"]),
    ("ARC 카드 발급은 어디서 해요?", ["ARC", "카드", "발급은", "어디서", "해요"]),
    ("用 WeChat 付款", ["用", "WeChat", "付", "款"]),
    ("公司给我上건강보험了吗", ["公", "司", "给", "我", "上", "건강보험", "了", "吗"]),
    ("ประกันสุขภาพ ไหม", ["ประกันสุขภาพ", "ไหม"]),
    ("ក្រុមហ៊ុនចុះ 건강보험", ["ក្រុមហ៊ុនចុះ", "건강보험"]),
    ("ro'yxatdan o‘tkazaman", ["ro'yxatdan", "o‘tkazaman"]),
    ("स्वास्थ्य बीमा?", ["स्वास्थ्य", "बीमा"]),
    ("F-6 visa", ["F", "6", "visa"]),
])
def test_tokenizer_keeps_every_script(text: str, expected: list[str]) -> None:
    from nlu.rasa_components.newcomer_text import word_spans

    spans = word_spans(text)
    assert [word for word, _ in spans] == expected
    assert all(text[start:start + len(word)] == word for word, start in spans)


def test_shipped_text_module_runs_without_rasa(project: Path) -> None:
    """The copy in the project is the one Rasa imports: it must work on its own."""
    module = _load_module(project / "newcomer_text.py")
    assert [w for w, _ in module.word_spans("KB 은행 계좌")] == ["KB", "은행", "계좌"]
    import json

    data = json.loads((project / "newcomer_language.json").read_text(encoding="utf-8"))
    guesser = module.LanguageGuesser(data["word_counts"], data["names"])
    assert guesser.guess("외국인 등록 어디서 해요") == "ko"
    assert guesser.guess("how do I register my address") == "en"
    assert guesser.guess("dang ky tam tru o dau") == "vi"
    assert guesser.guess("chet elliklar tibbiy sug'urtaga kirishi shartmi") == "uz"
    assert guesser.guess("Медицина страховка ойига қанча тўланади") == "uz-Cyrl"
    assert guesser.guess("где получить страховку") == "ru"
    assert guesser.guess("Русский") == "ru" and guesser.guess("english") == "en"
    assert guesser.guess("???") is None
    assert guesser.guess("qwer zxcv ggg") is None
