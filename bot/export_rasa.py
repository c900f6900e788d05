"""`newcomer export rasa`: the content base and catalogs written out as a complete Rasa 3.6 project."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot import messages as M
from bot.content import Card, ContentBase, Intent
from bot.i18n import Translator, native_name
from nlu.rasa_components.newcomer_text import count_words, script_of

COMPONENTS_DIR = Path(__file__).resolve().parent.parent / "nlu" / "rasa_components"
SHIPPED_MODULES = ("newcomer_text.py", "newcomer_rasa.py")
RASA_VERSION = "3.1"  # the training-data format version Rasa 3.6 reads
SWITCH_LANGUAGE = "switch_language"
FALLBACK = "nlu_fallback"
# What each system intent of the content base does in the exported bot.
SYSTEM_RESPONSES = {
    "greet": "utter_greet",
    "thanks": "utter_thanks",
    "human": "utter_handoff",
    "out_of_scope": "utter_not_sure",
}
_ENGLISH_NAMES = {"ko": "Korean", "en": "English", "zh": "Chinese", "vi": "Vietnamese", "km": "Khmer",
                  "uz": "Uzbek", "th": "Thai", "ne": "Nepali", "ru": "Russian"}


class ExportError(Exception):
    """The export cannot be written as asked (an unknown card id, a folder that is not ours)."""


@dataclass(frozen=True)
class ExportReport:
    """What was written."""

    directory: Path
    intents: int
    examples: int
    responses: int


def rasa_intent(label: str) -> str:
    """Our label (a card id or intent:<name>) as a Rasa intent name: dots and hyphens are kept out
    of Rasa names, e.g. health.insurance -> health__insurance, intent:greet -> greet."""
    if label.startswith("intent:"):
        return label.removeprefix("intent:")
    return label.replace(".", "__").replace("-", "_")


def intent_labels(content: ContentBase) -> dict[str, str]:
    """Rasa intent name -> our label, for every card and system intent of the content base."""
    labels = {rasa_intent(card_id): card_id for card_id in content.cards}
    labels.update({name: "intent:" + name for name in content.intents})
    return labels


class _Dumper(yaml.SafeDumper):
    """YAML as Rasa's own files look: multi-line strings as literal blocks, keys in our order."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _write_yaml(path: Path, data: dict[str, Any], header: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
    path.write_text(f"# {header}\n# Written by `newcomer export rasa`; edit the content base, not this file.\n{body}",
                    encoding="utf-8")


def _tags(languages: list[str]) -> list[str]:
    """Response languages: the configured ones, plus Uzbek in Cyrillic when Uzbek is there."""
    return [*languages, "uz-Cyrl"] if "uz" in languages else list(languages)


def _examples_block(texts: Iterable[str]) -> str:
    seen: set[str] = set()
    lines = []
    for text in texts:
        one_line = " ".join(text.split())
        key = unicodedata.normalize("NFKC", one_line).casefold()
        if one_line and key not in seen:
            seen.add(key)
            lines.append(f"- {one_line}")
    return "\n".join(lines) + "\n"


def _language_names(languages: list[str]) -> dict[str, str]:
    """Names a person may write to switch language, each mapped to its tag."""
    names: dict[str, str] = {}
    for lang in languages:
        names[native_name(lang)] = lang
        names[_ENGLISH_NAMES[lang]] = lang
    if "uz" in languages:
        names.update({"Ўзбекча": "uz-Cyrl", "Ўзбек тили": "uz-Cyrl", "O'zbekcha": "uz"})
    return names


def _card_text(card: Card, tag: str, translator: Translator) -> str:
    lang = tag.split("-")[0]
    block = card.block(lang)
    lines = [translator.script(tag, block.title), translator.script(tag, block.answer.strip())]
    for contact in card.contacts:
        label = translator.script(tag, contact.label.get(lang, contact.label.get("en", "")))
        lines.append(f"{label}: {contact.value}")
    source = re.split(r" \(|: | — ", card.sources[0].title)[0]  # the publisher, as the engine shows it
    lines.append(translator.text(tag, M.SOURCE_LINE, source=source, date=translator.date(tag, card.verified)))
    if block.status == "draft" and lang != "en":
        lines.append(translator.text(tag, M.DRAFT_NOTE))
    return "\n".join(lines)


