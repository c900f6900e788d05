"""Language identification for short chat messages in the nine languages, with a hint as a prior."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlu.lexicons import (
    BORROWED_TERMS,
    CHAT_WORDS,
    ENDINGS,
    ENGLISH_COMMON,
    ENGLISH_TOPIC,
    KOREAN_GRAMMAR,
    KOREAN_ROMAN,
    KOREAN_ROMAN_TERMS,
    MASH,
    NEUTRAL_LATIN,
    PHRASES,
    NEPALI_ROMAN,
    PLACE_CASE,
    PLACE_NAMES,
    RUSSIAN_COMMON,
    RUSSIAN_ENDINGS,
    RUSSIAN_LOANS,
    UZBEK_CYRILLIC_SURE,
    UZBEK_CYRILLIC_WORDS,
    UZBEK_LATIN,
    UZBEK_LATIN_VERB,
    VIETNAMESE_PLAIN,
)
from nlu.uzbek import APOSTROPHES

LANGUAGES = ("ko", "en", "zh", "vi", "km", "uz", "th", "ne", "ru")
# Uzbek o' and g' are typed with whatever apostrophe a keyboard has: ' ’ ‘ ʻ ʼ ` and the acute accent ´
# (nlu.uzbek.APOSTROPHES, so transliteration reads the same ones).
_WORD = re.compile(rf"[^\W\d_]+(?:[{APOSTROPHES}][^\W\d_]+)*", re.UNICODE)
_APOSTROPHES = str.maketrans({c: "'" for c in APOSTROPHES})
_UZ_CYRILLIC_LETTERS = set("ўқғҳЎҚҒҲ")
_UZ_PLAIN = str.maketrans("ўқғҳ", "укгх")
# A visa or form code (E-9, e9, F-2-7, D-10) is a term of every language; lower-cased, its letter read as a
# word ("e" is Vietnamese em).
_CODE = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,2}-?\d[\w-]*")
# An Uzbek case ending written apart after a term that cannot take it joined ("KIIP ga", "E-9 dan",
# "플러스센터 da", "최저임금 ни"): after an acronym, a number or a Hangul word. Counted as an Uzbek word and
# taken out, so Vietnamese "ga" (station) or "da" does not read it.
_UZ_CASE_APART = re.compile(
    r"(?<=[A-Z0-9\uac00-\ud7a3])[\s-]+(?:dagi|dan|da|gacha|ga|ning|ni|даги|дан|да|гача|га|нинг|ни)"
    rf"(?![^\W\d_]|[{APOSTROPHES}])"
)
# The same after a place name or borrowed term typed in small letters ("kiip ga", "arc ni", "asan dan"), but
# not "da": Vietnamese đã follows them ("arc da het han", "o asan da 2 nam").
_UZ_CASE_AFTER_NAME = re.compile(
    rf"(?i)(?<![^\W\d_])(?:{'|'.join(sorted(PLACE_NAMES | BORROWED_TERMS, key=len, reverse=True))})"
    rf"[\s-]+(?:dagi|dan|gacha|ga|ning|ni|даги|дан|гача|га|нинг|ни)(?![^\W\d_]|[{APOSTROPHES}])"
)


# A Nepali postposition after a borrowed term ("plus center ko phone number", "노동부 ko number", "ARC lai",
# "immigration office bata"): the term is the noun of a Nepali phrase, as with the Uzbek endings above. "ko"
# is also Vietnamese chat for không ("ARC ko co"), so it is one vote, which a Vietnamese sentence outweighs.
_NE_POSTPOSITIONS = "ko|lai|bata|dekhi|samma"
_NE_POSTPOSITION_APART = re.compile(
    rf"(?:(?<=[A-Z0-9\uac00-\ud7a3])|(?<![^\W\d_])"
    rf"(?i:{'|'.join(sorted(ENGLISH_TOPIC | PLACE_NAMES | BORROWED_TERMS, key=len, reverse=True))}))"
    rf"[\s-]+(?:{_NE_POSTPOSITIONS})(?![^\W\d_]|[{APOSTROPHES}])"
)
_NE_POSTPOSITION = re.compile(rf"(?<![^\W\d_])(?:{_NE_POSTPOSITIONS})(?![^\W\d_])")


def _postpositions_apart(text: str) -> tuple[str, int]:
    """The text without Nepali postpositions after borrowed terms (and the terms), and how many."""
    if not _NE_POSTPOSITION.search(text):  # most messages: skip the long pattern
        return text, 0
    return _NE_POSTPOSITION_APART.subn(" ", text)


def _case_apart(text: str) -> tuple[str, int]:
    """The text without the Uzbek case endings written apart (and the names before them), and how many."""
    text, apart = _UZ_CASE_APART.subn(" ", text)
    text, after_name = _UZ_CASE_AFTER_NAME.subn(" ", text)
    return text, apart + after_name
# An all-capitals short word (ARC, KIIP, ID, SIM) is a borrowed term in every language.
_ACRONYM = re.compile(r"[A-Z]{1,5}")

# Script of a character, by Unicode block: the cheapest and surest signal for six of the nine.
_SCRIPT_RANGES = (
    ("Hang", 0xAC00, 0xD7A3),
    ("Hang", 0x1100, 0x11FF),
    ("Hang", 0x3130, 0x318F),
    ("Hani", 0x4E00, 0x9FFF),
    ("Hani", 0x3400, 0x4DBF),
    ("Thai", 0x0E00, 0x0E7F),
    ("Khmr", 0x1780, 0x17FF),
    ("Khmr", 0x19E0, 0x19FF),
    ("Deva", 0x0900, 0x097F),
    ("Cyrl", 0x0400, 0x04FF),
)
_SCRIPT_LANG = {"Hang": "ko", "Hani": "zh", "Thai": "th", "Khmr": "km", "Deva": "ne"}
# Which scripts a hinted language is written in, to break a tie between scripts.
_LANG_SCRIPTS = {"ko": {"Hang"}, "zh": {"Hani"}, "th": {"Thai"}, "km": {"Khmr"}, "ne": {"Deva", "Latn"},
                 "ru": {"Cyrl"}, "uz": {"Latn", "Cyrl"}, "en": {"Latn"}, "vi": {"Latn"}}

# Letters only Vietnamese uses among our Latin-script languages (after NFC): one is enough.
_VI_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ") | frozenset(
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
# A Vietnamese syllable written without marks: onset, vowel nucleus, final. English words rarely fit
# ("bus", "card", "phone" do not), romanised Nepali and Uzbek words (many syllables) almost never.
_VI_ONSET = r"ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_VI_NUCLEI = "uye uya oai oay oeo uoi uou ươi ieu yeu uay ai ao au ay eo eu ia ie iu oa oe oi oo ua ue ui uo uy ye a e i o u y"
_VI_FINAL = r"ng|nh|ch|[cmnpt]"
_VI_SYLLABLE = re.compile(f"(?:{_VI_ONSET})?(?:{_VI_NUCLEI.replace(' ', '|')})(?:{_VI_FINAL})?")
# The same syllable typed in Telex with the input method off ("ddawng kys", "truws", "khoong bieets"):
# dd for đ, a vowel doubled or followed by w for its mark (aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, uow ươ), and a
# tone key s f r x j after the vowel or at the end. English has the marks ("soon", "down") but seldom a tone
# key after them, so only a word with both, or with dd, counts.
_TELEX_NUCLEI = ("aa aw ee oo ow uw aau aay eeu iee ieeu yee yeeu ooi owi uoo uooi uow uwow uowi uwowi uowu "
                 "uwowu uwa uwi uwu uaa uaay oaw uee uyee")
_VI_TELEX = re.compile(
    f"(?:dd(?:{_VI_NUCLEI.replace(' ', '|')})|(?:dd|{_VI_ONSET})?(?:{_TELEX_NUCLEI.replace(' ', '|')}))"
    f"(?:[sfrxj](?:{_VI_FINAL})|(?:{_VI_FINAL})?[sfrxj]?)"
)
_TELEX_KEYED = re.compile(f"^dd|[sfrxj](?:{_VI_FINAL})?$")
# Uzbek Latin: o' and g' (with any apostrophe look-alike), and q not followed by u.
_UZ_LATIN_MARK = re.compile(r"[og]'[a-z]|q(?!u)")

Votes = dict[str, float]


@dataclass(frozen=True)
class Detection:
    """The language of one message, how sure we are, and the script (for Uzbek)."""

    lang: str
    confidence: float
    script: str
    reason: str

    @property
    def tag(self) -> str:
        """A language tag that keeps the Uzbek script: uz, uz-Cyrl or a plain code."""
        return "uz-Cyrl" if self.lang == "uz" and self.script == "Cyrl" else self.lang


def char_script(char: str) -> str | None:
    """The script of one character, or None for punctuation, digits and unknown blocks."""
    code = ord(char)
    for name, low, high in _SCRIPT_RANGES:
        if low <= code <= high:
            return name
    if char.isalpha() and unicodedata.name(char, "").startswith("LATIN"):
        return "Latn"
    return None


# Chinese, Thai and Khmer are written without spaces: a run of their letters is a phrase, not a word,
# so it counts as about one word per this many letters.
_LETTERS_PER_WORD = {"Hani": 2, "Thai": 4, "Khmr": 4}


def _word_weight(word: str, script: str, korean_grammar: bool) -> float:
    """How much one word says about the sentence's language.

    A Hangul word with a Korean ending shows Korean grammar, so it counts double; without any such
    word, Hangul words are nouns borrowed into another language's sentence ("체류지 변경 qayerda
    qilinadi", "사회통합프로그램 платный?") and count half, as acronyms (ARC, KIIP) do. A Latin
    word counts a little less than one of another script: Latin terms are borrowed everywhere.
    """
    if script == "Hang":
        return 2.0 if KOREAN_GRAMMAR.search(word) else 0.9 if korean_grammar else 0.5
    if script == "Latn":
        return 0.5 if _ACRONYM.fullmatch(word) else 0.9
    return max(1.0, len(word) / _LETTERS_PER_WORD.get(script, len(word)))


def _script_runs(text: str) -> list[tuple[str, str]]:
    """(script, run) for each run of letters of one script: "시민제안怎么写" is a Korean term and Chinese."""
    runs: list[tuple[str, str]] = []
    for word in re.findall(r"\w+", text):
        current, start = None, 0
        for index, char in enumerate(word):
            script = char_script(char)
            if script and script != current:
                if current:
                    runs.append((current, word[start:index]))
                current, start = script, index
        if current:
            runs.append((current, word[start:]))
    return runs


def word_scripts(text: str) -> dict[str, float]:
    """How much of a message is in each script, counted by words, not letters.

    Words are counted so that "Где получить 외국인등록증?" stays Russian: one Korean term inside a
    Russian sentence should not outweigh it.
    """
    runs = _script_runs(text)
    korean_grammar = any(script == "Hang" and KOREAN_GRAMMAR.search(run) for script, run in runs)
    counts: dict[str, float] = {}
    previous = None
    for script, run in runs:
        weight = _word_weight(run, script, korean_grammar)
        if script == previous == "Hang" and not korean_grammar:
            # A borrowed Korean term is often a noun phrase ("외국인등록증 재발급 how", "고려인 협회 где"):
            # its later words add half as much, so two nouns do not outweigh one word of the sentence.
            weight /= 2
        counts[script] = counts.get(script, 0.0) + weight
        previous = script
    return counts


_STRETCHED = re.compile(r"([aeiouyаеёиоуыэюяў])\1+")  # vowels: doubled consonants are spelling (passport)


def _split_vote(votes: Votes, word: str, lexicons: dict[str, frozenset[str]]) -> bool:
    """A word found in several lists (ko: Vietnamese "không", Nepali "of") splits its one vote.

    A word stretched in chat ("rahmaaat", "рахмаат", "saloom") is looked up with its repeated vowels
    single when it is not found as it is.
    """
    owners = [lang for lang, lexicon in lexicons.items() if word in lexicon]
    if not owners and _STRETCHED.search(word):
        single = _STRETCHED.sub(r"\1", word)
        owners = [lang for lang, lexicon in lexicons.items() if single in lexicon]
    for lang in owners:
        votes[lang] = votes.get(lang, 0.0) + 1.0 / len(owners)
    return bool(owners)


_LATIN_LEXICONS = {"en": ENGLISH_COMMON | CHAT_WORDS["en"], "vi": VIETNAMESE_PLAIN | CHAT_WORDS["vi"],
                   "ko": KOREAN_ROMAN, "ne": NEPALI_ROMAN | CHAT_WORDS["ne"], "uz": UZBEK_LATIN | CHAT_WORDS["uz"]}
# A word that ends a sentence in one language only: "a" there is Vietnamese ạ ("oke a", "vang a"),
# never the English article, which always has a noun after it.
_SENTENCE_FINAL = {"a": "vi"}
# Weaker clues for a word in none of the lists: (language, test, weight), first match only.
_LATIN_CLUES: tuple[tuple[str, Callable[[str], bool], float], ...] = (
    ("uz", lambda w: bool(PLACE_CASE["uz"].fullmatch(w)), 1.0),
    ("ne", lambda w: bool(PLACE_CASE["ne"].fullmatch(w)), 1.0),
    ("vi", lambda w: any(c in _VI_LETTERS for c in w), 3.0),
    ("en", lambda w: w in ENGLISH_TOPIC, 0.5),
    ("uz", lambda w: bool(_UZ_LATIN_MARK.search(w)), 1.5),
    ("ne", lambda w: bool(ENDINGS["ne"].fullmatch(w)), 0.7),
    ("ko", lambda w: bool(ENDINGS["ko"].fullmatch(w)), 0.7),
    ("uz", lambda w: bool(ENDINGS["uz"].fullmatch(w) or UZBEK_LATIN_VERB.fullmatch(w)), 0.7),
    ("vi", lambda w: bool(_TELEX_KEYED.search(w) and _VI_TELEX.fullmatch(w)), 1.0),
    ("vi", lambda w: len(w) <= 7 and bool(_VI_SYLLABLE.fullmatch(w)), 0.4),
)
_TOPIC_CLUE = next(index for index, (lang, _, _) in enumerate(_LATIN_CLUES) if lang == "en")  # topic nouns


def _latin_votes(words: list[str]) -> tuple[Votes, float]:
    """Word votes per language, and how much of the English vote is topic nouns (ENGLISH_TOPIC)."""
    votes: Votes = {}
    nouns = 0.0
    # As for Hangul words (_word_weight): without a Korean predicate or question word, a Korean noun is a
    # term borrowed into another language's sentence and counts half.
    korean_term = 1.0 if any(w in KOREAN_ROMAN and w not in KOREAN_ROMAN_TERMS for w in words) else 0.5
    index = 0
    while index < len(words):
        word = words[index]
        phrase = PHRASES.get(" ".join(words[index : index + 2]))
        if phrase:
            votes[phrase] = votes.get(phrase, 0.0) + 2.0
            index += 2
            continue
        index += 1
        if index == len(words) and word in _SENTENCE_FINAL:
            votes[_SENTENCE_FINAL[word]] = votes.get(_SENTENCE_FINAL[word], 0.0) + 1.0
            continue
        if word in KOREAN_ROMAN_TERMS:
            votes["ko"] = votes.get("ko", 0.0) + korean_term
            continue
        if _split_vote(votes, word, _LATIN_LEXICONS):
            continue
        for clue, (lang, test, weight) in enumerate(_LATIN_CLUES):
            if test(word):
                votes[lang] = votes.get(lang, 0.0) + weight
                nouns += weight if clue == _TOPIC_CLUE else 0.0
                break
    return votes, nouns


# The character model: py3langid's naive Bayes over byte n-grams, restricted to en/vi/uz and read from
# a table derived from its model by nlu.langid_build (0.2 MB on disk, a few MB loaded, instead of the
# 49 MB that loading py3langid and its automaton over all 97 languages' features costs).
_TABLE = Path(__file__).with_name("langid_en_vi_uz.npz")


@dataclass(frozen=True)
class _CharModel:
    grams: dict[bytes, int]  # n-gram bytes -> row of weights
    lengths: tuple[int, ...]  # n-gram lengths present, longest first
    weights: Any  # numpy float16 (n-grams x columns): log P(n-gram | language)
    prior: Any  # numpy float32 (columns,): log P(language)
    columns: tuple[str, ...]  # language of each column; uz has two (py3langid's alias), summed
    aliases: tuple[tuple[int, int], ...]  # (first column, later column) of one language


@lru_cache(maxsize=1)
def _char_model() -> _CharModel:
    import numpy as np

    with np.load(_TABLE) as table:
        columns = tuple(str(lang) for lang in table["classes"])
        blob, lengths = table["grams"].tobytes(), table["lengths"].tolist()
        weights, prior = table["weights"], table["prior"]
        if not table["grams"].all():
            raise ValueError(f"{_TABLE}: an n-gram holds a NUL byte; rebuild it with nlu.langid_build")
    grams, start = {}, 0
    for row, length in enumerate(lengths):
        grams[blob[start : start + length]] = row
        start += length
    aliases = tuple((columns.index(lang), later) for later, lang in enumerate(columns) if columns.index(lang) != later)
    return _CharModel(grams, tuple(sorted(set(lengths), reverse=True)), weights, prior, columns, aliases)


def _gram_counts(data: bytes, model: _CharModel) -> dict[int, int]:
    """How often each n-gram occurs, counting after each byte only the longest n-gram ending there.

    That is what py3langid's automaton counts (not every n-gram ending there); the rows keep the order
    of first occurrence, as its Counter does, so the sums below add up in the same order.
    """
    counts: dict[int, int] = {}
    get, lengths = model.grams.get, model.lengths
    # NUL bytes in front spare a bounds test per lookup (twice as fast): no n-gram in the table has one.
    padded = b"\0" * lengths[0] + data
    for end in range(lengths[0] + 1, len(padded) + 1):
        for length in lengths:
            row = get(padded[end - length : end])
            if row is not None:
                counts[row] = counts.get(row, 0) + 1
                break
    return counts


def _model_probabilities(text: str) -> Votes:
    """P(language | text) over en/vi/uz, best first, computed as py3langid's rank() with norm_probs does."""
    import numpy as np

    model = _char_model()
    data = unicodedata.normalize("NFC", text.lower() if text.isupper() else text).encode("utf-8", "surrogatepass")
    counts = _gram_counts(data, model)
    if counts:
        rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        times = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        scores = np.log1p(times) @ model.weights[rows] + model.prior
    else:
        scores = np.zeros(len(model.columns), dtype=np.float32)  # no evidence: all equally likely
    scores *= 1.0 / math.sqrt(len(data) or 1)  # py3langid's temperature, sqrt of the byte length
    np.exp(scores - scores.max(), out=scores)
    scores /= scores.sum()
    merged: dict[str, float] = {}
    for first, later in model.aliases:
        scores[first] += scores[later]
    for lang, score in zip(model.columns, scores.tolist()):
        merged.setdefault(lang, score)
    return dict(sorted(merged.items(), key=lambda item: item[1], reverse=True))


