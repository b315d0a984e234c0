"""`pactpool demo`: three mock servers, real HTTP traffic, their verdicts, and a clean end."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from pactpool.api import MockServer
from pactpool.report import format_report


@dataclass(frozen=True)
class Call:
    """One request the demo sends, and why."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes | None
    why: str


SCRIPT: dict[str, list[Call]] = {
    "web_ui-user_service.json": [
        Call("GET", "/users/42", {"Accept": "application/json"}, None, "matches"),
        Call("POST", "/users", {"Content-Type": "application/json"},
             b'{"name": "Alan Turing", "email": "alan@example.com"}',
             "matches through the type and regex rules"),
    ],
    "billing-invoice_service.json": [
        Call("GET", "/invoices?status=closed&limit=10", {}, None, "wrong query value"),
        Call("PUT", "/invoices/INV-001/payment", {"Content-Type": "application/json"},
             b'{"amount": 120.5}', "matches"),
        Call("DELETE", "/invoices/INV-001", {}, None, "no such interaction"),
    ],
    "mobile_app-catalog_service.json": [
        Call("GET", "/products?q=lamp&page=3", {}, None, "matches: page is any number"),
        # the stock interaction is never called: it will be reported missing
    ],
}


def run(echo: Callable[[str], None] = print) -> int:
    """Run the demo; returns 0 when every step behaved as the demo expects."""
    ports: list[int] = []
    for name, calls in SCRIPT.items():
        pact = resources.files("pactpool.cli.pacts").joinpath(name).read_bytes()
        with MockServer(pact) as server:
            ports.append(server.port)
            echo(f"\n== {name[:-5]}  ->  {server.url} (worker pid {server.pid})")
            for call in calls:
                status = _send(server.port, call)
                echo(f"   {call.method:6} {call.target:38} -> {status}   ({call.why})")
            echo(f"   matched: {server.matched}")
            records = server.mismatches()
            if records:
                echo("   " + format_report(server.url, records).replace("\n", "\n   "))
        refused = _refuses(server.port)
        echo(f"   cleaned up: port {server.port} "
             f"{'refuses connections' if refused else 'STILL ACCEPTS connections'}")
        if not refused:
            return 1
    echo(f"\nAll {len(ports)} mock servers stopped; their ports are closed.")
    return 0


def _send(port: int, call: Call) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(call.method, call.target, body=call.body, headers=call.headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _refuses(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False
