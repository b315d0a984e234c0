"""The HTTP control plane: create, list, verify and stop mock servers over HTTP.

Compatible with the master server of the Rust `pact_mock_server_cli` (same routes, JSON
shapes and status codes), so tools written against it can drive pactpool instead. Built on
the standard library's threading HTTP server: it serves a handful of control calls, never
the mock traffic, which goes straight to each mock server's own process.

Every answer is JSON, errors included (`{"error": "..."}`): a malformed request never
gets an HTML page or a traceback.
"""

from __future__ import annotations

import hmac
import os
import secrets
import socket
import string
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import orjson

from pactpool import api
from pactpool.errors import PactPoolError, UnknownMockServerError, WorkerDiedError

DEFAULT_SHUTDOWN_PERIOD_MS = 100
MAX_BODY = 64 * 1024 * 1024
"""Larger bodies are refused (413) before they are read: a pact is not that big."""

KEY_ALPHABET = string.ascii_letters + string.digits


def random_server_key(length: int = 16) -> str:
    """A key like the reference's default: 16 random alphanumerics."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


@dataclass
class Entry:
    """One mock server created through this control server."""

    id: str
    port: int
    host: str
    provider: str
    scheme: str = "http"


class HttpError(Exception):
    """An answer other than success: a status code and the JSON body to send with it."""

    def __init__(self, status: int, body: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


class ControlServer:
    """The master server: a registry of mock servers by id, and the HTTP listener for it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8080, *, output: str = ".",
                 server_key: str | None = None,
                 log: Callable[[str], None] | None = None) -> None:
        self.output = os.path.abspath(output)
        self.server_key = server_key or random_server_key()
        self.log = log or (lambda line: None)
        self.finished = threading.Event()
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self._closing = False
        handler = type("Handler", (ControlHandler,), {"control": self})
        server_class = type("Server", (ThreadingHTTPServer,), {
            "address_family": socket.AF_INET6 if ":" in host else socket.AF_INET,
            "daemon_threads": True})
        self.httpd: ThreadingHTTPServer = server_class((host, port), handler)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    @property
    def bind_host(self) -> str:
        """Mock servers listen where the control server does (127.0.0.1 by default)."""
        return str(self.httpd.server_address[0])

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.httpd.serve_forever, name="pactpool-control",
                                  daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop every mock server, then the listener; idempotent."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            entries = list(self._entries.values())
            self._entries.clear()
        for entry in entries:
            api.cleanup_mock_server(entry.port)
        self.log(f"stopped {len(entries)} mock server(s)")
        self.httpd.shutdown()
        self.httpd.server_close()
        self.finished.set()

    def shutdown_later(self, period_ms: int) -> None:
        """Close after `period_ms`, from another thread (the caller is still answering)."""
        self.log(f"shutting down in {period_ms} ms")
        timer = threading.Timer(period_ms / 1000, self.close)
        timer.daemon = True
        timer.start()

    # -- registry ------------------------------------------------------------------------

    def find(self, key: str) -> Entry | None:
        """By id first, then by port when the key is all digits (as the reference does)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None and key.isdigit():
                entry = next((e for e in self._entries.values() if e.port == int(key)), None)
            return entry

    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries.values())

    def create(self, body: bytes, *, cors: bool, tls: bool) -> Entry:
        if not body.strip():
            raise HttpError(422, {"error": "No pact json was supplied"})
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise HttpError(422, {"error": f"Failed to parse json body - {exc}"}) from None
        try:
            port = api.create_mock_server(body, self.bind_host, 0, cors_preflight=cors, tls=tls)
        except PactPoolError as exc:
            raise HttpError(422, {"error": f"Failed to start mock server - {exc}"}) from None
        provider = doc.get("provider") if isinstance(doc, dict) else None
        name = provider.get("name") if isinstance(provider, dict) else None
        worker = api.get_controller().worker(port)
        with self._lock:
            if self._closing:
                api.cleanup_mock_server(port)
                raise HttpError(503, {"error": "the control server is shutting down"})
            server_id = secrets.token_hex(4)
            while server_id in self._entries:
                server_id = secrets.token_hex(4)
            entry = Entry(server_id, port, worker.host, str(name or ""),
                          "https" if tls else "http")
            self._entries[server_id] = entry
        self.log(f"mock server {server_id} started on port {port} "
                 f"(provider {entry.provider or '?'})")
        return entry

    def delete(self, entry: Entry) -> bool:
        with self._lock:
            if self._entries.pop(entry.id, None) is None:
                return False
        api.cleanup_mock_server(entry.port)
        self.log(f"mock server {entry.id} on port {entry.port} stopped")
        return True

    def to_json(self, entry: Entry) -> dict[str, Any]:
        """The reference's `MockServer::to_json`; `status` is "error" until the pact is met."""
        try:
            status = api.get_controller().call(entry.port, "status")
        except (UnknownMockServerError, WorkerDiedError):
            status = {"requests": 0, "matched": False}
        host = f"[{entry.host}]" if ":" in entry.host else entry.host
        return {
            "id": entry.id,
            "port": entry.port,
            "address": f"{host}:{entry.port}",
            "scheme": entry.scheme,
            "provider": entry.provider,
            "status": "ok" if status.get("matched") else "error",
            "metrics": {
                "requests": int(status.get("requests", 0)),
                "requests_by_path": dict(status.get("requests_by_path", {})),
            },
        }

    def verify(self, entry: Entry) -> None:
        """204 and the pact written (merged) when matched, else 422 with the mismatches."""
        text = api.mock_server_mismatches(entry.port)
        mismatches = orjson.loads(text) if text else []
        if mismatches:
            raise HttpError(422, {"mockServer": self.to_json(entry), "mismatches": mismatches})
        try:
            path = api.write_pact_file(entry.port, self.output, overwrite=False)
        except PactPoolError as exc:
            raise HttpError(422, {"mockServer": self.to_json(entry),
                                  "error": f"Failed to write pact to file - {exc}"}) from None
        self.log(f"mock server {entry.id} verified; pact written to {path}")

    def authorised(self, header: str | None) -> bool:
        expected = f"Bearer {self.server_key}".encode()
        return header is not None and hmac.compare_digest(header.encode(), expected)


