"""A new card's empty file with every field in nine languages, and the JSON Schema editors validate against."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from bot.config import LANGUAGES
from bot.content import PHONE_PATTERN, MIN_EXAMPLES, Card, ContentError, Problem

_ID = re.compile(r"^[a-z]+\.[a-z0-9-]+$")


def scaffold_text(card_id: str, today: dt.date | None = None) -> str:
    """The YAML of an empty card: `newcomer content check` fails on it until every field is filled."""
    topic = card_id.split(".")[0]
    lines = [
        "# yaml-language-server: $schema=../card.schema.json",
        f"id: {card_id}",
        f"topic: {topic}",
        f"verified: {(today or dt.date.today()).isoformat()}   # the day you checked every fact below",
        "safety: false",
        "sources:                # every fact needs one: a seed line (003:619) or an official https:// page",
        '  - ref: ""',
        '    title: ""',
        "contacts:               # phones (digits and hyphens) or links; delete the block if there are none",
        '  - phone: ""',
        "    label:",
        *[f'      {lang}: ""' for lang in LANGUAGES],
        "languages:",
    ]
    for lang in LANGUAGES:
        lines += [
            f"  {lang}:",
            "    status: draft",
            "    reviewer: null",
            '    title: ""',
            "    answer: |",
            "      ",
            "    examples:           # at least 8, the way people really type",
            '      - ""',
        ]
    return "\n".join(lines) + "\n"


def write_scaffold(content_dir: Path, card_id: str) -> Path:
    """Create content/cards/<id>.yml; refuses a bad id or an existing file."""
    path = content_dir / "cards" / f"{card_id}.yml"
    if not _ID.match(card_id):
        raise ContentError([Problem(path, 1, "error", f"id {card_id!r} must look like topic.some-name")])
    if path.exists():
        raise ContentError([Problem(path, 1, "error", "this card already exists")])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold_text(card_id), encoding="utf-8")
    return path


def card_schema() -> str:
    """JSON Schema of a card file, from the same model the checker uses."""
    schema = Card.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "newcomer-bot content card"
    schema["properties"]["languages"]["required"] = list(LANGUAGES)
    schema["properties"]["languages"]["propertyNames"] = {"enum": list(LANGUAGES)}
    # What the checker says in words, editors can say while staff type.
    defs = schema["$defs"]
    defs["Contact"]["properties"]["phone"]["anyOf"][0]["pattern"] = PHONE_PATTERN.pattern
    defs["Contact"]["properties"]["url"]["anyOf"][0]["pattern"] = "^https?://"
    defs["Contact"]["properties"]["label"]["required"] = list(LANGUAGES)
    defs["LanguageBlock"]["properties"]["examples"]["minItems"] = MIN_EXAMPLES
    defs["Source"]["properties"]["ref"]["pattern"] = r"^(\d{3}:\d+(-\d+)?|https?://.+)$"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
