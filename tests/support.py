"""Helpers the tests share: a port probe, a deadline poll, pact builders, a real provider,
and `pactpool serve` run as a user runs it."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def refuses(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing accepts connections on the port."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def poll(predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.01) -> bool:
    """Wait for a state with a deadline; never a bare sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)  # poll
    return predicate()


def simple_pact(*interactions: dict[str, Any], version: str = "2.0.0",
                consumer: str = "consumer", provider: str = "provider") -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": version}},
    }


def interaction(description: str, method: str = "GET", path: str = "/", *,
                status: int = 200, response_body: Any = None, **request: Any) -> dict[str, Any]:
    response: dict[str, Any] = {"status": status}
    if response_body is not None:
        response["headers"] = {"Content-Type": "application/json"}
        response["body"] = response_body
    return {"description": description, "request": {"method": method, "path": path, **request},
            "response": response}


@contextlib.contextmanager
def json_provider(body: Callable[[], Any]) -> Iterator[str]:
    """A real provider for verification: `http.server` in a thread, answering every GET with
    `body()` as JSON; yields its base URL."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = json.dumps(body()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class ServeRun:
    """One `pactpool serve`: its URL, then (once stopped with SIGINT) what it printed."""

    url: str
    out: str = ""
    err: str = ""
    returncode: int | None = None


@contextlib.contextmanager
def pactpool_serve(pact: Path) -> Iterator[ServeRun]:
    """Run `pactpool serve PACT` in a subprocess; the block's end interrupts it as Ctrl-C
    would and collects its report."""
    process = subprocess.Popen([sys.executable, "-m", "pactpool.cli", "serve", str(pact)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        url = re.search(r"http://[\d.]+:\d+", banner)
        assert url, banner
        run = ServeRun(url.group(0))
        yield run
        process.send_signal(signal.SIGINT)
        run.out, run.err = process.communicate(timeout=30)
        run.returncode = process.returncode
    finally:
        if process.poll() is None:
            process.kill()


def most_specific_full_match(interactions: list[Any], actual: Any) -> int | None:
    """The long way selection must agree with: every interaction matched in full against
    `actual`, the highest score wins, ties to the first; the index, or None for no full
    match."""
    from pactpool_worker.matching import match_request

    best: tuple[int, int] | None = None
    for interaction in interactions:
        assert interaction.request is not None
        result = match_request(interaction.request, actual)
        if result.all_matched and (best is None or result.score() > best[0]):
            best = result.score(), interaction.index
    return best[1] if best is not None else None
