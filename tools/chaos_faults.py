"""The fault kinds of the chaos campaign.

Each kind has two halves: `plan(rng)` draws everything random up front (so a seed fixes the
whole fault, whatever happens at run time) and `run(world, plan, out)` injects it and checks
what must hold right after. The invariants every fault shares (records, orphans, ports) are
checked by `World.check` afterwards.
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chaos_hostile as hostile
import chaos_http as http
import chaos_procs as procs
import orjson
from chaos_http import Reading
from chaos_world import (
    PING_PACT,
    TAG_VARIABLE,
    Ledger,
    Outcome,
    Server,
    World,
    controller_call,
    valid_request,
)

import pactpool

TOOLS = Path(__file__).resolve().parent


@dataclass
class Plan:
    """One fault, fully drawn: its kind, a variant name, extra facets, and the parameters."""

    index: int
    kind: str
    variant: str
    worst_case: float  # seconds the fault may take when everything works
    params: dict[str, Any]
    facets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    name: str
    weight: float
    plan: Callable[[random.Random, int], Plan]
    run: Callable[[World, Plan, Outcome], None]


def _pick(rng: random.Random, weighted: dict[str, float]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _signal(name: str) -> int:
    return int(getattr(signal, name))


# ==== kill parent =======================================================================

HARNESS = r"""
import http.client, sys, threading
import orjson, pactpool

pact, count, traffic = orjson.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
servers = [pactpool.MockServer(pact) for _ in range(count)]

def hit(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/ping")
        conn.getresponse().read()
    finally:
        conn.close()

if traffic != "none":
    for server in servers:
        hit(server.port)
if traffic == "busy":
    def keep_busy():
        while True:
            for server in servers:
                try:
                    hit(server.port)
                except OSError:
                    pass
    threading.Thread(target=keep_busy, daemon=True).start()
print(orjson.dumps({"ports": [s.port for s in servers], "pids": [s.pid for s in servers]}).decode(),
      flush=True)
sys.stdin.readline()  # until killed
"""

WORKERS_GONE = "kill-parent: workers gone + ports refused after the signal"
TREE_GONE = "kill-parent: the harness's whole process tree gone"


def plan_kill_parent(rng: random.Random, index: int) -> Plan:
    signame = _pick(rng, {"SIGKILL": 7, "SIGTERM": 1.5, "SIGINT": 1.5})
    count = rng.randint(1, 3)
    traffic = _pick(rng, {"none": 4, "some": 3, "busy": 3})
    return Plan(index, "kill-parent", signame, 15.0,
                {"signal": signame, "servers": count, "traffic": traffic,
                 "delay": rng.uniform(0.0, 0.03)},
                {"servers": str(count), "traffic": traffic})


def run_kill_parent(world: World, plan: Plan, out: Outcome) -> None:
    params = plan.params
    signum = _signal(params["signal"])
    tag = f"{world.tag}-{plan.index}"
    harness = subprocess.Popen(
        [sys.executable, "-c", HARNESS, orjson.dumps(PING_PACT).decode(),
         str(params["servers"]), params["traffic"]],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=TOOLS, env={**os.environ, TAG_VARIABLE: tag})
    try:
        line = _read_line(harness, timeout=30.0)
        if not line:
            harness.kill()
            _, err = harness.communicate(timeout=10)
            out.problems.append("the harness did not start: " + _tail(err))
            return
        info = orjson.loads(line)
        ports: list[int] = info["ports"]
        workers = [p for p in (procs.identify(pid) for pid in info["pids"]) if p is not None]
        out.expect(len(workers) == len(info["pids"]), f"harness workers {info['pids']} are not "
                                                      "all running before the kill")
        out.expect(not any(http.refuses(port) for port in ports),
                   f"harness ports {ports} do not all accept before the kill")
        tree = [p for p in (procs.identify(pid) for pid in procs.descendants(harness.pid)) if p]
        time.sleep(params["delay"])  # chaos: when the signal lands relative to the traffic

        start = time.monotonic()
        harness.send_signal(signum)

        def workers_down() -> bool:
            return (not any(procs.alive(w) for w in workers)
                    and all(http.refuses(port) for port in ports))

        took = procs.wait_for(workers_down, 1.0, interval=0.001)
        if took is not None:
            out.measure(WORKERS_GONE, took, 1.0)
        else:
            late = procs.wait_for(workers_down, 4.0)
            alive = [w.pid for w in workers if procs.alive(w)]
            ours = {p.pid for p in tree} | procs.tagged(TAG_VARIABLE, tag)
            listening = [port for port in ports if not http.refuses(port)]
            foreign = [port for port in listening
                       if (owners := procs.listener_pids(port)) and not owners & ours]
            if not alive and listening and listening == foreign:
                out.notes.append("a freed harness port was taken by another program")
            else:
                out.problems.append(
                    f"{params['signal']} to the harness: its workers were not all gone with "
                    "their ports closed within 1 s ("
                    + (f"that took {1.0 + late:.3f} s" if late is not None else
                       f"after 5 s still alive: {alive}, still listening: {listening}") + ")")

        def tree_down() -> bool:
            return (not any(procs.alive(p) for p in tree)
                    and not procs.tagged(TAG_VARIABLE, tag))

        took_tree = procs.wait_for(tree_down, 5.0, interval=0.005)
        if took_tree is None:
            survivors = sorted({p.pid for p in tree if procs.alive(p)}
                               | procs.tagged(TAG_VARIABLE, tag))
            out.problems.append(f"orphans: 5 s after {params['signal']} to the harness these of "
                                f"its processes still run: {_describe(survivors)}")
            for pid in survivors:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        else:
            out.measure(TREE_GONE, (time.monotonic() - start), 5.0)
        try:
            code = harness.wait(timeout=10)
        except subprocess.TimeoutExpired:
            out.problems.append(f"the harness did not exit within 10 s of {params['signal']}")
        else:
            out.expect(code == -signum, f"the harness exited with {code} after "
                                        f"{params['signal']}, expected {-signum} (the signal "
                                        "must not be swallowed)")
    finally:
        if harness.poll() is None:
            harness.kill()
        with contextlib.suppress(subprocess.TimeoutExpired, ValueError, OSError):
            harness.communicate(timeout=10)
        for pid in procs.tagged(TAG_VARIABLE, tag):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> bytes:
    """The first line of a child's stdout, or b"" if none came within `timeout`."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    return process.stdout.readline() if ready else b""


def _tail(data: bytes | None, lines: int = 6) -> str:
    text = (data or b"").decode(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:]) or "(no output)"


