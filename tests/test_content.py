"""The content base: the shipped cards load cleanly, and each kind of mistake is caught with file and line."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import LANGUAGES
from bot.content import load_content
from tests.conftest import ROOT

CONTENT = ROOT / "content"
SEEDS = ROOT.parent / "shared" / "seeds"


def test_shipped_content_has_no_errors() -> None:
    base, problems = load_content(CONTENT, SEEDS if SEEDS.is_dir() else None)
    errors = [str(p) for p in problems if p.level == "error"]
    assert errors == []
    assert len(base.cards) >= 8
    for card in base.cards.values():
        assert set(card.languages) == set(LANGUAGES), card.id
        assert card.sources, card.id
        for lang, block in card.languages.items():
            assert len(block.examples) >= 8, (card.id, lang)
    assert {"greet", "thanks", "human", "out_of_scope"} <= set(base.intents)
    assert base.danger is not None


def test_drafts_are_reported_as_warnings() -> None:
    _, problems = load_content(CONTENT)
    assert any(p.level == "warning" and "draft translation" in p.message for p in problems)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _card_path(content: Path) -> Path:
    return content / "cards" / "services.hotlines.yml"


def _edit(content: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    path = _card_path(content)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def _errors(content: Path, **kwargs: Any) -> list[str]:
    _, problems = load_content(content, **kwargs)
    return [f"{p.path.name}:{p.line}: {p.message}" for p in problems if p.level == "error"]


def test_missing_language_is_an_error(content_copy: Path) -> None:
    path = _edit(content_copy, lambda d: d["languages"].pop("km"))
    assert f"{path.name}:{_line_of(path, 'languages:')}: language 'km' is missing" in _errors(content_copy)


def test_empty_answer_is_an_error(content_copy: Path) -> None:
    path = _edit(content_copy, lambda d: d["languages"]["th"].update(answer="   "))
    errors = _errors(content_copy)
    assert any(e.startswith(f"{path.name}:") and "languages.th.answer: must not be empty" in e for e in errors)


def test_too_few_examples_is_an_error(content_copy: Path) -> None:
    path = _edit(content_copy, lambda d: d["languages"]["ne"].update(examples=d["languages"]["ne"]["examples"][:3]))
    assert any("ne: 3 example questions, at least 8 needed" in e for e in _errors(content_copy))
    assert path.exists()


def test_bad_phone_number_is_an_error(content_copy: Path) -> None:
    path = _edit(content_copy, lambda d: d["contacts"][0].update(phone="call 1577 1366 now"))
    errors = _errors(content_copy)
    assert any("is not a phone number" in e and e.startswith(path.name) for e in errors)


def test_bad_link_is_an_error(content_copy: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["contacts"].append({"url": "www.example", "label": {lang: "x" for lang in LANGUAGES}})

    _edit(content_copy, change)
    assert any("is not a web address" in e for e in _errors(content_copy))


def test_missing_contact_label_is_an_error(content_copy: Path) -> None:
    _edit(content_copy, lambda d: d["contacts"][0]["label"].pop("ru"))
    assert any("label missing for ru" in e for e in _errors(content_copy))


def test_duplicate_example_across_cards_is_an_error(content_copy: Path) -> None:
    other = yaml.safe_load((content_copy / "cards" / "safety.emergency.yml").read_text(encoding="utf-8"))
    stolen = other["languages"]["en"]["examples"][0]
    path = _edit(content_copy, lambda d: d["languages"]["en"]["examples"].append(stolen.upper() + "  "))
    errors = _errors(content_copy)
    assert any(e.startswith(path.name) and "is also in safety.emergency" in e for e in errors)


def test_id_must_match_file_name(content_copy: Path) -> None:
    path = _edit(content_copy, lambda d: d.update(id="services.other"))
    assert f"{path.name}:{_line_of(path, 'id:')}: id 'services.other' must equal the file name 'services.hotlines'" in _errors(content_copy)


def test_seed_reference_must_exist(content_copy: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "003_test.txt").write_text("one\ntwo\n", encoding="utf-8")
    _edit(content_copy, lambda d: d["sources"].append({"ref": "003:999", "title": "Asan ICC"}))
    assert any("seed line 003:999 does not exist" in e for e in _errors(content_copy, seeds_dir=seeds))


def test_unknown_field_is_an_error(content_copy: Path) -> None:
    path = _edit(content_copy, lambda d: d["languages"]["vi"].update(tittle="x"))
    assert any(e.startswith(path.name) and "languages.vi.tittle: unknown field" in e for e in _errors(content_copy))


def test_reviewed_needs_a_reviewer(content_copy: Path) -> None:
    _edit(content_copy, lambda d: d["languages"]["ko"].update(status="reviewed", reviewer=None))
    assert any("ko: reviewed needs a reviewer" in e for e in _errors(content_copy))


def test_broken_yaml_points_at_the_line(content_copy: Path) -> None:
    path = _card_path(content_copy)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "sources: [unclosed")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = _errors(content_copy)
    assert any(e.startswith(path.name) and "not valid YAML" in e for e in errors)


def test_stale_card_is_a_warning(content_copy: Path) -> None:
    _, problems = load_content(content_copy, today=dt.date(2099, 1, 1))
    assert any(p.level == "warning" and p.message.startswith("stale:") for p in problems)


def test_danger_lexicon_must_point_at_a_safety_card(content_copy: Path) -> None:
    path = content_copy / "danger.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = next(iter(data["categories"]))
    data["categories"][first]["card"] = "services.hotlines"
    path.write_text(yaml.safe_dump(copy.deepcopy(data), allow_unicode=True), encoding="utf-8")
    assert any("is not marked safety: true" in e for e in _errors(content_copy))