_NEUTRAL = NEUTRAL_LATIN | PLACE_NAMES | BORROWED_TERMS


def _latin_words(text: str) -> list[str]:
    """The Latin words of a message, lower-cased, apostrophes unified; acronyms, "ok", local place names,
    borrowed terms (arc, kiip) and keyboard mash left out."""
    words = []
    for word in _WORD.findall(_CODE.sub(" ", unicodedata.normalize("NFC", text))):
        if char_script(word[0]) != "Latn" or _ACRONYM.fullmatch(word):
            continue
        plain = word.casefold().translate(_APOSTROPHES)
        if plain not in _NEUTRAL and not MASH.fullmatch(plain):
            words.append(plain)
    return words


_SURE = 0.99  # a character-model probability that counts before the romanised word lists do
_HINT_PRIOR = 0.75  # less than one clear word: decides ties and empty messages, never a clear word
_MODELLED = ("en", "vi", "uz")
_ROMANISED = ("ne", "ko")  # no character model knows romanised Nepali or Korean: word lists decide
_REASONS = {"en": "english", "vi": "vietnamese", "uz": "uzbek-latin", "ne": "romanised-nepali",
            "ko": "romanised-korean"}


def _latin(text: str, hint: str | None) -> Detection:
    text, apart = _case_apart(text)
    text, postpositions = _postpositions_apart(text)
    words = _latin_words(text)
    votes, english_nouns = _latin_votes(words)
    for lang, count in (("uz", apart), ("ne", postpositions)):
        if count:
            votes[lang] = votes.get(lang, 0.0) + count
    if len(words) <= 1 and hint and max((v for lang, v in votes.items() if lang != "en"), default=0.0) < 1.0:
        # One word ("ok", "hello") says little: the conversation's language wins.
        return Detection(hint, 0.5, "Latn", "too-short-use-hint")
    if hint:
        votes[hint] = votes.get(hint, 0.0) + _HINT_PRIOR
    total = sum(votes.values())
    # The character model sees what word lists miss; it is worth more on longer messages.
    model_weight = 0.5 + 0.15 * min(len(words), 8)
    probabilities = _model_probabilities(" ".join(words)) if words else {}
    # All but certain of Uzbek or Vietnamese on three words or more ("oyligim kam kelyapti": Uzbek 0.9996),
    # it is evidence against romanised Nepali or Korean too, which a word shared with them ("kam", "kun")
    # would win. Not of English: romanised Nepali borrows English nouns ("sinchang office ma ... cha").
    sure = {lang: model_weight * prob for lang, prob in probabilities.items()
            if lang != "en" and prob >= _SURE and len(words) >= 3}
    romanised = max(_ROMANISED, key=lambda lang: votes.get(lang, 0.0))
    # The character model below only chooses among en/vi/uz, so romanised Nepali or Korean must win
    # on words first: more of its words than of any of the three.
    # English topic nouns do not count against Nepali, whose chat borrows them ("company le passport rakhyo",
    # "free korean class xa?"); they do against romanised Korean nouns, which English borrows ("jumin center
    # phone number").
    borrowed = {"en": english_nouns} if romanised == "ne" else {}
    if votes.get(romanised, 0.0) > max(votes.get(lang, 0.0) + sure.get(lang, 0.0) - borrowed.get(lang, 0.0)
                                       for lang in _MODELLED):
        return Detection(romanised, round(votes[romanised] / total, 3), "Latn", _REASONS[romanised])
    if not (words or apart or postpositions) or (hint and total <= _HINT_PRIOR):
        # Nothing but the character model's guess ("jkjk", names): the conversation's language wins.
        return Detection(hint or "en", 0.5 if hint else 0.0, "Latn", "no-evidence-use-hint")
    scores = {lang: votes.get(lang, 0.0) + model_weight * prob
              for lang, prob in (probabilities or dict.fromkeys(_MODELLED, 0.0)).items()}
    lang = max(scores, key=lambda key: scores[key])
    return Detection(lang, round(scores[lang] / sum(scores.values()), 3), "Latn", _REASONS[lang])