def _variants(texts: dict[str, str], default: str) -> list[dict[str, Any]]:
    """One response variation per language, chosen by the language slot, then an unconditioned
    default (Rasa uses it before the slot is set)."""
    out: list[dict[str, Any]] = [
        {"condition": [{"type": "slot", "name": "language", "value": tag}], "text": text}
        for tag, text in texts.items()
    ]
    out.append({"text": texts[default]})
    return out


def _system_texts(translator: Translator, tags: list[str], days: int) -> dict[str, dict[str, str]]:
    def each(render: Any) -> dict[str, str]:
        return {tag: str(render(tag)) for tag in tags}

    return {
        "utter_greet": each(lambda t: translator.text(t, M.GREETING) + "\n"
                            + translator.plural(t, M.CONSENT, days, days=days)),
        "utter_thanks": each(lambda t: translator.text(t, M.THANKS_REPLY)),
        "utter_not_sure": each(lambda t: translator.text(t, M.NOT_SURE)),
        "utter_handoff": each(lambda t: translator.text(t, M.HANDOFF_STARTED)),
        "utter_language_set": each(lambda t: translator.text(t, M.LANGUAGE_SET)),
    }


def _config(epochs: int, fallback_threshold: float) -> dict[str, Any]:
    return {
        "recipe": "default.v1",
        "language": "xx",  # nine languages in one model: no language-specific Rasa component applies
        "assistant_id": "newcomer-bot-asan",
        "pipeline": [
            {"name": "newcomer_rasa.NewcomerTokenizer"},
            # The vocabularies are capped: DIET turns every sparse feature into 128 dense weights, and
            # uncapped (57k character and 24k word n-grams) an epoch took 30 s on two busy cores.
            {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4,
             "use_lemma": False, "max_features": 12000},
            {"name": "CountVectorsFeaturizer", "analyzer": "word", "min_ngram": 1, "max_ngram": 2,
             "max_features": 6000},
            # No transformer layers: over bags of n-grams and a few thousand examples they add little
            # and cost most of the training time.
            {"name": "DIETClassifier", "epochs": epochs, "constrain_similarities": True,
             "entity_recognition": False, "number_of_transformer_layers": 0, "random_seed": 1},
            {"name": "newcomer_rasa.NewcomerLanguageDetector"},
            {"name": "FallbackClassifier", "threshold": fallback_threshold, "ambiguity_threshold": 0.1},
        ],
        "policies": [{"name": "MemoizationPolicy"}, {"name": "RulePolicy"}],
    }


def _nlu(cards: list[Card], intents: list[Intent], languages: list[str]) -> dict[str, Any]:
    entries = []
    for card in cards:
        texts = [t for lang in languages if lang in card.languages for t in card.languages[lang].examples]
        entries.append({"intent": rasa_intent(card.id), "examples": _examples_block(texts)})
    for intent in intents:
        texts = [t for lang in languages if lang in intent.languages for t in intent.languages[lang].examples]
        entries.append({"intent": intent.intent, "examples": _examples_block(texts)})
    entries.append({"intent": SWITCH_LANGUAGE, "examples": _examples_block(_language_names(languages))})
    return {"version": RASA_VERSION, "nlu": entries}


def _rule(name: str, intent: str, action: str) -> dict[str, Any]:
    return {"rule": name, "steps": [{"intent": intent}, {"action": action}]}


def _rules(cards: list[Card], intents: list[Intent]) -> dict[str, Any]:
    rules = [_rule(f"answer {card.id}", rasa_intent(card.id), "utter_" + rasa_intent(card.id)) for card in cards]
    rules += [_rule(f"system intent {i.intent}", i.intent, SYSTEM_RESPONSES[i.intent])
              for i in intents if i.intent in SYSTEM_RESPONSES]
    rules.append(_rule("not sure: hand off to a person, with the 24-hour helpline", FALLBACK, "utter_handoff"))
    rules.append(_rule("the person names a language: answer in it from now on", SWITCH_LANGUAGE, "utter_language_set"))
    return {"version": RASA_VERSION, "rules": rules}


def _domain(cards: list[Card], intents: list[Intent], translator: Translator, languages: list[str],
            default: str, days: int) -> dict[str, Any]:
    tags = _tags(languages)
    responses: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        texts = {tag: _card_text(card, tag, translator) for tag in tags}
        responses["utter_" + rasa_intent(card.id)] = _variants(texts, default)
    for name, texts in _system_texts(translator, tags, days).items():
        responses[name] = _variants(texts, default)
    return {
        "version": RASA_VERSION,
        "intents": [*(rasa_intent(c.id) for c in cards), *(i.intent for i in intents), SWITCH_LANGUAGE],
        "entities": ["language"],
        "slots": {"language": {
            "type": "categorical", "values": tags, "influence_conversation": False,
            "mappings": [{"type": "from_entity", "entity": "language"}],
        }},
        "responses": responses,
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }


