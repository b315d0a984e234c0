"""Looking at processes from the outside: the chaos tool's `/proc` readers, named for tests."""

from __future__ import annotations

from chaos_procs import children, gone, open_fds, stat
from chaos_procs import state_of as process_state

__all__ = ["gone", "open_fds", "parent_of", "process_state", "worker_processes"]


def parent_of(pid: int) -> int:
    found = stat(pid)
    if found is None:
        raise ProcessLookupError(pid)
    return found.ppid


def worker_processes() -> set[int]:
    """The workers alive now: the children of this process's pactpool forkserver."""
    from multiprocess import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    return children(pid) if pid else set()
