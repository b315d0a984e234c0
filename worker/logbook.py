"""A bounded, in-memory log of one worker, read back by `mock_server_logs`.

A ring: the newest lines are kept, so a long-running server's memory stays flat.
"""

from __future__ import annotations

import time
from collections import deque

LEVELS = {"error": 40, "warn": 30, "info": 20, "debug": 10, "trace": 5}


class Logbook:
    """Timestamped lines at or above `level`, at most `capacity` of them."""

    def __init__(self, level: str = "info", capacity: int = 2000) -> None:
        if level not in LEVELS:
            raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LEVELS)}")
        self._threshold = LEVELS[level]
        self._lines: deque[str] = deque(maxlen=capacity)
        self.dropped = 0
        self._stamp_second = -1
        self._stamp_text = ""

    def enabled(self, level: str) -> bool:
        """Cheap check, so the request path formats nothing it will not keep."""
        return LEVELS[level] >= self._threshold

    def log(self, level: str, message: str) -> None:
        if LEVELS[level] < self._threshold:
            return
        if len(self._lines) == self._lines.maxlen:
            self.dropped += 1
        self._lines.append(f"{self._stamp()} {level.upper():5} {message}")

    def _stamp(self) -> str:
        """The time to the second, formatted once per second (the request path logs a lot)."""
        now = int(time.time())
        if now != self._stamp_second:
            self._stamp_second = now
            self._stamp_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
        return self._stamp_text

    def text(self) -> str:
        """All kept lines, oldest first, one per line."""
        head = [f"({self.dropped} older lines dropped)"] if self.dropped else []
        return "\n".join([*head, *self._lines])
