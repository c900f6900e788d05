"""Rasa 3.6.21 and our NLU side by side on the same held-out test questions: accuracy, wrong answers, handoffs, speed, memory.

Run: bench/rasa_side_by_side.sh  (builds .venv-rasa with Python 3.10 if needed; about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import LANGUAGES, LoadedSettings, ThresholdSettings, load_settings  # noqa: E402
from bot.content import ContentBase  # noqa: E402
from nlu import evaluate as ev  # noqa: E402
from nlu import rasa_runner  # noqa: E402
from nlu.understand import Reading  # noqa: E402

TARGET_PRECISION = 0.95  # the target config.yml's own per-language thresholds were tuned for
REPRODUCE = "bench/rasa_side_by_side.sh"


@dataclass
class Side:
    """One system's measurements."""

    scores: dict[str, ev.LanguageScore]
    thresholds: ThresholdSettings
    times_ms: list[float]
    rss_mb: float
    load_s: float
    train_s: float


def timed(read: Callable[[str], Reading], times: list[float]) -> Callable[[str], Reading]:
    """`read`, recording each call's wall-clock milliseconds."""
    def wrapper(text: str) -> Reading:
        started = time.perf_counter()
        reading = read(text)
        times.append((time.perf_counter() - started) * 1000)
        return reading
    return wrapper


def questions(config: LoadedSettings, content: ContentBase) -> tuple[list[ev.Question], list[ev.Question]]:
    """The dev and test splits of eval/*.jsonl, exactly as `newcomer eval` makes them."""
    loaded = ev.load_questions(sorted(config.path("eval").glob("*.jsonl")), set(content.cards))
    return [q for q in loaded if q.split == "dev"], [q for q in loaded if q.split == "test"]


def tuned(base: ThresholdSettings, outcomes: list[ev.Outcome]) -> ThresholdSettings:
    """Our thresholds with per-language answer thresholds tuned on dev outcomes, like `newcomer eval --tune`."""
    per_language = ev.tune_thresholds(outcomes, TARGET_PRECISION)
    return base.model_copy(update={"per_language": per_language})


def measure_rasa(config: LoadedSettings, content: ContentBase, work: Path, epochs: int) -> Side:
    """Export, train, serve and ask Rasa; thresholds from the dev split, scores from the test split."""
    from bot.export_rasa import export_project, intent_labels
    from bot.i18n import Translator
    from bot.runtime import danger_detector
    from nlu.rasa_backend import RasaUnderstander

    rasa = rasa_runner.rasa_executable()
    settings = config.settings
    project = work / "rasa-project"
    export_project(content, Translator(config.path(settings.locales_dir), settings.languages), settings.languages,
                   project, epochs=epochs, default_language=settings.default_language)
    print(f"training Rasa in {project} ...", flush=True)
    train_s = rasa_runner.train(rasa, project, work / "rasa-train.log", "bench")
    dev, test = questions(config, content)
    with rasa_runner.serve(rasa, project, "models/bench.tar.gz", work / "rasa-run.log") as server:
        reader = RasaUnderstander(server.url, 30.0, intent_labels(content), danger_detector(content))
        started = time.perf_counter()
        reader.read(dev[0].text)
        load_s = server.load_seconds + time.perf_counter() - started  # process start until the first answer
        for question in dev[1:20]:  # warm-up, as for our engine
            reader.read(question.text)
        thresholds = tuned(settings.nlu.thresholds, ev.run(dev, reader.read, settings.nlu.thresholds))
        times: list[float] = []
        outcomes = ev.run(test, timed(reader.read, times), thresholds)
        rss = rasa_runner.peak_memory_mb(server.pid)
        reader.close()
    scores = {lang: ev.score(outcomes, lang) for lang in [*LANGUAGES, "all"]}
    return Side(scores, thresholds, times, rss, load_s, train_s)


def measure_ours(config_path: Path, work: Path) -> Side:
    """Train cold, then load and ask in a fresh process (so its memory peak is the serving one)."""
    from bot.runtime import load_content
    from nlu.train import train

    config = load_settings(config_path, environ={})
    model_dir = work / "our-model"
    started = time.perf_counter()
    train(load_content(config).training_examples(), model_dir, config.settings.nlu.encoder, show_progress=False)
    train_s = time.perf_counter() - started
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    command = [sys.executable, str(Path(__file__).resolve()), "--ours-probe", str(model_dir), "--config",
               str(config_path), "--launched", repr(time.time())]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise rasa_runner.RasaFailed(f"our serving probe failed:\n{result.stderr}")
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    scores = {lang: ev.LanguageScore(**row) for lang, row in probe["scores"].items()}
    return Side(scores, config.settings.nlu.thresholds, probe["times"], probe["rss"], probe["load"], train_s)


