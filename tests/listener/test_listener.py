"""The HTTP/1.1 listener on real sockets: httpx for well-behaved clients, raw bytes for the rest.

Each test starts a server on its own event loop in a background thread (asyncio and uvloop
both), with an echo handler, and checks at teardown that the loop never reported an error.
"""

from __future__ import annotations

import asyncio
import json
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import uvloop

from pactpool_worker.http.connection import Connection
from pactpool_worker.http.server import start_server
from pactpool_worker.http.wire import HttpRequest, HttpResponse, Limits

JSON = "application/json; charset=utf-8"


def echo(request: HttpRequest) -> HttpResponse:
    """Answer with the request as JSON; a few paths misbehave on purpose."""
    if request.path == "/boom":
        raise RuntimeError("kaboom")
    if request.path.startswith("/status/"):
        return HttpResponse(int(request.path.rsplit("/", 1)[1]), [("X-A", "1"), ("X-A", "2")], b"")
    if request.path == "/framing":
        headers = [("Content-Length", "999"), ("Transfer-Encoding", "chunked"), ("X-Ok", "yes")]
        return HttpResponse(200, headers, b"abc")
    if request.path == "/big":
        return HttpResponse(200, [], b"x" * 256 * 1024)
    payload = {
        "method": request.method,
        "path": request.path,
        "query": request.query_string,
        "headers": request.headers,
        "body": request.body.decode("latin-1"),
        "version": request.http_version,
        "client": request.client,
    }
    return HttpResponse(200, [("Content-Type", JSON)], json.dumps(payload).encode())


class Server:
    """A listener on 127.0.0.1 served by its own loop in a daemon thread."""

    def __init__(self, limits: Limits, loop_kind: str) -> None:
        self.loop = uvloop.new_event_loop() if loop_kind == "uvloop" else asyncio.new_event_loop()
        self.loop_errors: list[dict[str, Any]] = []
        self.loop.set_exception_handler(lambda _loop, context: self.loop_errors.append(context))
        self.calls: list[HttpRequest] = []
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        self.port: int = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        started = threading.Event()

        def handler(request: HttpRequest) -> HttpResponse:
            self.calls.append(request)
            return echo(request)

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            server = self.loop.run_until_complete(start_server(sock, handler, limits=limits))
            started.set()
            self.loop.run_forever()
            server.close()
            self.loop.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert started.wait(5), "server did not start"

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=3)
        return sock


ServeFn = Callable[..., Server]


@pytest.fixture(params=["asyncio", "uvloop"])
def serve(request: pytest.FixtureRequest) -> Iterator[ServeFn]:
    """Start servers with chosen limits; stop them and insist the loop stayed clean."""
    servers: list[Server] = []

    def start(**limits: Any) -> Server:
        server = Server(Limits(**limits), request.param)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
        assert server.loop_errors == []


@pytest.fixture
def server(serve: ServeFn) -> Server:
    return serve()


# A tiny raw HTTP/1.1 response reader, for the cases httpx cannot express ------------------


class Reader:
    """Reads whole responses off a raw socket, framed by Content-Length."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buf += chunk
        return bool(chunk)

    def head(self) -> tuple[str, list[tuple[str, str]]]:
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                raise EOFError(f"connection closed mid-head: {self.buf!r}")
        raw, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status_line, *lines = raw.decode().split("\r\n")
        headers = [(k.lower(), v.strip()) for k, v in (line.split(":", 1) for line in lines)]
        return status_line, headers

    def response(self, *, head_only: bool = False) -> tuple[str, dict[str, str], bytes]:
        status_line, header_list = self.head()
        headers = dict(header_list)
        length = 0 if head_only else int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            if not self._fill():
                raise EOFError("connection closed mid-body")
        body, self.buf = self.buf[:length], self.buf[length:]
        return status_line, headers, body

    def closed(self, within: float = 3.0) -> bool:
        """True once the server closes (EOF or reset) before `within` seconds pass."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                if not self._fill():
                    return True
            except TimeoutError:
                return False
            except ConnectionResetError:
                return True
        return False


