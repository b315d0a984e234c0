"""Start worker processes through `multiprocess`'s forkserver, without the caller's `__main__`.

A forkserver child normally re-runs the parent's main script (as `__mp_main__`) before it
runs its target, so that functions defined there can be unpickled. A worker needs nothing
from the harness: re-running a test runner's or a user's script in every mock server would
cost tens of milliseconds per create and break scripts without an `if __name__ ==
"__main__"` guard. So the preparation data sent to the forkserver leaves the main module
out; everything else is `multiprocess`'s own launch sequence.

Two more departures make a burst of creates cheap: the preparation data (the same for every
worker while `sys.path` and the working directory stay put) is pickled once, not per
worker; and a worker is not entered in `multiprocess`'s module-wide child set, which
`Process.start` polls child by child (so n creates in a row cost O(n²) polls) and which
its exit handler joins. The controller tracks, stops and reaps its workers itself.

This module lives in `pactpool_worker`, although only the controller starts processes,
because the child unpickles the process object by its class: a class defined in `pactpool`
would make every worker import the controller package.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import threading
from typing import Any

from multiprocess import context as mp_context
from multiprocess import forkserver, popen_forkserver, process, spawn, util

_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")
MARK = "pactpool_worker"
"""A key of a worker's preparation data: the fork server's child may take the short path."""


class _PickledPreparation:
    """The last preparation data and its pickle, reused while the data stays the same."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, Any] | None = None
        self._pickle = b""

    def of(self, name: str) -> bytes:
        """Call while the spawning popen is set: only then may the authkey be pickled."""
        data = spawn.get_preparation_data(name)
        for key in _MAIN_KEYS:
            data.pop(key, None)
        data[MARK] = True  # `spawn.prepare` ignores keys it does not know
        with self._lock:
            if data != self._data:
                buf = io.BytesIO()
                mp_context.reduction.dump(data, buf)
                self._data, self._pickle = data, buf.getvalue()
            return self._pickle


_PREPARATION = _PickledPreparation()


def _dump_process(process_obj: Any, buf: io.BytesIO) -> None:
    """Pickle the process object with the stdlib's C pickler and `multiprocess`'s reducers.

    A worker's process object holds only importable names, plain data and its pipe, so
    dill's pure-Python pickler (ten times slower here) buys nothing; the child's dill
    unpickler reads a stdlib pickle all the same.
    """
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table,
                              **mp_context.reduction.ForkingPickler._extra_reducers}
    pickler.dump(process_obj)


class WorkerPopen(popen_forkserver.Popen):  # type: ignore[misc]
    """The forkserver launch of `multiprocess`, minus the caller's main module."""

    def _launch(self, process_obj: Any) -> None:
        buf = io.BytesIO()
        mp_context.set_spawning_popen(self)
        try:
            buf.write(_PREPARATION.of(process_obj._name))
            _dump_process(process_obj, buf)
        finally:
            mp_context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        parent_w = os.dup(w)  # the child's sentinel of this process, as multiprocess does
        self.finalizer = util.Finalize(self, util.close_fds, (parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class WorkerProcess(mp_context.ForkServerProcess):  # type: ignore[misc]
    """A forkserver process started by `WorkerPopen`, kept out of the module-wide child set."""

    def start(self) -> None:
        """`Process.start` minus the poll of every known child and the entry in their set."""
        self._check_closed()
        if getattr(self, "_popen", None) is not None:
            raise RuntimeError("a worker process is started once")
        popen = self._Popen(self)
        self._popen = popen
        self._sentinel = popen.sentinel
        del self._target, self._args, self._kwargs  # as multiprocess does: no refcycle

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return WorkerPopen(process_obj)


def child_main(fd: int, parent_sentinel: int) -> int:
    """`multiprocess.spawn._main` as the fork server's child runs it, shortened for a worker.

    A worker's process object is a stdlib pickle (`_dump_process`), and its target never
    returns (`process.main.run` ends with `os._exit`): so it is read with the C unpickler and
    its target is called directly, without `_bootstrap`'s bookkeeping for a process that
    returns (standard streams, after-fork hooks of the fork server's own objects, exit
    handlers). Anything else the fork server starts takes multiprocess's path unchanged.
    """
    with os.fdopen(fd, "rb", closefd=True) as from_parent:
        process.current_process()._inheriting = True
        try:
            preparation = pickle.load(from_parent)
            if not preparation.get(MARK):
                spawn.prepare(preparation)
                other = mp_context.reduction.pickle.load(from_parent)
            else:
                workdir = preparation.get("dir")
                if workdir and workdir != os.getcwd():
                    os.chdir(workdir)  # relative paths mean what they meant to the caller
                worker = pickle.load(from_parent)
                other = None
        finally:
            del process.current_process()._inheriting
    if other is not None:
        code: int = other._bootstrap(parent_sentinel)
        return code
    worker._target(*worker._args, **worker._kwargs)
    return 0  # not reached: a worker ends with os._exit
