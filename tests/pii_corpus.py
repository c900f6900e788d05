"""A deterministic corpus for measuring masking: identifiers and ordinary numbers inside sentences in nine languages."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

SEED = 20261124
LANGS = ("ko", "en", "zh", "vi", "km", "uz", "uz-Cyrl", "th", "ne", "ru")

# Sentences with {x} where the identifier (or the ordinary number) goes. Several put it against words
# with no space (Thai, Khmer, Chinese, Japanese-style, Korean particles) or inside punctuation.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "ko": ("제 번호는 {x}입니다", "{x}로 연락 주세요", "{x}으로 보내 주세요", "등록증에 {x}라고 적혀 있어요",
           "사장님이 {x}을 가져갔어요", "번호({x}) 확인 부탁드립니다", "이거 {x} 맞아요?", "{x}"),
    "en": ("my number is {x}, please call", "Here it is: {x}.", "({x}) is what they wrote", "is {x} correct?",
           "the boss kept {x} and my card", "\"{x}\" — that is mine", "{x}"),
    "zh": ("我的号码是{x}谢谢", "请打{x}。", "护照号码：{x}，签证过期了", "老板拿走了{x}的证件",
           "電話番号は{x}です", "（{x}）对吗？", "{x}"),
    "vi": ("số của tôi là {x}, gọi giúp", "Số: {x}.", "chủ giữ {x} của tôi", "({x}) đúng không ạ?",
           "em gửi {x} nhé", "{x}"),
    "km": ("លេខរបស់ខ្ញុំ{x}បាទ", "សូមហៅ {x} ។", "ចៅហ្វាយយក{x}ហើយ", "({x}) ត្រឹមត្រូវទេ?", "{x}"),
    "uz": ("mening raqamim {x}, qo'ng'iroq qiling", "Raqam: {x}.", "xo'jayin {x} ni olib qo'ydi",
           "({x}) to'g'rimi?", "{x}"),
    "uz-Cyrl": ("менинг рақамим {x}, қўнғироқ қилинг", "Рақам: {x}.", "хўжайин {x} ни олиб қўйди",
                "({x}) тўғрими?", "{x}"),
    "th": ("เบอร์ของฉันคือ{x}ค่ะ", "โทร {x} ได้เลย", "นายจ้างเอา{x}ไป", "({x}) ถูกไหมคะ", "{x}"),
    "ne": ("मेरो नम्बर {x} हो", "कृपया {x} मा फोन गर्नुहोस्।", "साहुले {x} लिएर राख्नुभयो", "({x}) सही हो?", "{x}"),
    "ru": ("мой номер {x}, позвоните", "Номер: {x}.", "работодатель забрал {x} и паспорт", "({x}) верно?",
           "паспорт {x} просрочен", "{x}"),
}

# Digits people sometimes type in their own script.
NATIVE_DIGITS: dict[str, str] = {"th": "๐๑๒๓๔๕๖๗๘๙", "km": "០១២៣៤៥៦៧៨៩", "ne": "०१२३४५६७८९"}
FULL_WIDTH = "０１２３４５６７８９"


@dataclass(frozen=True)
class Case:
    """One sentence: `secret` must disappear entirely (an identifier); `keep` or the whole text must stay."""

    lang: str
    kind: str
    text: str
    secret: str | None  # the identifier as written, None for ordinary numbers
    keep: str | None = None  # an ordinary number in the same sentence that must survive


def _d(r: random.Random, n: int, first: str = "0123456789") -> str:
    return r.choice(first) + "".join(r.choice("0123456789") for _ in range(n - 1))


def _upper(r: random.Random, n: int) -> str:
    return "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))


def _sep(r: random.Random, groups: list[str], seps: tuple[str, ...] = ("-", " ", "", ".")) -> str:
    return r.choice(seps).join(groups)


def _birth(r: random.Random) -> str:
    year = r.randint(50, 99) if r.random() < 0.8 else r.randint(0, 6)
    return f"{year:02d}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"


# ----- identifiers -------------------------------------------------------------------------------

def resident_number(r: random.Random) -> str:
    return _birth(r) + r.choice(["-", " ", "", " - ", "–"]) + r.choice("12345678") + _d(r, 6)


def passport_kr(r: random.Random) -> str:
    if r.random() < 0.3:
        return r.choice("MSR") + _d(r, 3) + _upper(r, 1) + _d(r, 4)  # 2021 format
    return r.choice("MSR") + _d(r, 8)


def passport_foreign(r: random.Random) -> str:
    makers: list[Callable[[], str]] = [
        lambda: r.choice("BCN") + _d(r, 7),  # Viet Nam
        lambda: r.choice(["E", "G"]) + _d(r, 8),  # China
        lambda: "E" + _upper(r, 1) + _d(r, 7),  # China EA1234567
        lambda: _upper(r, 2) + _d(r, 7),  # Thailand, Uzbekistan
        lambda: r.choice(["АА", "АВ", "АС"]) + _d(r, 7),  # Uzbekistan, series typed in Cyrillic
        lambda: "N" + _d(r, 8),  # Cambodia
        lambda: "PA" + _d(r, 7),  # Nepal e-passport
        lambda: _d(r, 2, "1234567") + " " + _d(r, 7),  # Russia, international passport
        lambda: _d(r, 9, "1234567"),
        lambda: _d(r, 4, "123456789") + " " + _d(r, 6),  # Russia, internal passport
        lambda: _d(r, 8, "0123"),  # Nepal, 8 digits
    ]
    return r.choice(makers)()


def phone_kr(r: random.Random) -> str:
    mobile = ["010", _d(r, 4, "23456789"), _d(r, 4)]
    makers: list[Callable[[], str]] = [
        lambda: _sep(r, mobile),
        lambda: "+82 " + _sep(r, [mobile[0][1:], *mobile[1:]], ("-", " ")),
        lambda: "+82" + "".join(mobile)[1:],
        lambda: "+82 (0)" + " ".join([mobile[0][1:], *mobile[1:]]),
        lambda: "0082-" + "-".join([mobile[0][1:], *mobile[1:]]),
        lambda: _sep(r, ["041", _d(r, 3, "2345678"), _d(r, 4)], ("-", " ")),
        lambda: "(041) " + _d(r, 3, "2345678") + "-" + _d(r, 4),
        lambda: _sep(r, ["02", _d(r, 4, "2345678"), _d(r, 4)], ("-", " ")),
        lambda: _sep(r, ["070", _d(r, 4, "2345678"), _d(r, 4)], ("-", " ")),
    ]
    return r.choice(makers)()


def phone_foreign(r: random.Random) -> str:
    makers: list[Callable[[], str]] = [
        lambda: "+84 " + _sep(r, ["9" + _d(r, 1), _d(r, 3), _d(r, 4)], (" ", "-", "")),  # Viet Nam
        lambda: _sep(r, ["09" + _d(r, 2), _d(r, 3), _d(r, 3)], (" ", ".", "")),
        lambda: "+855 " + _sep(r, [_d(r, 2, "1789"), _d(r, 3), _d(r, 3)], (" ", "")),  # Cambodia
        lambda: _sep(r, ["0" + _d(r, 2, "1789"), _d(r, 3), _d(r, 3)], (" ", "-")),
        lambda: "+998 " + _sep(r, [_d(r, 2, "9"), _d(r, 3), _d(r, 2), _d(r, 2)], (" ", "-")),  # Uzbekistan
        lambda: "+998" + _d(r, 9, "9"),
        lambda: " ".join([_d(r, 2, "9"), _d(r, 3), _d(r, 2), _d(r, 2)]),
        lambda: "+66 " + _sep(r, [_d(r, 2, "689"), _d(r, 3), _d(r, 4)], (" ", "-")),  # Thailand
        lambda: _sep(r, ["0" + _d(r, 2, "689"), _d(r, 3), _d(r, 4)], ("-", "", " ")),
        lambda: "+977 " + _sep(r, ["98" + _d(r, 1), _d(r, 7)], ("-", " ", "")),  # Nepal
        lambda: "98" + _d(r, 8),
        lambda: "+7 " + _d(r, 3, "9") + " " + _d(r, 3) + "-" + _d(r, 2) + "-" + _d(r, 2),  # Russia
        lambda: "+7 (" + _d(r, 3, "9") + ") " + _d(r, 3) + "-" + _d(r, 2) + "-" + _d(r, 2),
        lambda: "8 " + _sep(r, [_d(r, 3, "9"), _d(r, 3), _d(r, 2), _d(r, 2)], (" ", "-")),
        lambda: "8" + _d(r, 10, "9"),
        lambda: "+86 " + _sep(r, ["1" + _d(r, 2, "3456789"), _d(r, 4), _d(r, 4)], (" ", "-", "")),  # China
        lambda: "1" + _d(r, 10, "3456789"),
    ]
    return r.choice(makers)()


def account(r: random.Random) -> str:
    makers: list[Callable[[], str]] = [
        lambda: "-".join(["110", _d(r, 3), _d(r, 6)]),  # Shinhan
        lambda: "-".join(["1002", _d(r, 3), _d(r, 6)]),  # Woori
        lambda: "-".join([_d(r, 6, "123456789"), _d(r, 2), _d(r, 6)]),  # Kookmin
        lambda: "-".join(["352", _d(r, 4), _d(r, 4), _d(r, 2)]),  # NH
        lambda: "-".join(["3333", _d(r, 2), _d(r, 7)]),  # Kakao Bank
        lambda: " ".join(["110", _d(r, 3), _d(r, 6)]),
        lambda: _d(r, r.randint(11, 14), "123456789"),
        lambda: "-".join(["079", _d(r, 6), _d(r, 2), _d(r, 3)]),  # IBK style, starting with 0
    ]
    return r.choice(makers)()


def email(r: random.Random) -> str:
    name = r.choice(["nguyen.van.a", "ivan_petrov", "dilnoza.k", "somchai", "sokha+bot", "ram.thapa", "li.wei"])
    number = str(r.randint(0, 2000)) if r.random() < 0.5 else ""
    return f"{name}{number}@" + r.choice(
        ["gmail.com", "naver.com", "mail.ru", "yahoo.com.vn", "qq.com", "daum.net", "hotmail.com"])


IDENTIFIERS: dict[str, Callable[[random.Random], str]] = {
    "resident_number": resident_number,
    "passport_kr": passport_kr,
    "passport_foreign": passport_foreign,
    "phone_kr": phone_kr,
    "phone_foreign": phone_foreign,
    "account": account,
    "email": email,
}

# ----- ordinary numbers that must stay --------------------------------------------------------------

def date(r: random.Random) -> str:
    y, m, d = r.randint(1990, 2030), r.randint(1, 12), r.randint(1, 28)
    return r.choice([f"{y}-{m:02d}-{d:02d}", f"{y}.{m:02d}.{d:02d}", f"{d:02d}.{m:02d}.{y}", f"{d}/{m}/{y}",
                     f"{y}년 {m}월 {d}일", f"{y}年{m}月{d}日", f"{y}{m:02d}{d:02d}", f"{y}. {m}. {d}."])


def amount(r: random.Random) -> str:
    n = r.choice([r.randint(1, 999) * 1000, r.randint(1, 99) * 100000, r.randint(1, 50) * 1000000])
    plain, commas = str(n), f"{n:,}"
    return r.choice([f"{commas}원", f"{plain}원", f"{commas.replace(',', ' ')} ₽", f"{commas.replace(',', '.')} đồng",
                     f"{commas.replace(',', ' ')} so'm", f"{commas.replace(',', ' ')} сўм", f"฿{commas}",
                     f"{commas} บาท", f"रु {commas}", f"{plain}元", f"${commas}", f"{r.randint(10, 500)}만원"])


def time(r: random.Random) -> str:
    h, m = r.randint(0, 23), r.choice([0, 15, 30, 45])
    return r.choice([f"{h:02d}:{m:02d}", f"{h}:{m:02d}-{min(h + 8, 23)}:{m:02d}", f"{h}시 {m}분", f"{h}.{m:02d}"])


def hotline(r: random.Random) -> str:
    return r.choice(["112", "119", "1345", "1350", "1577-1366", "1577 1366", "110", "120", "1330",
                     f"1588-{_d(r, 4)}", f"1644-{_d(r, 4)}", f"1600-{_d(r, 4)}", f"1899-{_d(r, 4)}"])


def other_number(r: random.Random) -> str:
    return r.choice([
        str(r.randint(1990, 2030)), _d(r, 5, "123456"),  # years, postal codes
        r.choice(["E-9", "F-6", "D-2", "H-2", "E-7-4", "F-2-7"]),  # visa types
        f"{r.randint(1, 9999)}번", f"{r.randint(101, 2505)}호", f"room {r.randint(101, 999)}",
        f"bus {r.randint(1, 999)}", f"{r.randint(1, 100)}%", str(r.randint(18, 70)), f"{r.randint(1, 52)} weeks",
    ])


ORDINARY: dict[str, Callable[[random.Random], str]] = {
    "date": date, "amount": amount, "time": time, "hotline": hotline, "other_number": other_number,
}


def _styled(r: random.Random, lang: str, value: str) -> str:
    """Sometimes in full-width digits (CJK input methods) or in the language's own digits."""
    roll = r.random()
    if roll < 0.08:
        return value.translate(str.maketrans("0123456789", FULL_WIDTH))
    if roll < 0.14 and lang in NATIVE_DIGITS:
        return value.translate(str.maketrans("0123456789", NATIVE_DIGITS[lang]))
    return value


def cases(per_kind: int = 30, seed: int = SEED) -> Iterator[Case]:
    """Per language, `per_kind` sentences per identifier type and per ordinary-number type, plus
    sentences holding both (an identifier next to a date, an amount or a hotline)."""
    r = random.Random(seed)
    for lang in LANGS:
        templates = TEMPLATES[lang]
        for kind, make in IDENTIFIERS.items():
            for _ in range(per_kind):
                secret = _styled(r, lang, make(r)) if kind != "email" else make(r)
                yield Case(lang, kind, r.choice(templates).replace("{x}", secret), secret)
        for kind, make in ORDINARY.items():
            for _ in range(per_kind):
                yield Case(lang, kind, r.choice(templates).replace("{x}", _styled(r, lang, make(r))), None)
        for _ in range(per_kind):
            secret = r.choice([phone_kr, phone_foreign, resident_number, account])(r)
            keep = r.choice([date, amount, hotline])(r)
            text = r.choice(templates).replace("{x}", r.choice([f"{keep} {secret}", f"{secret}, {keep}"]))
            yield Case(lang, "mixed", text, secret, keep)
