"""The controller's end of a worker's pipe: the worker handle and one call's round trip.

Every call writes one request frame (and an optional raw attachment) in one write and
waits for the reply with the same id, under a deadline: the pipe itself carries the
deadline (`SO_RCVTIMEO`/`SO_SNDTIMEO`), so a worker that stops half-way through a frame
cannot hang its caller.
"""

from __future__ import annotations

import itertools
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pactpool.control.certificates import ServerCertificate
from pactpool.errors import WorkerDiedError, WorkerTimeoutError
from pactpool_worker import protocol

STOP_GRACE = 0.5


@dataclass(eq=False)
class Worker:
    """The controller's handle on one worker process."""

    process: Any
    conn: Any
    host: str = ""
    port: int = 0
    scheme: str = "http"
    certificate: ServerCertificate | None = None
    pact: bytes = b""
    """The pact text this worker serves, as handed to it (the pact file is written from it)."""
    pid: int = 0
    exit_status: int | None = None
    out_of_step: bool = False
    """A frame was cut off by a deadline: the pipe can no longer be read in step."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    pipe_timeout: float | None = None
    """The deadline the pipe's reads and writes carry now (set per call when it changes)."""
    poller: Any = None
    """A `select.poll` on the pipe and the sentinel, made once by `readable`: calls hold
    `lock`, and an idle worker is polled only by the pool, under its own lock."""
    idle_address: tuple[str, int] | None = None
    """Where a pool worker already listens (from its hello), for a create with port 0."""
    listener_fd: int | None = None
    """The descriptor number of the worker's listening socket, as its hello or its `ready`
    named it: the controller closes the port with it (`port_closer`)."""
    verdict: bool | None = None
    """What `matched` is, as the worker last said unasked (None: not known yet)."""
    proc_stat: int | None = None
    """An idle pool worker's `/proc/<pid>/stat`, open until its create is done."""
    posted: int | None = None
    """The id of a frame sent with `post` whose reply was not read yet."""
    late_failure: str | None = None
    """What the reply to a posted frame said went wrong, if it did."""

    @property
    def alive(self) -> bool:
        return self.exit_status is None

    def readable(self, timeout: float) -> set[int]:
        """The descriptors among the pipe and the sentinel that are readable (or closed)."""
        if self.poller is None:
            self.poller = select.poll()
            self.poller.register(self.conn.fileno(), select.POLLIN)
            self.poller.register(self.process.sentinel, select.POLLIN)
        return {fd for fd, _ in self.poller.poll(max(0.0, timeout) * 1000.0)}


def roundtrip(worker: Worker, op: protocol.Op, args: dict[str, Any],
              timeout: float, attachment: bytes | None = None) -> protocol.ReplyFrame:
    """Send one request frame (and its attachment) and wait for its reply, within `timeout`.

    A worker that does not answer in time raises `WorkerTimeoutError`; one that is gone,
    `WorkerDiedError`. A reply cut off half-way marks the pipe out of step for good.
    """
    deadline = time.monotonic() + timeout
    _acquire(worker, timeout)
    try:
        frame_id = _send(worker, op, args, timeout, attachment)
        return _await_reply(worker, op, frame_id, deadline, timeout)
    finally:
        worker.lock.release()


def post(worker: Worker, op: protocol.Op, args: dict[str, Any], timeout: float,
         attachment: bytes | None = None) -> int:
    """Send one request frame without waiting for its reply; returns the frame's id.

    The reply comes later, on the pipe, ahead of the next call's: that call's wait reads it
    and keeps what it says in `Worker.late_failure` (only `load` is posted, as the pool's
    fast path of a create: see `Controller.create`).
    """
    _acquire(worker, timeout)
    try:
        frame_id = _send(worker, op, args, timeout, attachment)
        worker.posted = frame_id
        return frame_id
    finally:
        worker.lock.release()


def await_reply(worker: Worker, op: protocol.Op, frame_id: int,
                timeout: float) -> protocol.ReplyFrame:
    """Wait for the reply to a frame sent with `post`."""
    deadline = time.monotonic() + timeout
    _acquire(worker, timeout)
    try:
        return _await_reply(worker, op, frame_id, deadline, timeout)
    finally:
        worker.lock.release()


def _acquire(worker: Worker, timeout: float) -> None:
    if not worker.lock.acquire(timeout=timeout):
        raise WorkerTimeoutError(f"mock server on port {worker.port} is busy with another "
                                 f"call that did not finish within {timeout:g}s")


