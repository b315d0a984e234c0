"""Raw HTTP/1.1 over a socket, for the chaos campaign: send any bytes, read back every answer.

httpx and http.client refuse to send what a broken client sends, and hide how many answers
came back on one connection. Here a connection is a plain socket with a deadline, and the
reader parses each response head and its `Content-Length` body itself, so a campaign knows
exactly which answers the client received, in order.
"""

from __future__ import annotations

import contextlib
import socket
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass
class Answer:
    """One HTTP response as the client received it."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def pact_header(self) -> str:
        return self.headers.get("x-pact", "")


@dataclass
class Reading:
    """Every answer read from one connection, and how the reading ended."""

    answers: list[Answer] = field(default_factory=list)
    end: str = "eof"  # eof | reset | timeout | count | garbage
    leftover: bytes = b""

    @property
    def statuses(self) -> list[int]:
        return [a.status for a in self.answers]


def connect(port: int, timeout: float = 2.0) -> socket.socket:
    sock = socket.create_connection((HOST, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_answers(sock: socket.socket, deadline: float, count: int | None = None,
                 head_only: int = 0) -> Reading:
    """Read answers until `count` of them arrived, the peer closed, or `deadline` passed.

    Interim answers (1xx) are skipped. The first `head_only` answers carry no body whatever
    their `Content-Length` (answers to HEAD requests).
    """
    reading = Reading()
    buf = b""
    while True:
        while True:
            parsed = _parse_one(buf, head_only > len(reading.answers))
            if parsed is None:
                break
            answer, buf = parsed
            if answer is _GARBAGE:
                reading.end, reading.leftover = "garbage", buf
                return reading
            if answer.status >= 200:
                reading.answers.append(answer)
            if count is not None and len(reading.answers) >= count:
                reading.end, reading.leftover = "count", buf
                return reading
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            reading.end, reading.leftover = "timeout", buf
            return reading
        sock.settimeout(remaining)
        try:
            data = sock.recv(65536)
        except TimeoutError:
            reading.end, reading.leftover = "timeout", buf
            return reading
        except (ConnectionResetError, BrokenPipeError):
            reading.end, reading.leftover = "reset", buf
            return reading
        if not data:
            reading.end, reading.leftover = "eof", buf
            return reading
        buf += data


_GARBAGE = Answer(0, {}, b"")


def _parse_one(buf: bytes, head_only: bool) -> tuple[Answer, bytes] | None:
    """One complete response from the front of `buf`, or None when more bytes are needed."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return (_GARBAGE, buf) if len(buf) > 256 * 1024 else None
    lines = buf[:end].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        return _GARBAGE, buf
    status = int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    rest = buf[end + 4:]
    if head_only or status < 200 or status in (204, 304):
        return Answer(status, headers, b""), rest
    length = int(headers.get("content-length", "0") or 0)
    if len(rest) < length:
        return None
    return Answer(status, headers, rest[:length]), rest[length:]


def exchange(port: int, payload: bytes, *, count: int | None = None, timeout: float = 3.0,
             half_close: bool = True) -> Reading:
    """Send `payload` on a new connection, then read answers (all of them, or `count`)."""
    deadline = time.monotonic() + timeout
    with connect(port, timeout) as sock:
        sock.sendall(payload)
        if half_close:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
        return read_answers(sock, deadline, count)


def request(method: str, path: str, *, headers: list[tuple[str, str]] | None = None,
            body: bytes = b"", close: bool = False, chunked: bool = False) -> bytes:
    """A well-formed HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    for name, value in headers or []:
        lines.append(f"{name}: {value}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    if chunked:
        chunk = f"{len(body):x}\r\n".encode() + body + b"\r\n" if body else b""
        return head + chunk + b"0\r\n\r\n"
    return head + body


def refuses(port: int) -> bool:
    """True when nothing accepts connections on 127.0.0.1:port."""
    try:
        socket.create_connection((HOST, port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    return False
