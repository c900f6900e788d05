"""Rasa as the NLU backend: a running Rasa server ranks the intents; language ID and the danger lexicon stay local."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

import httpx

from nlu.classifier import Ranked
from nlu.danger import DangerDetector
from nlu.langid import Detection, detect
from nlu.understand import Reading

log = logging.getLogger(__name__)

# When Rasa cannot be asked (down, too slow, nonsense back), the reading says "a person, please":
# the engine hands off and its handoff message carries the 24-hour helpline. Never a guess.
HANDOFF_RANKING = (Ranked("intent:human", 1.0),)
IGNORED_INTENTS = frozenset({"nlu_fallback"})  # the decision uses our thresholds on Rasa's own confidences


class RasaReplyError(ValueError):
    """Rasa answered, but not with the /model/parse JSON we expect."""


def _confidence(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RasaReplyError(f"confidence {value!r} is not a number")
    return min(1.0, max(0.0, float(value)))


def parse_ranking(payload: Any, labels: Mapping[str, str]) -> list[Ranked]:
    """Rasa's parse result as our ranking: intents mapped to our labels (card ids, intent:<name>),
    most confident first; intents we do not know (nlu_fallback, switch_language) are left out."""
    if not isinstance(payload, dict):
        raise RasaReplyError("the reply is not a JSON object")
    entries = payload.get("intent_ranking")
    if entries is None:
        top = payload.get("intent")
        entries = [top] if isinstance(top, dict) and top.get("name") else []
    if not isinstance(entries, list):
        raise RasaReplyError("intent_ranking is not a list")
    ranking: list[Ranked] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise RasaReplyError(f"intent_ranking entry {entry!r} has no name")
        confidence = _confidence(entry.get("confidence"))
        label = labels.get(entry["name"])
        if label is not None and entry["name"] not in IGNORED_INTENTS:
            ranking.append(Ranked(label, confidence))
    ranking.sort(key=lambda r: -r.probability)
    return ranking


class RasaUnderstander:
    """Reads messages like Understander does, with a Rasa server's /model/parse as the classifier."""

    def __init__(
        self,
        url: str,
        timeout: float,
        labels: Mapping[str, str],
        danger: DangerDetector,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.timeout = timeout
        self.labels = dict(labels)
        self.danger = danger
        # trust_env=False: the server is on loopback, so no proxy from the environment applies.
        self.client = client or httpx.Client(timeout=timeout, trust_env=False)

    def warm_up(self) -> None:
        """Nothing to load here: Rasa's server holds the model."""

    def rank(self, text: str) -> list[Ranked]:
        """Rasa's ranking for `text`, or the handoff ranking when Rasa cannot give one."""
        try:
            response = self.client.post(self.url, json={"text": text}, timeout=self.timeout)
            response.raise_for_status()
            return parse_ranking(response.json(), self.labels)
        except httpx.TimeoutException:
            log.warning("Rasa did not answer within %.1f s: handing off", self.timeout)
        except httpx.HTTPError as exc:
            log.warning("Rasa cannot be reached at %s (%s): handing off", self.url, exc)
        except ValueError as exc:  # JSONDecodeError and RasaReplyError
            log.warning("Rasa sent a reply we cannot read (%s): handing off", exc)
        except Exception:  # a person is waiting: whatever broke, they get a human, not an error
            log.exception("asking Rasa failed unexpectedly: handing off")
        return list(HANDOFF_RANKING)

    def read(self, text: str, hint: str | None = None, lang: str | None = None) -> Reading:
        """Read `text`; `lang` forces the language (an explicit choice), `hint` only tips the balance."""
        detection = detect(text, hint)
        if lang is not None and lang != detection.lang:
            detection = Detection(lang, 1.0, detection.script, "forced")
        return Reading(text=text, detection=detection, danger=self.danger.check(text), ranking=self.rank(text))

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.client.close()
