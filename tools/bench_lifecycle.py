"""What a consumer test waits on: serve -> first request -> write -> cleanup, beside the
alternatives a user would pick, and beside the floor of a process per server.

    python tools/bench_lifecycle.py [--quick] [--only 10,12-15]

Rows (medians; every loop bounded in count and time; traffic to 127.0.0.1 only):
  10  one consumer test end to end (declare, serve, one GET over http.client, matched,
      write the pact, leave): pactpool beside pact-python 4.2, back to back and with 5 ms
      of the test's own busy work between tests, in blocks of 20 tests per side; and each
      step
  11  the fork floor: fork a warm Python (orjson, uvloop, gc.freeze), make a loop, bind,
      listen, tell the parent, exit, reap (wall and CPU), and a bare fork + exit + wait
  12  one create + GET + cleanup cycle, back to back (pactpool, the reference)
  13  create -> port accepts, 30 in a tight loop (median, p90)
  14  50 servers at once (default settings): all accepting, all cleaned, CPU per worker
  15  mock_server_mismatches after 200 body mismatches (pactpool, the reference)

pact-python 4.2 is a test dependency; the reference rows need pact-python-ffi (it comes
with pact-python). Ratios are against numbers measured in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_reference as ref

import pactpool
from pactpool.api import get_controller

HOST = "127.0.0.1"
WORK_SECONDS = 0.005

CONSUMER_PACT: dict[str, Any] = {
    "consumer": {"name": "web"}, "provider": {"name": "users"},
    "metadata": {"pactSpecification": {"version": "4.0"}},
    "interactions": [{
        "type": "Synchronous/HTTP", "description": "a request for user 1",
        "request": {"method": "GET", "path": "/users/1"},
        "response": {
            "status": 200, "headers": {"Content-Type": ["application/json"]},
            "body": {"content": {"id": 1, "name": "Ann"}, "contentType": "application/json",
                     "encoded": False},
            "matchingRules": {"body": {
                "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
                "$.name": {"combine": "AND", "matchers": [{"match": "type"}]}}}}}]}


# -- small tools ---------------------------------------------------------------------------

def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p90(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def busy(seconds: float) -> None:
    """The test's own work: CPU, not sleep (a sleeping test leaves both cores to us)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def get(host: str, port: int, path: str) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((HOST, port)) == 0


def wait_accepting(port: int, limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while not accepts(port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"port {port} never accepted")


class Steps:
    """Per-step timings of one implementation's consumer test."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.times.setdefault(name, []).append((time.perf_counter() - start) * 1000)

    def totals(self) -> list[float]:
        return self.times.get("total", [])


# -- row 10: one consumer test -------------------------------------------------------------

def pactpool_consumer_test(folder: str, steps: Steps) -> None:
    """The test as pactpool runs it: the pact as JSON (or the DSL when it is installed)."""
    with steps.step("total"):
        with steps.step("enter"):
            server = pactpool.MockServer(CONSUMER_PACT)
        with steps.step("first GET"):
            assert get(server.host, server.port, "/users/1") == 200
        with steps.step("matched"):
            assert server.matched
        with steps.step("write"):
            server.write_pact(folder)
        with steps.step("exit"):
            server.close()


def consumer_dsl_test(pact_module: Any, folder: str, steps: Steps) -> None:
    """The same test written with pact-python 4's API (`pact` or `pactpool.consumer`)."""
    match = pact_module.match
    with steps.step("total"):
        with steps.step("declare"):
            pact = pact_module.Pact("web", "users").with_specification("V4")
            (pact.upon_receiving("a request for user 1")
             .with_request("GET", "/users/1")
             .will_respond_with(200)
             .with_body({"id": match.int(1), "name": match.str("Ann")},
                        content_type="application/json"))
        with steps.step("enter"):
            server = pact.serve(addr=HOST)
            server.__enter__()
        try:
            with steps.step("first GET"):
                assert get(HOST, server.port, "/users/1") == 200
        finally:
            with steps.step("exit (matched)"):
                server.__exit__(None, None, None)
        with steps.step("write"):
            pact.write_file(folder, overwrite=True)


def row_10(quick: bool) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="pactpool-bench-lifecycle-") as scratch:
        return _row_10(quick, scratch)


