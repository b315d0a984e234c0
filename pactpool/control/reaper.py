"""Collects stopped workers in the background, so that a cleanup does not wait for the kernel.

A cleanup closes the worker's port and kills it (or, where the port cannot be closed from
the controller, the worker closes it, answers, and exits). From then on it serves nothing,
but the kernel still takes a few milliseconds to tear the process down. A cleanup returns
at once; this reaper waits for the exit (killing a worker that lingers past its grace),
reads its status and closes the controller's descriptors for it. `drain` waits
for all of that, and the controller's `stop_all` calls it, so nothing outlives the harness.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any


class Reaper:
    """One background thread that finishes off workers already on their way out."""

    def __init__(self, finish: Callable[[Any], None]) -> None:
        """`finish(worker)` waits a grace for the exit, kills after it, and reaps."""
        self._finish = finish
        self._dying: deque[Any] = deque()
        self._busy_with: list[Any] = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, worker: Any) -> None:
        with self._cond:
            self._dying.append(worker)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pactpool-reaper",
                                                daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def pids(self) -> list[int]:
        """The pids of the workers not reaped yet."""
        with self._cond:
            return [worker.pid for worker in (*self._dying, *self._busy_with)]

    def drain(self, timeout: float) -> bool:
        """Block until every added worker is reaped; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._dying or self._busy_with:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    def take_all(self) -> list[Any]:
        """Hand the workers not yet reaped to the caller (which reaps them itself)."""
        with self._cond:
            workers = list(self._dying)
            self._dying.clear()
            self._cond.notify_all()
        return workers

    def forget(self) -> list[Any]:
        """After fork, in the copy: no thread runs here; returns the workers, not ours to reap.

        Takes no lock: another thread of the parent may have held it at the fork.
        """
        workers = list(self._dying)
        self._dying = deque()
        self._busy_with = []
        self._cond = threading.Condition()
        self._thread = None
        return workers

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._dying:
                    self._cond.wait()
                worker = self._dying.popleft()
                self._busy_with.append(worker)
            try:
                self._finish(worker)
            except Exception:  # a reap that fails must not stop the later ones
                pass
            finally:
                with self._cond:
                    self._busy_with.remove(worker)
                    self._cond.notify_all()
