"""Language-ID accuracy per language on the eval questions (dev split by default; failures shown for dev only).

Run: .venv/bin/python -m bench.langid_bench [dev|test]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from nlu.evaluate import Question
from nlu.langid import detect


def main(split: str = "dev") -> None:
    questions = [
        Question(row["text"], row["lang"], row["expected"])
        for path in sorted(Path("eval").glob("*.jsonl"))
        for row in map(json.loads, filter(str.strip, path.read_text(encoding="utf-8").splitlines()))
    ]
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    failures = []
    for question in (q for q in questions if q.split == split):
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


if __name__ == "__main__":
    main(*sys.argv[1:2])
