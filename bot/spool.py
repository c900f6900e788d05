"""A local spool for messages that arrive while the database is down: kept on disk, answered when it is back."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bot.dialogue import Incoming
from bot.privacy import mask

log = logging.getLogger(__name__)


class Spool:
    """Append-only files, one per process; lines are fsynced before the person is told their message is kept."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._path = directory / f"spool-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"

    def put(self, incoming: Incoming) -> str:
        """Keep one message (text masked); returns its spool id, which makes its later answer unique."""
        self.directory.mkdir(parents=True, exist_ok=True)
        spool_id = uuid.uuid4().hex
        record = {**asdict(incoming), "text": mask(incoming.text), "spool_id": spool_id}
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return spool_id

    def waiting(self) -> int:
        """Messages not yet answered, in every process's file."""
        return sum(len(p.read_text(encoding="utf-8").splitlines()) for p in self.directory.glob("spool-*.jsonl"))

    def replay(self, handle: Callable[[Incoming, str], None]) -> int:
        """Answer spooled messages in order; a file is removed only when all its lines were handled.

        A file being replayed by another process is skipped (flock); a line that fails again (the
        database went down once more) stops the replay with the file intact, to be tried later.
        """
        done = 0
        for path in sorted(self.directory.glob("spool-*.jsonl")):
            with path.open("r+", encoding="utf-8") as file:
                try:
                    fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                lines = [line for line in file.read().splitlines() if line.strip()]
                for index, line in enumerate(lines):
                    record = json.loads(line)
                    spool_id = record.pop("spool_id")
                    try:
                        handle(Incoming(**record), spool_id)
                    except Exception:
                        log.warning("spooled message could not be answered yet; will retry")
                        file.seek(0)
                        file.truncate()
                        file.write("".join(f"{rest}\n" for rest in lines[index:]))
                        file.flush()
                        os.fsync(file.fileno())
                        return done
                    done += 1
                path.unlink()
        return done