def raw_exchange(
    server: Server, data: bytes, *, wait_close: float = 3.0
) -> tuple[str, dict[str, str], bytes, bool]:
    """Send `data` on a fresh connection; the first response and whether the server then closed."""
    with server.connect() as sock:
        sock.sendall(data)
        reader = Reader(sock)
        status, headers, body = reader.response()
        return status, headers, body, reader.closed(within=wait_close)


def assert_error(
    result: tuple[str, dict[str, str], bytes, bool], status: str, message: str
) -> None:
    status_line, headers, body, closed = result
    assert status_line == status
    assert headers["content-type"] == JSON
    assert json.loads(body) == {"error": message}
    assert closed, "the server should close the connection after this error"


def assert_serves(server: Server) -> None:
    """The server still answers a fresh connection."""
    assert httpx.get(server.url + "/alive").json()["path"] == "/alive"


# Keep-alive, pipelining, bodies ------------------------------------------------------------


def test_keep_alive_reuses_one_connection(server: Server) -> None:
    with httpx.Client(base_url=server.url) as client:
        first = client.get("/a%20b", params={"x": "1"}, headers={"X-Thing": "v"})
        second = client.post("/b", content=b"payload")
    one, two = first.json(), second.json()
    assert one["path"] == "/a%20b"
    assert one["query"] == "x=1"
    assert ["x-thing", "v"] in one["headers"]
    assert two["body"] == "payload"
    assert one["client"] == two["client"], "both requests must share one connection"
    assert first.headers["content-length"] == str(len(first.content))
    assert len(server.calls) == 2


