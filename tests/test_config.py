"""config.yml parsing: typed defaults, env overrides, and errors that name file, key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, ThresholdSettings, load_settings
from tests.conftest import ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_config_loads_with_nine_languages() -> None:
    loaded = load_settings(ROOT / "config.yml", environ={})
    assert loaded.settings.languages == ["ko", "en", "zh", "vi", "km", "uz", "th", "ne", "ru"]
    assert loaded.database_url == f"sqlite:///{ROOT / 'var' / 'newcomer.db'}"
    thresholds = loaded.settings.nlu.thresholds
    assert thresholds.answer_for("km") == thresholds.per_language.get("km", thresholds.answer)
    fallback = ThresholdSettings(answer=0.5, per_language={"ko": 0.3})
    assert (fallback.answer_for("ko"), fallback.answer_for("th")) == (0.3, 0.5)


def test_unknown_key_names_file_key_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "languages: [ko, en]\nweb:\n  host: 0.0.0.0\n  prot: 80\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})
    assert f"{path}:4: web.prot: unknown setting" in str(error.value)


def test_bad_value_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "nlu:\n  thresholds:\n    answer: 1.5\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})
    assert f"{path}:3: nlu.thresholds.answer" in str(error.value)


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "languages: [ko, fr]\n")
    with pytest.raises(ConfigError, match=r"config.yml:1: languages: unknown language\(s\) \['fr'\]"):
        load_settings(path, environ={})


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = write(tmp_path, "web:\n  port: 8080\n")
    loaded = load_settings(
        path,
        environ={"NEWCOMER_WEB_PORT": "9090", "NEWCOMER_DATABASE_URL": "postgresql://u:secret@db/newcomer",
                 "NEWCOMER_NLU_THRESHOLDS_ANSWER": "0.7"},
    )
    assert loaded.settings.web.port == 9090
    assert loaded.settings.nlu.thresholds.answer == 0.7
    assert loaded.database_url == "postgresql://u:secret@db/newcomer"


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    path = write(tmp_path, "{}\n")
    with pytest.raises(ConfigError, match="environment variable NEWCOMER_WEB_PORT: web.port"):
        load_settings(path, environ={"NEWCOMER_WEB_PORT": "eighty"})


def test_password_in_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "database:\n  url: postgresql://bot:hunter2@localhost/newcomer\n")
    with pytest.raises(ConfigError, match="config.yml:2: database.url: must not contain a password"):
        load_settings(path, environ={})


def test_missing_file_and_broken_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.yml", environ={})
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(write(tmp_path, "web: [unclosed\n"), environ={})


def test_bad_office_hours(tmp_path: Path) -> None:
    path = write(tmp_path, "office_hours:\n  timezone: Mars/Olympus\n  weekdays: 9-18\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})
    assert "config.yml:2: office_hours.timezone: unknown time zone" in str(error.value)
    assert "config.yml:3: office_hours.weekdays: must look like 09:00-18:00" in str(error.value)
