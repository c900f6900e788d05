"""The en/vi/uz character model read from nlu/langid_en_vi_uz.npz gives py3langid's probabilities."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import nlu.langid
from nlu.langid import _char_model, _model_probabilities, detect

# py3langid 0.4.0 restricted to en/vi/uz (norm_probs), written down when the table replaced it, so a
# wrong, stale or truncated table fails here even where py3langid is not installed.
KNOWN = [
    ("how do i register my address", {"en": 0.999301, "uz": 0.000391, "vi": 0.000307}),
    ("toi bi mat the cu tru phai lam sao", {"vi": 0.514846, "en": 0.458615, "uz": 0.026539}),
    ("tôi bị mất thẻ cư trú", {"vi": 1.0, "en": 0.0, "uz": 0.0}),
    ("men ro'yxatdan o'tmoqchiman qayerga borish kerak", {"uz": 1.0, "en": 0.0, "vi": 0.0}),
    ("visa", {"en": 0.37929, "uz": 0.348093, "vi": 0.272616}),
    ("", {"uz": 0.5, "en": 0.25, "vi": 0.25}),  # no n-gram: uz's two columns (an alias) add up
]

# As written: the table holds only n-grams of what detect() hands the model (lower-cased Latin words).
SENTENCES = [
    "where can i get a health insurance card",
    "xin chao toi muon hoi ve lop hoc tieng han",
    "Tôi muốn đăng ký lớp tiếng Hàn ở đâu?",
    "salom men koreys tili kursiga yozilmoqchiman",
    "o'zbekiston fuqarosi uchun viza qanday uzaytiriladi",
    "Ok thanks!", "KIIP kiip", "Ñandú façade naïve", "ẞTRAẞE", "a", "''", "Học phí 5.000 won/tháng",
]


@pytest.mark.parametrize(("text", "expected"), KNOWN)
def test_known_probabilities(text: str, expected: dict[str, float]) -> None:
    found = _model_probabilities(text)
    assert list(found) == list(expected)  # best first, ties in py3langid's order
    assert found == pytest.approx(expected, abs=1e-6)


def test_table_is_whole() -> None:
    model = _char_model()
    assert model.columns == ("en", "uz", "vi", "uz")
    assert model.aliases == ((1, 3),)
    assert len(model.grams) > 50_000 and model.weights.shape == (len(model.grams), 4)
    assert model.lengths == tuple(sorted(model.lengths, reverse=True)) and min(model.lengths) >= 2


@pytest.mark.parametrize("text", SENTENCES + [text for text, _ in KNOWN])
def test_same_probabilities_as_py3langid(text: str) -> None:
    pytest.importorskip("py3langid")
    from bench.langid_bench import py3langid_probabilities

    text = " ".join(nlu.langid._latin_words(text))
    expected = py3langid_probabilities(text)
    found = _model_probabilities(text)
    assert list(found) == list(expected)
    assert found == pytest.approx(expected, abs=1e-6)


def test_missing_table_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(nlu.langid, "_TABLE", tmp_path / "missing.npz")
    _char_model.cache_clear()
    try:
        with pytest.raises(FileNotFoundError):
            detect("where is the immigration office")
    finally:
        _char_model.cache_clear()


def test_serving_does_not_load_py3langid() -> None:
    code = (
        "import sys\n"
        "from nlu.langid import detect\n"
        "assert detect('how do i register my address').lang == 'en'\n"
        "assert detect('toi bi mat the cu tru phai lam sao').lang == 'vi'\n"
        "assert 'py3langid' not in sys.modules, 'py3langid was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
