"""Staff workflow: coverage report, new-card scaffold, JSON Schema, and hot reload in a running bot."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from bot.config import LANGUAGES
from bot.content import load_content
from bot.content_report import REQUIRED_CARDS, as_html, as_text, coverage
from bot.content_scaffold import card_schema, write_scaffold
from bot.dialogue import Incoming
from bot.runtime import build_runtime
from tests.conftest import ROOT, settings_for

CONTENT = ROOT / "content"


def test_coverage_matrix_has_every_required_card_and_language() -> None:
    base, _ = load_content(CONTENT)
    report = coverage(base)
    assert set(REQUIRED_CARDS) <= set(report.matrix)
    for card_id, row in report.matrix.items():
        assert set(row) == set(LANGUAGES)
        expected = "missing" if card_id not in base.cards else None
        if expected:
            assert set(row.values()) == {"missing"}
    assert report.matrix["services.hotlines"]["en"] == "draft"
    text = as_text(report)
    assert "services.hotlines" in text and "draft" in text
    assert "<table>" in as_html(report)


def test_stale_beats_draft_in_the_report() -> None:
    import datetime as dt

    base, _ = load_content(CONTENT)
    report = coverage(base, stale_after_days=30, today=dt.date(2030, 1, 1))
    assert report.matrix["services.hotlines"]["ko"] == "stale"


def test_scaffold_has_every_field_and_fails_the_check_until_filled(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = write_scaffold(content, "daily.bank-account")
    text = path.read_text(encoding="utf-8")
    for lang in LANGUAGES:
        assert f"  {lang}:\n    status: draft" in text
    _, problems = load_content(content)
    mine = [p for p in problems if p.path == path and p.level == "error"]
    assert mine, "an unfilled scaffold must not pass the check"
    with pytest.raises(Exception, match="already exists"):
        write_scaffold(content, "daily.bank-account")
    with pytest.raises(Exception, match="must look like"):
        write_scaffold(content, "Bad Id")


def test_committed_schema_is_current() -> None:
    assert (CONTENT / "card.schema.json").read_text(encoding="utf-8") == card_schema()
    schema = json.loads(card_schema())
    assert schema["properties"]["languages"]["required"] == list(LANGUAGES)


def test_edited_answer_reaches_a_running_bot_without_restart(tmp_path: Path, model_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "x")
    config = settings_for(tmp_path, model_dir)
    config = type(config)(config.settings.model_copy(update={"content_dir": str(content)}),
                          config.base_dir, config.source)
    runtime = build_runtime(config)
    runtime.engine.live.min_interval = 0.0  # type: ignore[union-attr]
    before = runtime.engine.handle(Incoming("web", "hr", "/card services.hotlines"))
    assert "NEW LINE FOR TEST" not in before.messages[0]

    card = content / "cards" / "services.hotlines.yml"
    original = card.read_text(encoding="utf-8")
    card.write_text(original.replace("  en:\n", "  en:\n    # edited\n", 1).replace(
        "answer: |\n", "answer: |\n      NEW LINE FOR TEST\n", 2), encoding="utf-8")
    time.sleep(0.01)
    after = runtime.engine.handle(Incoming("web", "hr", "/card services.hotlines"))
    assert "NEW LINE FOR TEST" in after.messages[0]

    # A broken edit is refused: the last good version keeps answering.
    card.write_text(original + "\nnot: [valid\n", encoding="utf-8")
    time.sleep(0.01)
    still = runtime.engine.handle(Incoming("web", "hr", "/card services.hotlines"))
    assert "NEW LINE FOR TEST" in still.messages[0]
    assert runtime.engine.live is not None and runtime.engine.live.last_errors
    runtime.store.engine.dispose()
