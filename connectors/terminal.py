"""Terminal chat: the same engine as every channel, with buttons shown as numbered lines."""

from __future__ import annotations

from typing import IO

from bot.dialogue import Incoming, QuickReply
from connectors.base import ReplyHandler, render_plain, resolve_number


class TerminalChat:
    """Reads lines from a stream, prints replies; a number picks a menu line, Ctrl+D ends."""

    channel = "terminal"

    def __init__(self, engine: ReplyHandler, user_id: str = "terminal") -> None:
        self.engine = engine
        self.user_id = user_id
        self.last_menu: list[QuickReply] = []

    def turn(self, text: str) -> str:
        """One exchange: the rendered reply to `text`."""
        reply = self.engine.handle(Incoming(self.channel, self.user_id, resolve_number(text, self.last_menu)))
        self.last_menu = reply.quick_replies
        return render_plain(reply)

    def run(self, stdin: IO[str], stdout: IO[str]) -> None:
        """The interactive loop."""
        stdout.write("newcomer-bot: write in any of our nine languages (Ctrl+D to quit).\n")
        stdout.write(self.turn("/start") + "\n\n> ")
        stdout.flush()
        for line in stdin:
            if line.strip():
                stdout.write(self.turn(line.rstrip("\n")) + "\n")
            stdout.write("\n> ")
            stdout.flush()
        stdout.write("\n")
