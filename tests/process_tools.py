"""Looking at processes from the outside: gone, zombie, parent, group, open descriptors."""

from __future__ import annotations

import os
from pathlib import Path


def process_state(pid: int) -> str | None:
    """The kernel's one-letter state (`R`, `S`, `T`, `Z`...), or None when the pid is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def gone(pid: int) -> bool:
    """Dead: no such process, or a zombie waiting for a parent that is not ours."""
    return process_state(pid) in (None, "Z")


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def children_of(pid: int) -> list[int]:
    """The live (not zombie) child processes of `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(stat[1]) == pid and stat[0] != "Z":
                found.append(int(entry))
    return found


def worker_processes() -> list[int]:
    """The workers alive now: the children of this process's pactpool forkserver."""
    from multiprocess import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    return children_of(pid) if pid else []
