"""Questions the bot could not answer, grouped by similarity, so twenty ways of asking one thing are one row."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

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


def week_of(at: dt.datetime) -> str:
    """ISO week, e.g. 2026-W48."""
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def cluster(questions: Sequence[Question], threshold: float = SIMILAR) -> list[Gap]:
    """Greedy grouping per language: each question joins the most similar group if close enough."""
    gaps: list[Gap] = []
    by_language: dict[str, list[Question]] = {}
    for question in sorted(questions, key=lambda q: (q.at, q.id)):
        by_language.setdefault(question.language.split("-")[0], []).append(question)
    for language, items in by_language.items():
        texts = [_normal(q.text) for q in items]
        try:
            matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(texts)
        except ValueError:  # nothing but spaces or symbols
            continue
        vectors = matrix.toarray()
        centroids: list[np.ndarray] = []
        groups: list[Gap] = []
        for question, text, vector in zip(items, texts, vectors):
            best, score = -1, 0.0
            for index, centroid in enumerate(centroids):
                norm = float(np.linalg.norm(centroid)) or 1.0
                similarity = float(vector @ centroid) / norm
                if similarity > score:
                    best, score = index, similarity
            if best < 0 or score < threshold:
                centroids.append(vector.copy())
                groups.append(Gap(language=language))
                best = len(groups) - 1
            else:
                size = len(groups[best].ids)
                centroids[best] = (centroids[best] * size + vector) / (size + 1)
            gap = groups[best]
            gap.ids.append(question.id)
            if len(gap.examples) < MAX_EXAMPLES and text not in (_normal(e) for e in gap.examples):
                gap.examples.append(question.text)
            gap.weeks.add(week_of(question.at))
            gap.first = gap.first or question.at
            gap.last = question.at
        gaps.extend(groups)
    return sorted(gaps, key=lambda g: (-g.count, g.language))
