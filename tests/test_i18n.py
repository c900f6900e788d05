"""System strings: complete catalogs in every language, chosen per message, with plural rules and both Uzbek scripts."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot import messages as M
from bot.catalogs import catalog_problems
from bot.config import LANGUAGES
from bot.i18n import Translator, native_name
from tests.conftest import ROOT

LOCALES = ROOT / "locales"


@pytest.fixture(scope="module")
def t() -> Translator:
    return Translator(LOCALES, list(LANGUAGES))


def test_every_catalog_is_complete_with_placeholders_kept() -> None:
    assert catalog_problems(LOCALES, list(LANGUAGES)) == []


def test_every_system_string_is_translated(t: Translator) -> None:
    strings = [v for k, v in vars(M).items() if k.isupper() and isinstance(v, str)]
    assert len(strings) > 20
    for lang in LANGUAGES:
        if lang == "en":
            continue
        untranslated = [s for s in strings if t.text(lang, s) == s]
        assert untranslated == [], lang


def test_language_is_chosen_per_message_not_globally(t: Translator) -> None:
    korean = t.text("ko", M.LANGUAGE_SET)
    russian = t.text("ru", M.LANGUAGE_SET)
    assert "한국어" in korean
    assert "русск" in russian.lower()
    assert t.text("ko", M.LANGUAGE_SET) == korean  # asking for Russian in between changed nothing


def test_russian_plural_forms(t: Translator) -> None:
    one = t.plural("ru", M.CONSENT, 1, days=1)
    few = t.plural("ru", M.CONSENT, 3, days=3)
    many = t.plural("ru", M.CONSENT, 90, days=90)
    assert "1 день" in one and "3 дня" in few and "90 дней" in many


def test_uzbek_cyrillic_is_transliterated_but_commands_are_not(t: Translator) -> None:
    latin = t.text("uz", M.HELP)
    cyrillic = t.text("uz-Cyrl", M.HELP)
    assert latin != cyrillic
    assert any("\u0400" <= ch <= "\u04ff" for ch in cyrillic)
    for command in ("/language", "/human", "/forget"):
        assert command in cyrillic


def test_placeholders_are_filled(t: Translator) -> None:
    for lang in LANGUAGES:
        text = t.text(lang, M.ERROR_TOO_LONG, limit=2000)
        assert "2000" in text and "{limit}" not in text


def test_dates_follow_the_language(t: Translator) -> None:
    day = dt.date(2026, 11, 24)
    assert t.date("ko", day) == "2026년 11월 24일"
    assert "ноября" in t.date("ru", day)


def test_native_language_names() -> None:
    assert native_name("ko") == "한국어"
    assert native_name("vi") == "Tiếng Việt"
    assert native_name("ru") == "Русский"


def test_extract_and_update_keep_translations(tmp_path: Path) -> None:
    from babel.messages.pofile import read_po

    from bot.catalogs import run_babel

    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales)
    assert run_babel("extract", locales, list(LANGUAGES)) == 0
    pot = (locales / "newcomer.pot").read_text(encoding="utf-8")
    assert 'msgid "Was this helpful?"' in pot
    assert run_babel("update", locales, list(LANGUAGES)) == 0
    with (locales / "ko" / "LC_MESSAGES" / "newcomer.po").open("rb") as handle:
        catalog = read_po(handle)
    message = catalog.get("Was this helpful?")
    assert message is not None and message.string
    assert run_babel("compile", locales, list(LANGUAGES)) == 0
    assert (locales / "ru" / "LC_MESSAGES" / "newcomer.mo").is_file()
    assert Translator(locales, list(LANGUAGES)).text("ru", M.YES) == "Да"
