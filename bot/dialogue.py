"""The messages that cross between channels and the engine, and the stateless decision on one reading."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from bot.config import ThresholdSettings
from nlu.understand import Reading

Action = Literal["answer", "clarify", "unsure", "handoff", "greet", "thanks", "safety", "language", "info", "error"]

# Intents that are not cards: what the engine does when one of them wins.
INTENT_ACTIONS: dict[str, Action] = {
    "intent:greet": "greet",
    "intent:thanks": "thanks",
    "intent:human": "handoff",
    "intent:out_of_scope": "unsure",
}

# Control characters other than tab and line breaks carry nothing a person typed (a NUL from a broken client,
# say), and PostgreSQL refuses NUL in text: they are dropped from every incoming message.
_CONTROLS = {code: None for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(code) not in "\t\n\r"}


@dataclass(frozen=True)
class Incoming:
    """One message from a person on a channel."""

    channel: str
    user_id: str
    text: str
    lang_hint: str | None = None
    """The channel's idea of the language (Telegram language_code, the web page's choice): a prior only."""
    update_id: int | None = None
    """The channel's update id: set, the reply is queued in the outbox with everything else, once."""
    reply_to: str | None = None
    """Where the reply goes, if not to `user_id` (a Telegram chat)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", self.text.translate(_CONTROLS))  # frozen: set once, here


@dataclass(frozen=True)
class QuickReply:
    """A button; channels without buttons show it as a numbered line."""

    label: str
    payload: str


@dataclass(frozen=True)
class Contact:
    """A phone number or link to show under an answer, labelled in the person's language."""

    label: str
    phone: str | None = None
    url: str | None = None


@dataclass
class Reply:
    """What the bot says back: texts, buttons, and what it decided (for logs, API and tests)."""

    language: str
    action: Action
    messages: list[str] = field(default_factory=list)
    quick_replies: list[QuickReply] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    card: str | None = None
    confidence: float | None = None
    candidates: list[str] = field(default_factory=list)
    escalation_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the web API."""
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    """What to do with one reading, before any conversation state is considered."""

    action: Action
    card: str | None
    confidence: float
    candidates: list[str]


def decide(reading: Reading, thresholds: ThresholdSettings, top_n: int = 3) -> Decision:
    """Answer, clarify between close cards, or admit not knowing; danger always comes first."""
    ranking = reading.ranking
    cards = [r for r in ranking if not r.label.startswith("intent:")]
    candidates = [r.label for r in cards[:top_n]]
    if reading.danger is not None:
        return Decision("safety", reading.danger.card, 1.0, candidates)
    if not ranking:
        return Decision("unsure", None, 0.0, candidates)
    top = ranking[0]
    if top.label in INTENT_ACTIONS:
        action = INTENT_ACTIONS[top.label]
        if action == "unsure" or top.probability >= thresholds.clarify:
            return Decision(action, None, top.probability, candidates)
    threshold = thresholds.answer_for(reading.lang)
    best = cards[0] if cards else None
    if best is None:
        return Decision("unsure", None, 0.0, candidates)
    runner_up = cards[1].probability if len(cards) > 1 else 0.0
    if best is top and best.probability >= threshold and best.probability - runner_up >= thresholds.clarify_margin:
        return Decision("answer", best.label, best.probability, candidates)
    close = [r.label for r in cards[:top_n] if r.probability >= thresholds.clarify]
    if len(close) >= 2:
        return Decision("clarify", None, best.probability, close)
    if best is top and best.probability >= threshold:
        return Decision("answer", best.label, best.probability, candidates)
    return Decision("unsure", None, best.probability, candidates)
