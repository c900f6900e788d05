"""Uzbek transliteration between Latin and Cyrillic."""

from __future__ import annotations

import pytest

from nlu.uzbek import cyrillic_to_latin, latin_to_cyrillic


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
