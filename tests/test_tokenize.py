"""Per-language tokenisation: no language loses its words (unlike Rasa's whitespace tokenizer)."""

from __future__ import annotations

import pytest

from nlu.tokenize import strip_marks, tokens


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ko", "외국인등록증 잃어버렸어요", ["외국인", "등록증"]),
        # Chinese is read a character at a time (the classifier pairs neighbours into bigrams).
        ("zh", "我的外国人登录证丢了", ["我", "外", "国", "人", "登", "录", "证", "丢"]),
        ("th", "ฉันทำบัตรต่างด้าวหาย", ["ฉัน", "ทำ", "บัตร", "ต่างด้าว", "หาย"]),
        ("km", "ខ្ញុំបាត់កាតស្នាក់នៅ", ["ខ្ញុំ", "បាត់", "កាត"]),
        ("ne", "मेरो कार्ड हरायो", ["मेरो", "कार्ड", "हरायो"]),
        ("ru", "Я потерял карту", ["я", "потерял", "карту"]),
        ("en", "KB 은행 계좌 개설", ["kb", "은행", "계좌", "개설"]),
        ("uz", "Ro'yxatdan o'tish kerak", ["ro'yxatdan", "o'tish", "kerak"]),
    ],
)
def test_words_survive(lang: str, text: str, expected: list[str]) -> None:
    found = tokens(text, lang)
    for word in expected:
        assert word in found, (word, found)


def test_uzbek_scripts_share_one_vocabulary() -> None:
    assert tokens("Рўйхатдан ўтиш керак", "uz") == tokens("Ro‘yxatdan o'tish kerak", "uz")


def test_vietnamese_with_and_without_diacritics_meet() -> None:
    accented = set(tokens("Tôi muốn đăng ký thẻ cư trú", "vi"))
    plain = set(tokens("toi muon dang ky the cu tru", "vi"))
    assert plain <= accented


def test_korean_uses_morphological_analysis() -> None:
    # MeCab splits the ending from the stem; a whitespace tokenizer would keep "잃어버렸어요" whole.
    assert "잃어버렸어요" not in tokens("카드를 잃어버렸어요", "ko")


def test_full_width_and_punctuation() -> None:
    assert tokens("ＡＲＣ？！", "en") == ["arc"]
    assert strip_marks("Đăng ký") == "Dang ky"
