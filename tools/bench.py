"""pactpool against the Rust reference (pact_ffi), side by side, in one run.

    python tools/bench.py [--quick] [--only 1,3,9] [--no-reference] [--design] [--n 55000]

Every row is measured for pactpool and, when pact_ffi is importable (`pip install
'pactpool[bench]'`, which brings pact-python-ffi), for the reference in the same run,
alternating: a pactpool round, a reference round, and so on. Figures are medians; every
loop is bounded in count and time; all traffic goes to 127.0.0.1. Load comes from wrk
(`-t2 -c16`) when it is installed, else from tools/bench_load.py (2 processes x 8
keep-alive connections), always in processes of its own. Exact request counts (rows 6-8)
always come from tools/bench_load.py.

Rows (targets are for pactpool, as ratios against the reference measured in this run):
  1  create from pact JSON text -> port accepts (1 and 50 interactions)   ratio <= 1.0
  2  cleanup -> port refused                                               <= 2 ms
  3  GET, exact path and query, under load: req/s (and p99)                ratio >= 1.5
  4  POST of a 2 KB JSON body under V3 type/regex rules: req/s (and p99)   ratio >= 10
  5  one client walking a 50-interaction pact: p50 per request             ratio <= 1/20
  6  mock_server_matched after N requests                                  < 1 ms, O(1)
  7  memory kept per served matched request                                 <= 0.2 KB
  8  mock_server_mismatches after 1,000 body mismatches                    ratio <= 1/10
  9  200 servers at once: create all / clean all / PSS per idle worker      1 s / 1 s / 6 MB

What a consumer test waits on (tools/bench_lifecycle.py, run from here too, after the table):
  10 one consumer test end to end, beside pact-python 4.2, and each of its steps
  11 the fork floor      12 create + GET + cleanup      13 create -> accepts, 30 in a row
  14 50 servers at once  15 mock_server_mismatches after 200 body mismatches

The reference (pact_ffi 0.5) cannot start a mock server from pact JSON text: its
`pactffi_create_mock_server(json, ...)` is gone. Its pact is replayed into a handle once
with the builder calls (timed separately, shown as a note) and row 1 times
`pactffi_create_mock_server_for_transport` on that prebuilt handle, until the port accepts.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import copy
import functools
import json
import math
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_load
import bench_reference as ref

import pactpool
from pactpool.api import get_controller

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
ONE = FIXTURES / "v3-1-interaction.json"
FIFTY = FIXTURES / "v3-50-interactions.json"
POST_2KB = FIXTURES / "v3-2kb-body.json"
HOST = "127.0.0.1"
GET_PATH = "/items/1?full=1&lang=en"
ACCEPT = "Accept: application/json"
JSON_HEADER = "Content-Type: application/json"


# -- results -------------------------------------------------------------------------------

@dataclass
class Row:
    """One line of the table: a figure for each side, and the target for pactpool."""

    key: str
    label: str
    unit: str
    better: str  # "lower" or "higher"
    target: str = ""
    check: Callable[[float | None, float | None], bool | None] | None = None
    pactpool: float | None = None
    reference: float | None = None
    notes: list[str] = field(default_factory=list)
    failed: bool = False  # pactpool could not produce the figure at all

    @property
    def ratio(self) -> float | None:
        if self.pactpool is None or not self.reference:
            return None
        return self.pactpool / self.reference

    def verdict(self) -> str:
        if self.failed:
            return "FAILED"
        if self.check is None:
            return ""
        outcome = self.check(self.pactpool, self.ratio)
        return "" if outcome is None else ("met" if outcome else "MISSED")


def ratio_at_most(limit: float) -> Callable[[float | None, float | None], bool | None]:
    return lambda value, ratio: None if ratio is None else ratio <= limit


def ratio_at_least(limit: float) -> Callable[[float | None, float | None], bool | None]:
    return lambda value, ratio: None if ratio is None else ratio >= limit


def value_at_most(limit: float, strict: bool = False
                  ) -> Callable[[float | None, float | None], bool | None]:
    def check(value: float | None, ratio: float | None) -> bool | None:
        if value is None:
            return None
        return value < limit if strict else value <= limit
    return check


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if math.isnan(value):
        return "nan"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    if magnitude >= 0.01:
        return f"{value:.3f}"
    return f"{value:.4f}"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    if ratio < 0.1:
        return f"{ratio:.4f}x (1/{1 / ratio:,.0f})" if ratio > 0 else "0x"
    return f"{ratio:.2f}x"


def print_table(rows: list[Row], out: Callable[[str], None]) -> None:
    headers = ["row", "what", "unit", "pactpool", "reference", "ratio p/r", "better", "target",
               "verdict"]
    rows = sorted(rows, key=lambda r: r.key)
    cells = [[r.key, r.label, r.unit, fmt(r.pactpool), fmt(r.reference), fmt_ratio(r.ratio),
              r.better, r.target, r.verdict()] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    right = {3, 4, 5}

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if i in right else v.ljust(w)
                         for i, (v, w) in enumerate(zip(values, widths, strict=True))).rstrip()

    out(line(headers))
    out(line(["-" * w for w in widths]))
    for values in cells:
        out(line(values))
    notes = [(r.key, n) for r in rows for n in r.notes]
    if notes:
        out("")
        for key, note in notes:
            out(f"  [{key}] {note}")


# -- small helpers -------------------------------------------------------------------------

def accepts(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_accepting(port: int, limit: float = 5.0) -> None:
    deadline = time.perf_counter() + limit
    while not accepts(port):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"port {port} never accepted a connection")


def wait_refused(port: int, limit: float = 1.0) -> bool:
    """Poll until the port refuses a connection; False if it still accepts after `limit` s."""
    deadline = time.perf_counter() + limit
    while accepts(port):
        if time.perf_counter() > deadline:
            return False
    return True


def bounded(call: Callable[[], Any], seconds: float) -> Any:
    """`call()` in a daemon thread; TimeoutError if it has not returned within `seconds`."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the caller
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def median(samples: list[float]) -> float | None:
    return statistics.median(samples) if samples else None


