"""Uzbek Latin <-> Cyrillic transliteration, so one Latin content base serves readers of both scripts."""

from __future__ import annotations

import re

# Latin digraphs first: o‘/g‘ (with any apostrophe look-alike), sh, ch, ng is two letters in Cyrillic.
# The look-alikes are those language ID reads as an apostrophe (nlu.langid): ' ’ ‘ ʻ ʼ ` and the acute
# accent ´ of some keyboards ("o´zbek"), which was left as it is here ("О´збек").
APOSTROPHES = "'’‘ʻʼ`´"
_LATIN_TO_CYRILLIC_MULTI = (
    ("yo'", "йў"), ("yo", "ё"), ("yu", "ю"), ("ya", "я"), ("ye", "е"), ("sh", "ш"), ("ch", "ч"),
    ("o'", "ў"), ("g'", "ғ"), ("ts", "ц"),
)
_LATIN_TO_CYRILLIC = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с",
    "t": "т", "u": "у", "v": "в", "x": "х", "y": "й", "z": "з", "'": "ъ",
}
_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "'", "ь": "", "ы": "i", "э": "e", "ю": "yu", "я": "ya", "ў": "o'", "қ": "q", "ғ": "g'",
    "ҳ": "h",
}
# Links, {placeholders}, <tags> and /commands stay as they are: they are read by machines.
_URL_OR_TAG = re.compile(r"(https?://\S+|\{[^}]*\}|<[^>]+>|(?<![\w/])/[a-z_]+)")


def _case_like(source: str, target: str) -> str:
    if source.isupper() and len(source) > 1:
        return target.upper()
    if source[:1].isupper():
        return target[:1].upper() + target[1:]
    return target


def _latin_word_to_cyrillic(word: str) -> str:
    normalised = re.sub(f"[{APOSTROPHES}]", "'", word)
    out: list[str] = []
    i = 0
    lower = normalised.lower()
    while i < len(normalised):
        # Word-initial e is э in Cyrillic Uzbek (e.g. "ega" -> "эга").
        if lower[i] == "e" and (i == 0 or not lower[i - 1].isalpha()):
            out.append(_case_like(normalised[i], "э"))
            i += 1
            continue
        for latin, cyr in _LATIN_TO_CYRILLIC_MULTI:
            if lower.startswith(latin, i):
                out.append(_case_like(normalised[i : i + len(latin)], cyr))
                i += len(latin)
                break
        else:
            char = normalised[i]
            mapped = _LATIN_TO_CYRILLIC.get(char.lower())
            out.append(_case_like(char, mapped) if mapped else char)
            i += 1
    return "".join(out)


def latin_to_cyrillic(text: str) -> str:
    """Transliterate Uzbek Latin to Cyrillic, leaving links, placeholders and tags alone."""
    parts = _URL_OR_TAG.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = re.sub(
            rf"[A-Za-z](?:[A-Za-z]|[{APOSTROPHES}](?=[A-Za-z])|(?<=[oOgG])[{APOSTROPHES}])*", lambda m: _latin_word_to_cyrillic(m.group(0)), parts[index]
        )
    return "".join(parts)


def cyrillic_to_latin(text: str) -> str:
    """Transliterate Uzbek Cyrillic to Latin (used to give both scripts one vocabulary)."""
    out = []
    for index, char in enumerate(text):
        mapped = _CYRILLIC_TO_LATIN.get(char.lower())
        previous = text[index - 1].lower() if index else ""
        if char.lower() == "е" and (not previous.isalpha() or previous in "аеёиоуўэюя"):
            mapped = "ye"  # е is "ye" at the start of a word and after a vowel (қаерда -> qayerda)
        out.append(char if mapped is None else _case_like(char, mapped) if mapped else "")
    return "".join(out)
