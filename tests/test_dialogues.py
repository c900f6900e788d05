"""Golden conversations, one YAML file per language: each user turn and the action, card and language expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import LANGUAGES
from bot.dialogue import Incoming
from bot.runtime import Runtime

DIALOGUES = Path(__file__).resolve().parent / "dialogues"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(DIALOGUES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, dialogue in enumerate(data["dialogues"]):
            cases.append(pytest.param(data["language"], dialogue, id=f"{path.stem}-{index}-{dialogue['name']}"))
    return cases


def test_every_language_has_golden_dialogues() -> None:
    assert {p.stem for p in DIALOGUES.glob("*.yml")} >= set(LANGUAGES)


@pytest.mark.parametrize(("language", "dialogue"), _cases())
def test_dialogue(runtime: Runtime, language: str, dialogue: dict[str, Any]) -> None:
    user = f"golden-{language}-{dialogue['name']}"
    for number, turn in enumerate(dialogue["turns"], start=1):
        reply = runtime.engine.handle(Incoming(dialogue.get("channel", "web"), user, turn["user"],
                                               dialogue.get("hint")))
        where = f"turn {number} {turn['user']!r}: {reply.action} {reply.card} {reply.language} {reply.candidates}"
        assert reply.action == turn["action"], where
        if "card" in turn:
            assert reply.card == turn["card"], where
        assert reply.language == turn.get("language", language), where
        for needle in turn.get("says", []):
            assert any(needle in message for message in reply.messages), f"{where}: no {needle!r} in {reply.messages}"
