"""The chaos campaign's model of what should run, and the invariants checked after each fault.

The campaign keeps, for every mock server it runs, a `Ledger` of the answers its clients
received, counted answer by answer on the client side. After every fault the `World` checks:

- each running server's record holds exactly what its clients were answered (the worker's
  `status` counters and the mismatch list, type by type): no recorded request is lost;
- every process the campaign saw stop is gone, and every port it saw close refuses;
- the controller owns exactly the servers meant to run, and the forkserver has no child the
  controller does not know of (running servers plus the warm pool, nothing else);
- the campaign process has the same direct children as at the start (no harness left);
- the long-lived bystander server still answers and is still matched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import chaos_http as http
import chaos_procs as procs
import orjson
from chaos_http import Answer, Reading
from chaos_procs import ProcId

import pactpool
from pactpool.api import get_controller  # imported by name: pactpool loads its modules lazily
from pactpool_worker.protocol import Op

TAG_VARIABLE = "PACTPOOL_CHAOS_TAG"

# Each interaction answers with its own status, so an answer alone says which one matched.
CHAOS_PACT: dict[str, Any] = {
    "consumer": {"name": "chaos-client"},
    "provider": {"name": "chaos-service"},
    "interactions": [
        {"description": "ping", "request": {"method": "GET", "path": "/ping"},
         "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                      "body": {"pong": True}}},
        {"description": "upload", "request": {"method": "POST", "path": "/upload"},
         "response": {"status": 201}},
        {"description": "item",
         "request": {"method": "GET", "path": "/items/1", "query": "full=1"},
         "response": {"status": 203}},
    ],
    "metadata": {"pactSpecification": {"version": "2.0.0"}},
}
PING_PACT: dict[str, Any] = {**CHAOS_PACT, "interactions": CHAOS_PACT["interactions"][:1]}
INTERACTION_BY_STATUS = {200: "ping", 201: "upload", 203: "item"}
LISTENER_ERRORS = frozenset({400, 408, 413, 431})

# What a request of each kind is, and what it must be answered.
REQUESTS: dict[str, tuple[str, str, int, str]] = {
    #  kind:       (method, path,              status, X-Pact)
    "ping": ("GET", "/ping", 200, ""),
    "upload": ("POST", "/upload", 201, ""),
    "item": ("GET", "/items/1?full=1", 203, ""),
    "unexpected": ("GET", "/nope/{n}", 500, "Unexpected-Request"),
    "mismatch": ("GET", "/items/1?full={n}2", 500, "Request-Mismatch"),
}


def valid_request(kind: str, n: int = 0, *, close: bool = False) -> bytes:
    method, path, _, _ = REQUESTS[kind]
    body = b"x" * (n % 50) if method == "POST" else b""
    return http.request(method, path.format(n=n), body=body, close=close)


def expected_answer(kind: str) -> tuple[int, str]:
    _, _, status, pact_header = REQUESTS[kind]
    return status, pact_header


@dataclass
class Ledger:
    """What a server's record must hold, from the answers its clients received."""

    interactions: int
    requests: int = 0
    matches: int = 0
    unexpected: int = 0
    mismatched: int = 0
    errors: int = 0
    covered: set[str] = field(default_factory=set)

    @property
    def problems(self) -> int:
        return self.unexpected + self.mismatched + self.errors

    def note(self, answer: Answer) -> None:
        self.requests += 1
        pact_header = answer.pact_header
        if answer.status in LISTENER_ERRORS or pact_header == "Matcher-Error":
            self.errors += 1
        elif pact_header == "Unexpected-Request":
            self.unexpected += 1
        elif pact_header == "Request-Mismatch":
            self.mismatched += 1
            self.covered.add("item")  # a mismatched attempt covers its interaction
        elif answer.status == 500:
            self.errors += 1  # the listener's own 500 (a parser callback failed)
        else:
            self.matches += 1
            self.covered.add(INTERACTION_BY_STATUS.get(answer.status, f"?{answer.status}"))

    def expected_status(self) -> dict[str, Any]:
        uncovered = self.interactions - len(self.covered)
        return {"requests": self.requests, "matches": self.matches, "problems": self.problems,
                "uncovered": uncovered, "matched": self.problems == 0 and uncovered == 0}

    def adopt(self, status: dict[str, Any], types: dict[str, int]) -> None:
        """Take the server's own counts after a reported discrepancy, so that one lost (or
        phantom) request is reported once, by the fault that caused it, not by every later one."""
        self.requests = int(status.get("requests", self.requests))
        self.matches = int(status.get("matches", self.matches))
        self.errors = types.get("request-error", 0)
        self.unexpected = types.get("request-not-found", 0)
        self.mismatched = types.get("request-mismatch", 0)

    def expected_types(self) -> dict[str, int]:
        counts = {"request-error": self.errors, "request-not-found": self.unexpected,
                  "request-mismatch": self.mismatched,
                  "missing-request": self.interactions - len(self.covered)}
        return {kind: n for kind, n in counts.items() if n}


