"""The dialogue engine: per-person state, commands, answers, clarifications, safety and handoff."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from bot import announcements
from bot import messages as M
from bot.config import LANGUAGES, Settings
from bot.content import Card, ContentBase
from bot.content_live import LiveContent
from bot.dialogue import Action, Contact, Decision, Incoming, QuickReply, Reply, decide
from bot.crashpoints import crashpoint
from bot.handoff import PULL_CHANNELS, Availability, Handoff, Opened
from bot.i18n import Translator, native_name
from bot.logs import chat_text
from bot.models import ChannelUpdate, Outbox, User, table_of
from bot.outbox import Outbound
from bot.privacy import pseudonym
from bot.spool import Spool
from bot.store import Store
from nlu.langid import detect
from nlu.understand import Reader, Reading, with_hint

log = logging.getLogger(__name__)

# A detected language replaces the conversation's language only when detection is this sure.
SWITCH_CONFIDENCE = 0.6
_CHANGE_LANGUAGE_WORDS = {
    "language", "change language", "언어", "언어 변경", "语言", "ngôn ngữ", "ngon ngu", "ភាសា", "til",
    "тил", "ภาษา", "भाषा", "язык", "сменить язык",
}
# What the person is told when a handoff starts, by who can take it now.
_HANDOFF_MESSAGES: dict[Availability, str] = {
    "language": M.HANDOFF_STARTED,
    "others": M.HANDOFF_OTHER_LANGUAGE,
    "closed": M.HANDOFF_CLOSED_NOW,
    "nobody": M.HANDOFF_NO_TEAM,
}

# Statements of every message, built once with parameters: building one costs more CPU than running it.
# Marked done first thing in the turn's transaction, which locks the row until the commit: another process's
# resume() can pick up an update this one is still answering (it looks "received" until the commit). The
# second waits here, then matches nothing, instead of failing on the reply's unique key. One UPDATE instead of
# a SELECT ... FOR UPDATE and a later UPDATE: a statement less per update (a round trip on PostgreSQL). If the
# turn fails, the rollback leaves the update "received" for resume(); after /forget the row is gone.
_UPDATE_DONE = (update(table_of(ChannelUpdate))
                .where(table_of(ChannelUpdate).c.channel == bindparam("b_channel"),
                       table_of(ChannelUpdate).c.update_id == bindparam("b_update_id"),
                       table_of(ChannelUpdate).c.status != "done")
                .values(status="done", payload={}))
# Only when nothing matched: already done, or an update id that was never recorded (answered as before).
_UPDATE_STATUS = select(ChannelUpdate.status).where(ChannelUpdate.channel == bindparam("b_channel"),
                                                    ChannelUpdate.update_id == bindparam("b_update_id"))
_QUEUE_REPLY = insert(table_of(Outbox))


@dataclass
class Turn:
    """One message being handled: the person, their language and the reply being built."""

    session: Session
    user: User
    incoming: Incoming
    tag: str
    reply: Reply
    early: EarlyReading | None = None


@dataclass(frozen=True)
class EarlyReading:
    """The message as read before its transaction, and the language hint it was read with."""

    hint: str | None
    reading: Reading


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
        handoff: Handoff | None = None,
        spool: Spool | None = None,
    ) -> None:
        self.settings = settings
        self.content = content
        self.live = live
        self.nlu = understander
        self.t = translator
        self.store = store
        self.secret = secret
        self.handoff = handoff or Handoff(store, settings.handoff, translator)
        self.outbound = Outbound(store)
        self.spool = spool
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
            "/rate": self._cmd_rate,
            "/subscribe": self._cmd_subscribe,
            "/unsubscribe": self._cmd_unsubscribe,
        }

    # ----- entry point -------------------------------------------------------------------------

    def handle(self, incoming: Incoming, queued: Callable[[Session], None] | None = None) -> Reply:
        """Reply to one message; never raises for bad input (errors become a reply in the person's language).

        With `incoming.update_id`, the update is marked done and the reply queued in the outbox in the
        same transaction as everything it caused, so a crash can neither lose it nor repeat it; `queued`
        is then called in that transaction, after the reply is queued (a channel leases it there to send
        it right after the commit). If the database is down, a message without an update id is kept in
        the spool and answered later.
        """
        try:
            return self._handle(incoming, queued=queued)
        except (OperationalError, InterfaceError) as exc:
            if incoming.update_id is not None or self.spool is None:
                raise  # the channel keeps the update and tries again itself
            log.warning("database unavailable (%s); message kept in the spool", type(exc).__name__)
            self.spool.put(incoming)
            return self.fallback_reply(incoming, M.DATABASE_DOWN)

    def fallback_reply(self, incoming: Incoming, message: str) -> Reply:
        """An answer that needs no database: the safety line if the words signal danger, then `message`."""
        tag = detect(incoming.text, self._hint(incoming.lang_hint)).tag
        tag = tag if tag.split("-")[0] in self.settings.languages else self.settings.default_language
        reply = Reply(language=tag, action="error")
        if self.nlu.danger.check(incoming.text) is not None:
            reply.messages.append(self.t.text(tag, M.SAFETY_FIRST))
        reply.messages.append(self.t.text(tag, message))
        return reply

    def replay_spool(self) -> int:
        """Answer messages kept while the database was down; replies wait in the outbox (pull or push)."""
        if self.spool is None:
            return 0

        def answer(incoming: Incoming, spool_id: str) -> None:
            try:
                self._handle(incoming, queue_key=f"spool:{spool_id}")
            except IntegrityError:
                pass  # answered before a crash: its reply is already queued under the same key

        return self.spool.replay(answer)

    def _handle(self, incoming: Incoming, queue_key: str | None = None,
                queued: Callable[[Session], None] | None = None) -> Reply:
        key = pseudonym(self.secret, incoming.channel, incoming.user_id)
        if self.live is not None:
            self.content = self.live.current()  # edited answers take effect without a restart
        if incoming.update_id is not None:
            queue_key = str(incoming.update_id)
        # Reading is most of a turn's CPU (the encoder: tens of milliseconds on a busy machine), so it is
        # done before the transaction and no database lock waits for it: SQLite lets one transaction
        # write at a time, PostgreSQL holds the rows it locked.
        early = self._read_early(incoming)
        with self.store.session() as session:
            if incoming.update_id is not None and self._already_done(session, incoming):
                return Reply(language=self.settings.default_language, action="info")
            user, is_new = self.store.user(session, key, incoming.channel)
            tag = user.language or self._hint(incoming.lang_hint) or self.settings.default_language
            turn = Turn(session, user, incoming, tag, Reply(language=tag, action="info"), early)
            self._respond(turn, is_new)
            if queue_key is not None:
                self._queue_reply(turn, queue_key)
                if queued is not None:
                    queued(session)
        crashpoint("engine_committed")
        log.info("reply on %s: %s %s (%s)", incoming.channel, turn.reply.action, turn.reply.card or "-", turn.tag)
        return turn.reply

    def _read_early(self, incoming: Incoming) -> EarlyReading | None:
        """The reading of a message that will probably need one, with the channel's hint; the person's saved
        language is only known inside the transaction (see _reading)."""
        text = incoming.text.strip()
        if not text or text.startswith("/") or len(text) > self.settings.dialogue.max_message_chars:
            return None
        hint = self._hint(incoming.lang_hint)
        return EarlyReading(hint, self.nlu.read(text, hint=hint))

    def _reading(self, turn: Turn, text: str) -> Reading:
        """The message's reading with the person's own language as the hint, reusing the early reading
        unless that hint changes which language the message is read in."""
        hint = turn.user.language or self._hint(turn.incoming.lang_hint)
        early = turn.early
        if early is not None and early.reading.text == text:
            reading = early.reading if early.hint == hint else with_hint(early.reading, hint)
            if reading is not None:
                return reading
        return self.nlu.read(text, hint=hint)

    def _respond(self, turn: Turn, is_new: bool) -> None:
        text = turn.incoming.text.strip()
        if not text:
            self._error_into(turn, M.ERROR_EMPTY)
            return
        if len(text) > self.settings.dialogue.max_message_chars:
            self._error_into(turn, M.ERROR_TOO_LONG, limit=self.settings.dialogue.max_message_chars)
            return
        user, session = turn.user, turn.session
        self.store.log(session, user, "in", text, language=user.language)
        log.debug("message in on %s", turn.incoming.channel, extra=chat_text(text))
        delivered = self._collect(turn)
        command, *args = text.split()
        name = command.lower().split("@")[0]
        # Someone just added cannot have a case yet (escalations refer to their row): no query needed.
        # Nothing of this turn is pending but the person's own row, which the commit writes once.
        with session.no_autoflush:
            escalation = None if is_new else self.store.open_escalation(session, user)
        if delivered and not any(c.isalpha() for c in text):
            pass  # "?" sent only to pick up a waiting reply
        elif name.startswith("/") and name in self._commands:
            self._commands[name](turn, args)
        elif escalation is not None and escalation.status in ("claimed", "answered") \
                and self.nlu.danger.check(text) is None:
            # A person is talking with them: their words go to that person, not to the classifier.
            self.handoff.person_said(session, escalation, text)
            self._say(turn, "handoff", M.HANDOFF_RELAYED)
            turn.reply.escalation_id = escalation.id
        elif (lang := self._language_named(text)) is not None:
            self._set_language(turn, lang)
        elif _plain(text) in _CHANGE_LANGUAGE_WORDS:
            self._cmd_language_menu(turn, [])
        else:
            self._converse(turn, text, is_new)
            if escalation is not None and escalation.status not in ("claimed", "answered"):
                # Still waiting: whoever takes the case will see what the person said meanwhile.
                self.handoff.person_said(session, escalation, text)
        if name != "/forget":  # after /forget there is nobody left to record
            self._finish(turn)
        turn.reply.messages[:0] = delivered

    def _collect(self, turn: Turn) -> list[str]:
        """Messages waiting for a person on a channel the bot cannot push to (an interpreter's reply)."""
        if turn.incoming.channel not in PULL_CHANNELS:
            return []
        payloads = self.outbound.take(turn.incoming.channel, turn.incoming.user_id, session=turn.session)
        for payload in payloads:
            for button in payload.get("quick_replies", []):
                turn.reply.quick_replies.append(QuickReply(button["label"], button["payload"]))
        return [text for payload in payloads for text in payload.get("messages", [])]

    def _already_done(self, session: Session, incoming: Incoming) -> bool:
        """Marks the update done (see _UPDATE_DONE); True if it was done before, by this process or another."""
        params = {"b_channel": incoming.channel, "b_update_id": incoming.update_id}
        if cast(CursorResult[Any], session.execute(_UPDATE_DONE, params)).rowcount == 1:
            return False
        return session.scalar(_UPDATE_STATUS, params) == "done"

    def _queue_reply(self, turn: Turn, queue_key: str) -> None:
        incoming = turn.incoming
        user_id = turn.user.id if turn.incoming.text.strip().split()[:1] != ["/forget"] else None
        # A plain INSERT: nothing reads the row back through the session (the ORM would track an object).
        # Rows the session still holds (a handoff's message to the person) are flushed first, so they
        # keep their place in the chat's order.
        turn.session.execute(_QUEUE_REPLY, {
            "dedupe_key": f"reply:{incoming.channel}:{queue_key}", "audience": "person",
            "channel": incoming.channel, "address": incoming.reply_to or incoming.user_id, "user_id": user_id,
            "payload": turn.reply.as_dict(), "status": "pending",
        })

    # ----- conversation ------------------------------------------------------------------------

    def _converse(self, turn: Turn, text: str, is_new: bool) -> None:
        reading = self._reading(turn, text)
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
        lines = [self.t.content_script(tag, block.title), self.t.content_script(tag, block.answer)]
        for contact in card.contacts:
            # Contacts travel as data: the web shows tap-to-call buttons, text channels list them.
            label = self.t.content_script(tag, contact.label.get(tag.split("-")[0], contact.label.get("en", "")))
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
            title = self.t.content_script(turn.tag, self.content.cards[card_id].block(lang).title)
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
        opened = self.handoff.open(turn.session, turn.user, turn.incoming.user_id, turn.tag, reason, priority,
                                   turn.reply.candidates)
        turn.reply.escalation_id = opened.escalation_id
        if not announce:
            return
        if opened.existing:
            turn.reply.messages.append(self.t.text(turn.tag, M.HANDOFF_ALREADY_OPEN))
            return
        when = self.t.datetime(turn.tag, opened.next_open) if opened.next_open else ""
        turn.reply.messages.append(self.t.text(turn.tag, _HANDOFF_MESSAGES[opened.availability], when=when))
        if turn.incoming.channel in ("kakao", "terminal"):
            turn.reply.messages.append(self.t.text(turn.tag, M.HANDOFF_PULL_HINT))
        self._topic_hotlines(turn, opened)

    def _topic_hotlines(self, turn: Turn, opened: Opened) -> None:
        """Out of the interpreters' reach, the phone numbers of the likeliest topic help at once."""
        if opened.availability == "language" or not turn.reply.candidates or turn.reply.contacts:
            return
        card = self.content.cards.get(turn.reply.candidates[0])
        lang = turn.tag.split("-")[0]
        for contact in card.contacts if card else []:
            if contact.phone:
                label = self.t.content_script(turn.tag, contact.label.get(lang, contact.label.get("en", "")))
                turn.reply.contacts.append(Contact(label=label, phone=contact.phone))

    # ----- commands and buttons ----------------------------------------------------------------

    def _cmd_start(self, turn: Turn, _args: list[str]) -> None:
        self._welcome(turn)
        turn.reply.action = "greet"

    def _cmd_help(self, turn: Turn, _args: list[str]) -> None:
        self._say(turn, "info", M.HELP)
        turn.reply.quick_replies.append(QuickReply(self.t.text(turn.tag, M.ANNOUNCEMENTS_BUTTON), "/subscribe"))

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
        self.store.forget(turn.session, turn.user.key, turn.incoming.channel, turn.incoming.user_id)
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

    def _cmd_subscribe(self, turn: Turn, _args: list[str]) -> None:
        incoming = turn.incoming
        announcements.subscribe(turn.session, turn.user, incoming.channel, incoming.reply_to or incoming.user_id,
                                turn.tag)
        self._say(turn, "info", M.SUBSCRIBED)

    def _cmd_unsubscribe(self, turn: Turn, _args: list[str]) -> None:
        announcements.unsubscribe(turn.session, turn.user)
        self._say(turn, "info", M.UNSUBSCRIBED)

    def _cmd_rate(self, turn: Turn, args: list[str]) -> None:
        if len(args) != 2 or not args[0].isdigit() or not self.handoff.rate(turn.session, turn.user, int(args[0]), args[1]):
            self._error_into(turn, M.NOT_SURE)
            return
        self._say(turn, "info", M.SATISFACTION_THANKS)

    # ----- helpers -----------------------------------------------------------------------------

    def _say(self, turn: Turn, action: Action, message: str, **values: object) -> None:
        turn.reply.messages.append(self.t.text(turn.tag, message, **values))
        turn.reply.action = action

    def _error_into(self, turn: Turn, message: str, **values: object) -> None:
        self._say(turn, "error", message, **values)

    def _finish(self, turn: Turn) -> None:
        turn.user.language = turn.tag
        reply = turn.reply
        self.store.log_reply(turn.session, turn.user, reply.messages, turn.tag, reply.action, reply.card,
                             reply.confidence)

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
