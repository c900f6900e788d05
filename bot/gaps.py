"""Questions the bot could not answer, grouped by similarity, so twenty ways of asking one thing are one row."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from nlu.linear import char_ngrams

SIMILAR = 0.35  # cosine of character n-grams: same question in other words, same language
MAX_EXAMPLES = 3


@dataclass(frozen=True)
class Question:
    """One unanswered question (already masked)."""

    id: int
    text: str
    language: str
    channel: str
    at: dt.datetime


@dataclass
class Gap:
    """A group of similar unanswered questions in one language."""

    language: str
    ids: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    weeks: set[str] = field(default_factory=set)
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    @property
    def count(self) -> int:
        return len(self.ids)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@lru_cache(maxsize=50_000)
def _ngrams(text: str) -> tuple[str, ...]:
    # Stored questions never change: their n-grams (scikit-learn's "char_wb", 2-4 characters) are cut once
    # per process, so regrouping after a new question mostly counts and multiplies.
    return tuple(char_ngrams(text))


def week_of(at: dt.datetime) -> str:
    """ISO week, e.g. 2026-W48."""
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def cluster(questions: Sequence[Question], threshold: float = SIMILAR) -> list[Gap]:
    """Grouping per language: a question joins the group of the earlier question it is most like
    (cosine of character n-grams, at least `threshold`), or starts a group. One sparse product gives
    all similarities."""
    # Imported here: scikit-learn costs a serving process 75 MB, and only a staff member opening the
    # dashboard needs it.
    from sklearn.feature_extraction.text import TfidfVectorizer

    gaps: list[Gap] = []
    by_language: dict[str, list[Question]] = {}
    for question in sorted(questions, key=lambda q: (q.at, q.id)):
        by_language.setdefault(question.language.split("-")[0], []).append(question)
    for language, items in by_language.items():
        texts = [_normal(q.text) for q in items]
        try:
            matrix = TfidfVectorizer(analyzer=_ngrams, sublinear_tf=True).fit_transform(texts)
        except ValueError:  # nothing but spaces or symbols
            continue
        similarity = np.asarray((matrix @ matrix.T).toarray(), dtype=np.float32)
        group_of = np.zeros(len(items), dtype=np.int64)
        groups: list[Gap] = []
        for index, question in enumerate(items):
            best = -1
            if index:
                earlier = similarity[index, :index]
                nearest = int(np.argmax(earlier))
                best = int(group_of[nearest]) if earlier[nearest] >= threshold else -1
            if best < 0:
                groups.append(Gap(language=language))
                best = len(groups) - 1
            group_of[index] = best
            gap = groups[best]
            gap.ids.append(question.id)
            if len(gap.examples) < MAX_EXAMPLES and texts[index] not in (_normal(e) for e in gap.examples):
                gap.examples.append(question.text)
            gap.weeks.add(week_of(question.at))
            gap.first = gap.first or question.at
            gap.last = question.at
        gaps.extend(groups)
    return sorted(gaps, key=lambda g: (-g.count, g.language))