def _cyrillic_votes(words: list[str]) -> Votes:
    votes: Votes = {}
    for word in words:
        if any(ch in _UZ_CYRILLIC_LETTERS for ch in word):
            votes["uz"] = votes.get("uz", 0.0) + 3.0  # ў қ ғ ҳ are Uzbek alone
            continue
        if word in RUSSIAN_LOANS:
            votes["ru"] = votes.get("ru", 0.0) + 0.5  # a noun Uzbek borrows as it is ("работа борми")
            continue
        if _split_vote(votes, word.translate(_UZ_PLAIN), {"uz": UZBEK_CYRILLIC_WORDS, "ru": RUSSIAN_COMMON}):
            continue
        if PLACE_CASE["uz-Cyrl"].fullmatch(word):
            votes["uz"] = votes.get("uz", 0.0) + 1.0  # Асанга, Асандаги: Russian says в Асане, до Асана
        elif any(ch in "ыщь" for ch in word):
            votes["ru"] = votes.get("ru", 0.0) + 1.0  # Uzbek uses ы щ ь only in Russian loanwords
        elif UZBEK_CYRILLIC_SURE.fullmatch(word):
            votes["uz"] = votes.get("uz", 0.0) + 1.0
        elif ENDINGS["uz-Cyrl"].fullmatch(word):
            votes["uz"] = votes.get("uz", 0.0) + 0.7
        elif RUSSIAN_ENDINGS.fullmatch(word):
            votes["ru"] = votes.get("ru", 0.0) + 0.7
    return votes


