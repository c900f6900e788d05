"""Running real Rasa from .venv-rasa: make the environment, train an exported project, serve it on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RASA_ENV = ROOT / "scripts" / "rasa_env.sh"
NO_PYTHON310 = 3  # rasa_env.sh's exit code when no Python 3.10 exists


class RasaUnavailable(Exception):
    """No Rasa environment can be made here (no Python 3.10); the message says how to get one."""


class RasaFailed(Exception):
    """Rasa was there but a step failed; the message names the log to read."""


@dataclass(frozen=True)
class RasaServer:
    """A running `rasa run --enable-api`."""

    url: str
    pid: int
    load_seconds: float


def rasa_executable() -> Path:
    """.venv-rasa's `rasa`, creating the environment first if needed (scripts/rasa_env.sh)."""
    result = subprocess.run(["bash", str(RASA_ENV)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode == NO_PYTHON310:
        raise RasaUnavailable(result.stderr.strip())
    if result.returncode != 0:
        raise RasaFailed(f"{RASA_ENV} failed (exit {result.returncode}):\n{result.stderr.strip()}")
    return Path(result.stdout.strip().splitlines()[-1]).parent / "rasa"


def environment(project: Path) -> dict[str, str]:
    """Rasa's environment: the project's components importable, no telemetry, quiet TensorFlow."""
    return {**os.environ, "PYTHONPATH": str(project), "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false"}


def train(rasa: Path, project: Path, log: Path, model_name: str = "model") -> float:
    """`rasa train` in an exported project (models/<model_name>.tar.gz); returns wall-clock seconds."""
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call([str(rasa), "train", "--fixed-model-name", model_name], cwd=project, stdout=out,
                               stderr=subprocess.STDOUT, env=environment(project))
    if code != 0:
        raise RasaFailed(f"rasa train failed (exit {code}); see {log}")
    return time.perf_counter() - started


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_model(process: subprocess.Popen[bytes], url: str, log: Path, started: float, wait_s: float) -> None:
    while True:
        if process.poll() is not None:
            raise RasaFailed(f"rasa run stopped (exit {process.returncode}); see {log}")
        if time.perf_counter() - started > wait_s:
            raise RasaFailed(f"rasa run did not load its model within {wait_s:.0f} s; see {log}")
        try:
            status = httpx.get(url + "/status", timeout=2.0, trust_env=False)
            if status.status_code == 200 and status.json().get("model_file"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.25)


@contextmanager
def serve(rasa: Path, project: Path, model: str, log: Path, wait_s: float = 300.0) -> Iterator[RasaServer]:
    """`rasa run --enable-api` on a free loopback port, until its /status names the model."""
    url = f"http://127.0.0.1:{free_port()}"
    port = url.rsplit(":", 1)[1]
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen([str(rasa), "run", "--enable-api", "-m", model, "-i", "127.0.0.1", "-p", port],
                                   cwd=project, stdout=out, stderr=subprocess.STDOUT, env=environment(project))
        try:
            _wait_for_model(process, url, log, started, wait_s)
            yield RasaServer(url, process.pid, time.perf_counter() - started)
        finally:
            process.terminate()  # sanic stops on SIGTERM; SIGKILL only if it lingers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def peak_memory_mb(pid: int) -> float:
    """Peak resident memory of a running process (VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    return int(status.split("VmHWM:")[1].split()[0]) / 1024
