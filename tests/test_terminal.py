"""The terminal chat: numbered menus stand in for buttons, and a number picks a line."""

from __future__ import annotations

import io

from bot.runtime import Runtime
from connectors.terminal import TerminalChat


def test_terminal_conversation_with_numbered_menu(runtime: Runtime) -> None:
    chat = TerminalChat(runtime.engine, user_id="tty")
    # A general question about Korean classes may first ask which of the class cards is meant: the first
    # "1" then picks a card (or, after a direct answer, "Да"), the second "1" picks "Да" under the answer.
    stdin = io.StringIO("9\nГде учить корейский язык?\n1\n1\n")
    stdout = io.StringIO()
    chat.run(stdin, stdout)
    screen = stdout.getvalue()
    assert "1. 한국어" in screen  # the language menu, numbered
    assert "русском" in screen  # "9" picked Russian from that menu
    assert "Спасибо" in screen  # a "1" picked "Да" under the answer
    assert "☎" in screen  # contacts listed as text lines
