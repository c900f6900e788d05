"""Finding personal identifiers in free text: ID, passport, phone and account numbers and e-mail addresses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# ----- folding: one character in, one character out, so spans found in the folded text fit the original --

def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x80, 0x10000):
        char = chr(code)
        if unicodedata.category(char) == "Nd":
            table[code] = str(unicodedata.decimal(char))  # ๑, ១, १, ١, １ are digits people type too
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)  # full-width ASCII (Ｍ１２３) from CJK input methods
    table[0x3000] = " "
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u30fc":
        table[ord(dash)] = "-"
    table[0x00A0] = " "
    table[0x202F] = " "
    return table


_FOLD = _fold_table()
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD)) + "]")


def fold(text: str) -> str:
    """Digits of any script as ASCII, full-width forms as ASCII, dashes as '-'; same length as `text`."""
    # translate() looks up every character; most messages have nothing to fold, and a search is cheaper.
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


# ----- identifiers with letters: found by regular expressions first --------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_LETTER = "A-Za-zА-Яа-яЁё"
# One or two letters (Latin, or Cyrillic series such as АА in Uzbekistan) then 7-8 digits: Korean
# M12345678, Vietnamese C1234567, Chinese E12345678 / EA1234567, Thai, Uzbek, Cambodian N01234567; and
# Korea's 2021 format M123A4567.
# A space or dash after the letters only for capitals: "va 1500000" is Uzbek for "and 1,500,000".
_PASSPORT = re.compile(
    rf"(?<![{_LETTER}0-9])(?:[A-ZА-ЯЁ]{{1,2}}[ -]?\d{{7,8}}|[{_LETTER}]{{1,2}}\d{{7,8}}"
    r"|[A-Za-z]\d{3}[A-Za-z]\d{4})(?![0-9])"
)

# ----- digit runs: groups of digits joined by spaces, dashes, dots or brackets -----------------------

_SEP = r"(?:[ .\-()·]{1,3})"
# Not from the middle of "7,500,000": thousands after a comma are part of an amount.
_RUN = re.compile(rf"(?<![0-9])(?<![0-9],)(?:\+ ?)?\(?[0-9]+(?:{_SEP}[0-9]+)*\)?")
_GROUP = re.compile(r"[0-9]+")

# Calling code -> national digits (min, max), trunk 0 allowed where people write it ("+82 (0)10 ...").
_COUNTRIES: dict[str, tuple[int, int]] = {
    "82": (8, 11), "84": (9, 10), "855": (8, 9), "998": (9, 9), "66": (8, 9), "977": (8, 10),
    "7": (10, 10), "86": (10, 11), "1": (10, 10), "81": (9, 10), "63": (10, 10), "62": (9, 12),
    "880": (10, 10), "95": (8, 10), "976": (8, 8), "92": (10, 10), "94": (9, 9), "91": (10, 10),
}
_CODES_LONGEST_FIRST = sorted(_COUNTRIES, key=len, reverse=True)
# Korean nationwide business numbers (1577-1366 is Danuri): public services, never a person.
_BUSINESS = re.compile(r"^(?:15[0-9]{2}|16[0-9]{2}|18[0-9]{2})[0-9]{4}$")
# Written without a dash only the common prefixes count, so an 8-digit passport is not taken for one.
_BUSINESS_PLAIN = re.compile(r"^(?:1522|1533|1544|1566|1577|1588|1599|1600|1644|1661|1666|1670|1688|1800|"
                             r"1811|1833|1855|1877|1899)[0-9]{4}$")
_CURRENCY = re.compile(
    r"^\s?(?:원|₩|won|krw|₽|руб|р\.|so['ʻ’`]?m|сўм|сум|đ|₫|vnd|dong|đồng|៛|riel|រៀល|฿|บาท|baht|रु|रुपैयाँ|"
    r"npr|元|块|人民币|yuan|rmb|\$|usd|달러|만)",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(?:₩|\$|฿|रु\.?|rs\.?|usd|krw)\s?$", re.IGNORECASE)


@dataclass(frozen=True)
class Group:
    """One run of digits inside a digit run, with its span in the text and the separator before it."""

    digits: str
    start: int
    end: int
    sep: str  # the separator before it, without spaces around a dash ("-"), or " "
    spaced: bool  # a space or a bracket before it: where two numbers written side by side meet


@dataclass(frozen=True)
class Found:
    """An identifier: its span in the text and the label that replaces it."""

    start: int
    end: int
    label: str


def _groups(text: str, match: re.Match[str]) -> list[Group]:
    groups: list[Group] = []
    previous = match.start()
    for digit_match in _GROUP.finditer(text, match.start(), match.end()):
        sep = text[previous:digit_match.start()] if groups else ""
        groups.append(Group(digit_match.group(), digit_match.start(), digit_match.end(), sep.strip() or sep,
                            " " in sep or "(" in sep))
        previous = digit_match.end()
    return groups


def _valid_date(year: str, month: str, day: str) -> bool:
    return (len(year) in (2, 4) and (len(year) == 2 or 1900 <= int(year) <= 2100)
            and 1 <= int(month) <= 12 and 1 <= int(day) <= 31)


# Each rule looks at the groups from one position and returns (groups used, label or None to keep them),
# or None when it does not apply. They are tried in order; the first that applies wins.
Rule = Callable[[list[Group], int, bool], "tuple[int, str | None] | None"]


def _date(groups: list[Group], i: int, _plus: bool) -> tuple[int, str | None] | None:
    g = [x.digits for x in groups[i:i + 3]]
    if len(g) == 3 and groups[i + 1].sep == groups[i + 2].sep and groups[i + 1].sep in ("-", ".", "/", ". "):
        if len(g[0]) == 4 and len(g[1]) <= 2 and len(g[2]) <= 2 and _valid_date(g[0], g[1], g[2]):
            return 3, None  # 2026-11-24, 2026.11.24
        if len(g[2]) == 4 and len(g[0]) <= 2 and len(g[1]) <= 2 and _valid_date(g[2], g[1], g[0]):
            return 3, None  # 24.11.2026
    first = groups[i].digits
    if len(first) == 8 and _valid_date(first[:4], first[4:6], first[6:]):
        return 1, None  # 20261124
    return None


def _international(groups: list[Group], i: int, plus: bool) -> tuple[int, str | None] | None:
    digits = groups[i].digits
    if not (i == 0 and plus):
        if not digits.startswith("00"):
            return None
        digits = digits[2:]  # 0082-10-...: the international call prefix written out
    joined = digits + "".join(g.digits for g in groups[i + 1:])
    code = next((c for c in _CODES_LONGEST_FIRST if joined.startswith(c)), joined[:2])
    low, high = _COUNTRIES.get(code, (7, 12))
    total, used = len(digits), 1
    while i + used < len(groups) and total + len(groups[i + used].digits) <= len(code) + high:
        total += len(groups[i + used].digits)
        used += 1
    return (used, "[PHONE]") if total - len(code) >= low else None


def _resident_number(groups: list[Group], i: int, _plus: bool) -> tuple[int, str | None] | None:
    g = groups[i].digits
    if len(g) == 6 and i + 1 < len(groups) and len(groups[i + 1].digits) == 7:
        g, used = g + groups[i + 1].digits, 2
    elif len(g) == 13:
        used = 1
    else:
        return None
    # YYMMDD then the sex/century digit: 1-4 citizens, 5-8 registered foreigners.
    if _valid_date("00", g[2:4], g[4:6]) and g[6] in "12345678":
        return used, "[ID]"
    return None


def _business(groups: list[Group], i: int, _plus: bool) -> tuple[int, str | None] | None:
    g = groups[i].digits
    if len(g) == 4 and i + 1 < len(groups) and len(groups[i + 1].digits) == 4 and _BUSINESS.match(
        g + groups[i + 1].digits
    ):
        return 2, None
    if _BUSINESS_PLAIN.match(g):
        return 1, None
    return None


def _amount(groups: list[Group], i: int, _plus: bool) -> tuple[int, str | None] | None:
    first = groups[i].digits
    if not 1 <= len(first) <= 3 or first.startswith("0") or i + 1 >= len(groups):
        return None
    sep = groups[i + 1].sep
    if sep not in (" ", ".", ",", "'"):
        return None
    used = 1
    while i + used < len(groups) and groups[i + used].sep == sep and len(groups[i + used].digits) == 3:
        used += 1
    if used == 1:
        return None
    ends = i + used == len(groups) or (groups[i + used].sep == " " and sep != " ")
    return (used, None) if ends else None


def _local_phone(groups: list[Group], i: int, _plus: bool) -> tuple[int, str | None] | None:
    first = groups[i].digits
    trunk = first.startswith("0") or (first == "8" and i + 1 < len(groups))  # Russian 8 (912) ...
    if not trunk or not first.strip("0"):  # "000" is the thousands of an amount
        return None
    total, used = len(first), 1
    while i + used < len(groups) and total + len(groups[i + used].digits) <= 11:
        total += len(groups[i + used].digits)
        used += 1
    if i + used < len(groups) and groups[i + used].sep != " ":
        return None  # one hyphenated token longer than a phone: an account number
    if any(len(g.digits) > 4 for g in groups[i + 1:i + used]):
        return None  # phones are written in groups of 2-4 digits; 047 403385 is part of an account
    return (used, "[PHONE]") if 9 <= total <= 11 else None


def _long_number(groups: list[Group], i: int, _plus: bool) -> tuple[int, str | None] | None:
    total, used = len(groups[i].digits), 1
    while i + used < len(groups) and _date(groups, i + used, False) is None:
        total += len(groups[i + used].digits)
        used += 1
    if total < 8:
        return None
    return used, ("[PHONE]" if _mobile_shape(groups[i:i + used]) else "[NUMBER]")


def _mobile_shape(groups: list[Group]) -> bool:
    digits = "".join(g.digits for g in groups)
    sizes = [len(g.digits) for g in groups]
    return (
        (len(digits) == 11 and re.match(r"1[3-9]", digits) is not None)  # China 138 1234 5678
        or (len(digits) == 10 and digits.startswith(("97", "98")))  # Nepal 984 1234567
        or (len(digits) in (9, 10) and sizes[-2:] == [2, 2])  # Uzbekistan 90 123 45 67, Russia 912 345-67-89
    )


def _side_by_side(groups: list[Group], i: int, _plus: bool) -> tuple[int, str | None] | None:
    """A short number written just before an identifier ("1330 010-1234-5678") stays itself."""
    if i + 1 >= len(groups) or not groups[i + 1].spaced or len(groups[i].digits) > 4:
        return None
    if _local_phone(groups, i, False) is not None:
        return None  # the trunk prefix of a phone: 8 912 345-67-89
    for rule in (_international, _resident_number, _local_phone):
        found = rule(groups, i + 1, False)
        if found is not None and found[1] is not None:
            return 1, None
    rest = _long_number(groups, i + 1, False)
    if rest is not None and not any(g.spaced for g in groups[i + 2:i + 1 + rest[0]]):
        digits = sum(len(g.digits) for g in groups[i + 1:i + 1 + rest[0]])
        return (1, None) if digits >= 9 else None
    return None


_RULES: tuple[Rule, ...] = (
    _date, _international, _resident_number, _business, _side_by_side, _amount, _local_phone, _long_number,
)


def _is_amount_context(text: str, start: int, end: int) -> bool:
    return bool(_CURRENCY.match(text[end:end + 10]) or _CURRENCY_BEFORE.search(text[max(0, start - 5):start]))


def _digit_identifiers(text: str) -> list[Found]:
    found: list[Found] = []
    for run in _RUN.finditer(text):
        if run.end() - run.start() < 8:
            continue  # every identifier has at least 8 digits: "112", "2026", "09" are most runs
        groups = _groups(text, run)
        plus = run.group().lstrip("(").startswith("+")
        i = 0
        while i < len(groups):
            used, label = next((r for rule in _RULES if (r := rule(groups, i, plus)) is not None), (1, None))
            start, end = groups[i].start, groups[i + used - 1].end
            if i == 0 and plus:
                start = run.start()
            amount = label == "[NUMBER]" and used == 1 and _is_amount_context(text, start, end)
            if label is not None and not amount:
                found.append(Found(start, end, label))
            i += used
    return found


def find(text: str) -> list[Found]:
    """Every identifier in `text`, by span, in order, not overlapping."""
    folded = fold(text)
    found: list[Found] = [Found(m.start(), m.end(), "[EMAIL]") for m in _EMAIL.finditer(folded)]
    blanked = _blank(folded, found)
    passports = [Found(m.start(), m.end(), "[PASSPORT]") for m in _PASSPORT.finditer(blanked)]
    found += passports
    found += _digit_identifiers(_blank(blanked, passports))
    return sorted(found, key=lambda f: f.start)


def _blank(text: str, found: list[Found]) -> str:
    """Replace found spans by '#' of the same length, so later rules neither see nor split them."""
    for item in found:
        text = text[:item.start] + "#" * (item.end - item.start) + text[item.end:]
    return text


_WORTH_LOOKING = re.compile(r"[\d@＠]")  # \d: digits of every script


def mask(text: str) -> str:
    """`text` with every identifier replaced by its label ([ID], [PHONE], [PASSPORT], [NUMBER], [EMAIL])."""
    if _WORTH_LOOKING.search(text) is None:
        return text  # most messages: nothing to look for
    parts: list[str] = []
    position = 0
    for item in find(text):
        parts.append(text[position:item.start])
        parts.append(item.label)
        position = item.end
    parts.append(text[position:])
    return "".join(parts)