def test_pipelined_requests_are_answered_in_order(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(
            b"GET /first HTTP/1.1\r\nHost: x\r\nX-Pad: \t padded \t\r\n\r\n"
            b"POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
            b"GET /third HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        reader = Reader(sock)
        bodies = [json.loads(reader.response()[2]) for _ in range(3)]
    assert [b["path"] for b in bodies] == ["/first", "/second", "/third"]
    assert bodies[1]["body"] == "hi"
    assert bodies[0]["headers"] == [["host", "x"], ["x-pad", "padded"]]


def test_chunked_request_body_is_dechunked(server: Server) -> None:
    def parts() -> Iterator[bytes]:
        yield b"hello, "
        yield b"chunked "
        yield b"world"

    response = httpx.post(server.url + "/c", content=parts())
    echoed = response.json()
    assert ["transfer-encoding", "chunked"] in echoed["headers"]
    assert echoed["body"] == "hello, chunked world"


def test_expect_100_continue_is_answered_before_the_body(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(
            b"POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
        )
        reader = Reader(sock)
        assert reader.head() == ("HTTP/1.1 100 Continue", [])
        assert server.calls == []
        sock.sendall(b"12345")
        status, _, body = reader.response()
    assert status == "HTTP/1.1 200 OK"
    assert json.loads(body)["body"] == "12345"


def test_head_sends_length_but_no_body(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(b"HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = Reader(sock)
        status, headers, _ = reader.response(head_only=True)
        assert status == "HTTP/1.1 200 OK"
        assert int(headers["content-length"]) > 0
        # Had the HEAD response carried body bytes, this would not parse as the next response.
        status, _, body = reader.response()
    assert status == "HTTP/1.1 200 OK"
    assert json.loads(body)["path"] == "/after"


def test_http10_closes_unless_keep_alive(server: Server) -> None:
    status, headers, body, closed = raw_exchange(server, b"GET /old HTTP/1.0\r\n\r\n")
    assert status == "HTTP/1.1 200 OK"
    assert headers["connection"] == "close"
    assert json.loads(body)["version"] == "1.0"
    assert closed

    with server.connect() as sock:
        reader = Reader(sock)
        for path in (b"/one", b"/two"):
            sock.sendall(b"GET " + path + b" HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            _, headers, body = reader.response()
            assert headers["connection"] == "keep-alive"
            assert json.loads(body)["path"] == path.decode()


def test_connection_close_is_honoured(server: Server) -> None:
    status, headers, _, closed = raw_exchange(
        server, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\n\r\n"
    )
    assert status == "HTTP/1.1 200 OK"
    assert headers["connection"] == "close"
    assert closed
    assert [r.path for r in server.calls] == ["/"]


def test_upgrade_is_answered_as_plain_http(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(
            b"POST /up HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: 4\r\n\r\nbody"
            b"GET /next HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: upgrade\r\n\r\n"
        )
        reader = Reader(sock)
        first, second = (json.loads(reader.response()[2]) for _ in range(2))
    assert first["body"] == "body"
    assert ["upgrade", "h2c"] in first["headers"]
    assert second["path"] == "/next"


def test_response_framing_belongs_to_the_listener(server: Server) -> None:
    status, headers, body, _ = raw_exchange(server, b"GET /framing HTTP/1.1\r\n\r\n", wait_close=0)
    assert status == "HTTP/1.1 200 OK"
    assert headers["content-length"] == "3"
    assert "transfer-encoding" not in headers
    assert body == b"abc"


def test_unknown_status_has_an_empty_reason_and_headers_keep_duplicates(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(b"GET /status/599 HTTP/1.1\r\n\r\n")
        status_line, headers = Reader(sock).head()
    assert status_line == "HTTP/1.1 599 "
    assert [v for k, v in headers if k == "x-a"] == ["1", "2"]


# Failures ---------------------------------------------------------------------------------


def test_handler_exception_is_a_500_and_the_connection_lives_on(server: Server) -> None:
    with httpx.Client(base_url=server.url) as client:
        before = client.get("/before")
        failed = client.get("/boom")
        after = client.get("/after")
    assert failed.status_code == 500
    assert failed.headers["content-type"] == JSON
    assert failed.json() == {"error": "Handler error: RuntimeError: kaboom"}
    assert after.json()["client"] == before.json()["client"], "the connection must survive"
    assert [r.path for r in server.calls] == ["/before", "/boom", "/after"]


def test_garbage_request_line_is_a_400_and_the_server_serves_on(server: Server) -> None:
    result = raw_exchange(server, b"\x16\x03\x01 this is not http\r\n\r\n")
    assert_error(result, "HTTP/1.1 400 Bad Request", "Bad request: Invalid method encountered")
    assert server.calls == []
    assert_serves(server)


def test_invalid_header_bytes_are_a_400(server: Server) -> None:
    result = raw_exchange(server, b"GET / HTTP/1.1\r\nX-Bad: a\x01b\r\n\r\n")
    assert_error(result, "HTTP/1.1 400 Bad Request", "Bad request: Invalid header value char")
    result = raw_exchange(server, b"GET / HTTP/1.1\r\nX-Latin: caf\xe9\r\n\r\n")
    assert_error(
        result, "HTTP/1.1 400 Bad Request", "Bad request: header 'x-latin' is not valid UTF-8"
    )
    assert server.calls == []


def test_bad_chunk_encoding_is_a_400(server: Server) -> None:
    result = raw_exchange(
        server, b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnope\r\n"
    )
    assert_error(result, "HTTP/1.1 400 Bad Request", "Bad request: Invalid character in chunk size")


def test_body_over_the_limit_is_a_413(serve: ServeFn) -> None:
    server = serve(max_body_bytes=10)
    message = "Request body larger than 10 bytes"
    # Refused from the declared length alone: no body sent, and no 100 Continue either.
    declared = raw_exchange(
        server, b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n"
    )
    assert_error(declared, "HTTP/1.1 413 Request Entity Too Large", message)
    chunked = raw_exchange(
        server,
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"6\r\n012345\r\n6\r\n678901\r\n0\r\n\r\n",
    )
    assert_error(chunked, "HTTP/1.1 413 Request Entity Too Large", message)
    assert server.calls == []
    assert httpx.post(server.url, content=b"0123456789").json()["body"] == "0123456789"


def test_too_many_or_too_large_headers_are_a_431(serve: ServeFn) -> None:
    server = serve(max_header_count=5, max_header_bytes=1024)
    many = b"".join(b"X-%d: v\r\n" % i for i in range(6))
    result = raw_exchange(server, b"GET / HTTP/1.1\r\n" + many + b"\r\n")
    too_large = "HTTP/1.1 431 Request Header Fields Too Large"
    assert_error(result, too_large, "Too many request headers (more than 5)")
    large = raw_exchange(server, b"GET / HTTP/1.1\r\nX-Big: " + b"v" * 2000 + b"\r\n\r\n")
    assert_error(large, too_large, "Request head larger than 1024 bytes")
    assert server.calls == []


def test_a_header_that_never_ends_is_cut_off(serve: ServeFn) -> None:
    """httptools buffers a header until it ends; the listener must not let it grow unbounded."""
    server = serve(max_header_bytes=1024)
    with server.connect() as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nX-Endless: ")
        for _ in range(64):
            if select.select([sock], [], [], 0.01)[0]:
                break
            sock.sendall(b"v" * 512)
        status, _, body = Reader(sock).response()
    assert status == "HTTP/1.1 431 Request Header Fields Too Large"
    assert json.loads(body) == {"error": "Request head larger than 1024 bytes"}


# Timeouts and misbehaving peers ------------------------------------------------------------


def test_idle_keep_alive_connection_is_closed(serve: ServeFn) -> None:
    server = serve(idle_timeout=0.2)
    with server.connect() as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n\r\n")
        reader = Reader(sock)
        assert reader.response()[0] == "HTTP/1.1 200 OK"
        started = time.monotonic()
        assert reader.closed(within=3.0)
        assert time.monotonic() - started >= 0.15
        assert reader.buf == b"", "an idle close sends nothing"


def test_head_that_does_not_complete_in_time_is_a_408(serve: ServeFn) -> None:
    server = serve(head_timeout=0.2)
    with server.connect() as sock:
        sock.sendall(b"GET /slow HTTP/1.1\r\nX-Drip: ")
        reader = Reader(sock)
        status, headers, body = reader.response()
        assert status == "HTTP/1.1 408 Request Timeout"
        assert headers["content-type"] == JSON
        assert json.loads(body) == {"error": "Request head not received in time"}
        assert reader.closed()


def test_reset_by_peer_is_silent(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\npartial")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    assert_serves(server)  # and the fixture checks that the loop reported nothing


def test_client_that_never_reads_is_not_buffered_without_bound(server: Server) -> None:
    """Pipelined requests for large answers: once the client stops reading, so does the server."""
    with server.connect() as sock:
        sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n" * 400)
        wait_settled(server)
        # Without flow control all 400 answers (100 MB) would sit in the server's buffer.
        assert len(server.calls) < 100
        reader = Reader(sock)
        for _ in range(3):
            status, _, body = reader.response()
            assert status == "HTTP/1.1 200 OK"
            assert len(body) == 256 * 1024


def test_paused_writing_holds_answers_back_until_resumed() -> None:
    """With a transport that is full after each large write, later requests wait for resume."""
    loop = asyncio.new_event_loop()
    try:
        calls: list[str] = []

        def handler(request: HttpRequest) -> HttpResponse:
            calls.append(request.path)
            return HttpResponse(200, [], request.path.encode() + b"." * 100_000)

        protocol = Connection(handler, Limits(), loop)
        transport = FakeTransport(protocol)
        protocol.connection_made(transport)
        protocol.data_received(b"".join(b"GET /%d HTTP/1.1\r\n\r\n" % i for i in range(3)))
        assert calls == ["/0"]
        assert not transport.reading
        protocol.resume_writing()
        assert calls == ["/0", "/1"]
        transport.full = False
        protocol.resume_writing()
        assert calls == ["/0", "/1", "/2"]
        assert transport.reading
        bodies = [w.split(b"\r\n\r\n", 1)[1] for w in transport.written]
        assert [body[:2] for body in bodies] == [b"/0", b"/1", b"/2"]
        protocol.connection_lost(None)
    finally:
        loop.close()


class FakeTransport(asyncio.Transport):
    """Records writes and calls pause_writing after each one while `full`."""

    def __init__(self, protocol: asyncio.Protocol) -> None:
        super().__init__()
        self.protocol = protocol
        self.written: list[bytes] = []
        self.reading = True
        self.full = True

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.append(bytes(data))
        if self.full:
            self.protocol.pause_writing()

    def is_closing(self) -> bool:
        return False

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 5000) if name == "peername" else default


def wait_settled(server: Server, quiet: float = 0.2, timeout: float = 3.0) -> None:
    """Wait until the handler's call count has not moved for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    count, since = len(server.calls), time.monotonic()
    while time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, "the server kept answering"
        threading.Event().wait(0.01)
        if len(server.calls) != count:
            count, since = len(server.calls), time.monotonic()
