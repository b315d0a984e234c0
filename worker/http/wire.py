"""The wire side of the listener: request and response values, limits, and the bytes of a
response (status lines, heads, framing), rendered once where they can be.

It knows nothing of Pact and holds no connection state; `connection` drives it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

import httptools

_log = logging.getLogger(__name__)


@dataclass(slots=True)
class HttpRequest:
    """One complete request, exactly as received (the matcher decides what it means)."""

    method: str
    path: str
    query_string: str
    headers: list[tuple[str, str]]
    body: bytes
    http_version: str
    client: tuple[str, int] | None


@dataclass(slots=True)
class HttpResponse:
    """What the handler answers; the listener owns the framing headers."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    prepared: Prepared | None = None
    """Set by `prepare` for a response answered many times: its head, rendered once."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """A response's head as `render` writes it, up to (not including) the blank line."""

    head: bytes
    closes: bool
    """The handler's headers say `Connection: close`."""
    has_body: bool
    """The status carries a body (and so a Content-Length)."""
    whole: bytes
    """Head, blank line and body: the bytes of the common case (HTTP/1.1, kept alive, no HEAD)."""


RejectHook = Callable[[int, str, "tuple[str, int] | None"], None]
Handler = Callable[[HttpRequest], HttpResponse]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep one bad client from costing the others memory or sockets."""

    max_body_bytes: int = 16 * 1024 * 1024
    max_header_count: int = 100
    max_header_bytes: int = 64 * 1024
    idle_timeout: float = 30.0
    head_timeout: float = 10.0


JSON_TYPE = "application/json; charset=utf-8"
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
# Headers whose meaning is the listener's, not the handler's: it frames every response itself.
FRAMING = frozenset({"content-length", "transfer-encoding", "connection"})
NO_BODY = frozenset({204, 304})
# Request headers the listener itself must act on.
NOTABLE = frozenset({"content-length", "transfer-encoding", "expect"})
# After a final response the connection half-closes and swallows what the client still sends
# for a moment, so that unread request bytes do not turn the answer into a TCP reset.
LINGER_SECONDS = 2.0
LINGER_BYTES = 1024 * 1024
BATCH_BYTES = 64 * 1024

_status_lines: dict[int, str] = {}
METHOD_NAMES: dict[bytes, str] = {}


class Reject(Exception):
    """Raised inside a parser callback: stop parsing and answer `status`, then close."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def status_line(status: int) -> str:
    """The status line, cached: an HTTPStatus lookup is too slow for every response."""
    line = _status_lines.get(status)
    if line is None:
        if not isinstance(status, int) or not 100 <= status <= 999:
            raise ValueError(f"HTTP status must be an integer from 100 to 999, not {status!r}")
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        line = _status_lines[status] = f"HTTP/1.1 {status} {phrase}\r\n"
    return line


def method_name(raw: bytes) -> str:
    """Decode a method once per distinct name (llhttp only knows a fixed set)."""
    name = METHOD_NAMES.get(raw)
    if name is None:
        name = METHOD_NAMES[raw] = raw.decode("ascii")
    return name


def split_target(url: bytes) -> tuple[str, str]:
    """Raw path and query of a request target, neither percent-decoded."""
    try:
        parsed = httptools.parse_url(url)
    except httptools.HttpParserInvalidURLError:
        path, query = url, b""  # authority-form (CONNECT) and the like: keep the target whole
    else:
        path, query = parsed.path or b"/", parsed.query or b""
    try:
        return path.decode(), query.decode()
    except UnicodeDecodeError:
        raise Reject(400, "Bad request: request target is not valid UTF-8") from None


def error_response(status: int, message: str) -> HttpResponse:
    """The listener's own answers carry the same JSON shape as the mock server's errors."""
    body = json.dumps({"error": message}).encode()
    return HttpResponse(status, [("Content-Type", JSON_TYPE)], body)


def prepare(response: HttpResponse) -> HttpResponse:
    """`response` with its head rendered now: for a handler that returns it again and again.

    The listener never changes a response, so a handler may return the same one each time.
    An invalid status raises ValueError here, as it would when rendered.
    """
    parts, closes, has_body = render_head(response.status, response.headers, len(response.body))
    head = "".join(parts).encode()
    body = response.body if has_body else b""
    response.prepared = Prepared(head, closes, has_body, head + b"\r\n" + body)
    return response


def render_head(status: int, headers: list[tuple[str, str]], length: int
          ) -> tuple[list[str], bool, bool]:
    """Status line, the handler's headers and Content-Length, without the blank line; whether
    the headers ask to close; whether the status carries a body."""
    parts = [status_line(status)]
    append = parts.append
    closes = False
    for name, value in headers:
        if name.lower() in FRAMING:
            if name.lower() == "connection" and "close" in value.lower():
                closes = True
            continue
        append(f"{name}: {value}\r\n")
    has_body = not (status < 200 or status in NO_BODY)
    if has_body:
        append(f"Content-Length: {length}\r\n")
    return parts, closes, has_body


def ending(keep_alive: bool, http10: bool) -> str:
    """What ends a head: the connection's fate where it is not the default, a blank line."""
    if not keep_alive:
        return "Connection: close\r\n\r\n"
    return "Connection: keep-alive\r\n\r\n" if http10 else "\r\n"


def render(
    response: HttpResponse, keep_alive: bool, head_only: bool, http10: bool
) -> tuple[bytes, bool]:
    """Serialise `response` in one join; returns its bytes and whether the connection stays open."""
    prepared = response.prepared
    if prepared is not None:
        if keep_alive and not (head_only or http10 or prepared.closes):
            return prepared.whole, True
        keep_alive = keep_alive and not prepared.closes
        head = prepared.head + ending(keep_alive, http10).encode()
        has_body = prepared.has_body
    else:
        parts, closes, has_body = render_head(response.status, response.headers, len(response.body))
        keep_alive = keep_alive and not closes
        parts.append(ending(keep_alive, http10))
        head = "".join(parts).encode()
    body = response.body if has_body and not head_only else b""
    return (head + body if body else head), keep_alive

