"""Uzbek transliteration between Latin and Cyrillic."""

from __future__ import annotations

import pytest

from nlu.langid import detect
from nlu.uzbek import APOSTROPHES, cyrillic_to_latin, latin_to_cyrillic


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Ro'yxatdan o'tish", "Рўйхатдан ўтиш"),
        ("qo'ng'iroq qiling", "қўнғироқ қилинг"),
        ("Yo'q", "Йўқ"),
        ("ega", "эга"),
        ("Shifoxona", "Шифохона"),
        ("choy", "чой"),
        ("yordam", "ёрдам"),
        ("O´zbek tili bo´yicha", "Ўзбек тили бўйича"),  # the acute accent some keyboards give for ʻ
        ("sug`urta yo`q", "суғурта йўқ"),
    ],
)
def test_latin_to_cyrillic(latin: str, cyrillic: str) -> None:
    assert latin_to_cyrillic(latin) == cyrillic


def test_links_placeholders_and_commands_are_kept() -> None:
    text = "Qarang: https://www.hikorea.go.kr va {days} kun, /forget"
    out = latin_to_cyrillic(text)
    assert "https://www.hikorea.go.kr" in out and "{days}" in out and "/forget" in out


def test_round_trip_of_common_words() -> None:
    for word in ["Ro'yxatdan", "o'tish", "kerak", "yordam", "qayerda", "Salom"]:
        assert cyrillic_to_latin(latin_to_cyrillic(word)) == word


@pytest.mark.parametrize("mark", list(APOSTROPHES))
def test_language_id_and_transliteration_read_the_same_apostrophes(mark: str) -> None:
    text = f"o{mark}zbek tilida yo{mark}q"
    assert latin_to_cyrillic(text) == "ўзбек тилида йўқ"
    assert detect(text).lang == "uz"
