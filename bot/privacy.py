"""Masking of personal identifiers before anything is stored, and pseudonymous user keys."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path

# Order matters: the most specific patterns first, so an ID number is not half-eaten as a phone.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Korean resident / alien registration numbers: 6 digits, a separator, 7 digits.
    ("[ID]", re.compile(r"(?<!\d)\d{6}\s*[-–—]?\s*[1-8]\d{6}(?!\d)")),
    ("[EMAIL]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    # Korean mobile and landline numbers; short hotlines (112, 1345, 1577-1366) do not match.
    ("[PHONE]", re.compile(r"(?<!\d)(?:\+?82[\s-]?)?0\d{1,2}[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)")),
    # Passport numbers: one or two letters then 7-8 digits (e.g. M12345678).
    ("[PASSPORT]", re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d{7,8}(?!\d)")),
    # Bank accounts: 10-16 digits, possibly in hyphenated groups.
    ("[ACCOUNT]", re.compile(r"(?<!\d)\d{2,6}(?:[\s-]\d{2,8}){1,3}(?!\d)(?<=\d)|(?<!\d)\d{10,16}(?!\d)")),
)


def _account_like(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group(0))
    return 10 <= len(digits) <= 16


def mask(text: str) -> str:
    """Replace ID, phone, passport, account numbers and e-mails with labels; other text is kept."""
    # Full-width digits (１２３) are folded first so they cannot slip past the patterns.
    folded = unicodedata.normalize("NFKC", text) if any("\uff10" <= c <= "\uff5a" for c in text) else text
    for label, pattern in _PATTERNS:
        if label == "[ACCOUNT]":
            folded = pattern.sub(lambda m: label if _account_like(m) else m.group(0), folded)
        else:
            folded = pattern.sub(label, folded)
    return folded


def load_secret(var_dir: Path) -> bytes:
    """The key for pseudonyms: NEWCOMER_PSEUDONYM_SECRET, or a random one kept in var/ (mode 600)."""
    from_env = os.environ.get("NEWCOMER_PSEUDONYM_SECRET")
    if from_env:
        return from_env.encode()
    path = var_dir / "pseudonym.key"
    if path.is_file():
        return path.read_bytes().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret)
    return secret


def pseudonym(secret: bytes, channel: str, external_id: str) -> str:
    """A stable key for one person on one channel that does not reveal their channel id."""
    return hmac.new(secret, f"{channel}:{external_id}".encode(), hashlib.sha256).hexdigest()
