"""Build time only: derive nlu/langid_en_vi_uz.npz, the en/vi/uz byte n-gram table, from py3langid's model.

Run: .venv/bin/python -m nlu.langid_build   (needs py3langid; serving does not)

py3langid counts byte n-grams with an automaton over all its 100,053 features (a 39 MB transition table
once loaded). Recovering each feature's bytes from that automaton lets nlu.langid count the same
n-grams with a dict lookup. Its automaton emits, after each byte, the one longest feature that ends
there (not every feature that ends there, as langid.py did); nlu.langid does the same, and this script
checks that rule against every state before writing anything.

Kept: every feature that can occur in the text nlu.langid scores (lower-cased Latin-script words joined
by spaces, apostrophes unified), with its weights for the en, uz and vi columns and their priors. None
of these is dropped for a small weight: py3langid's smoothing gives every feature a weight vector that
differs between the three languages, and a dropped long feature would let a shorter one be counted in
its place.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

TABLE = Path(__file__).with_name("langid_en_vi_uz.npz")
LANGS = ("en", "vi", "uz")


def _py3langid_model() -> tuple[Any, ...]:
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    return tuple(load_model(MODEL_DIR / MODEL_FILE))


def _state_strings(nextmove: Any, row: Any) -> list[bytes]:
    """The bytes that lead to each automaton state by the shortest path: the state's own n-gram prefix."""
    moves = np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}").reshape(-1, 256)
    rows = np.frombuffer(row, dtype=f"u{row.itemsize}")
    strings: list[bytes | None] = [None] * len(rows)
    strings[0] = b""
    frontier = [0]
    while frontier:  # breadth first, so the first path found to a state is the shortest
        following = []
        for state in frontier:
            prefix = strings[state]
            assert prefix is not None
            for byte, target in enumerate(moves[rows[state]].tolist()):
                if strings[target] is None:
                    strings[target] = prefix + bytes((byte,))
                    following.append(target)
        frontier = following
    if any(s is None for s in strings):
        raise ValueError("py3langid automaton: unreachable states")
    return [s for s in strings if s is not None]


def feature_strings(nextmove: Any, row: Any, output: list[int]) -> list[bytes]:
    """The bytes of each py3langid feature, by feature index; checks the longest-match rule on every state."""
    strings = _state_strings(nextmove, row)
    found: dict[int, bytes] = {}
    for state, feature in enumerate(output):
        if feature >= 0 and (feature not in found or len(strings[state]) < len(found[feature])):
            found[feature] = strings[state]
    by_bytes = {text: feature for feature, text in found.items()}
    for state, text in enumerate(strings):
        longest = next((by_bytes[text[cut:]] for cut in range(len(text)) if text[cut:] in by_bytes), -1)
        if longest != output[state]:
            raise ValueError(f"py3langid automaton: state {text!r} does not emit its longest feature")
    return [found[index] for index in range(len(found))]


def _latin_alphabet() -> set[str]:
    """Every character nlu.langid can hand to the model: lower-cased Latin letters, the apostrophe, a space."""
    alphabet = {" ", "'"}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isalpha() and unicodedata.name(char, "").startswith("LATIN"):
            alphabet.update(char.casefold(), char.lower())
    return alphabet


class _Occurs:
    """Can a byte string occur inside the UTF-8 of some text over an alphabet? UTF-8 parses one way only."""

    def __init__(self, alphabet: set[str]) -> None:
        codes = {char.encode("utf-8") for char in alphabet}
        self.whole = codes
        self.inner = {code[a:b] for code in codes for a in range(len(code)) for b in range(a + 1, len(code) + 1)}
        self.heads = {code[:k] for code in codes for k in range(1, len(code))}
        self.tails = {code[k:] for code in codes for k in range(1, len(code))}

    def __call__(self, gram: bytes) -> bool:
        if gram in self.inner:
            return True
        # Start on a character boundary, or inside a character (a tail of its code), then parse.
        for cut in range(min(4, len(gram))):
            if cut and gram[:cut] not in self.tails:
                continue
            if self._parses(gram[cut:]):
                return True
        return False

    def _parses(self, rest: bytes) -> bool:
        while rest:
            size = _utf8_length(rest[0])
            if size > len(rest):
                return rest in self.heads
            if rest[:size] not in self.whole:
                return False
            rest = rest[size:]
        return True


def _utf8_length(lead: int) -> int:
    return 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def build(path: Path = TABLE) -> dict[str, int]:
    """Write the table; returns how many features it keeps out of how many."""
    ptc, pc, classes, nextmove, row, output = _py3langid_model()
    grams = feature_strings(nextmove, row, output)
    occurs = _Occurs(_latin_alphabet())
    kept = [index for index, gram in enumerate(grams) if occurs(gram)]
    # All columns of the three languages, in py3langid's order: uz has two (an alias), summed after softmax.
    columns = [index for index, lang in enumerate(classes) if lang in LANGS]
    keys = [grams[index] for index in kept]
    np.savez_compressed(
        path,
        classes=np.array([classes[c] for c in columns]),
        prior=np.asarray(pc, dtype=np.float32)[columns],
        weights=np.ascontiguousarray(np.asarray(ptc)[kept][:, columns], dtype=np.float16),
        lengths=np.array([len(key) for key in keys], dtype=np.uint8),
        grams=np.frombuffer(b"".join(keys), dtype=np.uint8),
    )
    return {"kept": len(kept), "features": len(grams)}


if __name__ == "__main__":
    counts = build()
    print(f"{TABLE}: {counts['kept']} of {counts['features']} features, {TABLE.stat().st_size / 1e6:.2f} MB")