def _describe(pids: list[int]) -> str:
    parts = []
    for pid in pids:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:80]
        except OSError:
            cmd = "?"
        parts.append(f"{pid} ({cmd})")
    return ", ".join(parts)


# ==== kill worker =======================================================================

WORKER_GONE = "kill-worker: worker gone after the signal"
CREATE_AFTER_IDLE_KILL = "kill-worker: create after idle pool workers were killed"


def plan_kill_worker(rng: random.Random, index: int) -> Plan:
    variant = _pick(rng, {"SIGKILL": 5, "SIGSEGV": 2, "SIGTERM": 2, "idle-pool": 1.5})
    traffic = [rng.choice(["ping", "upload", "item", "unexpected", "mismatch"])
               for _ in range(rng.randint(0, 5))]
    in_flight = rng.random() < 0.3
    which = _pick(rng, {"all": 1, "one": 1})
    facets = ({"idle killed": which} if variant == "idle-pool" else
              {"in-flight request": "yes" if in_flight else "no"})
    return Plan(index, "kill-worker", variant, 8.0,
                {"traffic": traffic, "in_flight": in_flight, "which": which,
                 "pick": rng.random()}, facets)


def _victim_with_traffic(world: World, traffic: list[str], out: Outcome) -> Server:
    """A fresh server that has served `traffic`, its record checked before the fault."""
    victim = world.create("victim")
    if traffic:
        world.traffic(victim, traffic, out)
        out.problems += world.check_server(victim)
    return victim


