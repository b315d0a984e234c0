"""Tie a worker's life to its parent's: the kernel kills it when the parent dies.

Linux offers `prctl(PR_SET_PDEATHSIG, SIGKILL)`. It is armed after fork, so the parent may
already be gone by then; the pid of the process that forked us is recorded *before* the
fork (an `os.register_at_fork` hook in the forking process) and compared with `getppid()`
afterwards. Elsewhere the pipe's end of file is the only signal (see `worker.main`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1

_forking_pid: int | None = None


def _remember_forking_pid() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


os.register_at_fork(before=_remember_forking_pid)

# Found once, at import (in the forkserver): `find_library` runs `ldconfig` in a subprocess,
# which would cost every worker start a couple of milliseconds.
_LIBC = (ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
         if sys.platform.startswith("linux") else None)


def arm_parent_death_signal() -> bool:
    """Ask for SIGKILL when the parent dies; exit now if it already has. True when armed."""
    armed = False
    if _LIBC is not None:
        armed = int(_LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    if _forking_pid is not None and os.getppid() != _forking_pid:
        os._exit(70)  # the parent died between fork and prctl: nobody will reap or ask us
    return armed


def release_forkserver_descriptors() -> None:
    """Close the forkserver's "alive" pipe and the resource tracker's pipe that fork handed us.

    The forkserver exits on end of file of its alive pipe, which comes only when every
    holder of the write end is gone: the controller, and every child it forked. A worker
    busy in a long match (a catastrophic regex) would keep the forkserver, and so itself,
    alive after the controller died; without these descriptors the forkserver exits and the
    kernel's parent-death signal kills the busy worker too. Workers fork nothing, so they
    need neither pipe.
    """
    from multiprocess import forkserver, resource_tracker

    server = forkserver._forkserver
    tracker = resource_tracker._resource_tracker
    for owner, name in ((server, "_forkserver_alive_fd"), (tracker, "_fd")):
        fd = getattr(owner, name, None)
        if isinstance(fd, int):
            with contextlib.suppress(OSError):
                os.close(fd)
            setattr(owner, name, None)


def leave_terminal_process_group() -> None:
    """Own process group: a terminal's Ctrl-C reaches the controller, which cleans up in order."""
    with contextlib.suppress(OSError):  # already a group leader, or not permitted
        os.setpgid(0, 0)
