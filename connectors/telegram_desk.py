"""The interpreters' side of Telegram: claim a case, reply to the person, transfer it or close it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import BigInteger, BindParameter, ColumnElement, bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.config import LANGUAGES
from bot.dialogue import QuickReply
from bot.handoff import Handoff, HandoffError
from bot.models import WAITING_STATUSES, Escalation, StaffMember
from bot.store import Store

Answer = list[tuple[str, list[QuickReply]]]
CASES_LISTED = 20  # waiting cases in one /cases answer, urgent first, then oldest

HELP = (
    "Write here to reply to the person of your current case.\n"
    "/cases: waiting cases and yours · /case 12: switch to case 12\n"
    "/transfer [language]: give the case back to the queue · /transfer @login: to a colleague\n"
    "/close: finish the case"
)


class StaffDesk:
    """Turns a staff member's Telegram messages and button presses into handoff actions."""

    def __init__(self, store: Store, handoff: Handoff) -> None:
        self.store = store
        self.handoff = handoff
        self._commands: dict[str, Callable[[StaffMember, list[str]], Answer]] = {
            "claim": self._claim,
            "/claim": self._claim,
            "/cases": self._cases,
            "/case": self._switch,
            "/close": self._close,
            "/transfer": self._transfer,
            "/help": lambda _staff, _args: [(HELP, [])],
            "/start": lambda _staff, _args: [(HELP, [])],
        }

    def is_staff_chat(self, chat_id: int, session: Session | Connection | None = None) -> bool:
        """Whether this Telegram chat belongs to an active interpreter or staff member."""
        if session is None:
            with self.store.connection() as own:
                return self.is_staff_chat(chat_id, own)
        return session.scalar(_STAFF_IN_CHAT, {"b_chat_id": chat_id}) is not None

    def _staff(self, chat_id: int) -> StaffMember | None:
        with self.store.session() as session:
            return session.scalar(select(StaffMember).where(*_active_in_chat(chat_id)))

    def handle(self, chat_id: int, text: str) -> Answer:
        """One message or button press from a staff chat; the answers go back to that chat."""
        staff = self._staff(chat_id)
        if staff is None:
            return []
        text = text.strip()
        # Buttons send "claim:12"; typed commands are "/close 12".
        head, *args = text.replace(":", " ", 1).split() if text.startswith("claim:") else (text.split() or [""])
        command = self._commands.get(head.lower().split("@")[0])
        try:
            if command is not None:
                return command(staff, args)
            return self._reply(staff, text)
        except HandoffError as exc:
            return [(f"⚠️ {exc}", [])]

    def _case_id(self, staff: StaffMember, args: list[str]) -> int:
        if args and args[0].lstrip("#").isdigit():
            return int(args[0].lstrip("#"))
        if staff.active_case_id is None:
            raise HandoffError("you have no current case: claim one from /cases")
        return staff.active_case_id

    def _claim(self, staff: StaffMember, args: list[str]) -> Answer:
        case = self._case_id(staff, args)
        if not self.handoff.claim(case, staff.id):
            return [(f"Case #{case} is already taken or finished.", [])]
        return [(f"✅ Case #{case} is yours. Write here to reply; /close when done; /transfer to pass it on.",
                 [QuickReply("Close", f"/close {case}")])]

    def _reply(self, staff: StaffMember, text: str) -> Answer:
        if not text:
            return [("Only text can be relayed.", [])]
        case = self._case_id(staff, [])
        self.handoff.reply(case, staff.id, text)
        return [(f"↪️ Sent to #{case}.", [])]

    def _close(self, staff: StaffMember, args: list[str]) -> Answer:
        case = self._case_id(staff, args)
        self.handoff.close(case, staff.id)
        return [(f"Case #{case} closed. The person was asked how it went.", [])]

    def _transfer(self, staff: StaffMember, args: list[str]) -> Answer:
        language = next((a for a in args if a in (*LANGUAGES, "uz-Cyrl")), None)
        colleague = next((a[1:] for a in args if a.startswith("@")), None)
        case = self._case_id(staff, [a for a in args if a != language and not a.startswith("@")])
        self.handoff.transfer(case, staff.id, language, colleague)
        if colleague:
            return [(f"Case #{case} is offered to {colleague}.", [])]
        return [(f"Case #{case} is back in the queue" + (f" for {language}." if language else "."), [])]

    def _switch(self, staff: StaffMember, args: list[str]) -> Answer:
        case = self._case_id(staff, args)
        with self.store.session() as session:
            escalation = session.get(Escalation, case)
            if escalation is None or escalation.assignee_id != staff.id:
                raise HandoffError(f"case #{case} is not yours")
            me = session.get(StaffMember, staff.id)
            assert me is not None
            me.active_case_id = case
        return [(f"Now replying to case #{case}.", [])]

    def _cases(self, staff: StaffMember, _args: list[str]) -> Answer:
        with self.store.session() as session:
            waiting_now = Escalation.status.in_(WAITING_STATUSES)
            # After a weekend hundreds may wait: a chat message lists the first ones, the console all of them.
            waiting = session.scalars(select(Escalation).where(waiting_now)
                                      .order_by(Escalation.priority.desc(), Escalation.created_at)
                                      .limit(CASES_LISTED)).all()
            more = (session.scalar(select(func.count()).select_from(Escalation).where(waiting_now)) or 0) - len(waiting)
            mine = session.scalars(select(Escalation).where(Escalation.assignee_id == staff.id,
                                                            Escalation.status.in_(("claimed", "answered")))).all()
            lines = ["Waiting:"] + ([f"#{e.id} {e.language} {e.priority} {e.reason}" for e in waiting] or ["none"])
            lines += [f"... and {more} more waiting (the console lists them all)"] if more > 0 else []
            lines += ["Yours:"] + ([f"#{e.id} {e.language} {e.status}" for e in mine] or ["none"])
            buttons = [QuickReply(f"Claim #{e.id}", f"claim:{e.id}") for e in waiting[:6]]
        return [("\n".join(lines), buttons)]


def _active_in_chat(chat_id: int | BindParameter[int]) -> tuple[ColumnElement[bool], ...]:
    """The conditions for an active interpreter or staff member whose Telegram chat this is."""
    return StaffMember.telegram_chat_id == chat_id, StaffMember.active.is_(True)


# Asked for every Telegram update: built once, with a parameter (building it costs more than running it).
_STAFF_IN_CHAT = select(StaffMember.id).where(*_active_in_chat(bindparam("b_chat_id", type_=BigInteger)))