def run_kill_worker(world: World, plan: Plan, out: Outcome) -> None:
    if plan.variant == "idle-pool":
        _kill_idle_workers(world, plan, out)
        return
    signum = _signal(plan.variant)
    params = plan.params
    victim = _victim_with_traffic(world, params["traffic"], out)
    half: socket.socket | None = None
    try:
        if params["in_flight"]:
            half = http.connect(victim.port)
            half.sendall(b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        start = time.monotonic()
        os.kill(victim.pid, signum)
        took = procs.wait_for(lambda: not procs.alive(victim.proc), 5.0)
        if not out.expect(took is not None, f"worker {victim.pid} still runs 5 s after "
                                            f"{plan.variant}"):
            return
        assert took is not None
        out.measure(WORKER_GONE, time.monotonic() - start)
        if half is not None:
            reading = http.read_answers(half, time.monotonic() + 2.0)
            out.expect(not reading.answers and reading.end in ("eof", "reset"),
                       f"a connection to the killed worker got {reading.statuses} and ended "
                       f"with {reading.end}, expected no answer and a closed connection")
    finally:
        if half is not None:
            half.close()

    out.expect(pactpool.mock_server_matched(victim.port) is False,
               "mock_server_matched is not False for a killed worker")
    text = pactpool.mock_server_mismatches(victim.port)
    entries = orjson.loads(text) if text else None
    failed = [e for e in entries or [] if e.get("type") == "mock-server-failed"]
    out.expect(isinstance(entries, list) and len(entries) == 1 and len(failed) == 1
               and failed[0].get("exitStatus") == -signum,
               f"mock_server_mismatches after {plan.variant} is {text}, expected one "
               f"mock-server-failed entry with exitStatus {-signum}")
    try:
        controller_call(victim.port, "status")
        out.problems.append("a query to a killed worker did not raise WorkerDiedError")
    except pactpool.WorkerDiedError as exc:
        out.expect(exc.exit_status == -signum, f"WorkerDiedError.exit_status is "
                                               f"{exc.exit_status}, expected {-signum}")
    out.expect(world.cleanup(victim) is True, "cleanup_mock_server of a killed worker did not "
                                              "return True")
    out.expect(http.refuses(victim.port), f"port {victim.port} accepts connections after "
                                          "cleanup_mock_server returned")
    out.expect(pactpool.cleanup_mock_server(victim.port) is False,
               "a second cleanup_mock_server did not return False")


def _kill_idle_workers(world: World, plan: Plan, out: Outcome) -> None:
    """Kill idle workers of the warm pool: the next create must still work."""
    world.wait_for_pool()
    assert world.forkserver is not None
    running = {s.pid for s in world.running.values()}
    idle = sorted(procs.children(world.forkserver.pid) - running)
    if not idle:
        out.notes.append("no idle worker to kill (pool_size 0?)")
    victims = idle if plan.params["which"] == "all" else idle[
        int(plan.params["pick"] * len(idle)):][:1]
    idents = [p for p in (procs.identify(pid) for pid in victims) if p is not None]
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    out.expect(procs.wait_for(lambda: not any(procs.alive(p) for p in idents), 5.0) is not None,
               f"idle workers {victims} still run 5 s after SIGKILL")
    start = time.monotonic()
    try:
        server = world.create("after-idle-kill")
    except pactpool.PactPoolError as exc:
        out.problems.append(f"create after killing idle pool workers {victims} raised {exc!r}")
        return
    out.measure(CREATE_AFTER_IDLE_KILL, time.monotonic() - start)
    world.traffic(server, ["ping"], out)
    out.problems += world.check_server(server)
    out.expect(world.cleanup(server) is True, "cleanup_mock_server did not return True")


# ==== stop worker =======================================================================

TIMEOUT_OVERSHOOT = "stop-worker: WorkerTimeoutError, seconds past the call's deadline"
CLEANUP_STOPPED = "stop-worker: cleanup_mock_server of a stopped worker"
CLEANUP_RESUMED = "stop-worker: cleanup_mock_server of a resumed worker"


def plan_stop_worker(rng: random.Random, index: int) -> Plan:
    variant = _pick(rng, {"stay-stopped": 1, "resume": 1})
    pending = rng.random() < 0.5
    calls = 2 if rng.random() < 0.3 else 1
    timeout = rng.choice([0.3, 0.3, 0.3, 0.2, 0.5])
    traffic = [rng.choice(["ping", "upload", "item", "unexpected", "mismatch"])
               for _ in range(rng.randint(0, 4))]
    return Plan(index, "stop-worker", variant, 8.0,
                {"pending": pending, "calls": calls, "timeout": timeout, "traffic": traffic},
                {"request pending while stopped": "yes" if pending else "no",
                 "timed-out calls": str(calls)})


def run_stop_worker(world: World, plan: Plan, out: Outcome) -> None:
    params = plan.params
    victim = _victim_with_traffic(world, params["traffic"], out)
    pending: socket.socket | None = None
    stopped = False
    try:
        os.kill(victim.pid, signal.SIGSTOP)
        stopped = True
        out.expect(procs.wait_for(lambda: procs.state_of(victim.pid) in ("T", "t"), 1.0)
                   is not None, f"worker {victim.pid} did not stop on SIGSTOP")
        if params["pending"]:
            pending = http.connect(victim.port)
            pending.sendall(valid_request("ping"))
        timeout = params["timeout"]
        for _ in range(params["calls"]):
            start = time.monotonic()
            try:
                controller_call(victim.port, "matched", timeout=timeout)
                out.problems.append("a stopped worker answered a controller call")
            except pactpool.WorkerTimeoutError:
                elapsed = time.monotonic() - start
                out.measure(TIMEOUT_OVERSHOOT, elapsed - timeout, 0.5)
                out.expect(timeout * 0.95 <= elapsed <= timeout + 0.5,
                           f"WorkerTimeoutError after {elapsed:.3f} s for a {timeout} s "
                           "deadline")
            except pactpool.PactPoolError as exc:
                out.problems.append(f"a call to a stopped worker raised {exc!r}, expected "
                                    "WorkerTimeoutError")
        if world.bystander is not None:  # the others serve while this one is stopped
            world.ping(world.bystander, out)
        if plan.variant == "resume":
            os.kill(victim.pid, signal.SIGCONT)
            stopped = False
            out.expect(procs.wait_for(lambda: procs.state_of(victim.pid) not in ("T", "t"), 1.0)
                       is not None, f"worker {victim.pid} did not resume on SIGCONT")
            if pending is not None:
                reading = http.read_answers(pending, time.monotonic() + 3.0, count=1)
                world.note(victim, reading)
                world.expect_answers(out, victim, ["ping"], reading)
            try:  # the late answers to the timed-out calls must be dropped, not taken for this
                status = controller_call(victim.port, "status", timeout=3.0)
                out.expect(isinstance(status, dict), f"after SIGCONT 'status' returned "
                                                     f"{status!r}: a late answer was taken")
            except pactpool.PactPoolError as exc:
                out.problems.append(f"after SIGCONT the worker does not answer: {exc!r}")
            out.problems += world.check_server(victim)
            start = time.monotonic()
            out.expect(world.cleanup(victim) is True, "cleanup_mock_server did not return True")
            out.measure(CLEANUP_RESUMED, time.monotonic() - start)
        else:
            start = time.monotonic()
            out.expect(world.cleanup(victim) is True,
                       "cleanup_mock_server of a stopped worker did not return True")
            took = time.monotonic() - start
            out.measure(CLEANUP_STOPPED, took, 3.0)
            out.expect(took < 3.0, f"cleanup of a stopped worker took {took:.2f} s")
            stopped = False
            # killed before the call returns; the kernel's teardown and the reap follow
            out.expect(procs.wait_for(lambda: not procs.alive(victim.proc), 1.0) is not None,
                       "a stopped worker is still there 1 s after cleanup_mock_server returned")
            if pending is not None:
                reading = http.read_answers(pending, time.monotonic() + 2.0)
                out.expect(not reading.answers and reading.end in ("eof", "reset"),
                           f"the request sent to the stopped worker got {reading.statuses} and "
                           f"ended with {reading.end}, expected no answer and a closed "
                           "connection")
        out.expect(http.refuses(victim.port), f"port {victim.port} accepts connections after "
                                              "cleanup_mock_server returned")
    finally:
        if stopped:
            with contextlib.suppress(OSError):
                os.kill(victim.pid, signal.SIGCONT)
        if pending is not None:
            pending.close()


# ==== malformed HTTP ====================================================================

IDLE_CLOSE = "malformed-http: idle connection closed, seconds past idle_timeout"
SLOW_BODY = "malformed-http: stalled body answered 408, seconds past idle_timeout"
SLOWLORIS = "malformed-http: slowloris head answered 408, s after its first byte"
HEAD_TIMEOUT = 10.0  # the listener's head_timeout (not settable through configure)

BAD_LINES = [b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/1.1 extra\r\n\r\n",
             b"GET /ping HTTP/7.3\r\n\r\n", b"GET /ping HTTP/1.1\r\nHost x\r\n\r\n",
             b"/ping GET HTTP/1.1\r\n\r\n", b"G@T /ping HTTP/1.1\r\n\r\n"]
BAD_HEADERS = {
    "value-ff": b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Bad: a\xffb\r\n\r\n",
    "name-ff": b"GET /ping HTTP/1.1\r\nHost: x\r\nX-B\xffd: a\r\n\r\n",
    "no-colon": b"GET /ping HTTP/1.1\r\nHost: x\r\nX-NoColon\r\n\r\n",
    "nul-in-value": b"GET /ping HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
    "space-before-colon": b"GET /ping HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n",
    "ff-in-path": b"GET /p\xffng HTTP/1.1\r\nHost: x\r\n\r\n",
    "bare-cr": b"GET /ping HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
    "two-lengths": b"POST /upload HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
}
HTTP_VARIANTS = {"bad-request-line": 3.0, "bad-header-bytes": 3.0, "truncated-body": 2.0,
                 "huge-body": 3.0, "too-many-headers": 2.0, "pipelined": 4.0,
                 "slowloris-idle": 1.0, "slow-body": 1.0, "slowloris-head": 0.25}


def plan_malformed_http(rng: random.Random, index: int) -> Plan:
    variant = _pick(rng, HTTP_VARIANTS)
    params: dict[str, Any] = {"shared": rng.random() < 0.5}
    facets: dict[str, str] = {}
    worst = 8.0
    if variant == "bad-request-line":
        if rng.random() < 0.5:
            params["payload"] = rng.choice(BAD_LINES)
        else:  # random junk that no parser can take for a method
            junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
            params["payload"] = bytes([rng.randrange(0, 9)]) + junk + b"\r\n\r\n"
    elif variant == "bad-header-bytes":
        name = rng.choice(sorted(BAD_HEADERS))
        params["payload"], facets["how"] = BAD_HEADERS[name], name
    elif variant == "truncated-body":
        how = _pick(rng, {"content-length": 2, "chunked": 1})
        sent = rng.randint(0, 2000)
        params.update(how=how, sent=sent, missing=rng.randint(1, 5000))
        facets["how"] = how
    elif variant == "huge-body":
        how = _pick(rng, {"content-length": 3, "chunked": 2, "absurd-length": 1, "at-limit": 2})
        limit = rng.randint(1, 64 * 1024)
        params.update(how=how, limit=limit, extra=rng.randint(1, 4 * limit),
                      absurd=rng.choice([10**12, 10**18, 10**30]), shared=False)
        facets["how"] = how
    elif variant == "too-many-headers":
        how = _pick(rng, {"over-limit": 3, "at-limit": 1, "head-too-large": 1})
        limit = rng.choice([100, rng.randint(3, 60)])
        params.update(how=how, limit=limit, over=rng.randint(1, 30),
                      big=rng.randint(64 * 1024 + 1, 200 * 1024), shared=limit == 100)
        facets["how"] = how
    elif variant == "pipelined":
        how = _pick(rng, {"plain": 3, "fragmented": 2, "garbage-tail": 2, "close-mid": 1})
        kinds = [rng.choice(["ping", "upload", "item", "unexpected", "mismatch"])
                 for _ in range(rng.randint(2, 20))]
        params.update(how=how, kinds=kinds, close_at=rng.randrange(len(kinds) - 1),
                      seed=rng.getrandbits(32))
        facets["how"] = how
    elif variant in ("slowloris-idle", "slow-body"):
        params.update(idle=round(rng.uniform(0.2, 1.0), 2), shared=False,
                      after_request=rng.random() < 0.5)
        if variant == "slowloris-idle":
            facets["how"] = "after a request" if params["after_request"] else "silent"
    elif variant == "slowloris-head":
        params.update(interval=rng.uniform(0.3, 1.0), shared=False)
        worst = HEAD_TIMEOUT + 20.0
    return Plan(index, "malformed-http", variant, worst, params, facets)


def run_malformed_http(world: World, plan: Plan, out: Outcome) -> None:
    params = plan.params
    shared = bool(params.get("shared")) and world.target is not None
    if shared:
        assert world.target is not None
        server = world.target
    else:
        settings: dict[str, Any] = {}
        if plan.variant == "huge-body":
            settings["max_body_bytes"] = params["limit"]
        elif plan.variant == "too-many-headers":
            settings["max_header_count"] = params["limit"]
        elif plan.variant in ("slowloris-idle", "slow-body"):
            settings["idle_timeout"] = params["idle"]
        with world.limits(**settings):
            server = world.create(f"{plan.variant} server")
    HTTP_RUNNERS[plan.variant](world, server, params, out)
    world.traffic(server, ["ping"], out)  # it still serves, on a new connection
    if not shared:
        out.problems += world.check_server(server)
        out.expect(world.cleanup(server) is True, "cleanup_mock_server did not return True")


def _one_error(world: World, server: Server, out: Outcome, payload: bytes, *,
               statuses: set[int], what: str, allow_none: bool = False) -> Reading:
    """Send `payload`; the answer must be one of `statuses` (or none), then the close."""
    reading = http.exchange(server.port, payload)
    world.note(server, reading)
    ok = len(reading.answers) == 1 and reading.answers[0].status in statuses
    ok = ok or (allow_none and not reading.answers)
    out.expect(ok and reading.end in ("eof", "reset"),
               f"{what}: answered {reading.statuses} (then {reading.end}), expected one of "
               f"{sorted(statuses)}{' or none' if allow_none else ''} and the connection closed")
    return reading


def _bad_request_line(world: World, server: Server, params: dict[str, Any], out: Outcome) -> None:
    _one_error(world, server, out, params["payload"], statuses={400},
               what=f"bad request line {params['payload'][:40]!r}")


def _bad_header_bytes(world: World, server: Server, params: dict[str, Any], out: Outcome) -> None:
    _one_error(world, server, out, params["payload"], statuses={400},
               what=f"bad header bytes {params['payload'][:60]!r}")


def _truncated_body(world: World, server: Server, params: dict[str, Any], out: Outcome) -> None:
    body = b"t" * params["sent"]
    if params["how"] == "chunked":
        payload = (b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                   b"\r\n" + f"{params['sent'] + params['missing']:x}\r\n".encode() + body)
    else:
        payload = (b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                   + str(params["sent"] + params["missing"]).encode() + b"\r\n\r\n" + body)
    _one_error(world, server, out, payload, statuses={400},
               what=f"truncated {params['how']} body", allow_none=True)


def _huge_body(world: World, server: Server, params: dict[str, Any], out: Outcome) -> None:
    how, limit = params["how"], params["limit"]
    if how == "at-limit":
        reading = http.exchange(server.port, http.request("POST", "/upload", body=b"a" * limit))
        world.note(server, reading)
        world.expect_answers(out, server, ["upload"], reading)
        return
    if how == "absurd-length":
        payload = (b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                   + str(params["absurd"]).encode() + b"\r\n\r\nabc")
        _one_error(world, server, out, payload, statuses={400, 413},
                   what="an absurd Content-Length")
        return
    body = b"h" * (limit + params["extra"])
    payload = http.request("POST", "/upload", body=body, chunked=how == "chunked")
    _one_error(world, server, out, payload, statuses={413},
               what=f"a {how} body of {len(body)} bytes over a limit of {limit}")


def _too_many_headers(world: World, server: Server, params: dict[str, Any], out: Outcome) -> None:
    how, limit = params["how"], params["limit"]
    if how == "head-too-large":
        payload = http.request("GET", "/ping", headers=[("X-Big", "b" * params["big"])])
        _one_error(world, server, out, payload, statuses={431},
                   what=f"a {params['big']}-byte header")
        return
    total = limit if how == "at-limit" else limit + params["over"]
    extra = [(f"X-Chaos-{i}", str(i)) for i in range(total - 1)]  # plus Host
    payload = http.request("GET", "/ping", headers=extra)
    if how == "at-limit":
        reading = http.exchange(server.port, payload)
        world.note(server, reading)
        world.expect_answers(out, server, ["ping"], reading)
    else:
        _one_error(world, server, out, payload, statuses={431},
                   what=f"{total} headers over a limit of {limit}")


def _pipelined(world: World, server: Server, params: dict[str, Any], out: Outcome) -> None:
    how, kinds = params["how"], list(params["kinds"])
    close_at = params["close_at"] if how == "close-mid" else None
    payloads = [valid_request(kind, n, close=n == close_at) for n, kind in enumerate(kinds)]
    data = b"".join(payloads)
    if how == "garbage-tail":
        data += b"GARBAGE / HTTP/1.1\r\n\r\n"
    answered = kinds if close_at is None else kinds[:close_at + 1]
    with http.connect(server.port, timeout=5.0) as sock:
        if how == "fragmented":
            rng = random.Random(params["seed"])
            at = 0
            while at < len(data):
                step = rng.randint(1, 64)
                sock.sendall(data[at:at + step])
                at += step
        else:
            sock.sendall(data)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        reading = http.read_answers(sock, time.monotonic() + 5.0)
    world.note(server, reading)
    if how == "garbage-tail":
        tail = reading.answers[len(kinds):]
        reading.answers = reading.answers[:len(kinds)]
        out.expect([a.status for a in tail] == [400],
                   f"garbage after {len(kinds)} pipelined requests answered "
                   f"{[a.status for a in tail]}, expected [400]")
    world.expect_answers(out, server, answered, reading)
    out.expect(reading.end in ("eof", "reset"), f"pipelined ({how}): the reading ended with "
                                                f"{reading.end}, expected the close")
    order = [a.body for a in reading.answers if a.pact_header == "Unexpected-Request"]
    wanted = [f"/nope/{n}".encode() for n, kind in enumerate(answered) if kind == "unexpected"]
    out.expect(len(order) == len(wanted)
               and all(w in b for w, b in zip(wanted, order, strict=True)),
               "pipelined answers came back out of order")


def _slowloris_idle(world: World, server: Server, params: dict[str, Any], out: Outcome) -> None:
    idle = params["idle"]
    with http.connect(server.port, timeout=5.0) as sock:
        if params["after_request"]:
            sock.sendall(valid_request("ping"))
            first = http.read_answers(sock, time.monotonic() + 3.0, count=1)
            world.note(server, first)
            world.expect_answers(out, server, ["ping"], first)
        start = time.monotonic()
        reading = http.read_answers(sock, start + idle + 3.0)
        closed = time.monotonic() - start
    world.note(server, reading)
    out.expect(not reading.answers and reading.end in ("eof", "reset"),
               f"an idle connection got {reading.statuses} and ended with {reading.end} "
               f"(idle_timeout {idle} s), expected a silent close")
    out.measure(IDLE_CLOSE, closed - idle, 1.0)
    out.expect(idle * 0.9 <= closed <= idle + 1.0,
               f"an idle connection was closed after {closed:.2f} s (idle_timeout {idle} s)")


def _slow_body(world: World, server: Server, params: dict[str, Any], out: Outcome) -> None:
    idle = params["idle"]
    with http.connect(server.port, timeout=5.0) as sock:
        sock.sendall(b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"
                     b"only some")
        start = time.monotonic()
        reading = http.read_answers(sock, start + idle + 3.0)
        closed = time.monotonic() - start
    world.note(server, reading)
    out.expect(reading.statuses == [408] and reading.end in ("eof", "reset"),
               f"a stalled body got {reading.statuses} and ended with {reading.end}, expected "
               "[408] and the close")
    out.measure(SLOW_BODY, closed - idle, 1.0)
    out.expect(closed <= idle + 1.0, f"a stalled body was answered after {closed:.2f} s "
                                     f"(idle_timeout {idle} s)")


def _slowloris_head(world: World, server: Server, params: dict[str, Any], out: Outcome) -> None:
    """Dribble a head that never ends; meanwhile the server must serve others; then 408."""
    interval = params["interval"]
    head = b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"z" * 4096
    with http.connect(server.port, timeout=5.0) as sock:
        start = time.monotonic()
        deadline = start + HEAD_TIMEOUT + 5.0
        sent = 0
        pings = 0
        while time.monotonic() < deadline:
            try:
                sock.sendall(head[sent:sent + 1])
                sent += 1
            except OSError:
                break
            readable, _, _ = select.select([sock], [], [], interval)
            if readable:
                break
            if sent % 2 == 0 and world.ping(server, out):
                pings += 1
        reading = http.read_answers(sock, time.monotonic() + 3.0)
        closed = time.monotonic() - start
    world.note(server, reading)
    out.expect(reading.statuses == [408] and reading.end in ("eof", "reset"),
               f"a slowloris head got {reading.statuses} and ended with {reading.end} after "
               f"{closed:.1f} s, expected [408] and the close")
    out.measure(SLOWLORIS, closed, HEAD_TIMEOUT + 1.5)
    out.expect(closed <= HEAD_TIMEOUT + 1.5, f"a slowloris head was cut after {closed:.2f} s "
                                             f"(head timeout {HEAD_TIMEOUT} s)")
    out.expect(pings > 0, "no request was served while the slowloris head dribbled")


HTTP_RUNNERS: dict[str, Callable[[World, Server, dict[str, Any], Outcome], None]] = {
    "bad-request-line": _bad_request_line,
    "bad-header-bytes": _bad_header_bytes,
    "truncated-body": _truncated_body,
    "huge-body": _huge_body,
    "too-many-headers": _too_many_headers,
    "pipelined": _pipelined,
    "slowloris-idle": _slowloris_idle,
    "slow-body": _slow_body,
    "slowloris-head": _slowloris_head,
}


# ==== malformed pact ====================================================================

CREATE_REFUSED = "malformed-pact: create_mock_server raised after"
SPECS = ["1.0.0", "1.1.0", "2.0.0", "3.0.0", "4.0"]
# (a variable-width look-behind such as `(?<=a+)b` is no longer among them: the bounded
# engine for look-around compiles it, and serves it within its time bound)
BAD_REGEXES = ["(unclosed", "[z-a]", "*abc", "a{2,1}", "(?P<x>", "\\", "(?<=a", "[[:foo"]
BAD_VERSIONS: list[Any] = ["9.0.0", "0.5", "banana", "", 5, "v7", 10.2, "5.0.0", "-1"]
NOT_OBJECTS: list[Any] = [42, "x", None, [], True, 1.5]
WRONG_TYPES: dict[str, list[Any]] = {
    "consumer": [42, "consumer", [1], True],
    "provider": [42, "provider", [1], True],
    "metadata": ["x", 5, [1], True],
    "interactions": ["abc", 42, {"a": 1}, True],
    "description": [42, [1], {"a": 1}, True],
    "request": ["GET /", 42, [1], True],
    "response": ["ok", 42, [1], True],
    "method": [42, "", "GE T", ["GET"], None],
    "path": [42, ["/x"], {"p": 1}, True],
    "query": [42, [1], {"a": 1}, {"a": [1]}],
    "request.headers": ["x", [1], {"X": {"a": 1}}, {"X": True}, {"X": [1]}],
    "status": ["two hundred", 99, 600, True, 200.5, None, -1],
    "response.headers": ["x", [1]],  # a non-string header value is served as its JSON text
    "providerStates": [[1], 42],  # a string is read as a state's name (docs/compatibility.md)
    "generators": ["x", [1], 42],
    "type": ["Bogus/Type", 42],
}
PACT_VARIANTS = {"truncated": 3.0, "wrong-type": 3.0, "bad-regex": 2.0, "unknown-spec": 2.0,
                 "non-object-interaction": 2.0, "huge-nesting": 1.0, "not-json": 1.0}


def random_pact(rng: random.Random) -> dict[str, Any]:
    """A valid pact of a random spec version with 1 to 4 HTTP interactions."""
    spec = rng.choice(SPECS)
    v4 = spec == "4.0"
    interactions = []
    for i in range(rng.randint(1, 4)):
        request: dict[str, Any] = {"method": rng.choice(["GET", "POST", "PUT", "DELETE"]),
                                   "path": f"/things/{i}"}
        if rng.random() < 0.5:
            request["query"] = {"page": [str(i)]} if spec >= "2" else f"page={i}"
        if rng.random() < 0.5:
            request["headers"] = {"Accept": "application/json"}
        response: dict[str, Any] = {"status": rng.choice([200, 201, 404])}
        if rng.random() < 0.7:
            response["headers"] = {"Content-Type": "application/json"}
            content = {"id": i, "tags": ["a", "b"], "nested": {"ok": True}}
            response["body"] = ({"content": content, "contentType": "application/json",
                                 "encoded": False} if v4 else content)
        interaction: dict[str, Any] = {"description": f"thing {i}", "request": request,
                                       "response": response}
        if v4:
            interaction["type"] = "Synchronous/HTTP"
        if spec >= "3" and rng.random() < 0.3:
            interaction["providerStates"] = [{"name": f"thing {i} exists"}]
        interactions.append(interaction)
    return {"consumer": {"name": "chaos-consumer"}, "provider": {"name": "chaos-provider"},
            "interactions": interactions, "metadata": {"pactSpecification": {"version": spec}}}


def plan_malformed_pact(rng: random.Random, index: int) -> Plan:
    variant = _pick(rng, PACT_VARIANTS)
    pact = random_pact(rng)
    spec = pact["metadata"]["pactSpecification"]["version"]
    interaction = rng.choice(pact["interactions"])
    facets = {"spec": spec}
    may_serve = False  # True: a valid-but-odd pact, which may be served instead of refused
    data: bytes
    if variant == "truncated":
        text = orjson.dumps(pact)
        data = text[:rng.randrange(len(text))]
    elif variant == "wrong-type":
        field_name = rng.choice([f for f in sorted(WRONG_TYPES) if f != "type" or spec == "4.0"])
        value = rng.choice(WRONG_TYPES[field_name])
        _set_field(pact, interaction, field_name, value)
        data, facets["field"] = orjson.dumps(pact), field_name
    elif variant == "bad-regex":
        regex = rng.choice(BAD_REGEXES)
        where = rng.choice(["path", "header", "query", "body"])
        _add_regex(interaction, spec, where, regex)
        data, facets["rule on"] = orjson.dumps(pact), where
    elif variant == "unknown-spec":  # read as V3 with a warning, as the reference does
        pact["metadata"]["pactSpecification"]["version"] = rng.choice(BAD_VERSIONS)
        data = orjson.dumps(pact)
        may_serve = True
    elif variant == "non-object-interaction":
        pact["interactions"][rng.randrange(len(pact["interactions"]))] = rng.choice(NOT_OBJECTS)
        data = orjson.dumps(pact)
    elif variant == "huge-nesting":
        deep = rng.random() < 0.5
        depth = rng.randint(256, 1000) if deep else rng.randint(1100, 200_000)
        opener, closer = (b"[", b"]") if rng.random() < 0.5 else (b'{"a":', b"}")
        nested = opener * depth + b"1" + closer * depth
        marker = "@@nest@@"
        interaction["response"]["body"] = marker
        interaction["response"].setdefault("headers", {"Content-Type": "application/json"})
        data = orjson.dumps(pact).replace(f'"{marker}"'.encode(), nested)
        facets["depth"] = "256-1000 (JSON parses)" if deep else "over 1100 (JSON depth limit)"
        may_serve = deep
    else:
        how = rng.choice(["random-bytes", "bad-utf8", "array", "scalar", "empty", "nul"])
        data = {"random-bytes": b"\x00" + rng.randbytes(rng.randint(1, 4000)),
                "bad-utf8": b'{"consumer": {"name": "\xff\xfe"}, "interactions": []}',
                "array": orjson.dumps([pact]), "scalar": b"42", "empty": b"",
                "nul": b"\x00" * rng.randint(1, 100)}[how]
        facets["how"] = how
    return Plan(index, "malformed-pact", variant, 8.0,
                {"pact": data, "may_serve": may_serve}, facets)


def _set_field(pact: dict[str, Any], interaction: dict[str, Any], name: str, value: Any) -> None:
    if name in ("consumer", "provider", "metadata", "interactions"):
        pact[name] = value
    elif name in ("description", "request", "response", "providerStates", "type"):
        interaction[name] = value
    elif name in ("method", "path", "query"):
        interaction["request"][name] = value
    elif name == "request.headers":
        interaction["request"]["headers"] = value
    elif name == "response.headers":
        interaction["response"]["headers"] = value
    elif name == "status":
        interaction["response"]["status"] = value
    elif name == "generators":
        interaction["response"]["generators"] = value
    else:
        raise ValueError(name)


def _add_regex(interaction: dict[str, Any], spec: str, where: str, regex: str) -> None:
    matcher = {"match": "regex", "regex": regex}
    # On the request: a response rule is never evaluated by a mock server, so a bad regex
    # there is only a warning (docs/compatibility.md).
    part = interaction["request"]
    if spec < "3":  # V1/V2: one object keyed by a JSON path
        key = {"path": "$.path", "header": "$.headers.Accept", "query": "$.query.page",
               "body": "$.body.id"}[where]
        part["matchingRules"] = {key: matcher}
        return
    rules: dict[str, Any] = {"path": {"matchers": [matcher]}}
    if where == "header":
        rules = {"header": {"Accept": {"matchers": [matcher]}}}
    elif where == "query":
        rules = {"query": {"page": {"matchers": [matcher]}}}
    elif where == "body":
        rules = {"body": {"$.id": {"matchers": [matcher]}}}
    part["matchingRules"] = rules


def run_malformed_pact(world: World, plan: Plan, out: Outcome) -> None:
    data: bytes = plan.params["pact"]
    owned = sorted(world.ctl.ports())
    start = time.monotonic()
    try:
        port = pactpool.create_mock_server(data)
    except pactpool.InvalidPactError as exc:
        took = time.monotonic() - start
        out.notes.append("raised InvalidPactError")
        out.expect(exc.json_path.startswith("$"), f"InvalidPactError.json_path is "
                                                  f"{exc.json_path!r}")
    except pactpool.WorkerStartError as exc:
        took = time.monotonic() - start
        out.notes.append("raised WorkerStartError")
        out.problems.append("a pact crashed the worker: WorkerStartError instead of "
                            f"InvalidPactError: {exc} (pact: {_excerpt(data)})")
    except pactpool.PactPoolError as exc:
        took = time.monotonic() - start
        out.notes.append(f"raised {type(exc).__name__}")
    except Exception as exc:
        out.problems.append(f"create_mock_server raised {exc!r}, not a PactPoolError "
                            f"(pact: {_excerpt(data)})")
        return
    else:
        took = time.monotonic() - start
        pid = world.ctl.worker(port).pid
        if plan.params["may_serve"]:
            out.notes.append("served")
            server = Server("deep pact", port, procs.identify(pid) or procs.ProcId(pid, -1),
                            Ledger(0))
            world.running[port] = server
            out.expect(not http.refuses(port), "a served pact's port does not accept")
            out.expect(world.cleanup(server) is True, "cleanup_mock_server did not return True")
        else:
            out.notes.append("accepted")
            out.problems.append(f"create_mock_server accepted a malformed pact "
                                f"({plan.variant}: {_excerpt(data)})")
            proc = procs.identify(pid)
            if proc is not None:
                world.pending_gone[proc] = "worker of a wrongly accepted pact"
            pactpool.cleanup_mock_server(port)
    out.measure(CREATE_REFUSED, took, 5.0)
    out.expect(took < 5.0, f"create_mock_server took {took:.2f} s to give up on a bad pact")
    out.expect(sorted(world.ctl.ports()) == owned, "the controller's ports changed")


def _excerpt(data: bytes, size: int = 160) -> str:
    text = repr(data[:size])
    return text + (f"... ({len(data)} bytes)" if len(data) > size else "")


def plan_hostile_pact(rng: random.Random, index: int) -> Plan:
    family, params = hostile.draw(rng)
    return Plan(index, "hostile-pact", family, 25.0, params, {"input": params["label"]})


def run_hostile_pact(world: World, plan: Plan, out: Outcome) -> None:
    hostile.run(world, plan.variant, plan.params, out)


KINDS: list[Kind] = [
    Kind("kill-parent", 2.0, plan_kill_parent, run_kill_parent),
    Kind("kill-worker", 2.5, plan_kill_worker, run_kill_worker),
    Kind("stop-worker", 1.5, plan_stop_worker, run_stop_worker),
    Kind("malformed-http", 4.0, plan_malformed_http, run_malformed_http),
    Kind("malformed-pact", 3.0, plan_malformed_pact, run_malformed_pact),
    Kind("hostile-pact", 3.0, plan_hostile_pact, run_hostile_pact),
]