# Russian is the default for Cyrillic: far more of our readers write it. A one-word message whose only
# Uzbek clue is an ending Russian shares ("карандаш", "чемодан") is a coin toss that this base rate
# decides, as the hint does when there is one; in a sentence such weak clues add up ("визам тугади").
_RUSSIAN_PRIOR = 0.7


def _cyrillic(text: str, hint: str | None) -> Detection:
    text, apart = _case_apart(text)
    words = [w.casefold() for w in _WORD.findall(text) if char_script(w[0]) == "Cyrl"]
    votes = _cyrillic_votes(words)
    if apart:
        votes["uz"] = votes.get("uz", 0.0) + apart
    if len(words) == 1:
        votes["ru"] = votes.get("ru", 0.0) + _RUSSIAN_PRIOR
    if hint in ("uz", "ru"):
        votes[hint] = votes.get(hint, 0.0) + _HINT_PRIOR
    uz, ru = votes.get("uz", 0.0), votes.get("ru", 0.0)
    if uz > ru:
        return Detection("uz", round(uz / (uz + ru), 3), "Cyrl", "uzbek-cyrillic")
    return Detection("ru", round(max(ru, 0.5) / (uz + max(ru, 0.5)), 3), "Cyrl", "cyrillic")


_SCRIPT_PRIOR = 0.5  # the hint's script wins a near tie ("visa 연장" from someone who chose Korean)


