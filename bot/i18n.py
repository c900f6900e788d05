"""Gettext catalogs per language, looked up per message (never one process-wide language)."""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.messages import Plural
from nlu.uzbek import latin_to_cyrillic

DOMAIN = "newcomer"
# Our language tags to Babel locales; Uzbek Cyrillic shares the Latin catalog and is transliterated.
BABEL_LOCALES = {
    "ko": "ko", "en": "en", "zh": "zh_Hans_CN", "vi": "vi", "km": "km", "uz": "uz_Latn",
    "uz-Cyrl": "uz_Cyrl", "th": "th", "ne": "ne", "ru": "ru",
}

# Catalog messages and the content base's texts are a bounded set: each is transliterated once (a card's
# answer takes ~0.3 ms, most of a Cyrillic Uzbek reply's CPU besides the NLU). Free text, such as an
# interpreter's reply, goes through script() and is never kept.
_cyrillic = functools.lru_cache(maxsize=1024)(latin_to_cyrillic)


class CatalogError(Exception):
    """A catalog file is missing or broken."""


def native_name(tag: str) -> str:
    """The language's own name, e.g. 한국어, Tiếng Việt, o‘zbek."""
    name = Locale.parse(BABEL_LOCALES[tag]).get_display_name(BABEL_LOCALES[tag]) or tag
    # CLDR adds the script ("o‘zbek (lotin)"); people pick by language, the bot follows their script.
    name = name.split(" (")[0]
    return name[:1].upper() + name[1:]


def _load_catalog(locales_dir: Path, lang: str) -> gettext.NullTranslations:
    po_path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo_path = po_path.with_suffix(".mo")
    if mo_path.is_file() and (not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime):
        with mo_path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po_path.is_file():
        raise CatalogError(f"{po_path}: catalog missing; run `newcomer i18n update`")
    # Compile in memory so an edited .po takes effect without a separate compile step.
    try:
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=BABEL_LOCALES.get(lang, lang))
    except Exception as exc:
        raise CatalogError(f"{po_path}: cannot read catalog: {exc}") from exc
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Translates message ids into one conversation's language, loading each catalog once."""

    def __init__(self, locales_dir: Path, languages: list[str]) -> None:
        self.locales_dir = locales_dir
        self.languages = languages
        self._catalogs: dict[str, gettext.NullTranslations] = {}
        for lang in languages:
            self._catalogs[lang] = _load_catalog(locales_dir, lang) if lang != "en" else _english(locales_dir)

    def _catalog(self, tag: str) -> gettext.NullTranslations:
        return self._catalogs.get(tag.split("-")[0], self._catalogs.get("en", gettext.NullTranslations()))

    @staticmethod
    def script(tag: str, text: str) -> str:
        """Text in the script the person reads: Uzbek Cyrillic is transliterated from Latin."""
        return latin_to_cyrillic(text) if tag == "uz-Cyrl" else text

    @staticmethod
    def content_script(tag: str, text: str) -> str:
        """script() for text of the catalogs or the content base (cards), transliterated once per text."""
        return _cyrillic(text) if tag == "uz-Cyrl" else text

    def text(self, tag: str, message: str, **values: object) -> str:
        """One message in language `tag`, with {placeholders} filled."""
        translated = self.content_script(tag, self._catalog(tag).gettext(message))
        return translated.format(**values) if values else translated

    def plural(self, tag: str, message: Plural, count: int, **values: object) -> str:
        """A plural message, with the form chosen by the language's plural rules."""
        translated = self._catalog(tag).ngettext(message.singular, message.plural, count)
        return self.content_script(tag, translated).format(**values)

    def date(self, tag: str, value: object) -> str:
        """A date written the way the language writes it (2026년 11월 24일, 24 ноября 2026 г.)."""
        return _long_date(value, BABEL_LOCALES.get(tag, "en"))

    def datetime(self, tag: str, value: object, zone: str = "Asia/Seoul") -> str:
        """A moment in the city's time, written the way the language writes it (11월 25일 (수) 오전 9:00)."""
        return format_datetime(value, format="EEEE d MMMM, HH:mm", tzinfo=zone,  # type: ignore[arg-type]
                               locale=BABEL_LOCALES.get(tag, "en"))


@functools.lru_cache(maxsize=1024)
def _long_date(value: object, locale: str) -> str:
    # Every answer shows its card's check date: a few dates per language, formatted once each (~40 us each).
    return format_date(value, format="long", locale=locale)  # type: ignore[arg-type]


def _english(locales_dir: Path) -> gettext.NullTranslations:
    po_path = locales_dir / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
    return _load_catalog(locales_dir, "en") if po_path.exists() else gettext.NullTranslations()
