"""Start worker processes through `multiprocess`'s forkserver, without the caller's `__main__`.

A forkserver child normally re-runs the parent's main script (as `__mp_main__`) before it
runs its target, so that functions defined there can be unpickled. A worker needs nothing
from the harness: re-running a test runner's or a user's script in every mock server would
cost tens of milliseconds per create and break scripts without an `if __name__ ==
"__main__"` guard. So the preparation data sent to the forkserver leaves the main module
out; everything else is `multiprocess`'s own launch sequence.

This module lives in `pactpool_worker`, although only the controller starts processes,
because the child unpickles the process object by its class: a class defined in `pactpool`
would make every worker import the controller package.
"""

from __future__ import annotations

import io
import os
from typing import Any

from multiprocess import context as mp_context
from multiprocess import forkserver, popen_forkserver, spawn, util

_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")


class WorkerPopen(popen_forkserver.Popen):  # type: ignore[misc]
    """The forkserver launch of `multiprocess`, minus the caller's main module."""

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        for key in _MAIN_KEYS:
            prep_data.pop(key, None)
        buf = io.BytesIO()
        mp_context.set_spawning_popen(self)
        try:
            mp_context.reduction.dump(prep_data, buf)
            mp_context.reduction.dump(process_obj, buf)
        finally:
            mp_context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        parent_w = os.dup(w)  # the child's sentinel of this process, as multiprocess does
        self.finalizer = util.Finalize(self, util.close_fds, (parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class WorkerProcess(mp_context.ForkServerProcess):  # type: ignore[misc]
    """A forkserver process started by `WorkerPopen`."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return WorkerPopen(process_obj)
