"""Fitting the card classifier with scikit-learn (TF-IDF, logistic regression), then handing its numbers
to the plain-numpy CardClassifier that serves."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.classifier import EMBEDDING_WEIGHT, FORMAT_VERSION, CardClassifier, fingerprint
from nlu.encoders import Encoder
from nlu.linear import SoftmaxLayer, Tfidf, char_ngrams, word_ngrams
from nlu.tokenize import tokens

ENCODE_BATCH = 64

Progress = Callable[[str, int], None]


def _logistic() -> LogisticRegression:
    # SAG, not the default L-BFGS: with 39 labels times ~66,000 n-grams, L-BFGS spent most of its time
    # in its own bookkeeping (scipy's setulb) and stopped further from the optimum; SAG reached a lower
    # objective in a sixth of the time for the lexical model (docs/nlu-bench.md). Seeded: reproducible.
    # Stopping at a relative change of 1e-3 (the default is 1e-4) took the full fit from 171 epochs to 108;
    # on the dev split every top label stayed the same and no probability moved by more than 0.007.
    return LogisticRegression(C=20.0, solver="sag", tol=1e-3, max_iter=3000, class_weight="balanced",
                              random_state=0)


def _table(vectorizer: TfidfVectorizer) -> Tfidf:
    vocabulary = {str(term): int(column) for term, column in vectorizer.vocabulary_.items()}
    return Tfidf(vocabulary, np.asarray(vectorizer.idf_, dtype=np.float64))


def _encode_all(texts: list[str], encoder: Encoder, report: Progress) -> np.ndarray:
    """Sentence vectors of `texts`, in order, encoded by one thread per core (each on one OpenMP thread,
    bot.runtime.settle_encoder_threads: cheaper than one caller on every core's OpenMP threads)."""
    batches = [texts[start : start + ENCODE_BATCH] for start in range(0, len(texts), ENCODE_BATCH)]
    encoded = []
    with ThreadPoolExecutor(max_workers=len(os.sched_getaffinity(0)), thread_name_prefix="encode") as pool:
        for vectors in pool.map(encoder.encode, batches):  # map keeps the order of the batches
            encoded.append(vectors)
            report("encode", len(vectors))
    return np.vstack(encoded) if encoded else encoder.encode([])


def fit(examples: list[tuple[str, str, str]], encoder: Encoder, progress: Progress | None = None) -> CardClassifier:
    """Tokenise, encode and fit on (text, label, language) triples; `progress(stage, steps_done)` is
    called as work advances."""
    report = progress or (lambda stage, n: None)
    token_lists = []
    for text, _label, lang in examples:
        token_lists.append(tokens(text, lang))
        report("tokenise", 1)
    texts = [text for text, _, _ in examples]
    labels = [label for _, label, _ in examples]
    # Our own analyzers, so that training and nlu.linear's serving arithmetic read text the same way.
    words = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True)
    lexical = sparse.hstack([words.fit_transform(token_lists),
                             chars.fit_transform([" ".join(t) for t in token_lists])]).tocsr()
    # The lexical model is fitted while the encoder works: the encoder's C code releases the GIL.
    lexical_model = _logistic()
    fitting = threading.Thread(target=lexical_model.fit, args=(lexical, labels), name="fit-lexical")
    fitting.start()
    vectors = _encode_all(texts, encoder, report)
    fitting.join()
    full_model = _logistic()  # a warm start from the lexical solution saved SAG nothing
    # float32: the vectors are float32 already and SAG reads half the bytes an epoch (27.8 -> 25.5 s of CPU).
    full_model.fit(sparse.hstack([lexical, sparse.csr_matrix(vectors * EMBEDDING_WEIGHT)], dtype=np.float32).tocsr(), labels)
    report("fit", 1)
    width = lexical.shape[1]
    return CardClassifier(
        labels=[str(label) for label in full_model.classes_],
        words=_table(words),
        chars=_table(chars),
        lexical=SoftmaxLayer.from_sklearn(lexical_model.coef_, lexical_model.intercept_, width),
        full=SoftmaxLayer.from_sklearn(full_model.coef_, full_model.intercept_, width),
        meta={
            "format": FORMAT_VERSION,
            "encoder": encoder.name,
            "labels": len(full_model.classes_),
            "examples": len(examples),
            "fingerprint": fingerprint(examples),
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
        encoder=encoder,
    )