def _language_data(cards: list[Card], intents: list[Intent], languages: list[str]) -> dict[str, Any]:
    """Word statistics per language tag for the detector, from the Latin and Cyrillic examples."""
    pairs: list[tuple[str, str]] = []
    blocks = [(lang, b.examples) for c in cards for lang, b in c.languages.items()]
    blocks += [(lang, b.examples) for i in intents for lang, b in i.languages.items()]
    for lang, examples in blocks:
        if lang not in languages:
            continue
        for text in examples:
            cyrillic = any(script_of(ch) == "Cyrl" for ch in text)
            tag = "uz-Cyrl" if lang == "uz" and cyrillic else lang
            pairs.append((text, tag))
    counts = count_words(pairs)
    return {"word_counts": {tag: counts[tag] for tag in ("en", "vi", "uz", "uz-Cyrl", "ru") if tag in counts},
            "names": _language_names(languages)}


_README = """# newcomer-bot as a Rasa 3.6 project

Written by `newcomer export rasa` from the content base (cards and system intents) and the gettext
catalogs. Needs Rasa Open Source 3.6.21 on Python 3.10 (`scripts/rasa_env.sh` in newcomer-bot makes one).
Run the commands in this folder, so Rasa finds `newcomer_rasa.py`:

    rasa train
    rasa test nlu
    rasa run --enable-api -i 127.0.0.1 -p 5005      # POST /model/parse, /webhooks/rest/webhook

`newcomer_rasa.py` holds the tokenizer (Rasa's WhitespaceTokenizer drops Hangul and CJK words) and the
language detector that fills the `language` slot; responses pick their language from that slot.
"""


def export_project(
    content: ContentBase,
    translator: Translator,
    languages: list[str],
    out: Path,
    *,
    card_ids: list[str] | None = None,
    default_language: str = "en",
    retention_days: int = 90,
    epochs: int = 60,
    fallback_threshold: float = 0.3,
) -> ExportReport:
    """Write config.yml, domain.yml, data/nlu.yml, data/rules.yml, credentials.yml and the custom
    components into `out`. `card_ids` limits the export to some cards (system intents always go)."""
    unknown = sorted(set(card_ids or []) - set(content.cards))
    if unknown:
        raise ExportError(f"unknown card id(s): {', '.join(unknown)}")
    if out.exists() and any(out.iterdir()) and not (out / "domain.yml").is_file():
        raise ExportError(f"{out} is not empty and holds no earlier export (no domain.yml): choose another folder")
    cards = [content.cards[i] for i in (card_ids or sorted(content.cards))]
    intents = [content.intents[name] for name in sorted(content.intents)]
    out.mkdir(parents=True, exist_ok=True)
    default = default_language if default_language in languages else languages[0]
    domain = _domain(cards, intents, translator, languages, default, retention_days)
    nlu = _nlu(cards, intents, languages)
    _write_yaml(out / "config.yml", _config(epochs, fallback_threshold),
                "Rasa pipeline for nine languages: our tokenizer, character and word n-grams, DIET, fallback")
    _write_yaml(out / "domain.yml", domain, "Intents, the language slot and one response per language")
    _write_yaml(out / "data" / "nlu.yml", nlu, "The cards' and system intents' example questions")
    _write_yaml(out / "data" / "rules.yml", _rules(cards, intents),
                "Answer each card; hand off when not sure; greet, thank and switch language")
    _write_yaml(out / "credentials.yml", {"rest": None}, "The REST channel: POST /webhooks/rest/webhook")
    for module in SHIPPED_MODULES:
        shutil.copyfile(COMPONENTS_DIR / module, out / module)
    (out / "newcomer_language.json").write_text(
        json.dumps(_language_data(cards, intents, languages), ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8")
    (out / "README.md").write_text(_README, encoding="utf-8")
    examples = sum(len([line for line in entry["examples"].splitlines() if line]) for entry in nlu["nlu"])
    return ExportReport(out, len(domain["intents"]), examples, len(domain["responses"]))
