"""Catalog management with Babel: extract message ids, update the .po files, compile, and check them."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, CatalogError

__all__ = ["CatalogError", "catalog_problems", "run_babel"]

_SOURCES = [str(Path(__file__).resolve().parent / "messages.py")]
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _babel(*argv: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *argv])


def catalog_problems(locales_dir: Path, languages: list[str]) -> list[str]:
    """Untranslated entries and lost {placeholders}, as `file: problem` lines."""
    problems: list[str] = []
    for lang in languages:
        path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.is_file():
            problems.append(f"{path}: missing")
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            source = str(message.id if isinstance(message.id, str) else message.id[0])
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if lang != "en" and not all(strings):
                problems.append(f"{path}:{message.lineno}: untranslated: {source[:60]!r}")
                continue
            if message.fuzzy:
                problems.append(f"{path}:{message.lineno}: fuzzy (will not be used): {source[:60]!r}")
            wanted = set(_PLACEHOLDER.findall(source))
            for text in map(str, strings):
                if text and set(_PLACEHOLDER.findall(text)) != wanted:
                    problems.append(f"{path}:{message.lineno}: placeholders differ from {sorted(wanted)}")
    return problems


def run_babel(action: str, locales_dir: Path, languages: list[str]) -> int:
    """extract -> newcomer.pot; update -> each language's .po; compile -> .mo; check -> report gaps."""
    pot = locales_dir / f"{DOMAIN}.pot"
    if action == "extract":
        _babel("extract", "-k", "N_", "-k", "NP_:1,2", "--no-default-keywords", "--project", "newcomer-bot",
               "-o", str(pot), *_SOURCES)
    elif action == "update":
        for lang in languages:
            po = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
            command = "update" if po.is_file() else "init"
            _babel(command, "-D", DOMAIN, "-i", str(pot), "-d", str(locales_dir), "-l", lang)
    elif action == "compile":
        _babel("compile", "-D", DOMAIN, "-d", str(locales_dir), "--statistics")
    problems = catalog_problems(locales_dir, languages)
    for problem in problems:
        print(problem)
    return 1 if problems and action in ("check", "compile") else 0
