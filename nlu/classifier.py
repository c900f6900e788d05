"""The card classifier: word and character n-grams plus multilingual sentence vectors, into logistic regression,
with a lexical-only model in front that answers on its own when it is sure (skipping the costly encoder)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.encoders import Encoder, make_encoder
from nlu.tokenize import tokens

MODEL_FILE = "model.pkl"
META_FILE = "meta.json"
FORMAT_VERSION = 2  # 2: the lexical fast-path model is saved with the full one
# Sentence vectors are dense and few (384) against thousands of sparse n-grams; this weight
# keeps either family from drowning the other. On a split of the cards' own examples (2 held out
# per card and language) it gave 0.92 top-1 against 0.89 at 1.0 and 0.90 at 4.0.
EMBEDDING_WEIGHT = 2.0

ENCODE_BATCH = 64

Progress = Callable[[str, int], None]


class ModelMissing(Exception):
    """No trained model where the settings say it is."""


@dataclass(frozen=True)
class Ranked:
    """One label (a card id, or intent:<name>) and its probability."""

    label: str
    probability: float


def _word_ngrams(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _identity(items: list[str]) -> list[str]:
    return items


def fingerprint(examples: Iterable[tuple[str, str, str]]) -> str:
    """A hash of the training data, so a model can tell that the content changed after it."""
    digest = hashlib.sha256()
    for text, label, lang in sorted(examples):
        digest.update(f"{text}\t{label}\t{lang}\n".encode())
    return digest.hexdigest()[:16]


class CardClassifier:
    """Trained on (text, label, language) triples; predicts a ranked list of labels."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1)
        self.model = self._logistic()
        self.lexical = self._logistic()
        self.fast_path = 1.1  # off until load() is told the configured value
        self.labels: list[str] = []
        self.meta: dict[str, object] = {}

    @staticmethod
    def _logistic() -> LogisticRegression:
        return LogisticRegression(C=20.0, max_iter=3000, class_weight="balanced", random_state=0)

    def _lexical_features(self, token_lists: list[list[str]], fit: bool) -> sparse.csr_matrix:
        word_docs = [_word_ngrams(t) for t in token_lists]
        char_docs = [" ".join(t) for t in token_lists]
        if fit:
            return sparse.hstack([self.words.fit_transform(word_docs), self.chars.fit_transform(char_docs)]).tocsr()
        return sparse.hstack([self.words.transform(word_docs), self.chars.transform(char_docs)]).tocsr()

    @staticmethod
    def _with_vectors(lexical: sparse.csr_matrix, vectors: np.ndarray) -> sparse.csr_matrix:
        return sparse.hstack([lexical, sparse.csr_matrix(vectors * EMBEDDING_WEIGHT)]).tocsr()

    def fit(self, examples: list[tuple[str, str, str]], progress: Progress | None = None) -> None:
        """Tokenise, encode and fit; `progress(stage, steps_done)` is called as work advances."""
        report = progress or (lambda stage, n: None)
        token_lists = []
        for text, _label, lang in examples:
            token_lists.append(tokens(text, lang))
            report("tokenise", 1)
        texts = [text for text, _, _ in examples]
        labels = [label for _, label, _ in examples]
        lexical = self._lexical_features(token_lists, fit=True)
        # The lexical model is fitted while the encoder works: the encoder's C code releases the GIL,
        # so on two cores the fit costs almost no extra wall time.
        fitting = threading.Thread(target=self.lexical.fit, args=(lexical, labels), name="fit-lexical")
        fitting.start()
        batches = []
        for start in range(0, len(texts), ENCODE_BATCH):
            batches.append(self.encoder.encode(texts[start : start + ENCODE_BATCH]))
            report("encode", len(batches[-1]))
        fitting.join()
        # Starting from the lexical solution (vector weights at zero) the full fit converges sooner.
        self.model.set_params(warm_start=True)
        self.model.coef_ = np.hstack([self.lexical.coef_, np.zeros((self.lexical.coef_.shape[0], batches[0].shape[1]))])
        self.model.intercept_ = self.lexical.intercept_.copy()
        self.model.fit(self._with_vectors(lexical, np.vstack(batches)), labels)
        report("fit", 1)
        self.labels = [str(label) for label in self.model.classes_]
        self.meta = {
            "format": FORMAT_VERSION,
            "encoder": self.encoder.name,
            "labels": len(self.labels),
            "examples": len(examples),
            "fingerprint": fingerprint(examples),
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }

    def rank(self, text: str, lang: str) -> list[Ranked]:
        """All labels for `text`, most probable first: from the lexical model when it is sure enough,
        otherwise from the full model with the sentence vector."""
        lexical = self._lexical_features([tokens(text, lang)], fit=False)
        probabilities = self.lexical.predict_proba(lexical)[0]
        if probabilities.max() < self.fast_path:
            probabilities = self.model.predict_proba(self._with_vectors(lexical, self.encoder.encode([text])))[0]
        order = np.argsort(probabilities)[::-1]
        return [Ranked(self.labels[i], float(probabilities[i])) for i in order]

    def save(self, directory: Path) -> None:
        """Write the model and a JSON summary of how it was trained."""
        directory.mkdir(parents=True, exist_ok=True)
        encoder = self.encoder
        try:
            self.encoder = None  # type: ignore[assignment]  # encoders hold native handles
            (directory / MODEL_FILE).write_bytes(pickle.dumps(self))
        finally:
            self.encoder = encoder
        (directory / META_FILE).write_text(json.dumps(self.meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, encoder_name: str, fast_path: float) -> CardClassifier:
        """Read a saved model (`fast_path`: nlu.fast_path); raises ModelMissing with the next step when there is none."""
        path = directory / MODEL_FILE
        if not path.is_file():
            raise ModelMissing(f"no trained model in {directory}: run `newcomer train` first")
        try:
            loaded = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, written by save()
        except Exception as exc:  # a truncated or foreign file
            raise ModelMissing(f"the model in {directory} cannot be read ({exc}): run `newcomer train`") from exc
        if not isinstance(loaded, CardClassifier) or loaded.meta.get("format") != FORMAT_VERSION:
            raise ModelMissing(f"the model in {directory} is from another version: run `newcomer train`")
        if loaded.meta.get("encoder") != encoder_name:
            raise ModelMissing(
                f"the model in {directory} was trained with encoder {loaded.meta.get('encoder')!r} "
                f"but config.yml says {encoder_name!r}: run `newcomer train`"
            )
        loaded.encoder = make_encoder(encoder_name)
        loaded.fast_path = fast_path
        return loaded
