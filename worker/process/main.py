"""A worker's whole life: set up after fork, load, bind, report ready, serve, die.

Runs in the child process only. The pipe to the controller carries `protocol` frames; its
end of file means the controller is gone, and the worker exits at once. Nothing here
outlives the process: its socket, memory and record vanish with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import select
import signal
import socket
import ssl
from collections.abc import Callable, Generator, Iterator
from typing import Any, NoReturn

from pactpool_worker import protocol
from pactpool_worker.errors import PactLoadError, WorkerError
from pactpool_worker.generators import GeneratorContext, base_url
from pactpool_worker.http.binding import bind_listener, bound_address
from pactpool_worker.http.server import start_server
from pactpool_worker.http.tls import server_tls_context
from pactpool_worker.http.wire import HttpRequest, HttpResponse, Limits
from pactpool_worker.pact import load_pact
from pactpool_worker.process import lifeline
from pactpool_worker.process.warm_up import rehearsal_steps
from pactpool_worker.service.logbook import Logbook
from pactpool_worker.service.mock import MockOptions, MockService

WORKER_VERSION = "0.1.0"


def run(conn: Any, settings: dict[str, Any]) -> None:
    """Process target. Never returns normally: the process ends with `os._exit`."""
    lifeline.arm_parent_death_signal()
    lifeline.release_forkserver_descriptors()
    lifeline.leave_terminal_process_group()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the controller decides when we stop
    code = 0
    try:
        code = _serve(conn, settings)
    except BaseException:  # a crash must still end the process, not hang it
        import traceback

        traceback.print_exc()
        code = 1
    os._exit(code)


def _serve(conn: Any, settings: dict[str, Any]) -> int:
    spare = _prebind(settings.get("prebind_host"))
    loop = _new_loop()
    asyncio.set_event_loop(loop)
    slot = ServiceSlot(loop, conn)
    early: asyncio.AbstractServer | None = None
    hello: dict[str, Any] = {"idle": True, "pid": os.getpid()}
    if spare is not None:  # a pool worker: idle time is free, a create's time is not
        early = loop.run_until_complete(start_server(spare, slot.handle, on_reject=slot.reject))
        hello["host"], hello["port"] = bound_address(spare)
        hello["listener_fd"] = spare.fileno()
    startup = Startup(conn, loop, slot, spare, early)
    # Hello (id 0): set up and waiting. A pool keeps workers in this state until a create.
    # Its port is the one a create with port 0 gets: the controller may publish it once the
    # load frame is written, and a request that comes before the frame is read loads it.
    conn.send_bytes(protocol.encode_result(protocol.HELLO_ID, hello))
    if spare is not None and settings.get("rehearse", True):
        _rehearse_until_needed(conn, loop, startup.loaded)
    return startup.serve()


class Startup:
    """Read the load frame, load the pact, build the service: once, whichever asks first.

    Normally the worker does it when the frame arrives. A pool worker's port may be
    published before that (the controller checks the pact itself and does not wait for
    `ready`), so a request on that port that comes first does it before it is answered:
    the frame is in the pipe by then, written whole before the port was made known.
    """

    def __init__(self, conn: Any, loop: asyncio.AbstractEventLoop, slot: ServiceSlot,
                 spare: socket.socket | None, early: asyncio.AbstractServer | None) -> None:
        self.conn = conn
        self.loop = loop
        self.slot = slot
        self.spare = spare
        self.early = early
        self.loaded: asyncio.Future[None] = loop.create_future()
        """Done once the frame was read (whatever it said): the rehearsal stops then."""
        self.exit_code: int | None = None
        self.frame_id = 0
        self.sock: socket.socket | None = None
        self.limits = Limits()
        self.tls: ssl.SSLContext | None = None
        self.ready: dict[str, Any] = {}
        slot.load_now = self.load_if_sent

    def load_if_sent(self) -> None:
        """For a request that came before the pact was read: load it now, if it was sent."""
        fd = self.conn.fileno()
        if not self.loaded.done() and _readable_now(fd):
            os.set_blocking(fd, True)  # the loop made it non-blocking; frames are read whole
            self.load()

    def load(self) -> None:
        if self.loaded.done():
            return
        self.loaded.set_result(None)
        try:
            data = self.conn.recv_bytes()
        except (EOFError, OSError):
            self.exit_code = 0
            return
        frame = protocol.decode_request(data)
        pact_text = self.conn.recv_bytes() if frame["attachment"] else b""
        self.frame_id = frame["id"]
        if frame["op"] != "load":
            self._fail(2, {"kind": protocol.PROTOCOL,
                           "message": f"expected a load frame, got {frame['op']!r}"})
            return
        args = frame["args"]
        log = Logbook(level=str(args.get("log_level", "info")))
        gc.disable()  # a load only builds objects that live as long as the worker
        try:
            pact = load_pact(pact_text)
            self.tls = tls = server_tls_context(args.get("tls"))
            self.limits = limits = Limits(**args.get("limits", {}))
            wanted = (str(args.get("host", "127.0.0.1")), int(args.get("port", 0)))
            if self.spare is not None and self.early is not None and \
                    not _early_fits(self.spare, wanted, tls, limits):
                self.early.close()  # another address, TLS or other limits: a fresh socket
                self.spare.close()
                self.early = None
            sock = self.spare if self.spare is not None and self.early is not None \
                else bind_listener(*wanted)
            self.sock = sock
            host, port = bound_address(sock)
            url = base_url(host, port)
            if tls is not None:
                url = "https" + url[len("http"):]
            service = MockService(pact, MockOptions(
                cors_preflight=bool(args.get("cors_preflight"))), log, GeneratorContext.live(url))
        except WorkerError as exc:
            self._fail(0, exc.to_json())
            return
        except Exception as exc:  # a hostile pact the loader did not foresee: still typed
            problem = PactLoadError(f"the pact cannot be served: {type(exc).__name__}: {exc}",
                                    "$")
            self._fail(0, problem.to_json())
            return
        finally:
            gc.enable()
        gc.freeze()  # and no collection while serving walks the pact and the server again
        for warning in pact.warnings:  # read leniently: say what was assumed
            log.log("warn", f"pact {warning}")
        log.log("info", f"serving pact {pact.consumer} -> {pact.provider} "
                        f"({len(pact.interactions)} interactions, spec {pact.spec_version}) "
                        f"on {host}:{port}")
        self.slot.service = service
        self.ready = {"host": host, "port": port, "pid": os.getpid(),
                      "scheme": "https" if tls else "http", "listener_fd": sock.fileno()}

    def _fail(self, code: int, error: dict[str, Any]) -> None:
        self.conn.send_bytes(protocol.encode_error(self.frame_id, error))
        self.exit_code = code

    def serve(self) -> int:
        """Load (unless a request did already), then serve until told to stop."""
        self.load()
        service = self.slot.service
        if self.exit_code is not None or service is None or self.sock is None:
            return self.exit_code or 0
        self.ready["matched"] = self.slot.told = service.recorder.matched()  # the first verdict
        listener = self.early if self.early is not None else self.loop.run_until_complete(
            start_server(self.sock, self.slot.handle, limits=self.limits, ssl=self.tls,
                         on_reject=self.slot.reject))
        return _event_loop(self.conn, self.loop, self.frame_id, service,
                           Listener(listener, self.sock), ready=self.ready)


def _readable_now(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def _rehearse_until_needed(conn: Any, loop: asyncio.AbstractEventLoop,
                           loaded: asyncio.Future[None]) -> None:
    """Rehearse a step per loop pass until the pipe has something to say (the pact, or its
    end) or a request loaded the pact, then drop the rest of the rehearsal. A rehearsal
    that ends first leaves the loop too: a blocking read of the pipe wakes sooner for the
    pact than the loop does."""
    needed: asyncio.Future[None] = loop.create_future()
    fd = conn.fileno()

    def stop_waiting(_: object = None) -> None:
        if not needed.done():
            needed.set_result(None)

    loop.add_reader(fd, stop_waiting)
    loaded.add_done_callback(stop_waiting)
    _in_idle_time(loop, rehearsal_steps(loop), until=needed, finished=stop_waiting)
    try:
        loop.run_until_complete(needed)
    finally:
        loop.remove_reader(fd)
        os.set_blocking(fd, True)  # the loop made it non-blocking; frames are read whole


def _prebind(host: Any) -> socket.socket | None:
    """A pool worker binds port 0 ahead of time, so a create with port 0 binds nothing."""
    if not isinstance(host, str):
        return None
    try:
        return bind_listener(host, 0)
    except WorkerError:
        return None  # binding on demand still works, and reports its own error


def _early_fits(spare: socket.socket, wanted: tuple[str, int], tls: ssl.SSLContext | None,
                limits: Limits) -> bool:
    """Can the socket a pool worker already serves be this server's? (port 0, plain HTTP)"""
    host, port = wanted
    return port == 0 and host == spare.getsockname()[0] and tls is None and limits == Limits()


