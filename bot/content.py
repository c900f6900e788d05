"""The content base: card and intent files loaded into typed objects, and the checks staff run on them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.config import LANGUAGES
from bot.yamlpos import YamlDocument, load_yaml_with_lines

MIN_EXAMPLES = 8
PHONE_PATTERN = re.compile(r"^\d{2,4}(-\d{3,4}){0,2}$")
_SEED_REF = re.compile(r"^(\d{3}):(\d+)(?:-(\d+))?$")
_ID = re.compile(r"^[a-z]+\.[a-z0-9-]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    ref: str
    title: str = Field(min_length=1)

    @field_validator("ref")
    @classmethod
    def _ref(cls, value: str) -> str:
        if not (_SEED_REF.match(value) or value.startswith("https://") or value.startswith("http://")):
            raise ValueError("must be a seed line like 003:619 or a web address")
        return value


class Contact(_Strict):
    phone: str | None = None
    url: str | None = None
    label: dict[str, str]

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not PHONE_PATTERN.match(value):
            raise ValueError(f"{value!r} is not a phone number (digits and hyphens, e.g. 1577-1366)")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", value):
            raise ValueError(f"{value!r} is not a web address starting with https://")
        return value

    @property
    def value(self) -> str:
        """The phone number or link itself."""
        return self.phone or self.url or ""


class LanguageBlock(_Strict):
    status: Literal["draft", "reviewed"]
    reviewer: str | None = None
    title: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    examples: list[str] = Field(min_length=1)

    @field_validator("title", "answer")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class Card(_Strict):
    id: str
    topic: str
    verified: dt.date
    safety: bool = False
    sources: list[Source] = Field(min_length=1)
    contacts: list[Contact] = Field(default_factory=list)
    languages: dict[str, LanguageBlock]

    def block(self, lang: str) -> LanguageBlock:
        """The card's text in one language (every card has all nine, enforced at load)."""
        return self.languages[lang]


class IntentBlock(_Strict):
    examples: list[str] = Field(min_length=1)


class Intent(_Strict):
    intent: str
    languages: dict[str, IntentBlock]


class DangerCategory(_Strict):
    card: str
    languages: dict[str, list[str]]


class DangerLexicon(_Strict):
    categories: dict[str, DangerCategory]


@dataclass(frozen=True)
class Problem:
    """One finding of the content check, with where to fix it."""

    path: Path
    line: int
    level: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        try:
            shown = self.path.resolve().relative_to(Path.cwd())
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.level}: {self.message}"


@dataclass
class ContentBase:
    """Everything the bot knows: cards, system intents and the danger lexicon."""

    cards: dict[str, Card] = field(default_factory=dict)
    intents: dict[str, Intent] = field(default_factory=dict)
    danger: DangerLexicon | None = None
    card_files: dict[str, Path] = field(default_factory=dict)

    def training_examples(self) -> list[tuple[str, str, str]]:
        """(text, label, language) triples from every card and intent, for the classifier."""
        rows: list[tuple[str, str, str]] = []
        for card in self.cards.values():
            for lang, block in card.languages.items():
                rows.extend((text, card.id, lang) for text in block.examples)
        for intent in self.intents.values():
            for lang, iblock in intent.languages.items():
                rows.extend((text, "intent:" + intent.intent, lang) for text in iblock.examples)
        return rows


