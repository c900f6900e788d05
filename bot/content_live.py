"""Hot reload of the content base: edited answers reach a running server within seconds, no restart."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.content import ContentBase, load_content

log = logging.getLogger(__name__)


class LiveContent:
    """Holds the current content base and reloads it when a content file changes.

    A reload that has errors is refused and the last good content stays in service, so a typo in a
    card being edited never takes the bot down. New example questions need `newcomer train`: until
    then the classifier keeps recognising the old ones.
    """

    def __init__(self, content_dir: Path, seeds_dir: Path | None, base: ContentBase,
                 min_interval: float = 1.0) -> None:
        self.content_dir = content_dir
        self.seeds_dir = seeds_dir
        self.min_interval = min_interval
        self._base = base
        self._stamp = self._scan()
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._listeners: list[Callable[[ContentBase], None]] = []
        self.last_errors: list[str] = []

    def on_reload(self, listener: Callable[[ContentBase], None]) -> None:
        """Call `listener` with the new content after every successful reload."""
        self._listeners.append(listener)

    def _scan(self) -> tuple[tuple[str, int, int], ...]:
        files = sorted(self.content_dir.rglob("*.yml")) if self.content_dir.is_dir() else []
        stamp = []
        for path in files:
            try:
                info = path.stat()
            except FileNotFoundError:  # removed while we looked
                continue
            stamp.append((str(path), info.st_mtime_ns, info.st_size))
        return tuple(stamp)

    def current(self) -> ContentBase:
        """The content to answer with now; looks at the files at most once per `min_interval`."""
        now = time.monotonic()
        if now - self._checked < self.min_interval:
            return self._base
        with self._lock:
            self._checked = now
            stamp = self._scan()
            if stamp == self._stamp:
                return self._base
            self._stamp = stamp
            base, problems = load_content(self.content_dir, self.seeds_dir)
            errors = [str(p) for p in problems if p.level == "error"]
            if errors:
                self.last_errors = errors
                log.warning("content changed but has %d errors; still serving the previous version:\n%s",
                            len(errors), "\n".join(errors[:20]))
                return self._base
            self.last_errors = []
            self._base = base
            log.info("content reloaded: %d cards", len(base.cards))
            for listener in self._listeners:
                listener(base)
            return self._base
