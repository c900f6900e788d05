"""Staff accounts and console logins: argon2 password hashes, random session tokens kept only as hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from bot.config import LANGUAGES
from bot.models import StaffMember, StaffSession, as_utc, utcnow
from bot.roster import parse_hours
from bot.store import Store

ROLES = ("interpreter", "staff")
MIN_PASSWORD = 10
_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# Verifying against this when the login does not exist keeps the timing the same as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class StaffError(ValueError):
    """A staff record that cannot be saved; the message names the field."""


@dataclass(frozen=True)
class ConsoleUser:
    """Who is logged in to the console, and the CSRF token of their session."""

    staff_id: int
    login: str
    name: str
    role: str
    languages: tuple[str, ...]
    csrf: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_staff(store: Store, login: str, name: str, role: str, languages: list[str], hours: str,
              password: str | None, telegram_chat_id: int | None = None) -> int:
    """Create an interpreter or staff member; returns the id."""
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        raise StaffError(f"languages: unknown {unknown}; use {', '.join(LANGUAGES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise StaffError(f"password: at least {MIN_PASSWORD} characters")
    weekly = parse_hours(hours) if hours else {}
    with store.session() as session:
        if session.scalar(select(StaffMember).where(StaffMember.login == login)) is not None:
            raise StaffError(f"login {login!r} exists already")
        staff = StaffMember(login=login, name=name, role=role, languages=languages, hours=weekly,
                            password_hash=_hasher.hash(password) if password else None,
                            telegram_chat_id=telegram_chat_id, active=True)
        session.add(staff)
        session.flush()
        return staff.id


def set_password(store: Store, login: str, password: str) -> None:
    """Change a staff member's console password (existing sessions are ended)."""
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"password: at least {MIN_PASSWORD} characters")
    with store.session() as session:
        staff = session.scalar(select(StaffMember).where(StaffMember.login == login))
        if staff is None:
            raise StaffError(f"no staff member with login {login!r}")
        staff.password_hash = _hasher.hash(password)
        session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))


def log_in(store: Store, login: str, password: str, hours: int) -> str | None:
    """A new session token for the right password, else None (same time either way)."""
    with store.session() as session:
        staff = session.scalar(select(StaffMember).where(StaffMember.login == login, StaffMember.active.is_(True)))
        try:
            _hasher.verify(staff.password_hash if staff and staff.password_hash else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if staff is None or staff.password_hash is None:
            return None
        token = secrets.token_urlsafe(32)
        session.add(StaffSession(token_hash=_token_hash(token), staff_id=staff.id, csrf=secrets.token_urlsafe(32),
                                 expires_at=utcnow() + dt.timedelta(hours=hours)))
        session.execute(delete(StaffSession).where(StaffSession.expires_at < utcnow()))
        return token


def session_user(store: Store, token: str | None) -> ConsoleUser | None:
    """The logged-in person for a session cookie, if the session exists and has not expired."""
    if not token:
        return None
    with store.session() as session:
        row = session.get(StaffSession, _token_hash(token))
        if row is None:
            return None
        staff = session.get(StaffMember, row.staff_id)
        if as_utc(row.expires_at) < utcnow() or staff is None or not staff.active:
            return None
        return ConsoleUser(staff.id, staff.login, staff.name, staff.role, tuple(staff.languages), row.csrf)


def log_out(store: Store, token: str | None) -> None:
    """End a console session."""
    if token:
        with store.session() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
