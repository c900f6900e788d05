"""Fitting the card classifier is reproducible and learns its examples."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.runtime import load_content
from nlu.encoders import NoEncoder
from nlu.fitting import fit
from tests.conftest import settings_for


def _sample(tmp_path: Path) -> list[tuple[str, str, str]]:
    """Every fourth example of the real content: all cards and languages, small enough to fit in seconds."""
    config = settings_for(tmp_path, tmp_path)
    return load_content(config).training_examples()[::4]


def test_fitting_twice_gives_the_same_model(tmp_path: Path) -> None:
    examples = _sample(tmp_path)
    first, second = fit(examples, NoEncoder()), fit(examples, NoEncoder())
    assert first.labels == second.labels
    for layer in ("lexical", "full"):
        np.testing.assert_array_equal(getattr(first, layer).weights, getattr(second, layer).weights)


def test_the_fitted_model_ranks_its_own_examples_first(tmp_path: Path) -> None:
    examples = _sample(tmp_path)
    model = fit(examples, NoEncoder())
    right = sum(model.rank(text, lang)[0].label == label for text, label, lang in examples)
    assert right / len(examples) > 0.95
