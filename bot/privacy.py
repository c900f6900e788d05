"""Masking of personal identifiers before anything is stored, and pseudonymous user keys."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.pii import mask

__all__ = ["load_secret", "mask", "pseudonym"]


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