def ours_probe(config_path: Path, model_dir: Path, launched: float) -> None:
    """In a fresh process: load our model, answer once (timed from the process's launch, as for
    `rasa run`), ask the test split with config.yml's thresholds, print JSON."""
    from bot.runtime import danger_detector, load_classifier, load_content
    from nlu.understand import Understander

    config = load_settings(config_path, environ={"NEWCOMER_NLU_MODEL_DIR": str(model_dir)})
    content = load_content(config)
    reader = Understander(load_classifier(config), danger_detector(content))
    dev, test = questions(config, content)
    reader.read(dev[0].text)
    load = time.time() - launched
    for question in dev[1:20]:  # warm-up: the first message of a language loads its tokenizer
        reader.read(question.text)
    times: list[float] = []
    outcomes = ev.run(test, timed(reader.read, times), config.settings.nlu.thresholds)
    scores = {}
    for lang in [*LANGUAGES, "all"]:
        row = vars(ev.score(outcomes, lang)).copy()
        row.pop("pairs")
        scores[lang] = row
    print(json.dumps({"load": load, "times": times, "rss": rasa_runner.peak_memory_mb(os.getpid()), "scores": scores}))


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def table(ours: Side, rasa: Side) -> str:
    """One markdown table: quality per language, then speed and memory."""
    langs = ["all", *LANGUAGES]
    head = "| measure | system | " + " | ".join(langs) + " |"
    lines = [head, "|" + "---|" * (len(langs) + 2)]
    counts = [f"{ours.scores[lang].in_scope} + {ours.scores[lang].out_of_scope}" for lang in langs]
    lines.append("| test questions (in-scope + out-of-scope) | both | " + " | ".join(counts) + " |")

    def quality(name: str, pick: Callable[[ev.LanguageScore], float]) -> None:
        for label, side in (("newcomer-bot", ours), ("Rasa 3.6.21", rasa)):
            cells = [f"{pick(side.scores[lang]):.1%}" for lang in langs]
            lines.append(f"| {name} | {label} | " + " | ".join(cells) + " |")

    quality("top-1 accuracy (in-scope)", lambda s: s.top1)
    quality("wrong automatic answers", lambda s: s.wrong_answers)
    quality("out-of-scope handed off", lambda s: s.oos_handoff)
    for label, side in (("newcomer-bot", ours), ("Rasa 3.6.21", rasa)):
        cells = [""] + [f"{side.thresholds.answer_for(lang):.2f}" for lang in LANGUAGES]
        lines.append(f"| answer threshold (dev split) | {label} | " + " | ".join(cells) + " |")
    blanks = " |" * len(LANGUAGES)
    for name, pick in (
        ("time per message p50 (ms)", lambda s: f"{statistics.median(s.times_ms):.1f}"),
        ("time per message p99 (ms)", lambda s: f"{_p99(s.times_ms):.1f}"),
        ("resident memory, peak (MB)", lambda s: f"{s.rss_mb:.0f}"),
        ("start until first answer (s)", lambda s: f"{s.load_s:.1f}"),
        ("training (s)", lambda s: f"{s.train_s:.0f}"),
    ):
        for label, side in (("newcomer-bot", ours), ("Rasa 3.6.21", rasa)):
            lines.append(f"| {name} | {label} | {pick(side)}{blanks}")
    return "\n".join(lines) + "\n"


def report(body: str, test_count: int, epochs: int) -> str:
    """The markdown page around the table."""
    return f"""# Rasa 3.6.21 and newcomer-bot side by side

Reproduce: `{REPRODUCE}` (creates `.venv-rasa` with Python 3.10 and `rasa==3.6.21` if missing, exports the
content with `newcomer export rasa`, trains both, serves Rasa with `rasa run --enable-api` and asks both the
same {test_count} held-out questions of the test split of `eval/*.jsonl`). Measured on {os.cpu_count()} cores
while other work was running on the machine, so times are indicative.

- Both decide with the same `decide()` (answer, clarify, not sure); each system's per-language answer
  thresholds were chosen on the dev split only, for {TARGET_PRECISION:.0%} precision (ours are those in
  `config.yml`). Rasa's own FallbackClassifier is left out of the decision; its intent confidences are used.
- Top-1 is over in-scope questions; wrong answers are over all questions (any automatic answer to an
  out-of-scope question is wrong).
- Time per message is one `read()` as the engine calls it: language ID and danger lexicon locally for
  both, then our classifier in-process, or for Rasa a POST to `/model/parse` over loopback.
- Memory is the serving process's peak resident set (VmHWM): ours after loading the model and answering
  every question; Rasa's `rasa run` server likewise. Start-up is from launching a fresh process (ours: a
  Python process that loads the model; Rasa: `rasa run`) until the first message is answered. Training is
  cold (no cached sentence vectors for ours; Rasa: `rasa train`, DIETClassifier {epochs} epochs, no
  transformer layers, n-gram vocabularies capped at 12,000 characters and 6,000 words, as exported).

{body}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "config.yml"))
    parser.add_argument("--epochs", type=int, default=60, help="DIETClassifier epochs for Rasa")
    parser.add_argument("--out", default=str(ROOT / "docs" / "rasa-side-by-side.md"))
    parser.add_argument("--ours-probe", metavar="MODEL_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--launched", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours_probe:
        ours_probe(Path(args.config), Path(args.ours_probe), args.launched or time.time())
        return
    from bot.runtime import load_content

    config = load_settings(Path(args.config), environ={})
    content = load_content(config)
    _dev, test = questions(config, content)
    with tempfile.TemporaryDirectory(prefix="rasa-bench-") as tmp:
        work = Path(tmp)
        try:
            rasa = measure_rasa(config, content, work, args.epochs)
            print("training and asking our engine ...", flush=True)
            ours = measure_ours(Path(args.config), work)
        except rasa_runner.RasaUnavailable as exc:
            print(f"rasa_side_by_side: {exc}", file=sys.stderr)
            sys.exit(rasa_runner.NO_PYTHON310)
        except rasa_runner.RasaFailed as exc:
            # Keep the logs: they are the only way to see why Rasa failed.
            kept = Path(tempfile.mkdtemp(prefix="rasa-bench-logs-"))
            for log in work.glob("*.log"):
                log.rename(kept / log.name)
            print(f"rasa_side_by_side: {exc} (logs kept in {kept})", file=sys.stderr)
            sys.exit(1)
    body = table(ours, rasa)
    print(body)
    Path(args.out).write_text(report(body, len(test), args.epochs), encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
