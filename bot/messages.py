"""Every system string the bot says, as gettext message ids (English source text), translated per conversation."""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark a string for extraction by `pybabel extract -k N_`; translation happens per message."""
    return message


@dataclass(frozen=True)
class Plural:
    """A message with singular and plural forms, chosen by a count with the language's rules."""

    singular: str
    plural: str


def NP_(singular: str, plural: str) -> Plural:
    """Mark a plural message for extraction (`-k NP_:1,2`)."""
    return Plural(singular, plural)


GREETING = N_(
    "Hello! I am the Asan City helper for newcomers. Ask me about registration, Korean classes, "
    "family centres, work and daily life, in your own words."
)
LANGUAGE_MENU = N_("Which language do you want? Tap one, or just write in your language.")
CONSENT = NP_(
    "Privacy: I keep your messages for {days} day to answer you, with ID numbers hidden. "
    "If I pass you to an interpreter, they see this conversation. Send /forget to delete your data.",
    "Privacy: I keep your messages for {days} days to answer you, with ID numbers hidden. "
    "If I pass you to an interpreter, they see this conversation. Send /forget to delete your data.",
)
LANGUAGE_SET = N_("OK, I will answer in English.")
NOT_SURE = N_(
    "I am not sure I understood. Could you say it in other words? Or tap \u201cTalk to a person\u201d."
)
CLARIFY = N_("Did you mean one of these?")
SOURCE_LINE = N_("Source: {source} \u00b7 checked {date}")
DRAFT_NOTE = N_("This translation is a draft and has not yet been checked by a native speaker.")
HELPFUL_QUESTION = N_("Was this helpful?")
YES = N_("Yes")
NO = N_("No")
TALK_TO_PERSON = N_("Talk to a person")
CHANGE_LANGUAGE = N_("Change language")
FEEDBACK_THANKS = N_("Thank you! Ask me anything else.")
FEEDBACK_SORRY = N_("Sorry that did not help. Try other words, or tap \u201cTalk to a person\u201d.")
HANDOFF_STARTED = N_(
    "I am passing your question to a person who can help. Please wait for their reply here. "
    "If it is urgent, call Danuri 1577-1366 (24 hours, in your language)."
)
HANDOFF_ALREADY_OPEN = N_(
    "Your question is already with our team. They will reply here. "
    "If it is urgent, call Danuri 1577-1366 (24 hours, in your language)."
)
HANDOFF_OTHER_LANGUAGE = N_(
    "I am passing your question to our team. Nobody on duty speaks your language right now, so they "
    "will answer in simple Korean or English, or call you with a phone interpreter. For help in your "
    "language at any time, call Danuri 1577-1366 (24 hours)."
)
HANDOFF_CLOSED_NOW = N_(
    "I am passing your question to our team. They are not working now and will reply here from "
    "{when} (Korea time). For help now in your language, call Danuri 1577-1366 (24 hours)."
)
HANDOFF_NO_TEAM = N_(
    "I am passing your question to our team, but I cannot say when they will reply. For help now in "
    "your language, call Danuri 1577-1366 (24 hours)."
)
HANDOFF_PULL_HINT = N_(
    "Their reply will appear here after your next message: send any message, for example \u201c?\u201d, to check."
)
HANDOFF_CLAIMED = N_("A person from our team is now reading your question and will reply here.")
HANDOFF_REPLY = N_("Reply from our team:\n{text}")
HANDOFF_RELAYED = N_("Sent to the person helping you.")
HANDOFF_CLOSED = N_("Your conversation with our team is finished. You can write again any time.")
HANDOFF_EXPIRED = N_(
    "Sorry, nobody from our team could take your question in time. Please call Danuri 1577-1366 "
    "(24 hours, in your language), or write again."
)
SATISFACTION_QUESTION = N_("How was the help from our team?")
SATISFACTION_GOOD = N_("Good")
SATISFACTION_OKAY = N_("OK")
SATISFACTION_BAD = N_("Not good")
SATISFACTION_THANKS = N_("Thank you for telling us.")
SUBSCRIBED = N_(
    "You will get important announcements from Asan City here, such as disaster warnings. "
    "Send /unsubscribe to stop."
)
UNSUBSCRIBED = N_("You will no longer get announcements. Send /subscribe to start again.")
ANNOUNCEMENTS_BUTTON = N_("City announcements")
ANNOUNCEMENT_HEADER = N_("Announcement from Asan City:")
ANNOUNCEMENT_FOOTER = N_("To stop these messages, send /unsubscribe.")
SAFETY_FIRST = N_("If you are in danger now, call 112 (police) or 119 (fire and ambulance).")
THANKS_REPLY = N_("You are welcome. Ask me anything else.")
HELP = N_(
    "Write your question in your own words. /language changes the language, /human connects you "
    "to a person, /forget deletes your data."
)
FORGET_DONE = N_("Your data has been deleted. If you write again, we start fresh.")
ERROR_EMPTY = N_("Please write your question as text.")
ERROR_TOO_LONG = N_("Your message is too long. Please keep it under {limit} characters.")
ERROR_INTERNAL = N_(
    "Sorry, something went wrong on our side. Please try again, or call Danuri 1577-1366."
)
ERROR_UNKNOWN_LANGUAGE = N_("I do not know that language yet. Please choose one from the list.")
DATABASE_DOWN = N_(
    "Sorry, I cannot look up answers right now. I have kept your message and will answer here as soon as "
    "I can. If it is urgent, call Danuri 1577-1366 (24 hours, in your language)."
)
STILL_WORKING = N_(
    "I am still looking for your answer. Please send your message again in a moment. "
    "If it is urgent, call Danuri 1577-1366 (24 hours, in your language)."
)
PRIVATE_ONLY = N_(
    "To protect your privacy I answer only in a private chat. Please write to me directly."
)
WEB_PLACEHOLDER = N_("Type your question")
WEB_SEND = N_("Send")
WEB_TITLE = N_("Asan newcomer helper")
RATE_LIMITED = N_(
    "You are sending messages very fast. Please wait a minute, then write again. "
    "If it is urgent, call Danuri 1577-1366 (24 hours, in your language)."
)