class ContentError(Exception):
    """The content base cannot be loaded; the message lists every problem with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _pydantic_problems(exc: ValidationError, path: Path, doc: YamlDocument) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        elif error["type"] == "missing":
            message = "missing field"
        problems.append(Problem(path, doc.line_of(loc) or 1, "error", f"{'.'.join(loc)}: {message}"))
    return problems


def _read(path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    try:
        doc = load_yaml_with_lines(path)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        return None, [Problem(path, line, "error", f"not valid YAML: {exc.problem}")]
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return None, [Problem(path, 1, "error", f"cannot read: {exc}")]
    if not isinstance(doc.data, dict):
        return None, [Problem(path, 1, "error", "the file must be a mapping of fields")]
    return doc, []


def _card_rules(card: Card, path: Path, doc: YamlDocument, seeds_dir: Path | None) -> list[Problem]:
    """Checks that span fields: id, languages, labels, reviewers, example counts, seed lines."""
    out: list[Problem] = []

    def add(loc: tuple[str, ...], level: Literal["error", "warning"], message: str) -> None:
        out.append(Problem(path, doc.line_of(loc) or 1, level, message))

    if card.id != path.stem:
        add(("id",), "error", f"id {card.id!r} must equal the file name {path.stem!r}")
    if not _ID.match(card.id):
        add(("id",), "error", f"id {card.id!r} must look like topic.some-name")
    elif card.id.split(".")[0] != card.topic:
        add(("topic",), "error", f"topic {card.topic!r} must be the part of the id before the dot")
    for lang in LANGUAGES:
        if lang not in card.languages:
            add(("languages",), "error", f"language {lang!r} is missing")
    for lang, block in card.languages.items():
        if lang not in LANGUAGES:
            add(("languages", lang), "error", f"unknown language {lang!r}")
            continue
        if len(block.examples) < MIN_EXAMPLES:
            add(
                ("languages", lang, "examples"),
                "error",
                f"{lang}: {len(block.examples)} example questions, at least {MIN_EXAMPLES} needed",
            )
        if block.status == "reviewed" and not block.reviewer:
            add(("languages", lang, "status"), "error", f"{lang}: reviewed needs a reviewer")
        if block.status == "draft":
            add(("languages", lang, "status"), "warning", f"{lang}: draft translation awaiting review")
        for index, example in enumerate(block.examples):
            if not example.strip():
                add(("languages", lang, "examples", str(index)), "error", f"{lang}: empty example")
    for index, contact in enumerate(card.contacts):
        if not contact.phone and not contact.url:
            add(("contacts", str(index)), "error", "a contact needs a phone or a url")
        missing = [lang for lang in LANGUAGES if not contact.label.get(lang, "").strip()]
        if missing:
            add(("contacts", str(index), "label"), "error", f"label missing for {', '.join(missing)}")
    for index, source in enumerate(card.sources):
        match = _SEED_REF.match(source.ref)
        if match and seeds_dir is not None and seeds_dir.is_dir():
            files = sorted(seeds_dir.glob(f"{match.group(1)}_*.txt"))
            if not files:
                add(("sources", str(index), "ref"), "error", f"no seed file {match.group(1)}_*.txt")
                continue
            count = len(files[0].read_text(encoding="utf-8").splitlines())
            last = int(match.group(3) or match.group(2))
            if not 1 <= int(match.group(2)) <= last <= count:
                add(("sources", str(index), "ref"), "error", f"seed line {source.ref} does not exist")
    return out


def load_content(
    content_dir: Path,
    seeds_dir: Path | None = None,
    stale_after_days: int = 365,
    today: dt.date | None = None,
) -> tuple[ContentBase, list[Problem]]:
    """Load every card, intent and the danger lexicon; return what loaded and every problem found."""
    base = ContentBase()
    problems: list[Problem] = []
    today = today or dt.date.today()
    cards_dir = content_dir / "cards"
    if not cards_dir.is_dir():
        return base, [Problem(content_dir, 1, "error", "no cards/ folder in the content directory")]
    first_seen: dict[str, tuple[Path, int, str]] = {}
    for path in sorted(cards_dir.glob("*.yml")):
        doc, found = _read(path)
        problems.extend(found)
        if doc is None:
            continue
        try:
            card = Card.model_validate(doc.data)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, path, doc))
            continue
        problems.extend(_card_rules(card, path, doc, seeds_dir))
        if card.id in base.cards:
            problems.append(Problem(path, doc.line_of(("id",)) or 1, "error", f"duplicate card id {card.id}"))
            continue
        age = (today - card.verified).days
        if age > stale_after_days:
            problems.append(
                Problem(path, doc.line_of(("verified",)) or 1, "warning",
                        f"stale: verified {card.verified} is older than {stale_after_days} days")
            )
        for lang, block in card.languages.items():
            for index, example in enumerate(block.examples):
                key = _normalise(example)
                line = doc.line_of(("languages", lang, "examples", str(index))) or 1
                if key in first_seen and first_seen[key][2] != card.id:
                    other_path, other_line, other_id = first_seen[key]
                    problems.append(
                        Problem(path, line, "error",
                                f"example {example!r} is also in {other_id} ({other_path.name}:{other_line})")
                    )
                first_seen.setdefault(key, (path, line, card.id))
        base.cards[card.id] = card
        base.card_files[card.id] = path
    if not base.cards and not any(p.level == "error" for p in problems):
        problems.append(Problem(cards_dir, 1, "error", "no card files (*.yml) found"))
    problems.extend(_load_intents(content_dir / "intents", base, first_seen))
    problems.extend(_load_danger(content_dir / "danger.yml", base))
    return base, problems


def _load_intents(
    intents_dir: Path, base: ContentBase, card_examples: dict[str, tuple[Path, int, str]]
) -> list[Problem]:
    """Load system intents; an example that is also a card's example is an error (two answers)."""
    problems: list[Problem] = []
    for path in sorted(intents_dir.glob("*.yml")) if intents_dir.is_dir() else []:
        doc, found = _read(path)
        problems.extend(found)
        if doc is None:
            continue
        try:
            intent = Intent.model_validate(doc.data)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, path, doc))
            continue
        if intent.intent != path.stem:
            problems.append(Problem(path, doc.line_of(("intent",)) or 1, "error",
                                    f"intent {intent.intent!r} must equal the file name"))
        missing = [lang for lang in LANGUAGES if lang not in intent.languages]
        if missing:
            problems.append(Problem(path, doc.line_of(("languages",)) or 1, "error",
                                    f"languages missing: {', '.join(missing)}"))
        for lang, block in intent.languages.items():
            for index, example in enumerate(block.examples):
                seen = card_examples.get(_normalise(example))
                if seen is not None:
                    line = doc.line_of(("languages", lang, "examples", str(index))) or 1
                    problems.append(Problem(path, line, "error",
                                            f"example {example!r} is also in card {seen[2]} ({seen[0].name}:{seen[1]})"))
        base.intents[intent.intent] = intent
    return problems


def _load_danger(path: Path, base: ContentBase) -> list[Problem]:
    if not path.is_file():
        return [Problem(path, 1, "error", "the danger lexicon is missing")]
    doc, problems = _read(path)
    if doc is None:
        return problems
    try:
        base.danger = DangerLexicon.model_validate(doc.data)
    except ValidationError as exc:
        return _pydantic_problems(exc, path, doc)
    for name, category in base.danger.categories.items():
        if category.card not in base.cards:
            problems.append(Problem(path, doc.line_of(("categories", name, "card")) or 1, "error",
                                    f"card {category.card!r} does not exist"))
        elif not base.cards[category.card].safety:
            problems.append(Problem(path, doc.line_of(("categories", name, "card")) or 1, "error",
                                    f"card {category.card!r} is not marked safety: true"))
    return problems


def load_content_or_raise(content_dir: Path, seeds_dir: Path | None = None) -> ContentBase:
    """Load content for serving: errors stop start-up, warnings are the checker's business."""
    base, problems = load_content(content_dir, seeds_dir)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ContentError(errors)
    return base
