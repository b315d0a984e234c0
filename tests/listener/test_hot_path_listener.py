"""A prepared response (head rendered once) leaves the listener byte for byte as a plain one."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest
import uvloop

from pactpool_worker.http.server import start_server
from pactpool_worker.http.wire import HttpRequest, HttpResponse, prepare

HEADERS = [("Content-Type", "application/json"), ("X-A", "1")]
PREPARED = {status: prepare(HttpResponse(status, HEADERS, b'{"id": 1}')) for status in (200, 204)}
CLOSING = prepare(HttpResponse(200, [("Connection", "close")], b"bye"))


def handler(request: HttpRequest) -> HttpResponse:
    """`/prepared/<status>` and `/plain/<status>` answer the same response, one prepared."""
    kind, status = request.path.strip("/").split("/")
    if status == "close":
        return CLOSING if kind == "prepared" else HttpResponse(200, [("Connection", "close")],
                                                               b"bye")
    if kind == "prepared":
        return PREPARED[int(status)]
    return HttpResponse(int(status), HEADERS, b'{"id": 1}')


@pytest.fixture(params=["asyncio", "uvloop"])
def port(request: pytest.FixtureRequest) -> Iterator[int]:
    loop = uvloop.new_event_loop() if request.param == "uvloop" else asyncio.new_event_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(start_server(sock, handler))
        started.set()
        loop.run_forever()
        server.close()
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(5)
    yield sock.getsockname()[1]
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def _exchange(port: int, data: bytes) -> bytes:
    """Everything the server sends back until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def _requests(kind: str, status: str) -> bytes:
    target = f"/{kind}/{status}"
    return (f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"
            f"HEAD {target} HTTP/1.1\r\nHost: x\r\n\r\n"
            f"GET {target} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
            f"HEAD {target} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
            f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").encode()


@pytest.mark.parametrize("status", ["200", "204", "close"])
def test_prepared_and_plain_responses_are_the_same_bytes(port: int, status: str) -> None:
    prepared = _exchange(port, _requests("prepared", status))
    plain = _exchange(port, _requests("plain", status))
    assert prepared == plain
    assert prepared.startswith(b"HTTP/1.1 ")
    assert prepared.count(b"HTTP/1.1 ") == (1 if status == "close" else 5)