def _send(worker: Worker, op: protocol.Op, args: dict[str, Any], timeout: float,
          attachment: bytes | None) -> int:
    """Write one request frame and its attachment in one write (the caller holds the lock)."""
    if not worker.alive:
        raise died(worker)
    if worker.out_of_step:
        raise WorkerTimeoutError(
            f"mock server on port {worker.port} (pid {worker.pid}) stopped answering "
            "half-way through a reply earlier; cleanup_mock_server will stop it")
    frame_id = next(worker.ids)
    try:
        if worker.pipe_timeout != timeout:
            pipe_deadline(worker.conn, timeout)
            worker.pipe_timeout = timeout
        frame = protocol.encode_request(frame_id, op, args, attachment=attachment is not None)
        write_all(worker.conn.fileno(), protocol.wire_messages(
            frame, *([] if attachment is None else [attachment])))
    except BlockingIOError:
        worker.out_of_step = True
        raise WorkerTimeoutError(f"mock server on port {worker.port} (pid {worker.pid}) "
                                 f"did not take '{op}' within {timeout:g}s") from None
    except OSError:
        note_death(worker)
        raise died(worker) from None
    return frame_id


def _await_reply(worker: Worker, op: protocol.Op, frame_id: int, deadline: float,
                 timeout: float) -> protocol.ReplyFrame:
    """Read replies until the one to `frame_id` (the caller holds the lock)."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WorkerTimeoutError(
                f"mock server on port {worker.port} (pid {worker.pid}) did not answer "
                f"'{op}' within {timeout:g}s; cleanup_mock_server will still stop it")
        ready = worker.readable(remaining)
        if worker.conn.fileno() in ready:
            reply = protocol.decode_reply(_receive(worker, op, timeout))
            if reply.get("attachment"):
                # sent in the same write as its frame: already here, or on its way
                attached = _receive(worker, op, timeout)
                if reply["id"] == frame_id:
                    reply["attached"] = attached
            _note(worker, reply)
            if reply["id"] == frame_id:
                return reply
            continue  # unasked, posted, or a late answer to a call that timed out earlier
        if ready:
            note_death(worker)
            raise died(worker)


def catch_up(worker: Worker) -> bool:
    """Read what the worker said unasked (its verdict, a posted frame's answer) without
    waiting; False if it is gone or its pipe cannot be read now (ask it instead)."""
    if not worker.lock.acquire(timeout=0.05):
        return False
    try:
        if not worker.alive or worker.out_of_step:
            return False
        while True:
            ready = worker.readable(0.0)
            if not ready:
                return True
            if worker.conn.fileno() not in ready:
                return False  # the sentinel: the process ended
            try:
                reply = protocol.decode_reply(_receive(worker, "matched", STOP_GRACE))
            except (WorkerDiedError, WorkerTimeoutError, protocol.ProtocolError):
                return False
            if reply.get("attachment"):  # a late answer to a call that timed out: drop it
                try:
                    _receive(worker, "matched", STOP_GRACE)
                except (WorkerDiedError, WorkerTimeoutError):
                    return False
            _note(worker, reply)
    finally:
        worker.lock.release()


def _note(worker: Worker, reply: protocol.ReplyFrame) -> None:
    """Keep what a reply says of the server's state: its verdict, a posted load's failure."""
    if reply["id"] == worker.posted:
        worker.posted = None
        if not reply["ok"]:
            error = reply.get("error") or {}
            worker.late_failure = str(error.get("reason") or error.get("message"))
    if reply["ok"] and isinstance(reply.get("result"), dict):
        matched = reply["result"].get("matched")
        if isinstance(matched, bool) and (reply["id"] == protocol.VERDICT_ID or
                                          "port" in reply["result"]):
            worker.verdict = matched


def _receive(worker: Worker, op: str, timeout: float) -> bytes:
    """One message from the worker. A reply cut off half-way cannot block us: the pipe's
    deadline, set before the send, bounds this read too."""
    try:
        data: bytes = worker.conn.recv_bytes()
    except BlockingIOError:
        worker.out_of_step = True
        raise WorkerTimeoutError(
            f"mock server on port {worker.port} (pid {worker.pid}) sent only part of its "
            f"answer to '{op}' within {timeout:g}s") from None
    except (EOFError, OSError):
        note_death(worker)
        raise died(worker) from None
    return data


def note_death(worker: Worker) -> None:
    """Wait briefly for a worker whose pipe closed, and keep its exit status."""
    worker.process.join(STOP_GRACE)
    code = worker.process.exitcode
    worker.exit_status = code if code is not None else -1


def died(worker: Worker) -> WorkerDiedError:
    """The error a call to a dead worker raises."""
    return WorkerDiedError(f"the mock server process (pid {worker.pid}) died with exit "
                           f"status {worker.exit_status}", worker.exit_status)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte (the pipe's deadline bounds each write: EAGAIN past it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def pipe_deadline(conn: Any, seconds: float) -> None:
    """Bound each read and write on a worker's pipe (a socket pair) by `seconds`.

    Past it the system call fails with EAGAIN (`BlockingIOError`) instead of blocking, so a
    worker that stops half-way through a frame cannot hang its caller.
    """
    whole = int(seconds)
    timeval = struct.pack("ll", whole, max(1, int((seconds - whole) * 1_000_000)))
    with socket.socket(fileno=conn.fileno()) as sock:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
        finally:
            sock.detach()  # the descriptor stays the connection's