def _row_10(quick: bool, scratch: str) -> list[str]:
    rounds = 60 if quick else 200
    def folder(side: str) -> str:  # one per side: a side's write must not find another's file
        path = os.path.join(scratch, side)
        os.mkdir(path)
        return path

    ours, front_folder, theirs = folder("mock-server"), folder("front"), folder("pact-python")
    sides: dict[str, Callable[[Steps], None]] = {
        "pactpool (MockServer)": lambda s: pactpool_consumer_test(ours, s)}
    with contextlib.suppress(ImportError):
        import pactpool.consumer as front

        sides["pactpool.consumer"] = lambda s: consumer_dsl_test(front, front_folder, s)
    with contextlib.suppress(ImportError):
        import pact as pact_python

        sides["pact-python 4.2"] = lambda s: consumer_dsl_test(pact_python, theirs, s)
    lines = []
    block = 20
    for label, work in (("back to back", 0.0), ("5 ms of test work between", WORK_SECONDS)):
        results = {name: Steps() for name in sides}
        # Blocks of `block` tests per side, the sides taking turns: a side's background work
        # (pactpool refilling its pool) then slows its own tests, as in a suite of its own,
        # and not the other side's; turns spread the machine's drift over all sides.
        for _ in range(max(1, rounds // block)):
            for name, test in sides.items():
                get_controller().wait_for_pool()
                get_controller().drain_reaper()
                for _ in range(block):
                    if work:
                        busy(work)
                    test(results[name])
        base = median(results["pact-python 4.2"].totals()) if "pact-python 4.2" in results \
            else None
        lines.append(f"row 10, one consumer test, {label} ({rounds} per side, in blocks of "
                     f"{block}):")
        for name, steps in results.items():
            total = median(steps.totals())
            ratio = f"  {total / base:5.2f}x pact-python" if base else ""
            lines.append(f"  {name:24s} total {total:6.3f} ms (p90 {p90(steps.totals()):6.3f})"
                         f"{ratio}")
            for step, values in steps.times.items():
                if step != "total":
                    lines.append(f"      {step:16s} {median(values):6.3f} ms "
                                 f"(p90 {p90(values):6.3f})")
    lines.append(first_vs_tenth(quick))
    return lines


def first_vs_tenth(quick: bool) -> str:
    """A worker's first request against its tenth (5 ms of test work before each create)."""
    first: list[float] = []
    tenth: list[float] = []
    for _ in range(20 if quick else 60):
        busy(WORK_SECONDS)
        with pactpool.MockServer(CONSUMER_PACT) as server:
            times = []
            for _ in range(10):
                start = time.perf_counter()
                get(server.host, server.port, "/users/1")
                times.append((time.perf_counter() - start) * 1000)
            first.append(times[0])
            tenth.append(times[9])
    return (f"row 10, first GET on a worker {median(first):.3f} ms (p90 {p90(first):.3f}), "
            f"tenth {median(tenth):.3f} ms (p90 {p90(tenth):.3f})")


# -- row 11: the floor ---------------------------------------------------------------------

FLOOR_PROBE = r"""
import gc, json, os, socket, sys, time
import orjson, uvloop
gc.freeze()
rounds = int(sys.argv[1])
def run(full):
    walls = []
    first = os.times()
    for _ in range(rounds):
        r, w = os.pipe()
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            if full:
                loop = uvloop.new_event_loop()
                sock = socket.socket()
                sock.bind(("127.0.0.1", 0))
                sock.listen(128)
                os.write(w, str(sock.getsockname()[1]).encode())
            else:
                os.write(w, b"0")
            os._exit(0)
        os.read(r, 16)
        os.waitpid(pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
        os.close(r); os.close(w)
    last = os.times()
    children = (last.children_user + last.children_system
                - first.children_user - first.children_system)
    parent = last.user + last.system - first.user - first.system
    return walls, (children + parent) * 1000 / rounds
print(json.dumps({"server": run(True), "bare": run(False)}))
"""


def fork_floor(rounds: int) -> dict[str, tuple[float, float]]:
    """Median wall ms of a floor server's life (fork ... reap), and a bare fork's, with the
    CPU ms per round (parent and child, from the kernel's totals over all rounds)."""
    out = subprocess.run([sys.executable, "-c", FLOOR_PROBE, str(rounds)], capture_output=True,
                         text=True, check=True, timeout=120).stdout
    data = json.loads(out)
    return {name: (median(walls), cpu) for name, (walls, cpu) in data.items()}


def row_11(quick: bool) -> tuple[list[str], float]:
    floor = fork_floor(200 if quick else 600)
    server_wall, server_cpu = floor["server"]
    bare_wall, bare_cpu = floor["bare"]
    return ([f"row 11, fork floor: a server's life {server_wall:.3f} ms wall, "
             f"{server_cpu:.2f} ms CPU; bare fork + exit + wait {bare_wall:.3f} ms wall, "
             f"{bare_cpu:.2f} ms CPU"], server_wall)


# -- rows 12-15 ----------------------------------------------------------------------------

def row_12(quick: bool, floor_ms: float) -> list[str]:
    rounds = 60 if quick else 200
    ours: list[float] = []
    theirs: list[float] = []
    handle = ref.handle_from_pact(CONSUMER_PACT) if ref.available() else None
    def cycle(create: Callable[[], int], cleanup: Callable[[int], Any]) -> float:
        start = time.perf_counter()
        port = create()
        get(HOST, port, "/users/1")
        cleanup(port)
        return (time.perf_counter() - start) * 1000

    for _ in range(rounds):
        ours.append(cycle(lambda: pactpool.create_mock_server(CONSUMER_PACT),
                          pactpool.cleanup_mock_server))
        if handle is not None:
            theirs.append(cycle(lambda: ref.create(handle), ref.cleanup))
    if handle is not None:
        ref.free_handle(handle)
    line = (f"row 12, create + GET + cleanup, back to back: pactpool {median(ours):.3f} ms "
            f"(p90 {p90(ours):.3f}), {median(ours) / floor_ms:.2f}x the fork floor")
    if theirs:
        line += f"; reference {median(theirs):.3f} ms ({median(ours) / median(theirs):.2f}x)"
    return [line]


def row_13(quick: bool) -> list[str]:
    rounds = 3 if quick else 10
    ours: list[float] = []
    for _ in range(rounds):
        get_controller().wait_for_pool()
        ports = []
        for _ in range(30):
            start = time.perf_counter()
            port = pactpool.create_mock_server(CONSUMER_PACT)
            wait_accepting(port)
            ours.append((time.perf_counter() - start) * 1000)
            ports.append(port)
        for port in ports:
            pactpool.cleanup_mock_server(port)
    return [f"row 13, create -> accepts, 30 in a tight loop: {median(ours):.3f} ms "
            f"(p90 {p90(ours):.3f})"]


def forkserver_children_cpu() -> float:
    """Seconds of CPU the forkserver's reaped children (every worker's whole life) used."""
    from multiprocess import forkserver

    pid = forkserver._forkserver._forkserver_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def row_14(quick: bool) -> list[str]:
    rounds = 2 if quick else 5
    up: list[float] = []
    down: list[float] = []
    cpu: list[float] = []
    pss: list[float] = []
    ctl = get_controller()
    pactpool.cleanup_mock_server(pactpool.create_mock_server(CONSUMER_PACT))  # a forkserver
    for _ in range(rounds):
        ctl.wait_for_pool()
        ctl.drain_reaper()
        before = forkserver_children_cpu()
        start = time.perf_counter()
        ports = [pactpool.create_mock_server(CONSUMER_PACT) for _ in range(50)]
        for port in ports:
            wait_accepting(port)
        up.append(time.perf_counter() - start)
        pss += [memory_pss(ctl.worker(port).pid) for port in ports]
        start = time.perf_counter()
        for port in ports:
            pactpool.cleanup_mock_server(port)
        down.append(time.perf_counter() - start)
        ctl.drain_reaper()
        ctl.wait_for_pool()  # the refills' lives are counted too: they are what a burst costs
        cpu.append((forkserver_children_cpu() - before) * 1000 / 50)
    return [f"row 14, 50 servers at once: all accepting {median(up):.3f} s, all cleaned "
            f"{median(down):.3f} s, CPU per worker {median(cpu):.2f} ms (whole lives, from the "
            f"kernel's totals), PSS per server while all 50 wait {median(pss):.2f} MB"]


def memory_pss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def row_15(quick: bool) -> list[str]:
    pact = json.loads(json.dumps(CONSUMER_PACT))
    pact["interactions"][0]["request"] = {
        "method": "POST", "path": "/users", "headers": {"Content-Type": ["application/json"]},
        "body": {"content": {"id": 1, "name": "Ann", "tags": ["a", "b"]},
                 "contentType": "application/json", "encoded": False}}
    body = json.dumps({"id": "one", "name": 2, "tags": ["a"]}).encode()

    def fill(port: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        for _ in range(200):
            conn.request("POST", "/users", body, {"Content-Type": "application/json"})
            conn.getresponse().read()
        conn.close()

    rounds = 5 if quick else 15
    ours: list[float] = []
    theirs: list[float] = []
    handle = ref.handle_from_pact(pact) if ref.available() else None
    for _ in range(rounds):
        port = pactpool.create_mock_server(pact)
        fill(port)
        start = time.perf_counter()
        text = pactpool.mock_server_mismatches(port)
        ours.append((time.perf_counter() - start) * 1000)
        assert text is not None and text.count('"request-mismatch"') == 200
        pactpool.cleanup_mock_server(port)
        if handle is not None:
            port = ref.create(handle)
            fill(port)
            start = time.perf_counter()
            ref.mismatches(port)
            theirs.append((time.perf_counter() - start) * 1000)
            ref.cleanup(port)
    if handle is not None:
        ref.free_handle(handle)
    line = f"row 15, mock_server_mismatches after 200 body mismatches: {median(ours):.3f} ms"
    if theirs:
        line += f"; reference {median(theirs):.3f} ms ({median(ours) / median(theirs):.3f}x)"
    return [line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--only", default="10-15", help="rows, e.g. 10,12-15")
    args = parser.parse_args()
    rows: set[int] = set()
    for part in args.only.split(","):
        low, _, high = part.partition("-")
        rows.update(range(int(low), int(high or low) + 1))
    print(f"command: python tools/bench_lifecycle.py {' '.join(sys.argv[1:])}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"{ref.version() if ref.available() else 'reference not installed'}")
    floor_ms = float("nan")
    if 11 in rows or 12 in rows:
        lines, floor_ms = row_11(args.quick)
        if 11 in rows:
            print("\n".join(lines), flush=True)
    for number, row in ((10, row_10), (12, None), (13, row_13), (14, row_14), (15, row_15)):
        if number not in rows:
            continue
        lines = row_12(args.quick, floor_ms) if row is None else row(args.quick)
        print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
