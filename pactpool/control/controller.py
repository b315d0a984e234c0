"""The controller: it alone starts, tracks, queries, times out, stops and reaps workers.

One worker process per mock server. Workers are forked by a forkserver: a clean,
single-threaded process started once (by exec, not fork), so creating a server never forks
a harness full of threads and locks. Everything the controller learns comes back over the
worker's duplex pipe, and every call has a deadline.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
import weakref
from typing import Any

import multiprocess
import orjson
from multiprocess import forkserver

from pactpool.control.certificates import ServerCertificate
from pactpool.control.pipe import (
    STOP_GRACE,
    Worker,
    await_reply,
    catch_up,
    post,
    roundtrip,
)
from pactpool.control.pool import WarmPool, being_killed, close_stat
from pactpool.control.port_closer import borrow_listener, shut
from pactpool.control.reaper import Reaper
from pactpool.errors import (
    InvalidPactError,
    PactPoolError,
    UnknownMockServerError,
    WorkerDiedError,
    WorkerStartError,
    error_from_worker,
)
from pactpool_worker import protocol
from pactpool_worker.errors import WorkerError
from pactpool_worker.http.binding import address_for
from pactpool_worker.process.launch import WorkerProcess
from pactpool_worker.records import ServerFailedEntry

DEFAULT_POOL_SIZE = 2
EARLY_PACT_BYTES = 64 * 1024
"""The largest pact a create checks here instead of waiting for the worker's `ready` (a
larger one would cost this process as much as the wait)."""
POOL_HOST = "127.0.0.1"
DEFAULT_TIMEOUT = 5.0
DEFAULT_START_TIMEOUT = 30.0
PRELOAD = ["pactpool_worker.process.zygote"]


class Controller:
    """Owns every worker of this process; thread-safe."""

    def __init__(self, *, start_method: str = "forkserver", timeout: float = DEFAULT_TIMEOUT,
                 start_timeout: float = DEFAULT_START_TIMEOUT, log_level: str = "info") -> None:
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.log_level = log_level
        self.limits: dict[str, float] = {}
        self.pool_size = DEFAULT_POOL_SIZE
        self._pool: WarmPool | None = None
        self._start_method = start_method
        self._context: Any = None
        self._workers: dict[int, Worker] = {}
        self._registry_lock = threading.RLock()  # re-entrant: a signal handler may stop all
        self._start_lock = threading.Lock()
        self._reaper = Reaper(lambda worker: self._kill_and_reap(worker, grace=STOP_GRACE))
        _LIVE_CONTROLLERS.add(self)

    # -- lifecycle -----------------------------------------------------------------------

    def create(self, pact: bytes, host: str, port: int, *, cors_preflight: bool = False,
               source: str | None = None, certificate: ServerCertificate | None = None,
               fresh: bool = False) -> Worker:
        """Start a worker, hand it the pact, wait until it listens; returns its handle.

        With a `certificate`, the worker serves HTTPS with it. A pool worker that turns out
        to have died while it waited (killed, out of memory) is replaced once by a fresh
        one (`fresh`: fork one, take none from the pool).
        """
        if len(pact) > protocol.MAX_MESSAGE_BYTES:
            raise InvalidPactError(f"the pact is {len(pact):,} bytes; a pact crosses to its "
                                   f"worker as one message of at most "
                                   f"{protocol.MAX_MESSAGE_BYTES:,} bytes", source=source)
        pooled = None if fresh else self._take_idle()
        worker = pooled or self._spawn()
        worker.certificate = certificate
        worker.pact = pact
        args: dict[str, Any] = {"host": host, "port": port, "cors_preflight": cors_preflight,
                                "log_level": self.log_level, "limits": dict(self.limits)}
        if certificate is not None:
            args["tls"] = {"cert": certificate.cert_file, "key": certificate.key_file}
        keeps_socket = self._keeps_its_socket(worker, host, port, certificate)
        if keeps_socket:
            assert worker.idle_address is not None
            args["host"] = worker.idle_address[0]  # the name, resolved here as the worker would
        else:
            worker.listener_fd = None  # the worker closes that socket and binds another
        try:
            if keeps_socket and len(pact) <= EARLY_PACT_BYTES:
                reply = self._load_without_waiting(worker, args, pact)
            else:
                reply = roundtrip(worker, "load", args, self.start_timeout, attachment=pact)
        except WorkerDiedError as exc:
            self._reap(worker)
            if pooled is not None:
                return self.create(pact, host, port, cors_preflight=cors_preflight,
                                   source=source, certificate=certificate, fresh=True)
            raise WorkerStartError(f"the worker process exited before it was ready "
                                   f"(exit status {exc.exit_status})") from exc
        except BaseException:
            self._kill_and_reap(worker)
            raise
        if not reply["ok"]:
            self._reap(worker)
            raise error_from_worker(dict(reply.get("error", {})), source)
        ready = reply["result"]
        worker.host, worker.port, worker.pid = ready["host"], ready["port"], ready["pid"]
        worker.scheme = ready.get("scheme", "http")
        if isinstance(ready.get("listener_fd"), int):
            worker.listener_fd = ready["listener_fd"]
        close_stat(worker)  # a pool worker's, needed only while it was idle
        with self._registry_lock:
            self._workers[worker.port] = worker
        return worker

    def _keeps_its_socket(self, worker: Worker, host: str, port: int,
                          certificate: ServerCertificate | None) -> bool:
        """A pool worker whose listening socket is the one this create asks for: port 0 on
        its host, plain HTTP, default limits (the worker's `_early_fits`)."""
        return worker.idle_address is not None and port == 0 and \
            _binds_to(host) == worker.idle_address[0] and certificate is None and \
            not self.limits

    def _load_without_waiting(self, worker: Worker, args: dict[str, Any],
                              pact: bytes) -> protocol.ReplyFrame:
        """The pool's fast path: post the pact, check it here, publish the port at once.

        The worker already listens on `idle_address`; connections wait in its backlog, and
        a request that comes before the worker read its pact makes it read it first. The
        pact is checked here, with the worker's own loader, while the worker loads it: a
        pact that fails here waits for the worker's answer, the error a create reports.
        What the later `ready` says is read by the next call (`Worker.late_failure`).
        """
        if being_killed(worker.pid, worker.proc_stat):  # killed while idle: its port will go
            raise WorkerDiedError(f"the pool worker (pid {worker.pid}) was killed", None)
        frame_id = post(worker, "load", args, self.start_timeout, attachment=pact)
        assert worker.idle_address is not None
        host, port = worker.idle_address
        if not pact_is_servable(pact, bool(args["cors_preflight"])):
            return await_reply(worker, "load", frame_id, self.start_timeout)
        if being_killed(worker.pid, worker.proc_stat):  # a second look: see there
            raise WorkerDiedError(f"the pool worker (pid {worker.pid}) was killed", None)
        return {"id": frame_id, "ok": True,
                "result": {"host": host, "port": port, "pid": worker.pid, "scheme": "http"}}

    def stop(self, port: int, grace: float = STOP_GRACE) -> bool:
        """Stop the worker on `port`; True if there was one. Returns once the port is closed.

        Where the port can be closed from here (`_close_here`), the worker is killed and
        its port shut without its help. Otherwise it is asked: a worker that answers
        `shutdown` has closed its listener and is exiting; one that does not answer within
        `grace` is killed and reaped here, since only its death closes the port then. The
        reaper collects the others in the background.
        """
        with self._registry_lock:
            worker = self._workers.pop(port, None)
        if worker is None:
            return False
        if not self._close_here(worker):
            if self._close_port(worker, grace):
                self._reaper.add(worker)
            else:
                self._kill_and_reap(worker)
        return True

    def stop_with_record(self, port: int,
                         grace: float = STOP_GRACE) -> tuple[bytes, str | None] | None:
        """`stop`, answered with the server's final mismatch record (JSON text) and, when
        the record holds anything, its log: one call for a test's last two questions, with no
        round trip at all for a server that said it matched.

        None for a port with no worker. A worker that died, or did not answer, is reported
        by a `mock-server-failed` record (no log), as `mock_server_mismatches` reports it.
        """
        with self._registry_lock:
            worker = self._workers.pop(port, None)
        if worker is None:
            return None
        if self._known_matched(worker) and self._close_here(worker):
            return b"[]", None  # matched: no mismatch, so no log either
        final: tuple[bytes, str | None] | None = None
        if worker.alive:
            try:
                reply = roundtrip(worker, "shutdown", {"record": True}, grace)
                if reply["ok"] and "attached" in reply:
                    result = reply.get("result") or {}
                    final = (reply["attached"], result.get("logs"))
            except PactPoolError:
                final = None  # busy, hung, or dead: killed and reaped below
        if final is not None:
            self._reaper.add(worker)
            return final
        self._kill_and_reap(worker)
        failed = orjson.dumps([mock_server_failed_entry(worker)], option=orjson.OPT_SORT_KEYS)
        return failed, None

    def _close_here(self, worker: Worker) -> bool:
        """Stop a worker without a round trip, where its port can be closed from here: copy
        its listening socket, kill it, and shut the copy (the port refuses at once, before
        the process is gone). Nothing it holds is wanted after a cleanup; the reaper
        collects the process. False when the port cannot be closed from here."""
        if worker.listener_fd is None or not worker.alive:
            return False
        listener = borrow_listener(worker.pid, worker.listener_fd, worker.port)
        if listener is None:
            return False
        with contextlib.suppress(OSError, ValueError):
            worker.process.kill()  # first: the worker never runs again, so never sees the shut
        shut(listener)
        self._reaper.add(worker)
        return True

    def _close_port(self, worker: Worker, grace: float) -> bool:
        """Ask the worker to close its port and exit; True once it says it has."""
        if not worker.alive:
            return False
        try:
            reply = roundtrip(worker, "shutdown", {}, grace)
        except PactPoolError:
            return False  # busy, hung, or dead: the caller kills and reaps
        return bool(reply["ok"])

    def drain_reaper(self, timeout: float = STOP_GRACE + 1.0) -> bool:
        """Wait until every stopped worker's process is collected (tests that count them)."""
        return self._reaper.drain(timeout)

    def stop_all(self, grace: float = STOP_GRACE) -> None:
        """Stop every worker (atexit, signals, end of a test session): ask all, then reap all.

        The warm pool is emptied too; it refills on the next create.
        """
        with self._registry_lock:
            workers = list(self._workers.values())
            self._workers.clear()
            pool, self._pool = self._pool, None
        for idle in pool.close() if pool else []:
            self._kill_and_reap(idle)
        for worker in workers:
            self._ask_to_stop(worker, grace)
        deadline = time.monotonic() + grace
        for worker in workers:
            self._kill_and_reap(worker, grace=max(0.0, deadline - time.monotonic()))
        if not self._reaper.drain(grace + 1.0):
            for worker in self._reaper.take_all():
                self._kill_and_reap(worker)

    def _ask_to_stop(self, worker: Worker, grace: float) -> None:
        if not (grace and worker.alive and worker.lock.acquire(timeout=grace)):
            return  # no time to ask, or busy with another call: it will be killed instead
        try:
            worker.conn.send_bytes(protocol.encode_request(0, "shutdown"))
        except OSError:
            pass  # already gone; the join that follows confirms it
        finally:
            worker.lock.release()

    def forget_after_fork(self) -> None:
        """In a forked copy of the controller's process: let go of the parent's workers.

        The copy holds duplicates of the parent's pipe ends; closing them keeps the workers'
        end of file meaning "the controller is gone". The copy never stops the parent's workers.
        """
        for worker in self._workers.values():
            with contextlib.suppress(OSError):
                worker.conn.close()
        self._workers = {}
        for worker in self._reaper.forget():
            with contextlib.suppress(OSError):
                worker.conn.close()
        if self._pool is not None:
            self._pool.forget()
            self._pool = None
        self._registry_lock = threading.RLock()
        self._start_lock = threading.Lock()

    def ports(self) -> list[int]:
        with self._registry_lock:
            return list(self._workers)

    def worker(self, port: int) -> Worker:
        with self._registry_lock:
            worker = self._workers.get(port)
        if worker is None:
            raise UnknownMockServerError(port)
        return worker

    # -- queries -------------------------------------------------------------------------

    def matched(self, port: int) -> bool:
        """The server's verdict: as the worker last said unasked, or asked now."""
        verdict = _said_verdict(self.worker(port))
        return verdict if verdict is not None else bool(self.call(port, "matched"))

    def known_matched(self, port: int) -> bool:
        """True when the worker has said it matched (no mismatch to read); no round trip."""
        return self._known_matched(self.worker(port))

    @staticmethod
    def _known_matched(worker: Worker) -> bool:
        return _said_verdict(worker) is True

    def call(self, port: int, op: protocol.Op, args: dict[str, Any] | None = None,
             timeout: float | None = None) -> Any:
        """One query to the worker on `port`, answered within `timeout` seconds or raising."""
        worker = self.worker(port)
        reply = roundtrip(worker, op, args or {}, self.timeout if timeout is None
                                else timeout)
        if not reply["ok"]:
            raise error_from_worker(dict(reply.get("error", {})))
        if "attached" in reply:
            return reply["attached"]
        return reply.get("result")

    # -- internals -----------------------------------------------------------------------

    def _ctx(self) -> Any:
        if self._context is None:
            context = multiprocess.get_context(self._start_method)
            if self._start_method == "forkserver":
                context.set_forkserver_preload(PRELOAD)
            self._context = context
        return self._context

    def _take_idle(self) -> Worker | None:
        """A worker from the warm pool (started on first use), or None."""
        with self._registry_lock:
            if self._pool is not None and self._pool.size != self.pool_size:
                for idle in self._pool.close():  # resized: start over with the new size
                    self._kill_and_reap(idle)
                self._pool = None
            if self.pool_size <= 0:
                return None
            if self._pool is None:
                self._pool = WarmPool(lambda rehearse: self._spawn(prebind_host=POOL_HOST,
                                                                   rehearse=rehearse),
                                      self._kill_and_reap, self.pool_size, self.start_timeout)
            pool = self._pool
        worker: Worker | None = pool.take()
        return worker

    def wait_for_pool(self, timeout: float = 30.0) -> bool:
        """Block until the warm pool is full (benchmarks and tests that count processes)."""
        with self._registry_lock:
            pool = self._pool
        return pool.wait_until_full(timeout) if pool is not None else True

    def worker_pids(self) -> set[int]:
        """Every worker process this controller holds: serving, idle, or being reaped."""
        with self._registry_lock:
            serving = {worker.pid for worker in self._workers.values()}
            pool = self._pool
        return serving | set(pool.idle_pids() if pool else []) | set(self._reaper.pids())

    def idle_pids(self) -> list[int]:
        """The pids of the warm pool's idle workers."""
        with self._registry_lock:
            pool = self._pool
        return pool.idle_pids() if pool is not None else []

    def _spawn(self, prebind_host: str | None = None, rehearse: bool = True) -> Worker:
        from pactpool_worker.process.main import run  # imported here: the controller never runs it

        context = self._ctx()
        ours, theirs = context.Pipe(duplex=True)
        process_class = WorkerProcess if self._start_method == "forkserver" else context.Process
        settings = {"prebind_host": prebind_host, "rehearse": rehearse}
        process = process_class(target=run, args=(theirs, settings),
                                name="pactpool-worker", daemon=False)
        try:
            process.start()  # thread-safe: each start talks to the forkserver on its own socket
        except Exception as exc:
            ours.close()
            raise WorkerStartError(f"cannot start a worker process: {exc}") from exc
        finally:
            theirs.close()  # only the worker holds its end: our end sees EOF when it dies
        return Worker(process=process, conn=ours, pid=process.pid or 0)

    def _kill_and_reap(self, worker: Worker, grace: float = 0.0) -> None:
        process = worker.process
        if grace:
            process.join(grace)
        if process.exitcode is None:
            process.kill()
        self._reap(worker)

    def _reap(self, worker: Worker) -> None:
        worker.process.join()
        if worker.exit_status is None:
            worker.exit_status = worker.process.exitcode
        worker.conn.close()
        close_stat(worker)
        with contextlib.suppress(ValueError):
            worker.process.close()


_LIVE_CONTROLLERS: weakref.WeakSet[Controller] = weakref.WeakSet()


def _said_verdict(worker: Worker) -> bool | None:
    """The verdict the worker last said unasked; None when it said none yet, or when it is
    dying or dead (a kill pending, its teardown under way: its pipe may not say so yet), so
    that the caller asks, and learns how it ended."""
    if not catch_up(worker) or worker.verdict is None:
        return None
    if being_killed(worker.pid):
        return None
    return worker.verdict


@functools.lru_cache(maxsize=16)
def _binds_to(host: str) -> str | None:
    """The address a worker binds for `host`, found as the worker finds it (`localhost` is
    `127.0.0.1` where the resolver says so first); None for a name that does not resolve."""
    try:
        return str(address_for(host, 0)[1][0])
    except WorkerError:
        return None


@functools.lru_cache(maxsize=32)
def pact_is_servable(pact: bytes, cors_preflight: bool = False) -> bool:
    """Whether the worker's own checks, run in this process, accept the pact.

    The verdict depends on the pact text and the options alone, so it is kept for the last
    32 pacts: a suite that serves one pact file in many tests checks it once, and a pact
    written after it was served is not checked again.
    """
    from pactpool_worker.generators import base_url  # imported by the first create, not here
    from pactpool_worker.service.mock import MockOptions, check_servable

    try:
        check_servable(pact, MockOptions(cors_preflight=cors_preflight),
                       base_url("127.0.0.1", 1))
    except Exception:
        return False  # the worker says what is wrong, in its answer
    return True


def _after_fork_in_child() -> None:
    """A harness that forks must not keep its workers' pipes, nor the forkserver, alive."""
    for controller in list(_LIVE_CONTROLLERS):
        controller.forget_after_fork()
    server = getattr(forkserver, "_forkserver", None)
    alive_fd = getattr(server, "_forkserver_alive_fd", None)
    if server is not None and alive_fd is not None:
        with contextlib.suppress(OSError):
            os.close(alive_fd)
        # A pactpool used in the copy starts a forkserver of its own.
        server._forkserver_alive_fd = None
        server._forkserver_address = None
        server._forkserver_pid = None


os.register_at_fork(after_in_child=_after_fork_in_child)


def mock_server_failed_entry(worker: Worker) -> dict[str, Any]:
    """The mismatch record pactpool adds for a worker that died on its own."""
    what = f"the mock server process (pid {worker.pid}) died"
    if worker.late_failure is not None:
        what += f" after it could not serve its pact: {worker.late_failure}"
    return ServerFailedEntry(what, worker.exit_status).to_json()


__all__ = ["Controller", "PactPoolError", "Worker", "mock_server_failed_entry"]