def memory_kb(pid: int | str = "self") -> dict[str, int]:
    """Rss and Pss (kB) of a process, from /proc/<pid>/smaps_rollup."""
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for text in rollup:
            name, _, rest = text.partition(":")
            if name in ("Rss", "Pss", "Private_Dirty", "Shared_Clean"):
                values[name] = int(rest.split()[0])
    return values


def worker_pid(port: int) -> int:
    return get_controller().worker(port).pid


class Client:
    """A blocking keep-alive HTTP/1.1 client on one socket (row 5: one client, sequential)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((HOST, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def get(self, path: str, headers: list[tuple[str, str]]) -> int:
        request = bench_load.build_request("GET", path, headers, b"")
        self.sock.sendall(request)
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                head = self.buffer[:end].lower()
                marker = head.find(b"\r\ncontent-length:")
                length = int(head[marker + 17:].split(b"\r\n")[0]) if marker >= 0 else 0
                if len(self.buffer) >= end + 4 + length:
                    status = int(self.buffer[9:12])
                    self.buffer = self.buffer[end + 4 + length:]
                    return status
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


class Side:
    """One implementation under test: pactpool or the reference."""

    name = ""

    def prepare(self, path: Path) -> Any:
        """Whatever `create` needs for this pact (text for pactpool, a handle for the reference)."""
        raise NotImplementedError

    def create(self, prepared: Any) -> int:
        raise NotImplementedError

    def cleanup(self, port: int) -> bool:
        raise NotImplementedError

    def matched(self, port: int) -> bool:
        raise NotImplementedError

    def mismatches(self, port: int) -> str | None:
        raise NotImplementedError

    def memory(self, port: int) -> dict[str, int]:
        raise NotImplementedError

    def before_create(self) -> None:
        """Bring the side to its steady state before a timed create."""

    def cpu_seconds(self, port: int) -> float:
        """CPU time used so far by whatever serves `port`."""
        raise NotImplementedError

    @contextlib.contextmanager
    def server(self, prepared: Any) -> Iterator[int]:
        port = self.create(prepared)
        wait_accepting(port)
        try:
            yield port
        finally:
            self.cleanup(port)


class PactpoolSide(Side):
    name = "pactpool"

    def prepare(self, path: Path) -> Any:
        return path.read_text()  # JSON text: create parses it, as the row asks

    def create(self, prepared: Any) -> int:
        return pactpool.create_mock_server(prepared)

    def cleanup(self, port: int) -> bool:
        return pactpool.cleanup_mock_server(port)

    def matched(self, port: int) -> bool:
        return pactpool.mock_server_matched(port)

    def mismatches(self, port: int) -> str | None:
        return pactpool.mock_server_mismatches(port)

    def memory(self, port: int) -> dict[str, int]:
        return memory_kb(worker_pid(port))

    def before_create(self) -> None:
        get_controller().wait_for_pool()  # a create from a full warm pool: the steady state

    def cpu_seconds(self, port: int) -> float:
        fields = Path(f"/proc/{worker_pid(port)}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ReferenceSide(Side):
    name = "reference"

    def __init__(self) -> None:
        self.handles: dict[Path, int] = {}
        self.build_ms: dict[Path, float] = {}

    def prepare(self, path: Path) -> Any:
        if path not in self.handles:
            pact = json.loads(path.read_text())
            start = time.perf_counter()
            self.handles[path] = ref.handle_from_pact(pact)
            self.build_ms[path] = (time.perf_counter() - start) * 1000
        return self.handles[path]

    def create(self, prepared: Any) -> int:
        return ref.create(prepared)

    def cleanup(self, port: int) -> bool:
        return ref.cleanup(port)

    def matched(self, port: int) -> bool:
        return ref.matched(port)

    def mismatches(self, port: int) -> str | None:
        return ref.mismatches(port)

    def memory(self, port: int) -> dict[str, int]:
        return memory_kb("self")  # the reference serves inside the test process

    def cpu_seconds(self, port: int) -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)  # all threads: its tokio workers
        return usage.ru_utime + usage.ru_stime

    def close(self) -> None:
        for handle in self.handles.values():
            ref.free_handle(handle)


# -- load ----------------------------------------------------------------------------------

@dataclass
class Load:
    rps: float
    p99_ms: float
    p50_ms: float
    requests: int
    bad: int  # responses with an unexpected status, socket errors


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_load(port: int, path: str, seconds: float, lua: str | None) -> Load:
    command = ["wrk", "-t2", "-c16", f"-d{seconds:g}s", "--latency", "--timeout", "5s"]
    if lua:
        command += ["-s", lua]
    command.append(f"http://{HOST}:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30,
                            check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latencies = {m.group(1): float(m.group(2)) * WRK_UNITS[m.group(3)]
                 for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)}
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        bad += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                          output):
        bad += sum(int(g) for g in match.groups())
    return Load(rps, latencies.get("99", float("nan")), latencies.get("50", float("nan")),
                requests, bad)


def client_load(port: int, path: str, *, seconds: float | None = None, count: int | None = None,
                method: str = "GET", headers: list[str] | None = None,
                body_file: str | None = None, expect: int = 200, processes: int = 2,
                connections: int = 16, timeout: float = 300.0) -> Load:
    result = bench_load.run(port, method=method, path=path, headers=headers, body_file=body_file,
                            connections=connections, processes=processes, seconds=seconds,
                            count=count, timeout=timeout)
    good = result["statuses"].get(str(expect), 0)
    return Load(result["rps"], result["p99_ms"], result["p50_ms"], result["requests"],
                result["requests"] - good + result["errors"])


# -- the bench -----------------------------------------------------------------------------

class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.sides: list[Side] = [PactpoolSide()]
        self.reference: ReferenceSide | None = None
        if not args.no_reference and ref.available():
            self.reference = ReferenceSide()
            self.sides.append(self.reference)
        self.wrk = shutil.which("wrk")
        self.rows: list[Row] = []
        self.tmp = tempfile.mkdtemp(prefix="pactpool-bench-")
        self.bodies = self._write_bodies()
        self.started = time.perf_counter()

    def log(self, text: str) -> None:
        elapsed = time.perf_counter() - self.started
        print(f"[{elapsed:6.1f}s] {text}", file=sys.stderr, flush=True)

    def rounds(self, quick: int, full: int) -> int:
        return quick if self.quick else full

    def alternate(self, rounds: int) -> Iterator[tuple[int, Side]]:
        """pactpool round, reference round, pactpool round, ..."""
        for number in range(rounds):
            for side in self.sides:
                yield number, side

    def add(self, row: Row, values: dict[str, list[float]]) -> Row:
        row.pactpool = median(values.get("pactpool", []))
        row.reference = median(values.get("reference", []))
        self.rows.append(row)
        return row

    # -- bodies --------------------------------------------------------------------------

    def _write_bodies(self) -> dict[str, str]:
        """The POST bodies: one that matches the 2 KB fixture's rules with other values, and
        one that breaks two of them (a string where a number is expected, a bad e-mail)."""
        expected = json.loads(POST_2KB.read_text())["interactions"][0]["request"]["body"]
        good = copy.deepcopy(expected)
        good["id"] = "ord-654321"
        good["createdAt"] = "2025-01-31T23:59:01Z"
        good["customer"].update(name="Grace Hopper", email="grace@example.org",
                                phone="+1 202 555 0100")
        good["customer"]["address"].update(street="1 Navy Yard", city="Arlington")
        for i, item in enumerate(good["items"]):
            item.update(sku=f"XYZ-{2000 + i}", name=f"Gadget {i} (refurbished)", qty=3 * i + 2,
                        price=19.5 + i, tags=["red"])
            item["warehouse"].update(code="WH-07", bin=f"B{100 + i}")
        good["notes"] = "Deliver to the loading bay after 9 am; ask for the duty manager."
        good["priority"] = True
        bad = copy.deepcopy(good)
        bad["items"][3]["qty"] = "three"
        bad["customer"]["email"] = "not an e-mail"
        paths = {}
        for name, body in (("good", good), ("bad", bad)):
            path = os.path.join(self.tmp, f"{name}.json")
            Path(path).write_text(json.dumps(body, separators=(",", ":")))
            paths[name] = path
        lua = os.path.join(self.tmp, "post.lua")
        Path(lua).write_text('wrk.method = "POST"\n'
                             'wrk.headers["Content-Type"] = "application/json"\n'
                             f'wrk.body = [==[{Path(paths["good"]).read_text()}]==]\n')
        paths["lua"] = lua
        return paths

    # -- rows ----------------------------------------------------------------------------

    def row_create_cleanup(self) -> None:
        rounds = self.rounds(10, 30)
        for label, path in (("1 interaction", ONE), ("50 interactions", FIFTY)):
            self.log(f"rows 1-2: create/cleanup, {label}, {rounds} rounds")
            creates: dict[str, list[float]] = {}
            cleanups: dict[str, list[float]] = {}
            stuck: dict[str, int] = {}
            prepared = {side.name: side.prepare(path) for side in self.sides}
            for _, side in self.alternate(rounds):
                side.before_create()
                start = time.perf_counter()
                port = side.create(prepared[side.name])
                wait_accepting(port)
                creates.setdefault(side.name, []).append(time.perf_counter() - start)
                start = time.perf_counter()
                side.cleanup(port)
                if not wait_refused(port):
                    stuck[side.name] = stuck.get(side.name, 0) + 1
                cleanups.setdefault(side.name, []).append(time.perf_counter() - start)
            ms = {k: [v * 1000 for v in vs] for k, vs in creates.items()}
            key = "1a" if path == ONE else "1b"
            row = self.add(Row(key, f"create from JSON text -> accepts, {label}", "ms p50",
                               "lower", "<= 1.0x", ratio_at_most(1.0)), ms)
            if self.reference is not None:
                row.notes.append(f"reference: create_mock_server_for_transport on a prebuilt "
                                 f"handle; building that handle from the pact JSON "
                                 f"(new_pact + builder calls) took "
                                 f"{self.reference.build_ms[path]:.2f} ms once, not counted")
            ms = {k: [v * 1000 for v in vs] for k, vs in cleanups.items()}
            row = self.add(Row("2a" if path == ONE else "2b",
                               f"cleanup -> port refused, {label}", "ms p50", "lower",
                               "<= 2 ms", value_at_most(2.0)), ms)
            for name, number in stuck.items():
                row.notes.append(f"{name}: {number} port(s) still accepted 1 s after cleanup")
            for name, values in ms.items():
                row.notes.append(f"{name}: cleanup max {max(values):.2f} ms over {len(values)}")

    def _load_row(self, key: str, label: str, path: Path, url_path: str, *, post: bool,
                  target: str, check: Callable[[float | None, float | None], bool | None]
                  ) -> None:
        seconds = 2.0 if self.quick else 5.0
        rounds = self.rounds(2, 3)
        tool = ("wrk -t2 -c16" if self.wrk else
                "tools/bench_load.py, 2 processes x 8 connections (wrk not installed)")
        self.log(f"row {key}: {label}, {rounds} rounds x {seconds:g} s with {tool}")
        rates: dict[str, list[float]] = {}
        p99s: dict[str, list[float]] = {}
        bad: dict[str, int] = {}
        cores: dict[str, list[float]] = {}
        per_cpu: dict[str, list[float]] = {}
        headers = [JSON_HEADER] if post else []
        for _, side in self.alternate(rounds):
            with side.server(side.prepare(path)) as port:
                method = "POST" if post else "GET"
                body = self.bodies["good"] if post else None
                warm = client_load(port, url_path, count=300, method=method, headers=headers,
                                   body_file=body, expect=201 if post else 200, processes=1,
                                   connections=4, timeout=60)
                if warm.bad:
                    raise RuntimeError(f"{side.name}: {warm.bad} of the warm-up requests did "
                                       f"not get the expected status; the fixture is not served")
                cpu_before, started = side.cpu_seconds(port), time.perf_counter()
                if self.wrk:
                    load = wrk_load(port, url_path, seconds, self.bodies["lua"] if post else None)
                else:
                    load = client_load(port, url_path, seconds=seconds, method=method,
                                       headers=headers, body_file=body,
                                       expect=201 if post else 200)
                cpu = (side.cpu_seconds(port) - cpu_before) / (time.perf_counter() - started)
                cores.setdefault(side.name, []).append(cpu)
                per_cpu.setdefault(side.name, []).append(load.rps / cpu if cpu else 0.0)
            rates.setdefault(side.name, []).append(load.rps)
            p99s.setdefault(side.name, []).append(load.p99_ms)
            bad[side.name] = bad.get(side.name, 0) + load.bad
        row = self.add(Row(key, f"{label}: throughput", "req/s", "higher", target, check), rates)
        row.notes.append(f"load: {tool}, {seconds:g} s per round, a fresh server per round, "
                         f"median of {rounds} rounds")
        for name, number in bad.items():
            if number:
                row.notes.append(f"{name}: {number} responses with an unexpected status or "
                                 f"socket errors")
        row.notes.append("server CPU while loaded (1.00 = one core): " + ", ".join(
            f"{name} {median(values) or 0:.2f}" for name, values in cores.items()))
        self.add(Row(key + "'", f"{label}: p99 latency", "ms", "lower"), p99s)
        self.add(Row(key + "*", f"{label}: requests per CPU-second", "req/cpu-s", "higher"),
                 per_cpu)

    def row_get(self) -> None:
        self._load_row("3", "GET, exact path + query", ONE, GET_PATH, post=False,
                       target=">= 1.5x", check=ratio_at_least(1.5))

    def row_post(self) -> None:
        self._load_row("4", "POST 2 KB JSON, V3 type/regex rules", POST_2KB, "/orders",
                       post=True, target=">= 10x", check=ratio_at_least(10.0))

    def row_walk(self) -> None:
        rounds = self.rounds(2, 5)
        walks = self.rounds(1, 2)
        self.log(f"row 5: one client walking 50 interactions, {rounds} rounds x {walks} walks")
        pact = json.loads(FIFTY.read_text())
        targets = []
        for interaction in pact["interactions"]:
            request = interaction["request"]
            query = "&".join(f"{k}={v}" for k, vs in request["query"].items() for v in vs)
            targets.append(f"{request['path']}?{query}")
        latencies: dict[str, list[float]] = {}
        for _, side in self.alternate(rounds):
            with side.server(side.prepare(FIFTY)) as port:
                client = Client(port)
                try:
                    for _ in range(walks):
                        for target in targets:
                            start = time.perf_counter()
                            status = client.get(target, [("Accept", "application/json")])
                            latencies.setdefault(side.name, []).append(
                                (time.perf_counter() - start) * 1000)
                            if status != 200:
                                raise RuntimeError(f"{side.name}: GET {target} -> {status}")
                finally:
                    client.close()
                if not side.matched(port):
                    raise RuntimeError(f"{side.name}: the walk did not match the pact")
        row = self.add(Row("5", "walk a 50-interaction pact, 1 client", "ms p50", "lower",
                           "<= 1/20", ratio_at_most(1 / 20)), latencies)
        row.notes.append(f"{rounds} rounds x {walks} walks of 50 keep-alive GETs, a fresh server "
                         f"per round; median over all {rounds * walks * 50} requests per side")

    def row_matched_memory(self) -> None:
        n = self.args.n or (10_000 if self.quick else 55_000)
        warm = 2_000
        self.log(f"rows 6-7: {n:,} matched GETs per side, then mock_server_matched")
        after_n: dict[str, list[float]] = {}
        after_warm: dict[str, list[float]] = {}
        per_request: dict[str, list[float]] = {}
        details: list[str] = []
        for _, side in self.alternate(1):
            with side.server(side.prepare(ONE)) as port:
                load = client_load(port, GET_PATH, count=warm, processes=1, connections=8)
                if load.bad:
                    raise RuntimeError(f"{side.name}: warm-up requests failed")
                after_warm[side.name] = self._time_matched(side, port, calls=11, budget=5.0)
                before = side.memory(port)
                load = client_load(port, GET_PATH, count=n, timeout=600)
                if load.bad:
                    raise RuntimeError(f"{side.name}: {load.bad} of {n} requests failed")
                after = side.memory(port)
                after_n[side.name] = self._time_matched(side, port, calls=11, budget=10.0)
                kb = {k: (after[k] - before[k]) / n for k in ("Rss", "Pss")}
                per_request[side.name] = [max(kb["Rss"], kb["Pss"])]
                whose = "worker" if side.name == "pactpool" else "test process"
                details.append(f"{side.name}: {whose} Rss {before['Rss']:,} -> {after['Rss']:,} "
                               f"kB ({kb['Rss'] * 1024:.1f} B/request), Pss {before['Pss']:,} -> "
                               f"{after['Pss']:,} kB ({kb['Pss'] * 1024:.1f} B/request); "
                               f"{load.rps:,.0f} req/s while loading")
        row = self.add(Row("6", f"mock_server_matched after {n:,} requests", "ms p50", "lower",
                           "< 1 ms", value_at_most(1.0, strict=True)), after_n)
        for name, early in after_warm.items():
            row.notes.append(f"{name}: {median(early):.3f} ms after {warm:,} requests, "
                             f"{median(after_n[name]):.3f} ms after {warm + n:,} "
                             f"(O(1) if these agree)")
        row = self.add(Row("7", "memory kept per matched request", "KB", "lower", "<= 0.2 KB",
                           value_at_most(0.2)), per_request)
        row.notes.append(f"growth over {n:,} matched requests after a {warm:,}-request warm-up, "
                         f"the larger of RSS and PSS growth / N")
        row.notes.extend(details)

    def _time_matched(self, side: Side, port: int, calls: int, budget: float) -> list[float]:
        samples = []
        deadline = time.perf_counter() + budget
        for _ in range(calls):
            start = time.perf_counter()
            side.matched(port)
            samples.append((time.perf_counter() - start) * 1000)
            if time.perf_counter() > deadline:
                break
        return samples

    def row_mismatches(self) -> None:
        count = 1_000
        rounds = self.rounds(1, 2)
        self.log(f"row 8: {count:,} body mismatches, then mock_server_mismatches, {rounds} rounds")
        times, sizes, failures = self._mismatch_rounds(count, rounds)
        row = self.add(Row("8", f"mock_server_mismatches after {count:,} body mismatches",
                           "ms p50", "lower", "<= 1/10", ratio_at_most(0.1)), times)
        row.notes.append(", ".join(f"{name}: {size / 1e6:.2f} MB of JSON text"
                                   for name, size in sizes.items()))
        row.notes.extend(failures)
        row.failed = any(f.startswith("pactpool:") for f in failures)
        if failures:
            smaller = 400
            self.log(f"row 8: again with {smaller} mismatches (below the failure)")
            times, sizes, failures = self._mismatch_rounds(smaller, rounds)
            row = self.add(Row("8b", f"mock_server_mismatches after {smaller} body mismatches",
                               "ms p50", "lower", "<= 1/10", ratio_at_most(0.1)), times)
            row.notes.append(f"measured because row 8 failed; {smaller} entries keep the reply "
                             f"below the size that fails; " +
                             ", ".join(f"{name}: {size / 1e6:.2f} MB of JSON text"
                                       for name, size in sizes.items()))
            row.notes.extend(failures)

    def _mismatch_rounds(self, count: int, rounds: int
                         ) -> tuple[dict[str, list[float]], dict[str, int], list[str]]:
        times: dict[str, list[float]] = {}
        sizes: dict[str, int] = {}
        failures: list[str] = []
        for _, side in self.alternate(rounds):
            if any(f.startswith(side.name + ":") for f in failures):
                continue
            with side.server(side.prepare(POST_2KB)) as port:
                load = client_load(port, "/orders", count=count, method="POST",
                                   headers=[JSON_HEADER], body_file=self.bodies["bad"],
                                   expect=500, processes=1, connections=8, timeout=120)
                if load.bad:
                    raise RuntimeError(f"{side.name}: {load.bad} mismatching POSTs were not 500")
                samples: list[float] = []
                deadline = time.perf_counter() + 10.0
                text: str | None = None
                for _ in range(7):
                    start = time.perf_counter()
                    try:
                        text = bounded(functools.partial(side.mismatches, port), 15.0)
                    except TimeoutError:
                        failures.append(
                            f"{side.name}: mock_server_mismatches did not return within 15 s "
                            f"after {count:,} mismatches (the worker was killed to free the call)")
                        if side.name == "pactpool":
                            with contextlib.suppress(OSError, LookupError):
                                os.kill(worker_pid(port), 9)
                        failures[-1] += f"; {len(samples)} call(s) had returned before"
                        break
                    samples.append((time.perf_counter() - start) * 1000)
                    if time.perf_counter() > deadline:
                        break
                if not samples:
                    continue
                entries = json.loads(text or "[]")
                if len(entries) != count:
                    raise RuntimeError(f"{side.name}: {len(entries)} mismatch entries, "
                                       f"expected {count}")
                sizes[side.name] = len(text or "")
                times.setdefault(side.name, []).extend(samples)
        return times, sizes, failures

    def row_many(self) -> None:
        count = 200
        threads = 16
        rounds = self.rounds(1, 2)
        self.log(f"row 9: {count} servers at once ({threads} threads), {rounds} rounds")
        create_all: dict[str, list[float]] = {}
        clean_all: dict[str, list[float]] = {}
        memory_per: dict[str, list[float]] = {}
        notes: list[str] = []
        stuck: list[str] = []
        for _, side in self.alternate(rounds):
            prepared = side.prepare(ONE)
            side.before_create()
            base = memory_kb("self")

            def one(_: int, side: Side = side, prepared: Any = prepared) -> int:
                port = side.create(prepared)
                wait_accepting(port)
                return port

            with concurrent.futures.ThreadPoolExecutor(threads) as pool:
                start = time.perf_counter()
                ports = list(pool.map(one, range(count)))
                create_all.setdefault(side.name, []).append(time.perf_counter() - start)
                if side.name == "pactpool":
                    pss = sorted(memory_kb(worker_pid(p))["Pss"] / 1024 for p in ports)
                    rss = statistics.median(memory_kb(worker_pid(p))["Rss"] / 1024 for p in ports)
                    idle = [memory_kb(pid)["Pss"] / 1024 for pid in get_controller().idle_pids()]
                    memory_per.setdefault(side.name, []).append(statistics.median(pss))
                    notes.append(f"pactpool: PSS of the {count} workers (no traffic yet) median "
                                 f"{statistics.median(pss):.2f} MB, max {pss[-1]:.2f} MB, RSS "
                                 f"median {rss:.1f} MB; PSS of the warm pool's idle workers: "
                                 + (", ".join(f"{x:.2f}" for x in idle) or "none") + " MB")
                else:
                    grown = (memory_kb("self")["Rss"] - base["Rss"]) / 1024 / count
                    memory_per.setdefault(side.name, []).append(grown)
                    notes.append(f"reference: test-process RSS growth / {count} servers: "
                                 f"{grown:.3f} MB")
                start = time.perf_counter()
                list(pool.map(side.cleanup, ports))
                clean_all.setdefault(side.name, []).append(time.perf_counter() - start)
            still = [p for p in ports if not wait_refused(p, 0.5)]
            if still:
                stuck.append(f"{side.name}: {len(still)} ports still accepted after clean-all")
        row = self.add(Row("9a", f"create {count} servers until all accept ({threads} threads)",
                           "s", "lower", "<= 1 s", value_at_most(1.0)), create_all)
        row = self.add(Row("9b", f"clean all {count} ({threads} threads)", "s", "lower",
                           "<= 1 s", value_at_most(1.0)), clean_all)
        row = self.add(Row("9c", "memory per idle server (pactpool: worker PSS)", "MB", "lower",
                           "<= 6 MB", value_at_most(6.0)), memory_per)
        row.notes.extend(notes[-len(self.sides):])  # the last round's
        row.notes.extend(stuck)

    # -- design extras -------------------------------------------------------------------

    def design(self) -> list[str]:
        """What the design choices buy, pactpool only (for docs/performance.md)."""
        lines = []
        rounds = self.rounds(10, 30)
        text = ONE.read_text()
        self.log(f"design: create with and without the warm pool, {rounds} rounds each")
        results: dict[str, list[float]] = {"pool": [], "no pool": []}
        ctl = get_controller()
        default_size = ctl.pool_size
        for mode in ("no pool", "pool"):  # blocks, not alternation: a resize empties the pool
            pactpool.configure(pool_size=default_size if mode == "pool" else 0)
            pactpool.cleanup_mock_server(pactpool.create_mock_server(text))  # (re)start the pool
            for _ in range(rounds):
                ctl.wait_for_pool()
                start = time.perf_counter()
                port = pactpool.create_mock_server(text)
                wait_accepting(port)
                results[mode].append((time.perf_counter() - start) * 1000)
                pactpool.cleanup_mock_server(port)
        lines.append(f"create -> accepts, 1 interaction: warm pool (pool_size={default_size}) "
                     f"{median(results['pool']):.2f} ms, configure(pool_size=0) "
                     f"{median(results['no pool']):.2f} ms (median of {rounds} each)")
        self.log(f"design: cleanup returns vs the process is gone, {rounds} rounds")
        returned, exited = [], []
        for _ in range(rounds):
            ctl.wait_for_pool()
            port = pactpool.create_mock_server(text)
            pid = ctl.worker(port).pid
            start = time.perf_counter()
            pactpool.cleanup_mock_server(port)
            returned.append((time.perf_counter() - start) * 1000)
            deadline = start + 5.0
            while Path(f"/proc/{pid}").exists() and time.perf_counter() < deadline:
                time.sleep(0.0002)
            exited.append((time.perf_counter() - start) * 1000)
        lines.append(f"cleanup, 1 interaction: returns (port closed) after {median(returned):.2f}"
                     f" ms; the process is gone (kernel teardown, reaped in the background) "
                     f"after {median(exited):.2f} ms (median of {rounds})")
        self.log("design: 200 servers from a pool of 200 (configure(pool_size=200))")
        pactpool.configure(pool_size=200)
        pactpool.cleanup_mock_server(pactpool.create_mock_server(text))
        if ctl.wait_for_pool(timeout=120):
            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                def one(_: int) -> int:
                    port = pactpool.create_mock_server(text)
                    wait_accepting(port)
                    return port
                start = time.perf_counter()
                ports = list(pool.map(one, range(200)))
                created = time.perf_counter() - start
                pactpool.configure(pool_size=default_size)  # no refill behind the clean-all
                list(pool.map(pactpool.cleanup_mock_server, ports))
            lines.append(f"200 servers at once (16 threads) from a full pool of 200: all "
                         f"accepting after {created:.3f} s")
        pactpool.configure(pool_size=default_size)
        pactpool.cleanup_mock_server(pactpool.create_mock_server(text))
        ctl.wait_for_pool()
        lines.extend(self._matcher_in_process())
        return lines

    def _matcher_in_process(self) -> list[str]:
        """The pure matcher's share: MockService.handle in this process, no sockets."""
        from pactpool_worker.http.wire import HttpRequest
        from pactpool_worker.pact import load_pact
        from pactpool_worker.service.logbook import Logbook
        from pactpool_worker.service.mock import MockOptions, MockService

        lines = []
        cases = [
            ("GET, 1 interaction", ONE, [HttpRequest("GET", "/items/1", "full=1&lang=en", [],
                                                     b"", "1.1", None)]),
            ("POST 2 KB, V3 rules", POST_2KB, [HttpRequest(
                "POST", "/orders", "", [("content-type", "application/json")],
                Path(self.bodies["good"]).read_bytes(), "1.1", None)]),
            ("walk of 50 interactions (per request)", FIFTY, [
                HttpRequest("GET", f"/items/{i}", "full=1&lang=en",
                            [("accept", "application/json")], b"", "1.1", None)
                for i in range(50)]),
        ]
        for label, path, requests in cases:
            service = MockService(load_pact(path.read_bytes()), MockOptions(), Logbook())
            for request in requests:
                service.handle(request)
            samples = []
            for _ in range(self.rounds(200, 1000) // len(requests) + 1):
                start = time.perf_counter()
                for request in requests:
                    service.handle(request)
                samples.append((time.perf_counter() - start) / len(requests) * 1e6)
            lines.append(f"in-process MockService.handle, {label}: {median(samples):.1f} us "
                         f"per request")
        return lines

    def run(self) -> None:
        wanted = self.args.only
        plan: list[tuple[set[int], Callable[[], None]]] = [
            ({1, 2}, self.row_create_cleanup), ({3}, self.row_get), ({4}, self.row_post),
            ({5}, self.row_walk), ({6, 7}, self.row_matched_memory), ({8}, self.row_mismatches),
            ({9}, self.row_many)]
        self.log("starting the forkserver and the warm pool")
        pactpool.cleanup_mock_server(pactpool.create_mock_server(ONE.read_text()))
        get_controller().wait_for_pool()
        for rows, step in plan:
            if wanted is None or rows & wanted:
                step()

    def lifecycle(self) -> list[str]:
        """Rows 10-15, printed as tools/bench_lifecycle.py prints them."""
        import bench_lifecycle

        wanted = self.args.only or set(range(10, 16))
        lines: list[str] = []
        floor_ms = float("nan")
        if wanted & {11, 12}:
            floor_lines, floor_ms = bench_lifecycle.row_11(self.quick)
            if 11 in wanted:
                lines += floor_lines
        for number, row in ((10, bench_lifecycle.row_10), (13, bench_lifecycle.row_13),
                            (14, bench_lifecycle.row_14), (15, bench_lifecycle.row_15)):
            if number in wanted:
                lines += row(self.quick)
        if 12 in wanted:
            lines += bench_lifecycle.row_12(self.quick, floor_ms)
        return lines


# -- the machine ---------------------------------------------------------------------------

def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                return text.split(":", 1)[1].strip()
    return platform.processor() or "?"


def package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_revision() -> str:
    try:
        root = HERE.parent
        revision = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                                  capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "pactpool",
                                "worker"], capture_output=True, text=True).stdout.strip()
        return revision + (" + uncommitted changes in pactpool/ or worker/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine(bench: Bench) -> list[str]:
    wrk = "not installed"
    if bench.wrk:
        first = subprocess.run([bench.wrk, "--version"], capture_output=True, text=True)
        wrk = (first.stdout or first.stderr).split("Copyright")[0].strip()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return [
        f"machine: {cpu_model()}, {os.cpu_count()} cores ({usable} usable), "
        f"{platform.system()} {platform.release()}, {platform.machine()}",
        f"python: {platform.python_implementation()} {platform.python_version()}; pactpool "
        f"{pactpool.__version__} at {git_revision()}; uvloop {package_version('uvloop')}, "
        f"httptools {package_version('httptools')}, orjson {package_version('orjson')}",
        "reference: " + (ref.version() if bench.reference else
                         "not measured" + ("" if ref.available() else
                                           " (pact_ffi not importable: pip install "
                                           "'pactpool[bench]')")),
        f"load: {wrk}" + ("" if bench.wrk else
                          " (install it for rows 3-4: apt-get install wrk, or brew install "
                          "wrk; meanwhile tools/bench_load.py serves)"),
    ]


def parse_rows(text: str) -> set[int]:
    rows: set[int] = set()
    for raw in text.split(","):
        part = raw.strip()
        if "-" in part:
            low, high = part.split("-")
            rows.update(range(int(low), int(high) + 1))
        elif part:
            rows.add(int(part))
    if not rows <= set(range(1, 16)):
        raise argparse.ArgumentTypeError("rows are 1 to 15")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds, shorter loads, N=10,000 (about 2 minutes)")
    parser.add_argument("--only", type=parse_rows, metavar="ROWS",
                        help="rows to run, e.g. 1,3,6-9")
    parser.add_argument("--no-reference", action="store_true",
                        help="measure pactpool alone")
    parser.add_argument("--n", type=int, default=None,
                        help="requests before mock_server_matched (rows 6-7; default 55,000, "
                             "10,000 with --quick)")
    parser.add_argument("--design", action="store_true",
                        help="also measure what the design choices buy (pactpool only)")
    args = parser.parse_args()
    bench = Bench(args)
    command = " ".join(["python", "tools/bench.py", *sys.argv[1:]])
    try:
        bench.run()
        extras = bench.design() if args.design else []
        lifecycle = bench.lifecycle() if args.only is None or args.only & set(range(10, 16)) \
            else []
    finally:
        if bench.reference is not None:
            bench.reference.close()
        shutil.rmtree(bench.tmp, ignore_errors=True)
    out = print
    out(f"command: {command}")
    for text in machine(bench):
        out(text)
    out(f"took {time.perf_counter() - bench.started:.0f} s; medians; ratio = pactpool / "
        f"reference, 'better' says which direction wins")
    out("")
    if bench.rows:
        print_table(bench.rows, out)
    if extras:
        out("")
        out("design:")
        for text in extras:
            out(f"  {text}")
    if lifecycle:
        out("")
        for text in lifecycle:
            out(text)


if __name__ == "__main__":
    main()
