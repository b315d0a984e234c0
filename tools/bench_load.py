"""A small keep-alive HTTP/1.1 load client for `tools/bench.py` (the fallback when wrk is absent,
and the tool for exact request counts).

    python tools/bench_load.py --port P --path /items/1 [--method POST --body-file F
        --header 'Content-Type: application/json'] [--connections 16] [--processes 2]
        (--seconds S | --count N) [--expect 200]

Runs in its own process(es), never in the process that hosts a server under test, so that
neither the GIL nor the client's own memory touches what is measured. Each connection sends
one request, reads its whole response (Content-Length or chunked), and sends the next: no
pipelining. Prints one JSON object: requests, seconds, rps, p50_ms, p99_ms, statuses, errors.
Traffic goes to 127.0.0.1 only, and every run is bounded by --seconds or --count (plus a
hard --timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


def build_request(method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Shared:
    """State shared by the connections of one process."""

    def __init__(self, count: int | None, deadline: float) -> None:
        self.remaining = count
        self.deadline = deadline
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors = 0
        self.done = asyncio.get_running_loop().create_future()
        self.open = 0

    def may_send(self) -> bool:
        if time.perf_counter() >= self.deadline:
            return False
        if self.remaining is None:
            return True
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True


class Connection(asyncio.Protocol):
    """Sends `request`, parses the response, repeats while `shared` allows."""

    def __init__(self, request: bytes, shared: Shared) -> None:
        self.request = request
        self.shared = shared
        self.buffer = bytearray()
        self.sent_at = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.shared.open += 1
        self._send_next()

    def _send_next(self) -> None:
        assert self.transport is not None
        if self.shared.may_send():
            self.sent_at = time.perf_counter()
            self.transport.write(self.request)
        else:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            size = self._complete_response()
            if size is None:
                return
            status = int(self.buffer[9:12])
            del self.buffer[:size]
            self.shared.latencies.append(time.perf_counter() - self.sent_at)
            self.shared.statuses[status] = self.shared.statuses.get(status, 0) + 1
            self._send_next()

    def _complete_response(self) -> int | None:
        """Length of the first complete response in the buffer, or None while incomplete."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).lower()
        start = end + 4
        marker = head.find(b"\r\ncontent-length:")
        if marker >= 0:
            value_end = head.find(b"\r\n", marker + 2)
            length = int(head[marker + 17: value_end if value_end > 0 else len(head)])
            return start + length if len(self.buffer) >= start + length else None
        if b"\r\ntransfer-encoding: chunked" in head:
            position = start
            while True:
                line_end = self.buffer.find(b"\r\n", position)
                if line_end < 0:
                    return None
                chunk = int(bytes(self.buffer[position:line_end]).split(b";")[0], 16)
                position = line_end + 2 + chunk + 2
                if len(self.buffer) < position:
                    return None
                if chunk == 0:
                    return position
        return start  # no body (204, 304, or a server that sends none)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.buffer or exc is not None:
            self.shared.errors += 1
        self.shared.open -= 1
        if self.shared.open == 0 and not self.shared.done.done():
            self.shared.done.set_result(None)


async def run_one_process(request: bytes, port: int, connections: int, *,
                          seconds: float | None, count: int | None,
                          timeout: float) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    limit = seconds if seconds is not None else timeout
    start = time.perf_counter()
    shared = Shared(count, start + limit)
    for _ in range(connections):
        try:
            await loop.create_connection(lambda: Connection(request, shared), HOST, port)
        except OSError:
            shared.errors += 1
    if shared.open:
        try:
            await asyncio.wait_for(asyncio.shield(shared.done), timeout=limit + 5)
        except asyncio.TimeoutError:
            shared.errors += 1
    elapsed = time.perf_counter() - start
    return {"requests": len(shared.latencies), "seconds": elapsed,
            "latencies_us": [round(x * 1e6) for x in shared.latencies],
            "statuses": shared.statuses, "errors": shared.errors}


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def summarise(parts: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = sorted(x for part in parts for x in part["latencies_us"])
    statuses: dict[str, int] = {}
    for part in parts:
        for status, number in part["statuses"].items():
            statuses[str(status)] = statuses.get(str(status), 0) + number
    requests = sum(part["requests"] for part in parts)
    seconds = max(part["seconds"] for part in parts)
    return {"requests": requests, "seconds": seconds, "rps": requests / seconds if seconds else 0,
            "p50_ms": percentile(latencies, 0.50) / 1000,
            "p99_ms": percentile(latencies, 0.99) / 1000,
            "statuses": statuses, "errors": sum(part["errors"] for part in parts)}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--path", default="/")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--body-file")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--processes", type=int, default=1)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--seconds", type=float)
    group.add_argument("--count", type=int)
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="hard bound of a --count run, in seconds")
    parser.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)  # a child's result file
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    headers = [(h.split(":", 1)[0].strip(), h.split(":", 1)[1].strip()) for h in args.header]
    body = Path(args.body_file).read_bytes() if args.body_file else b""
    request = build_request(args.method, args.path, headers, body)
    if args.processes > 1:
        per = [args.connections // args.processes + (i < args.connections % args.processes)
               for i in range(args.processes)]
        counts = ([args.count // args.processes + (i < args.count % args.processes)
                   for i in range(args.processes)] if args.count is not None else None)
        with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
            children = []
            outs = [os.path.join(folder, f"{i}.json") for i in range(args.processes)]
            for i in range(args.processes):
                argv = [sys.executable, __file__, "--port", str(args.port), "--method",
                        args.method, "--path", args.path, "--connections", str(per[i]),
                        "--raw", "--out", outs[i], "--timeout", str(args.timeout)]
                for h in args.header:
                    argv += ["--header", h]
                if args.body_file:
                    argv += ["--body-file", args.body_file]
                argv += (["--seconds", str(args.seconds)] if counts is None
                         else ["--count", str(counts[i])])
                children.append(subprocess.Popen(argv))
            for child in children:
                if child.wait() != 0:
                    raise SystemExit(f"a load process failed (exit status {child.returncode})")
            parts = [json.loads(Path(out).read_text()) for out in outs]
    else:
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        parts = [asyncio.run(run_one_process(request, args.port, args.connections,
                                             seconds=args.seconds, count=args.count,
                                             timeout=args.timeout))]
    if args.out:  # a child: a file, not a pipe that another child's wait could fill
        Path(args.out).write_text(json.dumps(parts[0]))
        return
    print(json.dumps(parts[0] if args.raw else summarise(parts)))


def run(port: int, *, method: str = "GET", path: str = "/", headers: list[str] | None = None,
        body_file: str | None = None, connections: int = 16, processes: int = 1,
        seconds: float | None = None, count: int | None = None,
        timeout: float = 300.0) -> dict[str, Any]:
    """Run the client in child process(es) and return its summary (for tools/bench.py)."""
    command = [sys.executable, __file__, "--port", str(port), "--method", method, "--path", path,
               "--connections", str(connections), "--processes", str(processes),
               "--timeout", str(timeout)]
    for header in headers or []:
        command += ["--header", header]
    if body_file:
        command += ["--body-file", body_file]
    command += ["--seconds", str(seconds)] if seconds is not None else ["--count", str(count)]
    done = subprocess.run(command, capture_output=True, timeout=timeout + 30)
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed (exit status {done.returncode}): "
                           f"{done.stderr.decode(errors='replace')[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


if __name__ == "__main__":
    main()
