"""Language-ID accuracy per language on the eval questions (dev split by default; failures shown for dev only),
and the en/vi/uz character model (nlu/langid_en_vi_uz.npz) against py3langid's, which it replaced.

Run: .venv/bin/python -m bench.langid_bench [dev|test]
     .venv/bin/python -m bench.langid_bench compare   # agreement, accuracy, time and RSS, table vs py3langid
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nlu.langid
from nlu.langid import detect

if TYPE_CHECKING:
    from nlu.evaluate import Question

LATIN_SAMPLE = "toi bi mat the cu tru phai lam sao"


def questions(split: str) -> list[Question]:
    # Imported here: it loads the NLU (numpy and more), which the RSS measurement below must not count.
    from nlu.evaluate import Question

    rows = [
        Question(row["text"], row["lang"], row["expected"])
        for path in sorted(Path("eval").glob("*.jsonl"))
        for row in map(json.loads, filter(str.strip, path.read_text(encoding="utf-8").splitlines()))
    ]
    return [q for q in rows if q.split == split]


def main(split: str = "dev") -> None:
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    failures = []
    for question in questions(split):
        found = detect(question.text)
        total[question.lang] += 1
        right[question.lang] += found.lang == question.lang
        if found.lang != question.lang:
            failures.append((question.lang, found.lang, found.reason, question.text))
    for lang in total:
        print(f"{lang}: {right[lang]}/{total[lang]} = {right[lang] / total[lang]:.1%}")
    print(f"all: {sum(right.values())}/{sum(total.values())} = {sum(right.values()) / sum(total.values()):.1%}")
    # Test-split items are never printed: tuning on them would make the reported number meaningless.
    for failure in failures if split == "dev" else []:
        print(*failure, sep=" | ")


# --- the replaced model, for comparison only ------------------------------------------------------


@lru_cache(maxsize=1)
def _py3langid() -> Any:
    """py3langid restricted to en/vi/uz exactly as nlu.langid loaded it before the table replaced it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(["en", "vi", "uz"])
    ident._full_model = (ident.nb_ptc, ident.nb_pc, ident.nb_classes)  # as before: drop the 97 languages
    return ident


def py3langid_probabilities(text: str) -> dict[str, float]:
    return {str(lang): float(prob) for lang, prob in _py3langid().rank(text)}


@contextmanager
def character_model(name: str) -> Iterator[None]:
    """detect() with the table ("table") or with py3langid ("py3langid") as its character model."""
    saved = nlu.langid._model_probabilities
    if name == "py3langid":
        nlu.langid._model_probabilities = py3langid_probabilities
    try:
        yield
    finally:
        nlu.langid._model_probabilities = saved


def card_examples() -> list[tuple[str, str]]:
    """(text, language) of every card's and intent's example question."""
    from bot.content import load_content_or_raise

    return [(text, lang) for text, _, lang in load_content_or_raise(Path("content")).training_examples()]


def _model_input(text: str) -> str | None:
    """What detect() hands the character model for a Latin-script text, or None for other scripts."""
    found = detect(text)
    return " ".join(nlu.langid._latin_words(text)) if found.script == "Latn" else None


def _top(probabilities: Callable[[str], dict[str, float]], text: str) -> str:
    scores = probabilities(text)
    return max(scores, key=lambda lang: scores[lang])


def _rss_kb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))


def rss(name: str, numpy_first: str = "no") -> None:
    """VmRSS before and after the first detect() of a Latin text, in this (fresh) process."""
    if numpy_first == "yes":
        import numpy  # noqa: F401  (the server has it loaded already, for the encoder)
    with character_model(name):
        before = _rss_kb()
        detect(LATIN_SAMPLE)
        after = _rss_kb()
    print(json.dumps({"before_kb": before, "after_kb": after, "py3langid_loaded": "py3langid" in sys.modules}))


def _rss_in_subprocess(name: str, numpy_first: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.langid_bench", "rss", name, "yes" if numpy_first else "no"]
    result: dict[str, Any] = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    return result


def _times_us(texts: list[str], repeat: int = 3) -> list[float]:
    for text in texts[:50]:
        detect(text)  # warm: the first call loads the model
    times = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            detect(text)
            times.append((time.perf_counter() - start) * 1e6)
    return times


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def compare() -> None:
    """The table against py3langid on the card examples and the dev split (never the test split)."""
    sets = {"cards": card_examples(), "dev": [(q.text, q.lang) for q in questions("dev")]}
    for set_name, rows in sets.items():
        latin = [(text, model_input) for text, _ in rows if (model_input := _model_input(text)) is not None]
        same_model = sum(_top(py3langid_probabilities, m) == _top(nlu.langid._model_probabilities, m)
                         for _, m in latin)
        most_apart = max(abs(py3langid_probabilities(m)[lang] - p)
                         for _, m in latin for lang, p in nlu.langid._model_probabilities(m).items())
        found = {}
        for name in ("py3langid", "table"):
            with character_model(name):
                found[name] = [detect(text).lang for text, _ in rows]
        latin_texts = {text for text, _ in latin}
        same_detect = sum(a == b for (text, _), a, b in zip(rows, found["py3langid"], found["table"])
                          if text in latin_texts)
        print(f"{set_name}: {len(rows)} texts, {len(latin)} in Latin script")
        print(f"  character model's en/vi/uz choice agrees: {same_model}/{len(latin)} = {same_model / len(latin):.2%}"
              f" (largest probability difference {most_apart:.2g})")
        print(f"  detect() agrees on Latin texts: {same_detect}/{len(latin)} = {same_detect / len(latin):.2%}")
        for name in ("py3langid", "table"):
            right = sum(lang == expected for lang, (_, expected) in zip(found[name], rows))
            print(f"  detect() accuracy with {name}: {right}/{len(rows)} = {right / len(rows):.2%}")
        for (text, expected), a, b in zip(rows, found["py3langid"], found["table"]):
            if a != b:
                print(f"    differs: {text!r} expected {expected}, py3langid {a}, table {b}")
    every = [text for text, _ in sets["cards"]]
    latin_only = [text for text in every if detect(text).script == "Latn"]  # the only ones that reach the model
    for label, texts in (("the card examples", every), ("the Latin-script card examples", latin_only)):
        for name in ("py3langid", "table"):
            with character_model(name):
                times = _times_us(texts)
            print(f"detect() with {name} over {label}: p50 {_percentile(times, 0.5):.0f} µs, "
                  f"p99 {_percentile(times, 0.99):.0f} µs")
    for numpy_first in (False, True):
        for name in ("py3langid", "table"):
            measured = _rss_in_subprocess(name, numpy_first)
            print(f"RSS, first detect() of a Latin text, {name}{' (numpy already loaded)' if numpy_first else ''}: "
                  f"{measured['before_kb'] / 1024:.1f} -> {measured['after_kb'] / 1024:.1f} MB "
                  f"(+{(measured['after_kb'] - measured['before_kb']) / 1024:.1f} MB)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["compare"]:
        compare()
    elif sys.argv[1:2] == ["rss"]:
        rss(*sys.argv[2:4])
    else:
        main(*sys.argv[1:2])
