"""What every channel shares: the small interface, and text rendering for channels without buttons."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.orm import Session

from bot.dialogue import Incoming, QuickReply, Reply


MAX_USER_ID_CHARS = 128


def usable_user_id(value: object) -> bool:
    """A channel's user id is kept as the address for later replies: printable text (PostgreSQL, for one,
    refuses NUL characters) of a sensible length."""
    return (isinstance(value, str) and 0 < len(value) <= MAX_USER_ID_CHARS
            and not any(unicodedata.category(c).startswith("C") for c in value))


class ReplyHandler(Protocol):
    """The engine, as channels see it: one message in, one reply out."""

    def handle(self, incoming: Incoming) -> Reply: ...

    def fallback_reply(self, incoming: Incoming, message: str) -> Reply:
        """A reply that needs no database (the safety line on danger words, then `message`)."""
        ...


class QueueingHandler(ReplyHandler, Protocol):
    """The engine, as a channel that sends its replies from the outbox sees it."""

    def handle(self, incoming: Incoming, queued: Callable[[Session], None] | None = None) -> Reply:
        """`queued` runs in the engine's transaction once the reply is queued (see Engine.handle)."""
        ...


def numbered_menu(quick_replies: list[QuickReply]) -> str:
    """Buttons as numbered lines ("1. Yes"), for channels that cannot show buttons."""
    return "\n".join(f"{index}. {button.label}" for index, button in enumerate(quick_replies, start=1))


def contact_lines(reply: Reply, phones_only: bool = False) -> str:
    """Phones (and links, unless the channel shows them as buttons) as text lines ("☎ Danuri: 1577-1366")."""
    shown = [c for c in reply.contacts if c.phone or not phones_only]
    return "\n".join(f"{'☎' if c.phone else '🔗'} {c.label}: {c.phone or c.url}" for c in shown)


def render_plain(reply: Reply) -> str:
    """The whole reply as plain text: messages, contacts, then the numbered menu."""
    parts = list(reply.messages)
    if reply.contacts:
        # Before the closing "Was this helpful?", right under the answer they belong to.
        parts.insert(max(len(parts) - 1, 0), contact_lines(reply))
    if reply.quick_replies:
        parts.append(numbered_menu(reply.quick_replies))
    return "\n\n".join(parts)


def resolve_number(text: str, last_menu: list[QuickReply]) -> str:
    """A bare number picks that line of the last numbered menu; anything else is kept as typed."""
    stripped = text.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(last_menu):
        return last_menu[int(stripped) - 1].payload
    return text


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, line or word boundaries so no piece passes `limit` characters; links and
    words stay whole (a single word longer than the limit is the only thing ever cut)."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = rest.rfind(separator, 0, limit + 1)
            if cut >= limit // 3:
                break
        if cut < limit // 3:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
