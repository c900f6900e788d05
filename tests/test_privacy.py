"""Masking of identifiers before storage, and pseudonymous keys."""

from __future__ import annotations

import pytest

from bot.privacy import mask, pseudonym


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("제 외국인등록번호는 900101-5123456 입니다", "900101-5123456"),
        ("my ARC 900101 5123456 pls", "900101 5123456"),
        ("номер ９００１０１－５１２３４５６", "５１２３４５６"),
        ("call me 010-1234-5678", "010-1234-5678"),
        ("mail me at nguyen.van.a@example.com", "nguyen.van.a@example.com"),
        ("passport M12345678", "M12345678"),
        ("account 110-123-456789", "110-123-456789"),
        ("010-1234-5678로 연락 주세요", "1234-5678"),
        ("เบอร์โทร0812345678ค่ะ", "0812345678"),
        ("电话１３８１２３４５６７８谢谢", "１３８１２３４５６７８"),
        ("звоните +7 (912) 345-67-89", "345-67-89"),
        ("raqamim +998 90 123 45 67", "123 45 67"),
        ("паспорт 75 1234567", "1234567"),
        ("hộ chiếu C1234567", "C1234567"),
        ("新护照 M123A4567", "M123A4567"),
        ("मेरो नम्बर ९८४१२३४५६७ हो", "९८४१२३४५६७"),
    ],
)
def test_identifiers_are_masked(text: str, hidden: str) -> None:
    masked = mask(text)
    assert hidden not in masked
    assert "[" in masked


@pytest.mark.parametrize(
    "text",
    ["call 1345 or 1577-1366", "112 and 119", "I paid 30000 won on 2026-11-24", "class at 09:00-18:00",
     "월급 1,500,000원", "10 000 ₽", "2026년 11월 24일", "24.11.2026", "E-9 비자", "우편번호 31538",
     "1.500.000 đồng", "15 000 000 сўм", "1644-1234로 전화", "버스 1000번, 302호", "1330 2026-11-24"],
)
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert mask(text) == text


def test_pseudonym_is_stable_and_keyed() -> None:
    a = pseudonym(b"k1", "telegram", "12345")
    assert a == pseudonym(b"k1", "telegram", "12345")
    assert a != pseudonym(b"k2", "telegram", "12345")
    assert a != pseudonym(b"k1", "web", "12345")
    assert "12345" not in a
