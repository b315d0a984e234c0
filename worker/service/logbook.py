"""A bounded, in-memory log of one worker, read back by `mock_server_logs`.

A ring: the newest lines are kept, so a long-running server's memory stays flat. A line is
kept as a small tuple (time, level, text or template, arguments) and only turned into text
when the log is read: the request path logs every request, the log is read rarely.
"""

from __future__ import annotations

import time
from collections import deque

LEVELS = {"error": 40, "warn": 30, "info": 20, "debug": 10, "trace": 5}
_LABELS = {level: f"{level.upper():5}" for level in LEVELS}

_Entry = tuple[float, str, str, tuple[object, ...] | None]
"""(time.time(), level, message or `str.format` template, the template's arguments)."""


class Logbook:
    """Timestamped lines at or above `level`, at most `capacity` of them."""

    def __init__(self, level: str = "info", capacity: int = 2000) -> None:
        if level not in LEVELS:
            raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LEVELS)}")
        self._threshold = LEVELS[level]
        self._lines: deque[_Entry] = deque(maxlen=capacity)
        self.dropped = 0

    def enabled(self, level: str) -> bool:
        """Cheap check, so the request path formats nothing it will not keep."""
        return LEVELS[level] >= self._threshold

    def log(self, level: str, message: str) -> None:
        """Keep `message` as it is."""
        if LEVELS[level] >= self._threshold:
            self._keep((time.time(), level, message, None))

    def note(self, level: str, template: str, *args: object) -> None:
        """Keep `template.format(*args)`, formatted only when the log is read."""
        if LEVELS[level] >= self._threshold:
            lines = self._lines
            if len(lines) == lines.maxlen:
                self.dropped += 1
            lines.append((time.time(), level, template, args))

    def _keep(self, entry: _Entry) -> None:
        lines = self._lines
        if len(lines) == lines.maxlen:
            self.dropped += 1
        lines.append(entry)

    def text(self) -> str:
        """All kept lines, oldest first, one per line."""
        out = [f"({self.dropped} older lines dropped)"] if self.dropped else []
        second, stamp = -1, ""
        for at, level, message, args in self._lines:
            if int(at) != second:  # the time to the second, formatted once per second
                second = int(at)
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            text = message if args is None else message.format(*args)
            out.append(f"{stamp} {_LABELS[level]} {text}")
        return "\n".join(out)