class ServiceSlot:
    """The listener's handler, served before the pact arrives (by pool workers) and after.

    A request that went wrong leaves an entry in the record; its JSON text is made on the
    next pass of the loop, once the answer is on its way, so that reading the record later
    (`mock_server_mismatches`) finds it made and the request did not wait for it.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, conn: Any) -> None:
        self.service: MockService | None = None
        self.load_now: Callable[[], None] | None = None
        """Loads the pact if it was sent but not read yet (see `Startup`)."""
        self.told: bool | None = None
        """The verdict the controller was last told (None: not yet)."""
        self._loop = loop
        self._conn = conn
        self._serialising = False

    def handle(self, request: HttpRequest) -> HttpResponse:
        service = self.service
        if service is None and self.load_now is not None:
            self.load_now()
            service = self.service
        if service is None:  # nobody knows this port yet; answer sanely all the same
            return HttpResponse(503, [("Content-Type", "application/json; charset=utf-8")],
                                b'{"error": "this mock server has no pact loaded yet"}')
        response = service.handle(request)
        self.tell_verdict()
        if service.recorder.unserialised and not self._serialising:
            self._serialising = True
            self._loop.call_soon(self._serialise)
        return response

    def tell_verdict(self) -> bool:
        """Tell the controller when the verdict changed: before the answer that changed it
        goes out, so a client that has its answer finds the verdict in the pipe, and a
        passing test's `matched` needs no round trip. Returns the verdict."""
        assert self.service is not None
        matched = self.service.recorder.matched()
        if matched is not self.told:
            self.told = matched
            with contextlib.suppress(OSError):  # the controller is gone: the pipe's EOF says so
                self._conn.send_bytes(protocol.encode_verdict(matched))
        return matched

    def _serialise(self) -> None:
        self._serialising = False
        if self.service is not None:
            self.service.recorder.serialise()

    def reject(self, status: int, message: str, client: tuple[str, int] | None) -> None:
        if self.service is not None:
            self.service.reject(status, message, client)
            self.tell_verdict()


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it is installed (faster HTTP), the stdlib loop otherwise."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


