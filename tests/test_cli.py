"""The `newcomer` command as a person runs it: ask, content check, train check, and clean failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

QUESTIONS = [
    {"text": "외국인등록증 어디서 만들어요?", "lang": "ko"},
    {"text": "Where can I find an interpreter for the hospital?"},
    {"text": "我的工资没有发，老板不给钱怎么办"},
    {"text": "Toi muon hoc tieng Han o dau"},
    {"text": "ខ្ញុំត្រូវការអ្នកបកប្រែ"},  # "I need an interpreter": asking for a person
    {"text": "Sug'urta qanday qilinadi?"},
    {"text": "ประกันสุขภาพสำหรับคนต่างชาติทำยังไง"},
    {"text": "मलाई दोभाषे चाहियो"},  # "I need an interpreter"
    {"text": "Где учить корейский язык бесплатно?"},
]
KOREAN_CLASSES: set[str | None] = {"korean.kiip", "korean.family-centre-classes"}  # both cards answer "where to learn Korean"
EXPECTED: list[tuple[str, set[str | None]]] = [
    ("answer", {"registration.alien-registration"}), ("answer", {"services.interpretation"}),
    ("answer", {"labor.unpaid-wages"}), ("answer", KOREAN_CLASSES), ("handoff", {None}),
    ("answer", {"health.insurance"}), ("answer", {"health.insurance"}), ("handoff", {None}), ("answer", KOREAN_CLASSES),
]


def run(args: list[str], env_extra: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300, check=False)


@pytest.fixture
def env(tmp_path: Path, model_dir: Path) -> dict[str, str]:
    return {"NEWCOMER_NLU_MODEL_DIR": str(model_dir), "NEWCOMER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def test_ask_answers_nine_languages_and_survives_bad_lines(env: dict[str, str]) -> None:
    lines = [json.dumps(q, ensure_ascii=False) for q in QUESTIONS]
    lines.insert(3, "{not json")
    lines.insert(5, json.dumps({"text": ""}))
    lines.insert(7, json.dumps({"text": "hello", "lang": "xx"}))
    result = run(["ask"], env, "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    errors = [o for o in out if "error" in o]
    assert [e["line"] for e in errors] == [4, 6, 8]
    answers = [o for o in out if "error" not in o]
    assert [a["language"] for a in answers] == ["ko", "en", "zh", "vi", "km", "uz", "th", "ne", "ru"]
    for answer in answers:
        assert set(answer) >= {"text", "language", "action", "card", "confidence", "candidates"}
        assert answer["action"] in {"answer", "clarify", "handoff", "greet", "safety"}
        assert 0.0 <= answer["confidence"] <= 1.0
    right = [a["action"] == action and a["card"] in cards for a, (action, cards) in zip(answers, EXPECTED, strict=True)]
    assert sum(right) >= 8, [(a["text"], a["action"], a["card"]) for a, ok in zip(answers, right) if not ok]


def test_ask_reads_a_file_and_strict_mode_fails_on_bad_lines(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"text": "Salom"}\n[]\n', encoding="utf-8")
    result = run(["ask", str(path), "--strict"], env)
    assert result.returncode == 1
    assert '"error"' in result.stdout.splitlines()[1]


def test_missing_model_is_a_clear_message(tmp_path: Path) -> None:
    result = run(["ask"], {"NEWCOMER_NLU_MODEL_DIR": str(tmp_path / "none")}, '{"text": "hi"}\n')
    assert result.returncode == 2
    assert "run `newcomer train`" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_is_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "config.yml"
    bad.write_text("web:\n  port: lots\n", encoding="utf-8")
    result = run(["--config", str(bad), "content", "check"], {})
    assert result.returncode == 2
    assert f"{bad}:2: web.port" in result.stderr
    assert "Traceback" not in result.stderr


def test_content_check_passes_on_the_shipped_content() -> None:
    result = run(["content", "check"], {})
    assert result.returncode == 0, result.stdout
    assert "0 errors" in result.stdout


def test_content_check_fails_on_a_broken_card(tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "x.bad.yml").write_text("id: x.bad\ntopic: x\n", encoding="utf-8")
    result = run(["content", "check"], {"NEWCOMER_CONTENT_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "x.bad.yml:1: error: verified: missing field" in result.stdout


def test_train_check_only_reports_a_current_model(env: dict[str, str]) -> None:
    result = run(["train", "--check-only"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_content_report_as_json() -> None:
    result = run(["content", "report", "--json"], {})
    assert result.returncode == 0, result.stderr
    matrix = json.loads(result.stdout)
    assert matrix["services.hotlines"]["km"] in {"draft", "complete", "stale"}
    assert set(matrix["services.hotlines"]) == {"ko", "en", "zh", "vi", "km", "uz", "th", "ne", "ru"}


def test_staff_add_list_and_clear_errors(tmp_path: Path) -> None:
    env = {"NEWCOMER_DATABASE_URL": f"sqlite:///{tmp_path / 'staff.db'}", "NEWCOMER_STAFF_PASSWORD": "long enough pw"}
    added = run(["staff", "add", "lan", "--role", "interpreter", "--languages", "vi,zh", "--telegram-chat", "42",
                 "--hours", "mon-fri 09:00-18:00; sat 10:00-13:00"], env)
    assert added.returncode == 0, added.stderr
    listed = run(["staff", "list"], env)
    assert "lan" in listed.stdout and "vi,zh" in listed.stdout and "sat 10:00-13:00" in listed.stdout
    again = run(["staff", "add", "lan", "--role", "interpreter"], env)
    assert again.returncode == 2 and "exists already" in again.stderr
    bad_hours = run(["staff", "add", "kim", "--role", "staff", "--hours", "monday 9-6"], env)
    assert bad_hours.returncode == 2 and "09:00-18:00" in bad_hours.stderr and "Traceback" not in bad_hours.stderr
    weak = run(["staff", "add", "kim", "--role", "staff"], {**env, "NEWCOMER_STAFF_PASSWORD": "short"})
    assert weak.returncode == 2 and "at least 10" in weak.stderr