def _main_script(counts: dict[str, float], hint: str | None) -> tuple[str, float]:
    preferred = _LANG_SCRIPTS.get(hint or "", set())
    scored = {script: count + (_SCRIPT_PRIOR if script in preferred else 0.0) for script, count in counts.items()}
    top = max(scored.values())
    # A tie left goes away from Latin: Latin terms are the ones borrowed into other languages' sentences.
    tied = [script for script, score in scored.items() if score == top]
    script = next((s for s in tied if s != "Latn"), tied[0])
    return script, counts[script]


def detect(text: str, hint: str | None = None) -> Detection:
    """Identify the language of `text`; `hint` (a saved choice or channel language) is a prior only."""
    hint = hint if hint in LANGUAGES else None
    counts = word_scripts(text)
    if not counts:
        return Detection(hint or "en", 0.0, "Zyyy", "no-letters")
    script, top = _main_script(counts, hint)
    share = top / sum(counts.values())
    if script in _SCRIPT_LANG:
        # Japanese kana would land here as Hani; it is not one of our languages.
        return Detection(_SCRIPT_LANG[script], share, script, "script")
    found = _cyrillic(text, hint) if script == "Cyrl" else _latin(text, hint)
    return Detection(found.lang, found.confidence * share, found.script, found.reason)