class Listener:
    """The serving socket, closed first when the worker is told to stop."""

    def __init__(self, server: asyncio.AbstractServer, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock

    def close(self) -> None:
        """From here on the port refuses connections; the process exit does the rest."""
        self.server.close()
        self.sock.close()  # the loop may serve a duplicate; this is the original descriptor


def _event_loop(conn: Any, loop: asyncio.AbstractEventLoop, load_id: int,
                service: MockService, listener: Listener, *, ready: dict[str, Any]) -> int:
    """Report ready (the listener already serves), then answer HTTP and the pipe until told."""
    queries = QueryHandler(conn, service, loop, listener)
    conn.send_bytes(protocol.encode_result(load_id, ready))
    loop.add_reader(conn.fileno(), queries.on_readable)
    _in_idle_time(loop, service.warm_up())
    # The loop made the pipe non-blocking; replies are written whole (the controller reads
    # them while it waits), so a reply larger than the socket buffer must block, not fail.
    os.set_blocking(conn.fileno(), True)
    loop.run_forever()
    return queries.exit_code


def _in_idle_time(loop: asyncio.AbstractEventLoop, steps: Iterator[None],
                  until: asyncio.Future[None] | None = None,
                  finished: Callable[[], None] | None = None) -> None:
    """Run `steps` one per loop pass: requests and queries are served between two steps.
    Once `until` is done, the steps still to come are dropped (the generator is closed);
    `finished` is called when the steps run out."""
    def step() -> None:
        if until is not None and until.done():
            if isinstance(steps, Generator):
                steps.close()
        elif next(steps, _DONE) is not _DONE:
            loop.call_soon(step)
        elif finished is not None:
            finished()
    loop.call_soon(step)


_DONE = object()


class QueryHandler:
    """Answers the controller's frames on the same loop that serves HTTP."""

    def __init__(self, conn: Any, service: MockService, loop: asyncio.AbstractEventLoop,
                 listener: Listener) -> None:
        self.conn = conn
        self.service = service
        self.loop = loop
        self.listener = listener
        self.exit_code = 0

    def on_readable(self) -> None:
        try:
            data = self.conn.recv_bytes()
        except (EOFError, OSError):
            self.loop.stop()  # the controller is gone: so are we
            return
        try:
            frame = protocol.decode_request(data)
        except protocol.ProtocolError as exc:
            self.conn.send_bytes(protocol.encode_error(-1, {"kind": protocol.PROTOCOL,
                                                            "message": str(exc)}))
            return
        if frame["attachment"]:
            self.conn.recv_bytes()  # no query takes one; keep the stream in step
        if frame["op"] == "shutdown":
            self.stop(frame["id"], with_record=bool(frame["args"].get("record")))
        if frame["op"] == "mismatches":  # JSON text, built once per entry, passed on unparsed
            self.send(protocol.encode_raw_result(frame["id"],
                                                 self.service.recorder.mismatch_json()))
            return
        try:
            result = self.answer(frame["op"], frame["args"])
        except WorkerError as exc:
            self.conn.send_bytes(protocol.encode_error(frame["id"], exc.to_json()))
            return
        except Exception as exc:  # a query bug must not kill a server that holds a record
            self.conn.send_bytes(protocol.encode_error(frame["id"], {
                "kind": protocol.INTERNAL, "message": f"{type(exc).__name__}: {exc}"}))
            return
        self.conn.send_bytes(protocol.encode_result(frame["id"], result))

    def send(self, wire: bytes) -> None:
        """Write messages already in the pipe's wire form, whole (the pipe blocks here)."""
        view = memoryview(wire)
        fd = self.conn.fileno()
        while view:
            view = view[os.write(fd, view):]

    def stop(self, frame_id: int, *, with_record: bool = False) -> NoReturn:
        """Close the port, then say so, then exit: the controller returns on the answer.

        Nothing runs between the answer and the exit, so no connection is served after the
        controller was told the server is closed. The kernel's teardown of the process
        (milliseconds) then happens while the controller's caller goes on. `with_record`:
        the answer carries the final mismatch record (and, when it holds anything, the log),
        so that a test learns how its server ended in the same round trip that ends it.
        """
        self.listener.close()
        with contextlib.suppress(OSError):
            if with_record:
                recorder = self.service.recorder
                record = recorder.mismatch_json()
                logs = None if record == b"[]" else self.service.log.text()
                self.send(protocol.encode_raw_result(frame_id, record, {"logs": logs}))
            else:
                self.conn.send_bytes(protocol.encode_result(frame_id, {"closed": True}))
        os._exit(0)

    def answer(self, op: str, args: dict[str, Any]) -> Any:
        recorder = self.service.recorder
        if op == "matched":
            return recorder.matched()
        if op == "mismatches":
            return recorder.mismatches()
        if op == "logs":
            return self.service.log.text()
        if op == "status":
            return recorder.status()
        raise WorkerError(f"operation {op!r} is not valid once the server is running")