@dataclass
class Server:
    """A mock server of the campaign's own process, with the ledger of its answers."""

    name: str
    port: int
    proc: ProcId
    ledger: Ledger

    @property
    def pid(self) -> int:
        return self.proc.pid


@dataclass
class Outcome:
    """One fault's result: what was injected, what broke, what was measured."""

    index: int
    kind: str
    variant: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    measures: list[tuple[str, float, float | None]] = field(default_factory=list)
    findings: list[tuple[str, str]] = field(default_factory=list)
    duration: float = 0.0

    def finding(self, key: str, detail: str) -> None:
        """Something survived but worth a look (reported apart, not counted as a failure)."""
        self.findings.append((key, detail))

    def measure(self, name: str, value: float, limit: float | None = None) -> None:
        """Record a timing (seconds) for the report; `limit` is what it must stay under."""
        self.measures.append((name, value, limit))

    def expect(self, condition: bool, message: str) -> bool:
        if not condition:
            self.problems.append(message)
        return condition

    @property
    def failed(self) -> bool:
        return bool(self.problems)


def controller_call(port: int, op: Op, timeout: float = 5.0) -> Any:
    """One controller query with its own deadline (`status`, `matched`, ...)."""
    return get_controller().call(port, op, timeout=timeout)


class World:
    """What the campaign process runs, and the invariants that must hold after every fault."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.ctl = get_controller()
        self.running: dict[int, Server] = {}
        self.pending_gone: dict[ProcId, str] = {}
        self.pending_closed: dict[int, str] = {}
        self.known_pids: set[int] = set()
        self.bystander: Server | None = None
        self.target: Server | None = None
        self.forkserver: ProcId | None = None
        self.baseline: dict[str, Any] = {}
        self.children_at_start: set[int] = set()

    # -- setup and teardown ------------------------------------------------------------

    def warm_up(self) -> None:
        """Start the forkserver and fill the warm pool: what stays for the whole campaign."""
        warm = pactpool.create_mock_server(PING_PACT)
        worker = procs.stat(self.ctl.worker(warm).pid)
        assert worker is not None
        self.forkserver = procs.identify(worker.ppid)
        pactpool.cleanup_mock_server(warm)
        self.wait_for_pool()

    def start(self) -> None:
        """Take the baseline, then start the long-lived servers."""
        self.baseline = self.resources()
        self.children_at_start = procs.children(os.getpid())
        self.bystander = self.create("bystander", PING_PACT)
        setup = Outcome(-1, "setup", "setup")
        self.traffic(self.bystander, ["ping"], setup)
        self.target = self.create("target")
        if setup.problems:
            raise RuntimeError(f"the campaign's own servers do not work: {setup.problems}")

    def finish(self) -> list[str]:
        """Stop the long-lived servers; the campaign's resources must be back at the baseline."""
        problems: list[str] = []
        for server in (self.bystander, self.target):
            if server is not None and server.port in self.running:
                problems += [f"{server.name}: {p}" for p in self.check_server(server)]
                if not self.cleanup(server):
                    problems.append(f"cleanup of the {server.name} server returned False")
        problems += self.check_pending()
        self.settle_pool()
        now = self.resources()
        for key, before in self.baseline.items():
            if now[key] != before:
                problems.append(f"{key}: {before} at the start, {now[key]} at the end")
        return problems

    def resources(self) -> dict[str, Any]:
        self.ctl.drain_reaper()
        return {"open descriptors": procs.open_fds(), "threads": threading.active_count(),
                "worker processes": len(self.ctl.worker_pids())}

    def settle_pool(self) -> None:
        """Take every idle worker once (pool_size creates, then cleanups): the pool drops an
        idle worker that died only when a create reaches it, so a pool that lost one to a
        kill-worker fault is one short until it is used."""
        ports = []
        try:
            for _ in range(self.pool_size):
                ports.append(pactpool.create_mock_server(PING_PACT))
        finally:
            for port in ports:
                pactpool.cleanup_mock_server(port)
        self.wait_for_pool()

    @property
    def pool_size(self) -> int:
        return int(getattr(self.ctl, "pool_size", 0))

    def wait_for_pool(self, timeout: float = 15.0) -> bool:
        wait = getattr(self.ctl, "wait_for_pool", None)
        return bool(wait(timeout=timeout)) if wait is not None else True

    # -- servers -----------------------------------------------------------------------

    def create(self, name: str, pact: dict[str, Any] = CHAOS_PACT) -> Server:
        port = pactpool.create_mock_server(pact)
        pid = self.ctl.worker(port).pid
        proc = procs.identify(pid) or ProcId(pid, -1)
        server = Server(name, port, proc, Ledger(len(pact["interactions"])))
        self.running[port] = server
        self.known_pids.add(pid)
        return server

    def cleanup(self, server: Server) -> bool:
        """`cleanup_mock_server`; from now on its process must be gone and its port refuse."""
        self.running.pop(server.port, None)
        self.pending_gone[server.proc] = f"{server.name} worker (port {server.port})"
        self.pending_closed[server.port] = f"{server.name} server"
        return bool(pactpool.cleanup_mock_server(server.port))

    def abandon(self, servers: list[Server]) -> None:
        """After a fault that broke off: stop whatever it left running."""
        for server in servers:
            if server.port in self.running:
                with contextlib.suppress(Exception):
                    self.cleanup(server)

    def traffic(self, server: Server, kinds: list[str], out: Outcome) -> Reading:
        """Send well-formed requests of `kinds` on one keep-alive connection, one at a time;
        check and ledger each answer."""
        deadline = time.monotonic() + 5.0
        reading = Reading()
        with http.connect(server.port) as sock:
            for n, kind in enumerate(kinds):
                sock.sendall(valid_request(kind, n))
                one = http.read_answers(sock, deadline, count=1)
                reading.answers += one.answers
                reading.end = one.end
                if one.end != "count":
                    break
        self.note(server, reading)
        self.expect_answers(out, server, kinds, reading)
        return reading

    def note(self, server: Server, reading: Reading) -> None:
        for answer in reading.answers:
            server.ledger.note(answer)

    @staticmethod
    def expect_answers(out: Outcome, server: Server, kinds: list[str], reading: Reading) -> None:
        got = [(a.status, a.pact_header) for a in reading.answers]
        want = [expected_answer(kind) for kind in kinds]
        out.expect(got == want, f"{server.name} on port {server.port}: requests {kinds} were "
                                f"answered {got} (reading ended: {reading.end}), expected {want}")

    def ping(self, server: Server, out: Outcome) -> bool:
        before = len(out.problems)
        try:
            self.traffic(server, ["ping"], out)
        except OSError as exc:
            out.problems.append(f"{server.name} on port {server.port} does not answer: {exc!r}")
        return len(out.problems) == before

    # -- checks ------------------------------------------------------------------------

    def check_server(self, server: Server) -> list[str]:
        """The worker's record against the ledger: counters, then mismatch entries by type."""
        problems = []
        try:
            status = controller_call(server.port, "status")
            entries = orjson.loads(pactpool.mock_server_mismatches(server.port) or "null")
        except pactpool.PactPoolError as exc:
            return [f"{server.name} on port {server.port}: its record cannot be read: {exc!r}"]
        want = server.ledger.expected_status()
        if not isinstance(status, dict) or {key: status.get(key) for key in want} != want:
            counters = ({key: status.get(key) for key in want} if isinstance(status, dict)
                        else status)
            problems.append(f"{server.name} on port {server.port}: status {counters}, but its "
                            f"clients were answered {want}")
        types: dict[str, int] = {}
        for entry in entries if isinstance(entries, list) else []:
            types[entry.get("type")] = types.get(entry.get("type"), 0) + 1
        if types != server.ledger.expected_types():
            problems.append(f"{server.name} on port {server.port}: mismatch entries by type "
                            f"{types}, expected {server.ledger.expected_types()}")
        if problems and isinstance(status, dict):
            server.ledger.adopt(status, types)
        return problems

    def check(self, out: Outcome) -> None:
        """Every invariant, after every fault; what breaks is a problem of this fault."""
        if self.bystander is not None and self.bystander.port in self.running:
            self.ping(self.bystander, out)
            out.expect(pactpool.mock_server_matched(self.bystander.port),
                       "the bystander server is no longer matched")
        for server in list(self.running.values()):
            out.problems += self.check_server(server)
        owned = set(self.ctl.ports())
        out.expect(owned == set(self.running), f"the controller owns ports {sorted(owned)}, "
                                               f"expected {sorted(self.running)}")
        out.problems += self.check_pending()
        out.problems += self.check_processes(out)

    def check_pending(self) -> list[str]:
        problems = []
        if self.pending_gone:
            procs.wait_for(lambda: not any(procs.alive(p) for p in self.pending_gone), 1.0)
            for proc, what in list(self.pending_gone.items()):
                if procs.alive(proc):
                    problems.append(f"orphan: {what}, pid {proc.pid}, still runs after it "
                                    "should have stopped (killed now)")
                    with contextlib.suppress(OSError):
                        os.kill(proc.pid, signal.SIGKILL)
                else:
                    del self.pending_gone[proc]
        owned = set(self.ctl.ports())
        for port, what in list(self.pending_closed.items()):
            del self.pending_closed[port]
            if port in owned:
                continue  # the kernel gave the port to a newer server of ours
            problem = self.port_closes(port, what)
            if problem:
                problems.append(problem)
        return problems

    def port_closes(self, port: int, what: str, timeout: float = 1.0) -> str | None:
        """None when `port` refuses within `timeout`; a problem (or nothing, if reused) if not."""
        if procs.wait_for(lambda: http.refuses(port), timeout) is not None:
            return None
        owners = procs.listener_pids(port)
        ours = owners & (self.known_pids | procs.tagged(TAG_VARIABLE, self.tag))
        if ours or not owners:
            return (f"port {port} ({what}) still accepts connections "
                    f"{timeout:g}s after it should have closed (held by pids {sorted(owners)})")
        return None  # another program on this machine took the freed port: not ours

    def check_processes(self, out: Outcome | None = None) -> list[str]:
        problems = []
        if self.forkserver is not None and not procs.alive(self.forkserver):
            problems.append(f"the forkserver (pid {self.forkserver.pid}) is gone")
            return problems
        if not self.wait_for_pool():
            problems.append("the warm pool did not refill within 15 s")
        self.ctl.drain_reaper()  # stopped workers are reaped in the background
        active = self.ctl.worker_pids()
        running = {s.pid for s in self.running.values()}
        if not running <= active:
            problems.append(f"running servers {sorted(running - active)} are not children the "
                            "controller tracks")
        if len(active) > len(running) + self.pool_size:
            problems.append(f"{len(active)} worker processes, expected {len(running)} servers "
                            f"+ {self.pool_size} idle in the pool")
        elif len(active) < len(running) + self.pool_size and out is not None:
            out.finding("the warm pool reports full while it holds dead idle workers",
                        f"wait_for_pool() returned True with {len(active) - len(running)} live "
                        f"idle workers of {self.pool_size}; a dead one is dropped only when a "
                        "create reaches it")
        if self.forkserver is not None:
            forked = procs.children(self.forkserver.pid)
            if forked != active:
                problems.append(f"the forkserver's children {sorted(forked)} are not the "
                                f"controller's workers {sorted(active)}: orphans "
                                f"{sorted(forked - active)}")
        mine = procs.children(os.getpid())
        if mine != self.children_at_start:
            problems.append(f"the campaign process has children {sorted(mine)}, it started "
                            f"with {sorted(self.children_at_start)}")
        self.known_pids |= active
        return problems

    # -- settings ----------------------------------------------------------------------

    @contextlib.contextmanager
    def limits(self, **values: Any) -> Iterator[None]:
        """`pactpool.configure(...)` for the servers created inside; the settings are restored
        exactly afterwards (configure cannot unset a value, so the saved dict is put back)."""
        saved = dict(self.ctl.limits)
        pactpool.configure(**values)
        try:
            yield
        finally:
            self.ctl.limits.clear()
            self.ctl.limits.update(saved)