class ControlHandler(BaseHTTPRequestHandler):
    """Routes one request; every answer is JSON with an explicit length (keep-alive safe)."""

    control: ClassVar[ControlServer]
    protocol_version = "HTTP/1.1"
    server_version = "pactpool-control"

    # -- plumbing ------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_OPTIONS(self) -> None:
        self._dispatch("OPTIONS")

    def log_message(self, format: str, *args: Any) -> None:
        self.control.log(f"{self.address_string()} {format % args}")

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """The base class's errors (bad request line, unknown method) as JSON, not HTML."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # unparsable request line: answer in HTTP/1.0
            self.request_version = "HTTP/1.0"
        self._send(code, {"error": message or self.responses.get(code, ("error",))[0]})

    def _send(self, status: int, body: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None) -> None:
        data = orjson.dumps(body) if body is not None else b""
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        if status != 204:  # a 204 must not carry a Content-Length (RFC 9110, 8.6)
            self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection and self.request_version != "HTTP/1.0":
            # Said out loud, so that a client does not send its next request on a
            # connection this server is about to close (it would find it gone).
            self.send_header("Connection", "close")
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def _body(self) -> bytes:
        self._body_read = True
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked_body()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise HttpError(400, {"error": "Content-Length is not a number"}) from None
        if length < 0:
            self.close_connection = True
            raise HttpError(400, {"error": "Content-Length is negative"})
        if length > MAX_BODY:
            self.close_connection = True
            raise HttpError(413, {"error": f"body of {length} bytes is larger than "
                                           f"{MAX_BODY} bytes"})
        return self.rfile.read(length) if length else b""

    def _chunked_body(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                self.close_connection = True
                raise HttpError(400, {"error": "malformed chunked body"}) from None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                self.close_connection = True
                raise HttpError(413, {"error": f"body larger than {MAX_BODY} bytes"})
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _dispatch(self, method: str) -> None:
        self._body_read = False
        self._after_send: Callable[[], None] | None = None
        try:
            status, body, headers = self._route(method)
        except HttpError as exc:
            status, body, headers = exc.status, exc.body, exc.headers
        except Exception as exc:  # a bug here must still answer JSON, not a traceback
            status, body, headers = 500, {"error": f"{type(exc).__name__}: {exc}"}, {}
        if not self._body_read and (self.headers.get("Content-Length", "0") not in ("", "0")
                                    or "Transfer-Encoding" in self.headers):
            self.close_connection = True  # an unread body would be taken for the next request
        self._send(status, body, headers)
        if self._after_send is not None:
            self._after_send()

    # -- routes --------------------------------------------------------------------------

    def _route(self, method: str) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        query = parse_qs(url.query)
        control = self.control
        if not parts:
            _allow(method, ("OPTIONS", "GET", "HEAD", "POST"))
            if method == "OPTIONS":
                return 204, None, {"Allow": "OPTIONS, GET, HEAD, POST"}
            if method == "POST":
                entry = control.create(self._body(), cors=_flag(query, "cors"),
                                       tls=_flag(query, "tls"))
                created: dict[str, Any] = {"id": entry.id, "port": entry.port}
                if entry.scheme == "https":  # pactpool's addition: the CA a client trusts
                    created["tlsCaCertificate"] = api.get_tls_ca_certificate()
                return 200, {"mockServer": created}, {"Location": f"/mockserver/{entry.id}"}
            servers = [control.to_json(e) for e in control.entries()]
            return 200, {"mockServers": servers}, {}
        if parts == ["shutdown"]:
            _allow(method, ("POST",))
            if not control.authorised(self.headers.get("Authorization")):
                raise HttpError(403, {"error": "a valid 'Authorization: Bearer <server key>' "
                                               "header is required to shut the server down"})
            period = _period(self._body())
            self._after_send = lambda: control.shutdown_later(period)  # once 204 is on its way
            return 204, None, {}
        if parts[0] == "mockserver" and len(parts) in (2, 3):
            server = control.find(parts[1])
            if server is None or (len(parts) == 3 and parts[2] != "verify"):
                raise HttpError(404, {"error": f"no mock server with id or port {parts[1]!r}"
                                      if server is None else f"no such resource {url.path!r}"})
            allowed = ("OPTIONS", "GET", "HEAD", "POST", "DELETE")
            _allow(method, allowed)
            if method == "OPTIONS":
                return 204, None, {"Allow": ", ".join(allowed)}
            if len(parts) == 3:  # /mockserver/<id>/verify
                if method != "POST":
                    raise HttpError(405, {"error": f"{method} is not allowed on verify; "
                                                   "use POST"}, {"Allow": "POST"})
                control.verify(server)
                return 204, None, {}
            if method == "POST":
                raise HttpError(422, {"error": f"POST {url.path}/verify to verify this mock "
                                               "server"})
            if method == "DELETE":
                if not control.delete(server):
                    raise HttpError(404, {"error": f"no mock server with id {server.id!r}"})
                return 204, None, {}
            return 200, control.to_json(server), {}
        raise HttpError(404, {"error": f"no such resource {url.path!r}; the routes are /, "
                                       "/mockserver/<id or port>[/verify] and /shutdown"})


def _allow(method: str, allowed: tuple[str, ...]) -> None:
    if method not in allowed:
        raise HttpError(405, {"error": f"method {method} is not allowed here; use "
                                       f"{', '.join(allowed)}"},
                        {"Allow": ", ".join(allowed)})


def _flag(query: dict[str, list[str]], name: str) -> bool:
    return (query.get(name) or [""])[0] == "true"


def _period(body: bytes) -> int:
    """`{"period": ms}` from a shutdown body; the default when absent or not a number."""
    if not body.strip():
        return DEFAULT_SHUTDOWN_PERIOD_MS
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise HttpError(422, {"error": f"Failed to parse json body - {exc}"}) from None
    period = doc.get("period") if isinstance(doc, dict) else None
    if isinstance(period, int) and not isinstance(period, bool) and period >= 0:
        return period
    return DEFAULT_SHUTDOWN_PERIOD_MS


def stderr_log(line: str) -> None:
    print(f"pactpool control: {line}", file=sys.stderr, flush=True)


__all__ = ["ControlHandler", "ControlServer", "Entry", "HttpError", "random_server_key"]
