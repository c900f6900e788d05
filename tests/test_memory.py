"""Freed memory is handed back to the system: the servers' housekeeping calls release_free_memory."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.runtime import Runtime
from connectors import web

ROOT = Path(__file__).resolve().parent.parent

# 64 KB blocks come from malloc's heap, not from mmap; the last one stays allocated, so malloc cannot give the
# freed space back by shrinking the heap from the top, as it would on its own.
_FREE_BUT_KEPT = """
import ctypes, sys
sys.path.insert(0, sys.argv[1])
from bot.memory import release_free_memory
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:")) // 1024
blocks = []
for _ in range(3000):
    block = libc.malloc(64 * 1024)
    ctypes.memset(block, 1, 64 * 1024)
    blocks.append(block)
for block in blocks[:-1]:
    libc.free(block)
before = rss()
released = release_free_memory()
print(released, before, rss())
"""


def test_freed_memory_goes_back_to_the_system() -> None:
    out = subprocess.run([sys.executable, "-c", _FREE_BUT_KEPT, str(ROOT)], capture_output=True, text=True,
                         check=True).stdout.split()
    released, before, after = out[0] == "True", int(out[1]), int(out[2])
    assert released
    assert before - after > 150  # of about 190 MB freed and kept


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_servers_housekeeping_releases_freed_memory(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    released = threading.Event()

    def release() -> bool:
        released.set()
        return True

    monkeypatch.setattr(web, "release_free_memory", release)
    with TestClient(web.create_app(runtime)):
        assert released.wait(10)  # the first housekeeping round, at start
