"""The dialogue engine: per-person state, commands, answers, clarifications, safety and handoff."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot import messages as M
from bot.config import LANGUAGES, Settings
from bot.content import Card, ContentBase
from bot.content_live import LiveContent
from bot.dialogue import Action, Contact, Decision, Incoming, QuickReply, Reply, decide
from bot.i18n import Translator, native_name
from bot.models import User
from bot.privacy import pseudonym
from bot.store import Store
from nlu.understand import Reader, Reading

log = logging.getLogger(__name__)

# A detected language replaces the conversation's language only when detection is this sure.
SWITCH_CONFIDENCE = 0.6
_CHANGE_LANGUAGE_WORDS = {
    "language", "change language", "언어", "언어 변경", "语言", "ngôn ngữ", "ngon ngu", "ភាសា", "til",
    "тил", "ภาษา", "भाषा", "язык", "сменить язык",
}


@dataclass
class Turn:
    """One message being handled: the person, their language and the reply being built."""

    session: Session
    user: User
    incoming: Incoming
    tag: str
    reply: Reply


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().strip(" .!?").split())


class Engine:
    """Turns an incoming message into a reply, keeping conversation state in the store."""

    def __init__(
        self,
        settings: Settings,
        content: ContentBase,
        understander: Reader,
        translator: Translator,
        store: Store,
        secret: bytes,
        live: LiveContent | None = None,
    ) -> None:
        self.settings = settings
        self.content = content
        self.live = live
        self.nlu = understander
        self.t = translator
        self.store = store
        self.secret = secret
        self._nlu_lock = threading.Lock()  # the sentence encoder is not re-entrant
        self._language_names = self._build_language_names()
        self._commands: dict[str, Callable[[Turn, list[str]], None]] = {
            "/start": self._cmd_start,
            "/help": self._cmd_help,
            "/language": self._cmd_language_menu,
            "/lang": self._cmd_set_language,
            "/human": self._cmd_human,
            "/forget": self._cmd_forget,
            "/card": self._cmd_card,
            "/helpful": self._cmd_helpful,
        }

    # ----- entry point -------------------------------------------------------------------------

    def handle(self, incoming: Incoming) -> Reply:
        """Reply to one message; never raises for bad input (errors become a reply in the person's language)."""
        key = pseudonym(self.secret, incoming.channel, incoming.user_id)
        if self.live is not None:
            self.content = self.live.current()  # edited answers take effect without a restart
        with self.store.session() as session:
            user, is_new = self.store.user(session, key, incoming.channel)
            tag = user.language or self._hint(incoming.lang_hint) or self.settings.default_language
            turn = Turn(session, user, incoming, tag, Reply(language=tag, action="info"))
            text = incoming.text.strip()
            if not text:
                return self._error(turn, M.ERROR_EMPTY)
            if len(text) > self.settings.dialogue.max_message_chars:
                return self._error(turn, M.ERROR_TOO_LONG, limit=self.settings.dialogue.max_message_chars)
            self.store.log(session, user, "in", text, language=user.language)
            command, *args = text.split()
            if command.startswith("/") and command.lower().split("@")[0] in self._commands:
                self._commands[command.lower().split("@")[0]](turn, args)
            elif (lang := self._language_named(text)) is not None:
                self._set_language(turn, lang)
            elif _plain(text) in _CHANGE_LANGUAGE_WORDS:
                self._cmd_language_menu(turn, [])
            else:
                self._converse(turn, text, is_new)
            if command.lower() != "/forget":  # after /forget there is nobody left to record
                self._finish(turn)
            return turn.reply

    # ----- conversation ------------------------------------------------------------------------

    def _converse(self, turn: Turn, text: str, is_new: bool) -> None:
        with self._nlu_lock:
            reading = self.nlu.read(text, hint=turn.user.language or self._hint(turn.incoming.lang_hint))
        turn.tag = self._reply_tag(turn, reading)
        turn.reply.language = turn.tag
        decision = decide(reading, self.settings.nlu.thresholds)
        turn.reply.candidates = decision.candidates
        turn.reply.confidence = round(decision.confidence, 4)
        if is_new and decision.action == "greet":
            self._welcome(turn, with_menu=True)
            turn.reply.action = "greet"
            return
        self._act(turn, decision, reading)
        if is_new:
            # A first question gets its answer at once, with one button to change language instead
            # of ten; someone in danger reads the safety card before the greeting and consent.
            welcome = Reply(language=turn.tag, action="info")
            self._welcome(Turn(turn.session, turn.user, turn.incoming, turn.tag, welcome), with_menu=False)
            if turn.reply.action == "safety":
                turn.reply.messages.extend(welcome.messages)
            else:
                turn.reply.messages[:0] = welcome.messages
                turn.reply.quick_replies.append(QuickReply(self.t.text(turn.tag, M.CHANGE_LANGUAGE), "/language"))

    def _act(self, turn: Turn, decision: Decision, reading: Reading) -> None:
        handlers: dict[Action, Callable[[], None]] = {
            "safety": lambda: self._safety(turn, decision),
            "answer": lambda: self._answer(turn, self.content.cards[decision.card or ""]),
            "clarify": lambda: self._clarify(turn, decision.candidates),
            "unsure": lambda: self._unsure(turn, reading),
            "handoff": lambda: self._handoff(turn, "asked", "normal"),
            "greet": lambda: self._greet(turn),
            "thanks": lambda: self._say(turn, "thanks", M.THANKS_REPLY),
        }
        handlers.get(decision.action, lambda: self._unsure(turn, reading))()

    def _reply_tag(self, turn: Turn, reading: Reading) -> str:
        detection = reading.detection
        if detection.confidence >= SWITCH_CONFIDENCE or turn.user.language is None:
            tag = detection.tag
        else:
            tag = turn.user.language
        return tag if tag.split("-")[0] in self.settings.languages else self.settings.default_language

    def _welcome(self, turn: Turn, with_menu: bool = True) -> None:
        reply = turn.reply
        reply.messages.append(self.t.text(turn.tag, M.GREETING))
        days = self.settings.dialogue.retention_days
        reply.messages.append(self.t.plural(turn.tag, M.CONSENT, days, days=days))
        if with_menu:
            reply.messages.append(self.t.text(turn.tag, M.LANGUAGE_MENU))
            reply.quick_replies.extend(self._language_buttons())

    def _greet(self, turn: Turn) -> None:
        self._say(turn, "greet", M.GREETING)
        turn.reply.quick_replies.append(QuickReply(self.t.text(turn.tag, M.CHANGE_LANGUAGE), "/language"))

    def _answer(self, turn: Turn, card: Card) -> None:
        reply, tag = turn.reply, turn.tag
        block = card.block(tag.split("-")[0])
        lines = [self.t.script(tag, block.title), self.t.script(tag, block.answer)]
        for contact in card.contacts:
            # Contacts travel as data: the web shows tap-to-call buttons, text channels list them.
            label = self.t.script(tag, contact.label.get(tag.split("-")[0], contact.label.get("en", "")))
            reply.contacts.append(Contact(label=label, phone=contact.phone, url=contact.url))
        # One short line: the publisher and document, not the notes staff keep after ":" or "(".
        source = re.split(r" \(|: | — ", card.sources[0].title)[0]
        lines.append(self.t.text(tag, M.SOURCE_LINE, source=source, date=self.t.date(tag, card.verified)))
        if block.status == "draft" and tag != "en":
            lines.append(self.t.text(tag, M.DRAFT_NOTE))
        reply.messages.append("\n".join(lines))
        reply.messages.append(self.t.text(tag, M.HELPFUL_QUESTION))
        reply.quick_replies.extend([
            QuickReply(self.t.text(tag, M.YES), f"/helpful {card.id} yes"),
            QuickReply(self.t.text(tag, M.NO), f"/helpful {card.id} no"),
            QuickReply(self.t.text(tag, M.TALK_TO_PERSON), "/human"),
        ])
        reply.action = "answer" if reply.action in ("info", "greet") else reply.action
        reply.card = card.id
        turn.user.misses = 0
        turn.user.last_cards = [card.id]

    def _clarify(self, turn: Turn, card_ids: list[str]) -> None:
        lang = turn.tag.split("-")[0]
        self._say(turn, "clarify", M.CLARIFY)
        for card_id in card_ids:
            title = self.t.script(turn.tag, self.content.cards[card_id].block(lang).title)
            turn.reply.quick_replies.append(QuickReply(title, f"/card {card_id}"))
        turn.reply.quick_replies.append(QuickReply(self.t.text(turn.tag, M.TALK_TO_PERSON), "/human"))
        turn.reply.candidates = card_ids
        turn.user.last_cards = card_ids

    def _unsure(self, turn: Turn, reading: Reading) -> None:
        turn.user.misses += 1
        self.store.unanswered(turn.session, turn.user, reading.text, turn.tag, turn.reply.candidates)
        if turn.user.misses >= self.settings.dialogue.max_misses:
            self._handoff(turn, "unsure", "normal")
            return
        self._say(turn, "unsure", M.NOT_SURE)
        turn.reply.quick_replies.append(QuickReply(self.t.text(turn.tag, M.TALK_TO_PERSON), "/human"))

    def _safety(self, turn: Turn, decision: Decision) -> None:
        turn.reply.messages.append(self.t.text(turn.tag, M.SAFETY_FIRST))
        card = self.content.cards.get(decision.card or "")
        if card is not None:
            self._answer(turn, card)
        turn.reply.action = "safety"
        self._open_escalation(turn, "danger", "urgent", announce=False)

    def _handoff(self, turn: Turn, reason: str, priority: str) -> None:
        self._open_escalation(turn, reason, priority, announce=True)
        turn.reply.action = "handoff"
        turn.user.misses = 0
        turn.user.unhelpful = 0

    def _open_escalation(self, turn: Turn, reason: str, priority: str, announce: bool) -> None:
        existing = self.store.open_escalation(turn.session, turn.user)
        if existing is not None:
            if priority == "urgent":
                existing.priority = "urgent"
            turn.reply.escalation_id = existing.id
            if announce:
                turn.reply.messages.append(self.t.text(turn.tag, M.HANDOFF_ALREADY_OPEN))
            return
        escalation = self.store.escalate(
            turn.session, turn.user, turn.tag, reason, priority, turn.reply.candidates
        )
        turn.reply.escalation_id = escalation.id
        if announce:
            turn.reply.messages.append(self.t.text(turn.tag, M.HANDOFF_STARTED))

    # ----- commands and buttons ----------------------------------------------------------------

    def _cmd_start(self, turn: Turn, _args: list[str]) -> None:
        self._welcome(turn)
        turn.reply.action = "greet"

    def _cmd_help(self, turn: Turn, _args: list[str]) -> None:
        self._say(turn, "info", M.HELP)

    def _cmd_language_menu(self, turn: Turn, _args: list[str]) -> None:
        self._say(turn, "language", M.LANGUAGE_MENU)
        turn.reply.quick_replies.extend(self._language_buttons())

    def _cmd_set_language(self, turn: Turn, args: list[str]) -> None:
        tag = args[0] if args else ""
        if tag.split("-")[0] not in self.settings.languages or tag not in (*LANGUAGES, "uz-Cyrl"):
            self._error_into(turn, M.ERROR_UNKNOWN_LANGUAGE)
            turn.reply.quick_replies.extend(self._language_buttons())
            return
        self._set_language(turn, tag)

    def _set_language(self, turn: Turn, tag: str) -> None:
        turn.user.language = tag
        turn.user.language_chosen = True
        turn.tag = tag
        turn.reply.language = tag
        self._say(turn, "language", M.LANGUAGE_SET)

    def _cmd_human(self, turn: Turn, _args: list[str]) -> None:
        self._handoff(turn, "asked", "normal")

    def _cmd_forget(self, turn: Turn, _args: list[str]) -> None:
        tag = turn.tag
        turn.session.flush()
        self.store.forget(turn.session, turn.user.key)
        turn.reply.messages.append(self.t.text(tag, M.FORGET_DONE))
        turn.reply.action = "info"

    def _cmd_card(self, turn: Turn, args: list[str]) -> None:
        card = self.content.cards.get(args[0]) if args else None
        if card is None:
            self._error_into(turn, M.NOT_SURE)
            return
        self._answer(turn, card)

    def _cmd_helpful(self, turn: Turn, args: list[str]) -> None:
        if len(args) != 2 or args[0] not in self.content.cards or args[1] not in ("yes", "no"):
            self._error_into(turn, M.NOT_SURE)
            return
        helpful = args[1] == "yes"
        self.store.feedback(turn.session, turn.user, args[0], turn.tag, helpful)
        if helpful:
            turn.user.unhelpful = 0
            self._say(turn, "info", M.FEEDBACK_THANKS)
            return
        turn.user.unhelpful += 1
        if turn.user.unhelpful >= 2:
            self._handoff(turn, "unhelpful", "normal")
            return
        self._say(turn, "info", M.FEEDBACK_SORRY)
        turn.reply.quick_replies.append(QuickReply(self.t.text(turn.tag, M.TALK_TO_PERSON), "/human"))

    # ----- helpers -----------------------------------------------------------------------------

    def _say(self, turn: Turn, action: Action, message: str, **values: object) -> None:
        turn.reply.messages.append(self.t.text(turn.tag, message, **values))
        turn.reply.action = action

    def _error_into(self, turn: Turn, message: str, **values: object) -> None:
        self._say(turn, "error", message, **values)

    def _error(self, turn: Turn, message: str, **values: object) -> Reply:
        self._error_into(turn, message, **values)
        return turn.reply

    def _finish(self, turn: Turn) -> None:
        turn.user.language = turn.tag
        for text in turn.reply.messages:
            self.store.log(turn.session, turn.user, "out", text, language=turn.tag,
                           action=turn.reply.action, card=turn.reply.card, confidence=turn.reply.confidence)

    def _hint(self, hint: str | None) -> str | None:
        if not hint:
            return None
        code = hint.replace("_", "-").split("-")[0].lower()
        return code if code in self.settings.languages else None

    def _language_buttons(self) -> list[QuickReply]:
        buttons = [QuickReply(native_name(lang), f"/lang {lang}") for lang in self.settings.languages]
        if "uz" in self.settings.languages:
            buttons.append(QuickReply("Ўзбекча", "/lang uz-Cyrl"))
        return buttons

    def _build_language_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        english = {"ko": "korean", "en": "english", "zh": "chinese", "vi": "vietnamese", "km": "khmer",
                   "uz": "uzbek", "th": "thai", "ne": "nepali", "ru": "russian"}
        for lang in self.settings.languages:
            names[_plain(native_name(lang))] = lang
            names[english[lang]] = lang
        names.update({"ўзбекча": "uz-Cyrl", "узбекский": "uz", "cambodian": "km", "中文": "zh",
                      "tieng viet": "vi", "한국말": "ko", "o'zbekcha": "uz", "ozbekcha": "uz"})
        return names

    def _language_named(self, text: str) -> str | None:
        """A message that is only a language's name ("Русский", "English") switches to it."""
        plain = re.sub(r"[’‘ʻ`]", "'", _plain(text))
        return self._language_names.get(plain)
