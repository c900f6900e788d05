"""The dialogue engine with the real NLU and store: first contact, consent, feedback, forget, scripts, errors."""

from __future__ import annotations

from sqlalchemy import select

from bot.dialogue import Incoming, Reply
from bot.models import Escalation, Feedback, Message, Unanswered, User
from bot.runtime import Runtime


def say(runtime: Runtime, user: str, text: str, hint: str | None = None, channel: str = "web") -> Reply:
    return runtime.engine.handle(Incoming(channel, user, text, hint))


def test_first_contact_greets_with_consent_and_language_menu(runtime: Runtime) -> None:
    reply = say(runtime, "new", "/start", hint="vi")
    assert reply.action == "greet" and reply.language == "vi"
    assert len(reply.messages) == 3
    assert "90" in reply.messages[1]  # retention period in the consent notice
    payloads = [q.payload for q in reply.quick_replies]
    assert "/lang km" in payloads and "/lang uz-Cyrl" in payloads and len(payloads) == 10


def test_first_question_is_answered_after_the_welcome(runtime: Runtime) -> None:
    reply = say(runtime, "eager", "Where can I learn Korean for free?")
    assert reply.action == "answer"
    assert reply.messages[0].startswith("Hello")
    assert any("Source:" in m for m in reply.messages)


def test_answer_shows_source_date_and_draft_note_in_language(runtime: Runtime) -> None:
    reply = say(runtime, "ko-user", "건강보험 꼭 들어야 돼요?")
    assert reply.card == "health.insurance"
    body = next(m for m in reply.messages if "2026" in m)
    assert "2026년 11월 24일" in body
    assert runtime.translator.text("ko", "This translation is a draft and has not yet been checked by a native speaker.") in body
    assert [q.payload for q in reply.quick_replies][:2] == ["/helpful health.insurance yes", "/helpful health.insurance no"]


def test_cyrillic_uzbek_gets_cyrillic_answers(runtime: Runtime) -> None:
    reply = say(runtime, "uz-c", "Хўжайин 2 ойдан бери ойлик бермаяпти")
    assert reply.language == "uz-Cyrl"
    assert reply.card == "labor.unpaid-wages"
    answer = reply.messages[-2]
    letters = [ch for ch in answer if ch.isalpha()]
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    assert cyrillic / len(letters) > 0.6


def test_two_unhelpful_answers_start_a_handoff(runtime: Runtime) -> None:
    say(runtime, "fb", "my boss did not pay my wages")
    first = say(runtime, "fb", "/helpful labor.unpaid-wages no")
    assert first.action == "info"
    second = say(runtime, "fb", "/helpful labor.unpaid-wages no")
    assert second.action == "handoff" and second.escalation_id is not None
    with runtime.store.session() as session:
        assert session.scalars(select(Feedback.helpful)).all() == [False, False]
        escalation = session.scalar(select(Escalation))
        assert escalation is not None and escalation.reason == "unhelpful"


def test_unsure_twice_hands_off_and_records_the_gap(runtime: Runtime) -> None:
    assert say(runtime, "oos", "what is the bitcoin price today").action == "unsure"
    reply = say(runtime, "oos", "recommend me a good movie for tonight")
    assert reply.action == "handoff"
    with runtime.store.session() as session:
        assert len(session.scalars(select(Unanswered)).all()) == 2
        escalation = session.scalar(select(Escalation))
        assert escalation is not None and escalation.reason == "unsure" and escalation.transcript


def test_second_request_for_a_person_does_not_open_a_second_case(runtime: Runtime) -> None:
    first = say(runtime, "h", "/human")
    second = say(runtime, "h", "/human")
    assert first.escalation_id == second.escalation_id
    assert runtime.store.count(Escalation) == 1


def test_danger_opens_an_urgent_case_and_sends_the_safety_card_first(runtime: Runtime) -> None:
    reply = say(runtime, "d", "Помогите, муж избивает меня")
    assert reply.action == "safety" and reply.card == "safety.domestic-violence"
    assert "112" in reply.messages[-3] or "112" in " ".join(reply.messages)
    with runtime.store.session() as session:
        escalation = session.scalar(select(Escalation))
        assert escalation is not None and escalation.priority == "urgent"


def test_forget_deletes_the_person(runtime: Runtime) -> None:
    say(runtime, "f", "hello")
    say(runtime, "f", "my ARC number is 900101-5123456")
    reply = say(runtime, "f", "/forget")
    assert reply.messages and runtime.store.count(User) == 0 and runtime.store.count(Message) == 0


def test_stored_messages_are_masked(runtime: Runtime) -> None:
    say(runtime, "m", "my ARC number is 900101-5123456, what now?")
    with runtime.store.session() as session:
        texts = session.scalars(select(Message.text)).all()
    assert texts and not any("5123456" in t for t in texts)


def test_empty_and_bad_commands_get_errors_in_language(runtime: Runtime) -> None:
    say(runtime, "e", "/lang th")
    empty = say(runtime, "e", "   ")
    assert empty.action == "error" and empty.language == "th"
    bad = say(runtime, "e", "/helpful nothing maybe")
    assert bad.action == "error" and bad.language == "th"
    unknown = say(runtime, "e", "/lang fr")
    assert unknown.action == "error" and len(unknown.quick_replies) == 10


def test_two_people_get_their_own_languages(runtime: Runtime) -> None:
    say(runtime, "a", "/lang ne")
    say(runtime, "b", "/lang zh")
    assert say(runtime, "a", "/help").language == "ne"
    assert say(runtime, "b", "/help").language == "zh"


def test_users_are_stored_under_pseudonyms(runtime: Runtime) -> None:
    say(runtime, "telegram-123456789", "hi", channel="telegram")
    with runtime.store.session() as session:
        key = session.scalar(select(User.key))
    assert key is not None and "123456789" not in key and len(key) == 64


def test_first_message_about_danger_puts_safety_before_greeting(runtime: Runtime) -> None:
    reply = say(runtime, "first-danger", "my husband hits me every night")
    assert reply.action == "safety"
    assert "112" in reply.messages[0]
    assert any(m.startswith("Hello") for m in reply.messages[1:])
