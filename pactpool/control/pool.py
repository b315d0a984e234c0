"""A warm pool of idle workers, so that a create costs a pipe write and a check, not a fork.

Idle workers are forked ahead of time, have done their post-fork setup, hold a listening
socket on a kernel-chosen loopback port, and wait for a `load` frame. A background thread
refills the pool after each take. A worker is handed out once: `take` pops it under a lock.

The pool follows the rate of creates. A take that finds it empty means the suite creates
servers faster than `size` workers cover, so the pool grows (up to `size + MAX_EXTRA`); after
`SHRINK_AFTER` seconds without a take it shrinks back to `size`, one worker at a time. A
refill starts `REFILL_DELAY` after a take, once, however many takes follow: the fork then
runs while the test does its own work, not in the middle of the create that took a worker.

A worker made while a burst of creates keeps the pool empty is wanted at once: it skips
the rehearsal (several milliseconds of CPU that the burst needs more), which only makes
a single create from a quiet pool faster.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from pactpool.control.pipe import pipe_deadline
from pactpool_worker import protocol

PRUNE_INTERVAL = 1.0  # seconds between checks that the idle workers are still alive
REFILL_DELAY = 0.002  # seconds a refill waits after a take, while idle workers remain
BURST_WINDOW = 0.1  # an empty pool with a take this recent is in a burst of creates
MAX_EXTRA = 6  # idle workers the pool may grow by, above its size, while creates outpace it
SHRINK_AFTER = 2.0  # seconds without a take before the pool lets one extra worker go


class WarmPool:
    """Keeps up to `size` idle workers ready; `spawn(rehearse)` starts one (the controller's)."""

    def __init__(self, spawn: Callable[[bool], Any], discard: Callable[[Any], None],
                 size: int, hello_timeout: float) -> None:
        self.size = size
        self.hello_timeout = hello_timeout
        self._spawn = spawn
        self._discard = discard
        self._idle: deque[Any] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._last_take = 0.0
        self.target = size
        """How many idle workers the refill aims at: `size`, more while creates outpace it."""
        self._spawning = False
        self._first_take: float | None = None
        """The first take since the last refill began (None: none since)."""
        self.failures = 0

    def take(self) -> Any | None:
        """An idle, live worker, or None when the pool is empty (the caller forks one)."""
        with self._cond:
            self._start_thread()
            self._last_take = time.monotonic()
            if self._first_take is None:
                self._first_take = self._last_take
            self._cond.notify_all()
            while self._idle:
                worker = self._idle.popleft()
                if _still_idle(worker):
                    return worker
                self._discard(worker)
            if self.size > 0:  # a miss: creates outpace the pool, so it grows
                self.target = min(self.size + MAX_EXTRA, self.target + 1)
        return None

    def wait_until_full(self, timeout: float) -> bool:
        """For tests and benchmarks: block until the pool is in its steady state, `size` idle
        workers (extra ones from a burst are let go at once)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._start_thread()
            self._prune()
            self.target = self.size
            self._cond.notify_all()  # a refill waiting out its delay looks again
            while (len(self._idle) < self.size or self._spawning) and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            while len(self._idle) > self.size:
                self._discard(self._idle.pop())
            return True

    def idle_pids(self) -> list[int]:
        with self._cond:
            return [worker.pid for worker in self._idle]

    def close(self) -> list[Any]:
        """Stop refilling; returns the idle workers for the caller to stop."""
        with self._cond:
            self._closed = True
            idle = list(self._idle)
            self._idle.clear()
            self._cond.notify_all()
        return idle

    def forget(self) -> None:
        """After fork, in the copy: no thread runs here, and the idle workers are not ours."""
        for worker in self._idle:
            worker.conn.close()
            close_stat(worker)
        self._idle.clear()
        self._cond = threading.Condition()
        self._thread = None
        self._closed = True

    def _start_thread(self) -> None:
        if self._thread is None and self.size > 0 and not self._closed:
            self._thread = threading.Thread(target=self._refill, name="pactpool-pool",
                                            daemon=True)
            self._thread.start()

    def _refill(self) -> None:
        while True:
            with self._cond:
                while len(self._idle) >= self.target and not self._closed:
                    self._cond.wait(PRUNE_INTERVAL)
                    self._prune()
                    self._shrink()
                # Let the create that took a worker finish first: a fork started now would
                # compete with it for the CPU and the GIL. An empty pool refills at once.
                # The delay counts from the first take since the last refill, so that takes
                # in quick succession do not keep pushing the refill back.
                while self._idle and not self._closed and self._first_take is not None and \
                        (wait := self._first_take + REFILL_DELAY - time.monotonic()) > 0:
                    self._cond.wait(wait)
                if self._closed:
                    return
                if len(self._idle) >= self.target:  # the pool shrank while we waited
                    continue
                burst = not self._idle and time.monotonic() - self._last_take < BURST_WINDOW
                self._first_take = None
                self._spawning = True
            try:
                worker = self._start_one(rehearse=not burst)
            except BaseException:
                with self._cond:
                    self._spawning = False
                raise
            with self._cond:  # the new worker joins the pool as the spawn ends: no gap
                self._spawning = False
                self._cond.notify_all()
                if worker is None:
                    self.failures += 1
                    self._cond.wait(min(5.0, 0.1 * 2 ** min(self.failures, 6)))  # back off
                    continue
                self.failures = 0
                if self._closed:
                    self._discard(worker)
                    return
                self._idle.append(worker)
                while len(self._idle) > self.target:  # the pool shrank while it was made
                    self._discard(self._idle.popleft())
                self._cond.notify_all()

    def _shrink(self) -> None:
        """After a quiet spell, one extra idle worker goes (called under the lock)."""
        if self.target > self.size and \
                time.monotonic() - self._last_take > SHRINK_AFTER:
            self.target -= 1
            if len(self._idle) > self.target:
                self._discard(self._idle.pop())

    def _prune(self) -> None:
        """Drop idle workers that died while waiting (killed, OOM), so the pool refills."""
        dead = [w for w in self._idle if not _still_idle(w)]
        for worker in dead:
            self._idle.remove(worker)
            self._discard(worker)

    def _start_one(self, rehearse: bool) -> Any | None:
        try:
            worker = self._spawn(rehearse)
        except Exception:
            return None
        try:
            if worker.conn.poll(self.hello_timeout):
                hello = protocol.decode_reply(worker.conn.recv_bytes())
                if hello["id"] == protocol.HELLO_ID and hello["ok"]:
                    pipe_deadline(worker.conn, self.hello_timeout)  # here, not in a create
                    worker.pipe_timeout = self.hello_timeout
                    worker.proc_stat = open_stat(worker.pid)
                    said = hello.get("result") or {}
                    if isinstance(said.get("listener_fd"), int):
                        worker.listener_fd = said["listener_fd"]
                        worker.idle_address = (str(said["host"]), int(said["port"]))
                    return worker
        except (EOFError, OSError, protocol.ProtocolError):
            pass
        self._discard(worker)
        return None


def _still_idle(worker: Any) -> bool:
    """Alive and silent: an idle worker's pipe (or sentinel) is readable only once it died
    (one killed a moment ago is caught after its create posted the pact: `being_killed`)."""
    return not worker.readable(0.0)


_SIGKILL_BIT = 1 << (signal.SIGKILL - 1)
_PF_EXITING = 0x4


def being_killed(pid: int, stat: int | None = None) -> bool:
    """Whether process `pid` is gone, exiting, or has a SIGKILL pending (Linux's /proc;
    False where there is no /proc). A create hands out a pool worker's port before the
    worker answers, so a worker killed a moment ago must not be handed out. `stat`: the
    process's `/proc/<pid>/stat`, opened ahead (`open_stat`): read again, it costs about
    8 us; opened and read by path, 20-40 us, and 0.2 ms the first time. A dying process
    passes, for a few microseconds, through a state that shows none of these; callers look
    twice, some time apart."""
    try:
        if stat is None:
            with open(f"/proc/{pid}/stat", "rb") as file:
                text = file.read()
        else:
            text = os.pread(stat, 1024, 0)
    except FileNotFoundError:
        return os.path.isdir("/proc/self")  # no such process, where /proc is there at all
    except OSError:  # reaped: the open file outlived the process
        return True
    try:
        fields = text.rpartition(b")")[2].split()
        state, flags, pending = fields[0], int(fields[6]), int(fields[28])
    except (IndexError, ValueError):
        return False
    return state in (b"Z", b"X") or bool(flags & _PF_EXITING) or bool(pending & _SIGKILL_BIT)


def open_stat(pid: int) -> int | None:
    """`/proc/<pid>/stat`, opened and read once (the first read of a process costs the
    most), for a pool worker's create to read again (`being_killed`); None without it."""
    try:
        stat = os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    being_killed(pid, stat)
    return stat


def close_stat(worker: Any) -> None:
    """Let go of a worker's open stat file (its create is done, or it is being reaped)."""
    stat, worker.proc_stat = worker.proc_stat, None
    if stat is not None:
        os.close(stat)
