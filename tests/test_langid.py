"""Language identification on short, mixed and informal chat messages."""

from __future__ import annotations

import pytest

from nlu.langid import detect

CASES = [
    ("외국인등록증 어디서 만들어요?", "ko"),
    ("How do I register my address?", "en"),
    ("我的外国人登录证丢了怎么办", "zh"),
    ("Tôi bị mất thẻ cư trú, phải làm sao?", "vi"),
    ("toi bi mat the cu tru phai lam sao", "vi"),
    ("ខ្ញុំបាត់កាតស្នាក់នៅ តើត្រូវធ្វើអ្វី?", "km"),
    ("Men ro'yxatdan o'tmoqchiman, qayerga borish kerak?", "uz"),
    ("Рўйхатдан ўтиш учун қаерга бориш керак?", "uz"),
    ("Салом, менга ёрдам керак", "uz"),
    ("ฉันทำบัตรต่างด้าวหาย ต้องทำอย่างไร", "th"),
    ("मेरो कार्ड हरायो, के गर्ने?", "ne"),
    ("Я потерял карту, что делать?", "ru"),
    ("Где получить 외국인등록증?", "ru"),
    ("Where is the 온양온천역 bus stop?", "en"),
    ("ARC 카드 잃어버렸어요", "ko"),
    ("mero card harayo ke garne", "ne"),
    ("annyeonghaseyo oegugin deungnok eotteoke haeyo", "ko"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_detects_language(text: str, expected: str) -> None:
    assert detect(text).lang == expected


def test_uzbek_script_is_kept() -> None:
    assert detect("Рўйхатдан ўтиш керак").tag == "uz-Cyrl"
    assert detect("Ro'yxatdan o'tish kerak").tag == "uz"


def test_hint_decides_only_when_the_text_cannot() -> None:
    assert detect("ok", hint="vi").lang == "vi"
    assert detect("123", hint="th").lang == "th"
    # A clear message beats the saved choice: the hint is a prior, not an override.
    assert detect("Я потерял карту, что делать?", hint="ko").lang == "ru"
    assert detect("외국인등록증 어디서 만들어요?", hint="en").lang == "ko"


def test_unknown_hint_is_ignored() -> None:
    assert detect("hello there, how are you", hint="fr").lang == "en"
