"""Training the card classifier from the content base's example questions, with a progress bar."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from nlu.encoders import CachedEncoder, make_encoder
from nlu.fitting import fit


@dataclass(frozen=True)
class TrainingReport:
    """What one training run did."""

    examples: int
    labels: int
    seconds: float
    model_dir: Path


def train(
    examples: list[tuple[str, str, str]], model_dir: Path, encoder: str, show_progress: bool = True,
    cache_dir: Path | None = None,
) -> TrainingReport:
    """Fit a classifier on (text, label, language) triples and save it to `model_dir`."""
    if not examples:
        raise ValueError("no example questions to train on: add cards to the content base")
    started = time.monotonic()
    inner = make_encoder(encoder)
    cached = CachedEncoder(inner, cache_dir / f"{encoder}-vectors.npz") if cache_dir and encoder != "none" else None
    total = len(examples) * 2 + 1
    with tqdm(total=total, desc="training", unit="step", disable=not show_progress, file=sys.stderr,
              mininterval=1.0) as bar:

        def progress(stage: str, steps: int) -> None:
            bar.set_postfix_str(stage, refresh=False)  # a forced refresh per step floods logs
            bar.update(steps)

        classifier = fit(examples, cached or inner, progress)
    if cached is not None:
        cached.prune([text for text, _, _ in examples])
        cached.save()
        classifier.encoder = inner  # the saved model never depends on the cache
    classifier.save(model_dir)
    return TrainingReport(len(examples), len(classifier.labels), time.monotonic() - started, model_dir)
