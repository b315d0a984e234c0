"""Close a worker's port from the controller, without a round trip to the worker.

Linux (5.6 and later) lets a process copy a descriptor out of a process it may trace
(`pidfd_getfd`): the controller copies the worker's listening socket, kills the worker, and
shuts the copy down. The port then refuses connections at once, in every process that held
the socket, and can be bound again; the kernel tears the process down afterwards. Only the
worker ever holds the socket between two cleanups, so a worker that dies on its own still
takes its port with it.

Where the copy is not allowed (another system, an older kernel, a seccomp filter, Yama's
ptrace scope 3), `borrow_listener` returns None from then on, and the controller asks the
worker to close its port instead (a round trip).
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sys
from collections.abc import Callable

PIDFD_GETFD = 438  # the same number on every Linux architecture (new system calls share them)

_getfd: Callable[[int, int, int], int] | None = None
_unavailable = not (sys.platform.startswith("linux") and hasattr(os, "pidfd_open"))


def borrow_listener(pid: int, fd: int, port: int) -> socket.socket | None:
    """A copy of the listening socket `fd` of process `pid`, if it still listens on `port`."""
    global _unavailable
    if _unavailable:
        return None
    getfd = _getfd or _load_getfd()
    if getfd is None:
        return None
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        return None  # already gone: its port went with it
    try:
        copy = getfd(pidfd, fd, 0)
        failure = _errno() if copy < 0 else 0
    finally:
        os.close(pidfd)
    if copy < 0:
        if failure in (errno.ENOSYS, errno.EPERM, errno.EACCES):
            _unavailable = True  # not allowed here: every cleanup asks the worker instead
        return None
    try:
        sock = socket.socket(fileno=copy)
    except OSError:
        os.close(copy)
        return None
    try:
        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) and \
                sock.getsockname()[1] == port:
            return sock
    except OSError:
        pass
    sock.close()
    return None


def shut(sock: socket.socket) -> None:
    """From now on the port refuses connections (the socket leaves the listening state)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _load_getfd() -> Callable[[int, int, int], int] | None:
    global _getfd, _unavailable
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        syscall = libc.syscall
    except (OSError, AttributeError, ImportError):
        _unavailable = True
        return None

    def getfd(pidfd: int, fd: int, flags: int) -> int:
        return int(syscall(PIDFD_GETFD, pidfd, fd, flags))

    _getfd = getfd
    return getfd


def _errno() -> int:
    import ctypes

    return ctypes.get_errno()
