"""Stop every worker on SIGTERM and SIGINT, then let the signal do what it would have done.

Workers die with their controller anyway (parent-death signal, pipe end of file); these
handlers make the stop orderly: each worker is asked, waited for briefly, killed if need
be, and reaped, before the process goes on to exit or raise `KeyboardInterrupt`.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

STOP_GRACE_ON_SIGNAL = 0.2

_installed = False


def install(stop_all: Callable[[float], None]) -> bool:
    """Chain our handler in front of the current SIGTERM and SIGINT handlers (main thread only).

    A signal that is ignored stays ignored. Returns False when handlers cannot be installed
    here (not the main thread) or already were.
    """
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return False
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        if previous in (signal.SIG_IGN, None):
            continue
        signal.signal(signum, _chained(signum, previous, stop_all))
    _installed = True
    return True


def _chained(signum: int, previous: Any, stop_all: Callable[[float], None]) -> Any:
    def handler(received: int, frame: FrameType | None) -> None:
        stop_all(STOP_GRACE_ON_SIGNAL)
        if callable(previous):
            previous(received, frame)  # e.g. raise KeyboardInterrupt, or a harness's own handler
            return
        # SIG_DFL: restore it and deliver the signal again, so the process ends as it would have.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    return handler
