"""NLU benchmark: per-message latency (p50/p99), model load, full training time and resident memory, as one table.

Run: .venv/bin/python bench/nlu_bench.py  (on an otherwise idle machine; it trains into a temp folder).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOALS = {
    "understand p50 (ms)": "<= 15",
    "understand p99 (ms)": "<= 50",
    "model load (s)": "<= 3",
    "full training (s)": "<= 90",
    "serving RSS (MB)": "<= 500",
}


def _questions() -> list[str]:
    texts = []
    for path in sorted((ROOT / "eval").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def _serving_probe(model_dir: Path) -> dict[str, Any]:
    """In a fresh process: load the model (timed), warm up, answer every question, report RSS."""
    code = f"""
import json, sys, time
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from bot.config import load_settings
from bot.runtime import load_classifier, load_content, danger_detector
from nlu.understand import Understander
config = load_settings({str(ROOT / 'config.yml')!r}, environ={{"NEWCOMER_NLU_MODEL_DIR": {str(model_dir)!r}}})
started = time.perf_counter()
classifier = load_classifier(config)
understander = Understander(classifier, danger_detector(load_content(config)))
load = time.perf_counter() - started
texts = json.loads(sys.stdin.read())
understander.warm_up()  # as `newcomer serve` does at start: every tokenizer, and the encoder
times = []
for text in texts:
    t = time.perf_counter(); understander.read(text); times.append((time.perf_counter() - t) * 1000)
from nlu.langid import detect
from nlu.tokenize import tokens
fast = sum(classifier.lexical_is_sure(classifier.lexical.probabilities(*classifier.lexical_vector(tokens(t, lang))), lang)
           for t in texts for lang in [detect(t).lang]) / len(texts)
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork+exec, so it would report the parent's peak.
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({{"load": load, "times": times, "rss": hwm, "fast": fast}}))
"""
    result = subprocess.run([sys.executable, "-c", code], input=json.dumps(_questions()), capture_output=True,
                            text=True, check=True, env={**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")})
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    from bot.config import load_settings
    from bot.runtime import load_content
    from nlu.train import train

    config = load_settings(ROOT / "config.yml", environ={})
    examples = load_content(config).training_examples()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        train(examples, Path(tmp), config.settings.nlu.encoder, show_progress=False)
        training = time.perf_counter() - started
        probe = _serving_probe(Path(tmp))
    times = sorted(probe["times"])
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    rows = {
        "understand p50 (ms)": statistics.median(times),
        "understand p99 (ms)": p99,
        "model load (s)": probe["load"],
        "full training (s)": training,
        "serving RSS (MB)": probe["rss"],
    }
    print(f"NLU benchmark: {os.cpu_count()} cores, encoder {config.settings.nlu.encoder}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '1')}, {len(examples)} training examples, "
          f"{len(times)} messages timed, {probe['fast']:.0%} of them answered by the lexical fast path")
    print()
    print("| measure | value | goal | met |")
    print("|---|---|---|---|")
    for name, value in rows.items():
        goal = GOALS[name]
        met = value <= float(goal.split()[-1])
        print(f"| {name} | {value:.1f} | {goal} | {'yes' if met else 'no'} |")


if __name__ == "__main__":
    main()
