"""Language identification on informal chat: romanised Nepali and Korean, Vietnamese without marks,
Uzbek on a Russian keyboard, mixed scripts, and the hint as a prior (messages written for these tests)."""

from __future__ import annotations

import pytest

from nlu.langid import detect

ROMANISED_NEPALI = [
    "malai visa ko barema jankari chahiyo",
    "tapai nepali bolnu huncha?",
    "mero sahu le talab diyena 3 mahina bhayo",
    "hospital jana paryo, kasari jane",
    "bima chaina, dant dukhyo k garne",
    "aru kura sodhna milcha?",
    "namaste dai",
    "dhanyabad hajur",
    "kaam chodna man xa, k garnu parxa",
    "ARC haraayo, naya kasari banaune",
    "yo thau ma nepali bolne manche cha?",
    "company le paisa diyena",
    "visa extend garna k k chahincha",
    "korean class kaha hunchha",
]

ROMANISED_KOREAN = [
    "oegugin deungnokjeung eodiseo mandeureoyo",
    "gamsahamnida",
    "hangugeo suup isseoyo?",
]

VIETNAMESE_WITHOUT_MARKS = [
    "cho em hoi lam the cu tru o dau a",
    "em bi mat ho chieu roi",
    "cong ty khong tra luong 2 thang",
    "xin chao",
    "cam on nhieu",
    "lam sao de doi bang lai xe",
    "benh vien nao co phien dich tieng viet",
    "visa het han roi phai lam sao",
    "chu nha khong tra tien coc",
    # Chat shorthand: e (em), r (rồi), no (nợ) look like English or nothing at all.
    "cty no e 2 thang r",
    "mat the ARC r",
    "the e mat r",
]

UZBEK_LATIN = [
    "Assalomu alaykum, menga yordam kerak",
    "rahmat",
    "ishxonam maosh bermayapti",
    "viza muddatini uzaytirish kerak",
    "qayerda koreys tili kursi bor",
    "oylik berishmayapti nima qilsam boladi",
    "Koreyada haydovchilik guvohnomasi olmoqchiman",
]

# Uzbek typed on a Russian keyboard: у к г х instead of ў қ ғ ҳ.
UZBEK_RUSSIAN_KEYBOARD = [
    "Салом, визам муддати тугаяпти, узайтириш учун нима килиш керак",
    "Менга ёрдам беринглар, пулимни беришмаяпти",
    "Ишхонани алмаштирмокчиман",
    "рахмат",
    # Words outside the Uzbek list, told by their suffixes: -ди past, -иш verbal noun, -имни, -чилик.
    "ишдан бушатишди",
    "ойлигимни ушлаб колишди",
    "фарзандимни мактабга бериш",
    "таржимон топиш",
    "ёзилиш",
    "бошликимиз урди",
    "хайдовчилик курси",
]

RUSSIAN = [
    "Здравствуйте, где можно сделать страховку?",
    "спасибо",
    "Как продлить визу F-4?",
    "Мне нужна помощь с переводом в больнице",
    "Работодатель не платит зарплату уже два месяца",
    "Я живу в 아산시 배방읍, куда идти?",
    "Сколько стоит доллар сегодня",
]

ENGLISH = [
    "hi",
    "thanks",
    "help",
    "ok thank you",
    "where can i get my ARC",
    "Is there a bus from 천안아산역 to 온양온천?",
    "need help with visa",
    "my boss didnt pay me",
    "how much is the bus to Cheonan",
    "Korean class on weekends?",
    "the men at the office said no",
    # One topic word, which the en/vi/uz character model alone takes for Uzbek or Vietnamese.
    "tax",
    "Translator?",
    "hotline",
    "Job",
    "Trash",
    "recycling day Baebang",
    # A romanised Korean term inside English (주민센터, 사장님, 출입국): the English nouns around it decide.
    "jumin center phone number",
    "sajangnim phone number",
    "chulipguk office hours",
    "jumin center open saturday",
]

# Korean terms inside another language's sentence: the sentence's grammar decides.
KOREAN_TERMS_ABROAD = [
    ("가족센터的韩语课怎么报名", "zh"),
    ("체류지 변경 qayerda qilinadi", "uz"),
    ("사회통합프로그램 бесплатно?", "ru"),
    ("하나센터 ทำอะไรบ้าง", "th"),
    ("외국인등록증 ma naam kasari thapne", "ne"),
    ("퇴직금 tinh the nao", "vi"),
]

KOREAN_WITH_ENGLISH_TERMS = [
    "visa 연장 어떻게 해요?",
    "ARC 재발급 받으려면 뭐 필요해요",
    "E-7 visa 신청 가능해요?",
    "KIIP 신청",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, "ne") for t in ROMANISED_NEPALI]
    + [(t, "ko") for t in ROMANISED_KOREAN + KOREAN_WITH_ENGLISH_TERMS]
    + [(t, "vi") for t in VIETNAMESE_WITHOUT_MARKS]
    + [(t, "uz") for t in UZBEK_LATIN + UZBEK_RUSSIAN_KEYBOARD]
    + [(t, "ru") for t in RUSSIAN]
    + [(t, "en") for t in ENGLISH],
)
def test_informal_messages(text: str, expected: str) -> None:
    assert detect(text).lang == expected


@pytest.mark.parametrize(("text", "expected"), KOREAN_TERMS_ABROAD)
def test_korean_terms_inside_other_languages(text: str, expected: str) -> None:
    assert detect(text).lang == expected


def test_keyboard_mash_follows_the_hint() -> None:
    assert detect("jkjkjk hhhh", hint="ne").lang == "ne"
    assert detect("asdfgh", hint="th").lang == "th"


def test_russian_keyboard_uzbek_keeps_cyrillic_tag() -> None:
    assert detect("Ишхонани алмаштирмокчиман").tag == "uz-Cyrl"


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("ok", "ne", "ne"),
        ("visa", "uz", "uz"),
        ("ok", "ru", "ru"),
        ("thank you very much for your help", "vi", "en"),
        ("xin chao", "en", "vi"),
        ("mero card harayo", "en", "ne"),
        ("Ишхонани алмаштирмокчиман", "ru", "uz"),
        ("где мой паспорт", "uz", "ru"),
        ("visa 연장", "ko", "ko"),
        ("namaste", "en", "ne"),
    ],
)
def test_hint_is_a_prior(text: str, hint: str, expected: str) -> None:
    assert detect(text, hint=hint).lang == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A local place name alone says nothing; with a case ending joined it tells the language.
        ("Asanda", "uz"),
        ("Асанга автобус", "uz"),
        ("Асандаги шифохона", "uz"),
        ("Asanma", "ne"),
        ("Cheonanko hospital", "ne"),
        ("в Асане есть больница?", "ru"),
    ],
)
def test_place_name_with_a_case_ending(text: str, expected: str) -> None:
    assert detect(text).lang == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Borrowed terms typed in small letters are neutral, as in capitals; an Uzbek case ending apart after
        # them is Uzbek, not Vietnamese ga (station), but đã after them stays Vietnamese.
        ("kiip ga yozilish", "uz"),
        ("arc ni qayerdan olaman", "uz"),
        ("the arc da het han roi", "vi"),
        ("kiip level test", "en"),
    ],
)
def test_borrowed_terms_in_small_letters(text: str, expected: str) -> None:
    assert detect(text).lang == expected
