"""Looking at processes from the outside, for the chaos campaign (Linux `/proc` only).

A pid alone is not a process: once one dies its number can be handed out again. So every
process the campaign watches is kept as a `ProcId`, the pid plus its start time, and is
"alive" only while a process with both still runs (a zombie counts as gone: it has
released everything but its exit status). The tests read processes through this module too
(`tests/process_tools.py`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple


class ProcId(NamedTuple):
    pid: int
    start: int  # clock ticks after boot: tells a reused pid from the process we saw


class Stat(NamedTuple):
    state: str
    ppid: int
    start: int


def stat(pid: int) -> Stat | None:
    """State, parent and start time of `pid`, or None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()
    return Stat(fields[0], int(fields[1]), int(fields[19]))


def identify(pid: int) -> ProcId | None:
    found = stat(pid)
    return ProcId(pid, found.start) if found else None


def alive(proc: ProcId) -> bool:
    """The very process `proc` still runs (not a zombie, not a newer process with its pid)."""
    found = stat(proc.pid)
    return found is not None and found.start == proc.start and found.state != "Z"


def gone(pid: int) -> bool:
    """No process with this pid, or only a zombie."""
    found = stat(pid)
    return found is None or found.state == "Z"


def state_of(pid: int) -> str | None:
    found = stat(pid)
    return found.state if found else None


def all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def children(pid: int) -> set[int]:
    """Live (non-zombie) children of `pid`."""
    result = set()
    for candidate in all_pids():
        found = stat(candidate)
        if found is not None and found.ppid == pid and found.state != "Z":
            result.add(candidate)
    return result


def descendants(pid: int) -> set[int]:
    """Live descendants of `pid`, children first; one pass over /proc."""
    parent: dict[int, int] = {}
    for candidate in all_pids():
        found = stat(candidate)
        if found is not None and found.state != "Z":
            parent[candidate] = found.ppid
    result: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier and p not in result}
        result |= frontier
    return result


def tagged(name: str, value: str) -> set[int]:
    """Live processes whose environment holds `name=value` (inherited through fork and exec)."""
    needle = f"{name}={value}".encode()
    result = set()
    for candidate in all_pids():
        try:
            environ = Path(f"/proc/{candidate}/environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0") and not gone(candidate):
            result.add(candidate)
    return result


def listener_pids(port: int) -> set[int]:
    """Pids holding a socket that listens on TCP `port` (any address), found via /proc/net."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{inode}]")
    owners: set[int] = set()
    if not inodes:
        return owners
    for candidate in all_pids():
        try:
            fds = os.listdir(f"/proc/{candidate}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{candidate}/fd/{fd}") in inodes:
                    owners.add(candidate)
                    break
            except OSError:
                continue
    return owners


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def wait_for(predicate: Callable[[], bool], timeout: float,
             interval: float = 0.002) -> float | None:
    """Poll `predicate` until it holds; seconds it took, or None when `timeout` ran out."""
    start = time.monotonic()
    deadline = start + timeout
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)  # poll with a deadline
