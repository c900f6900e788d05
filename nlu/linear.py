"""The trained classifier's arithmetic in plain numpy (TF-IDF vectors, a softmax layer), so that a serving
process never imports scikit-learn: 75 MB less memory and a second less at start."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

_SPACES = re.compile(r"\s\s+")


def word_ngrams(words: list[str]) -> list[str]:
    """The words and each pair of neighbours."""
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def char_ngrams(text: str, low: int = 2, high: int = 4) -> list[str]:
    """Character n-grams inside each word padded with a space on both sides, as scikit-learn's
    "char_wb" analyzer makes them (lower-cased): a word shorter than n counts once, whole."""
    grams: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


@dataclass(frozen=True)
class Tfidf:
    """One family of sparse features: term -> column, inverse document frequencies, sublinear term
    frequency and unit length (what TfidfVectorizer(sublinear_tf=True) computes)."""

    vocabulary: dict[str, int]
    idf: np.ndarray

    def vector(self, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Columns and values of the terms we know; unknown terms are ignored."""
        counts = Counter(term for term in terms if term in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64, count=len(counts))
        values = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        values *= self.idf[columns]
        return columns, (values / np.linalg.norm(values)).astype(np.float32)


@dataclass(frozen=True)
class SoftmaxLayer:
    """Multinomial logistic regression: one weight row per label over the sparse columns, then any
    dense columns (the sentence vector) after them."""

    weights: np.ndarray  # (labels, sparse + dense), float32
    intercept: np.ndarray  # (labels,)
    sparse_width: int

    @classmethod
    def from_sklearn(cls, coef: np.ndarray, intercept: np.ndarray, sparse_width: int) -> SoftmaxLayer:
        """From a fitted LogisticRegression's coef_ and intercept_ (two labels: one row, logistic)."""
        if coef.shape[0] == 1:  # the logistic of w·x equals a softmax over rows (0, w)
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.concatenate([[0.0], intercept])
        return cls(np.ascontiguousarray(coef, dtype=np.float32), np.asarray(intercept, dtype=np.float32), sparse_width)

    def probabilities(self, columns: np.ndarray, values: np.ndarray, dense: np.ndarray | None = None) -> np.ndarray:
        """The probability of every label."""
        scores = self.intercept + self.weights[:, columns] @ values
        if dense is not None and dense.size:
            scores = scores + self.weights[:, self.sparse_width :] @ dense
        scores = scores.astype(np.float64)
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()
