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
    if not worker.lock.acquire(timeout=timeout):
        raise WorkerTimeoutError(f"mock server on port {worker.port} is busy with another "
                                 f"call that did not finish within {timeout:g}s")
    try:
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
            frame = protocol.encode_request(frame_id, op, args,
                                            attachment=attachment is not None)
            write_all(worker.conn.fileno(), protocol.wire_messages(
                frame, *([] if attachment is None else [attachment])))
        except BlockingIOError:
            worker.out_of_step = True
            raise WorkerTimeoutError(f"mock server on port {worker.port} (pid {worker.pid}) "
                                     f"did not take '{op}' within {timeout:g}s") from None
        except OSError:
            note_death(worker)
            raise died(worker) from None
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
                if reply["id"] == frame_id:
                    return reply
                continue  # a late answer to a call that timed out earlier
            if ready:
                note_death(worker)
                raise died(worker)
    finally:
        worker.lock.release()


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
