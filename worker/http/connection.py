"""One client connection: httptools parsing on asyncio, one protocol object per connection.

Each complete request goes to a synchronous handler and the response is written back at
once, so pipelined requests are answered in arrival order with no bookkeeping beyond a queue
that waits while the client is not reading. Every way a client can misbehave ends in an
error response (400, 408, 413, 431) and the end of that one connection, never in a crash or
a hang of the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections import deque
from typing import Any, cast

import httptools

from pactpool_worker.http.h11_parser import H11RequestParser
from pactpool_worker.http.wire import (
    BATCH_BYTES,
    CONTINUE,
    LINGER_BYTES,
    LINGER_SECONDS,
    METHOD_NAMES,
    NOTABLE,
    Handler,
    HttpRequest,
    HttpResponse,
    Limits,
    Reject,
    RejectHook,
    error_response,
    method_name,
    render,
    split_target,
)

_log = logging.getLogger(__name__)

FALLBACK_BYTES = 1 << 20
"""Bytes kept per connection for a reparse by h11 (see `_keep_for_fallback`)."""


class Connection(asyncio.Protocol):
    """One client connection: feeds httptools, queues complete requests, answers them in order."""

    __slots__ = (
        "_began",
        "_body",
        "_body_size",
        "_client",
        "_closed",
        "_deadline",
        "_done_since_mark",
        "_expect_continue",
        "_final",
        "_final_reason",
        "_handler",
        "_has_body",
        "_head_bytes",
        "_head_raw",
        "_head_started",
        "_headers",
        "_headers_done",
        "_http_version",
        "_in_message",
        "_keep_alive",
        "_limits",
        "_lingering",
        "_loop",
        "_mark",
        "_mark_size",
        "_max_header_bytes",
        "_max_header_count",
        "_method",
        "_on_reject",
        "_parser",
        "_path",
        "_query",
        "_queue",
        "_replaying",
        "_send_continue",
        "_swallowed",
        "_timer",
        "_timer_when",
        "_transport",
        "_upgrade_replay",
        "_url",
        "_write_paused",
    )

    def __init__(self, handler: Handler, limits: Limits, loop: asyncio.AbstractEventLoop,
                 on_reject: RejectHook | None = None) -> None:
        self._handler = handler
        self._on_reject = on_reject
        self._limits = limits
        self._max_header_count = limits.max_header_count
        self._max_header_bytes = limits.max_header_bytes
        self._loop = loop
        self._parser: Any = httptools.HttpRequestParser(self)
        self._client: tuple[str, int] | None = None
        self._queue: deque[tuple[HttpRequest, bool]] = deque()
        self._final: HttpResponse | None = None
        self._final_reason: tuple[int, str] = (0, "")
        self._closed = False
        self._lingering = False
        self._swallowed = 0
        self._write_paused = False
        self._timer: asyncio.TimerHandle | None = None
        self._timer_when = 0.0
        self._deadline = 0.0
        self._began = 0
        self._replaying = False
        self._upgrade_replay = False
        self._mark: list[bytes] | None = None
        self._mark_size = 0
        self._done_since_mark = 0
        self._reset_message()
        self._in_message = False

    def _reset_message(self) -> None:
        """Fresh per-request state at the start of each message."""
        self._in_message = True
        self._headers_done = False
        self._url = b""
        self._headers: list[tuple[str, str]] = []
        self._body: list[bytes] = []
        self._body_size = 0
        self._head_bytes = 0
        self._head_raw = 0
        self._head_started = -1.0
        self._has_body = False
        self._expect_continue = False
        self._send_continue = False
        self._keep_alive = True
        self._method = ""
        self._path = ""
        self._query = ""
        self._http_version = "1.1"

    # asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)
        set_nodelay(transport)
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self._client = (str(peer[0]), int(peer[1]))
        self._rearm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self._queue.clear()
        self._final = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._parser = None  # breaks the parser <-> protocol cycle so both go at once

    def data_received(self, data: bytes) -> None:
        if self._lingering or self._final is not None or self._closed:
            self._swallow(data)
            return
        began = self._began
        was_in_head = self._in_message and not self._headers_done
        self._keep_for_fallback(data)
        try:
            self._parser.feed_data(data)
        except (httptools.HttpParserError, httptools.HttpParserUpgrade) as exc:
            self._parse_error(exc, data)
        if was_in_head and began == self._began and self._in_message and not self._headers_done:
            self._count_head_chunk(len(data))
        self._drain()
        if not self._closed and not self._lingering:
            self._rearm()

    def eof_received(self) -> bool | None:
        return None  # close; nothing is owed, since answers are written as requests complete

    def pause_writing(self) -> None:
        """The client stopped reading: stop reading it too, so its pipeline cannot pile up here."""
        self._write_paused = True
        if not self._closed:
            self._transport.pause_reading()
            self._set_deadline(self._loop.time() + self._limits.idle_timeout)

    def resume_writing(self) -> None:
        self._write_paused = False
        if self._closed:
            return
        self._drain()
        if not self._closed and not self._write_paused:
            self._transport.resume_reading()
            if not self._lingering:
                self._rearm()

    # parsing ------------------------------------------------------------------------------

    def _parse_error(self, exc: Exception, data: bytes) -> None:
        """The parser stopped on `data`: an upgrade parses on as plain HTTP/1.1 (h2c and
        websocket are ignored); an error or a rejection becomes the connection's final answer."""
        while isinstance(exc, httptools.HttpParserUpgrade):
            data = data[exc.args[0] :]
            if self._upgrade_replay:
                data = self._replay_head() + data
            try:
                self._parser.feed_data(data)
                return
            except (httptools.HttpParserError, httptools.HttpParserUpgrade) as again:
                exc = again
        if isinstance(exc, httptools.HttpParserInvalidMethodError) and self._parse_by_h11():
            return
        if isinstance(exc, httptools.HttpParserCallbackError):
            cause = exc.__context__
            if isinstance(cause, Reject):
                self._fail(cause.status, cause.message)
            else:
                _log.error("HTTP parser callback failed", exc_info=cause)
                self._fail(500, f"Internal error: {cause!r}")
            return
        self._fail(400, f"Bad request: {exc}")

    def _keep_for_fallback(self, data: bytes) -> None:
        """Keep the bytes read since the last read that began between messages, so that h11
        can parse them again if llhttp refuses a method (bounded; past the bound such a
        request gets llhttp's 400, as it always did)."""
        if isinstance(self._parser, H11RequestParser):
            return
        if not self._in_message:
            self._mark, self._mark_size, self._done_since_mark = [data], len(data), 0
        elif self._mark is not None:
            self._mark_size += len(data)
            if self._mark_size > FALLBACK_BYTES:
                self._mark = None
            else:
                self._mark.append(data)

    def _parse_by_h11(self) -> bool:
        """llhttp refused a method: h11 parses this connection from the kept bytes on."""
        kept = self._mark
        if kept is None or isinstance(self._parser, H11RequestParser):
            return False
        self._mark = None
        self._parser = H11RequestParser(self, self._limits.max_header_bytes,
                                        skip=self._done_since_mark)
        self._in_message = False
        try:
            self._parser.feed_data(b"".join(kept))
        except httptools.HttpParserError as exc:
            if not isinstance(exc, httptools.HttpParserCallbackError) and \
                    "illegal request line" in str(exc):
                return False  # not a token method either: llhttp's own answer stands
            self._parse_error(exc, b"")
        return True

    def _count_head_chunk(self, size: int) -> None:
        """Count a read that lay wholly inside one head: httptools buffers a long header unseen."""
        self._head_raw += size
        if self._head_raw > self._limits.max_header_bytes:
            self._fail(431, f"Request head larger than {self._limits.max_header_bytes} bytes")

    def _replay_head(self) -> bytes:
        """The upgrade request's head minus `Upgrade`, so the parser reads its body as HTTP/1.1."""
        self._upgrade_replay = False
        self._replaying = True
        lines = [f"{self._method} {self._url.decode('latin-1')} HTTP/{self._http_version}\r\n"]
        lines.extend(f"{name}: {value}\r\n" for name, value in self._headers if name != "upgrade")
        lines.append("\r\n")
        return "".join(lines).encode()

    def on_message_begin(self) -> None:
        if self._replaying:
            return
        self._began += 1
        self._reset_message()

    def on_url(self, fragment: bytes) -> None:
        if self._replaying:
            return
        self._url += fragment
        self._head_bytes += len(fragment)
        if self._head_bytes > self._limits.max_header_bytes:
            raise Reject(431, f"Request head larger than {self._limits.max_header_bytes} bytes")

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._replaying:
            return
        headers = self._headers
        self._head_bytes += len(name) + len(value) + 4
        if len(headers) >= self._max_header_count or self._head_bytes > self._max_header_bytes:
            self._reject_head()
        key = name.decode("latin-1").lower()
        try:
            text = value.decode().strip(" \t")
        except UnicodeDecodeError:
            raise Reject(400, f"Bad request: header '{key}' is not valid UTF-8") from None
        headers.append((key, text))
        if key in NOTABLE:
            self._note_header(key, text)

    def _reject_head(self) -> None:
        limits = self._limits
        if len(self._headers) >= limits.max_header_count:
            raise Reject(431, f"Too many request headers (more than {limits.max_header_count})")
        raise Reject(431, f"Request head larger than {limits.max_header_bytes} bytes")

    def _note_header(self, key: str, text: str) -> None:
        """Remember what framing needs: body length, chunking, 100-continue."""
        if key == "content-length":
            self._note_content_length(text)
        elif key == "transfer-encoding":
            self._has_body = True
        else:
            self._expect_continue = text.lower() == "100-continue"

    def _note_content_length(self, text: str) -> None:
        """Refuse an oversized body before reading it (and before any 100 Continue)."""
        try:
            length = int(text)
        except ValueError:
            return  # llhttp rejects it with its own message
        if length > self._limits.max_body_bytes:
            raise Reject(413, f"Request body larger than {self._limits.max_body_bytes} bytes")
        self._has_body = self._has_body or length > 0

    def on_headers_complete(self) -> None:
        parser = self._parser
        self._headers_done = True
        self._keep_alive = parser.should_keep_alive()
        if self._replaying:
            self._replaying = False
            return
        raw_method = parser.get_method()
        self._method = METHOD_NAMES.get(raw_method) or method_name(raw_method)
        self._http_version = parser.get_http_version()
        self._path, self._query = split_target(self._url)
        if self._expect_continue and self._http_version != "1.0":
            self._send_continue = True
        if parser.should_upgrade() and self._has_body and self._method != "CONNECT":
            self._upgrade_replay = True

    def on_body(self, chunk: bytes) -> None:
        self._send_continue = False
        size = self._body_size + len(chunk)
        if size > self._limits.max_body_bytes:
            raise Reject(413, f"Request body larger than {self._limits.max_body_bytes} bytes")
        self._body_size = size
        self._body.append(chunk)

    def on_message_complete(self) -> None:
        if self._upgrade_replay:
            return  # llhttp skipped the body of an upgrade; the replay reads it
        self._in_message = False
        self._done_since_mark += 1
        self._send_continue = False
        body = self._body
        request = HttpRequest(
            self._method,
            self._path,
            self._query,
            self._headers,
            body[0] if len(body) == 1 else b"".join(body),
            self._http_version,
            self._client,
        )
        self._queue.append((request, self._keep_alive))

    # answering ------------------------------------------------------------------------

    def _drain(self) -> None:
        """Answer queued requests in order while the client reads, then any final error.

        The answers to one read's pipelined requests leave in one write (one syscall); past
        BATCH_BYTES they are flushed early so that pause_writing can stop the loop.
        """
        if self._closed or self._lingering:
            return
        queue = self._queue
        out: list[bytes] = []
        size = 0
        closing = False
        while queue and not self._write_paused:
            request, keep_alive = queue.popleft()
            data, keep_alive = self._respond(request, keep_alive)
            out.append(data)
            if not keep_alive:
                queue.clear()
                self._final = None
                closing = True
                break
            size += len(data)
            if size >= BATCH_BYTES:
                self._write(out)
                out, size = [], 0
                if self._transport.is_closing():
                    return  # the peer went away mid-pipeline; its answers have nowhere to go
        if not queue and not closing:
            if self._final is not None:
                out.append(render(self._final, False, False, False)[0])
                closing = True
                if self._on_reject is not None:  # recorded only when it is really answered
                    self._on_reject(*self._final_reason, self._client)
            elif self._send_continue and not self._write_paused:
                self._send_continue = False
                out.append(CONTINUE)
        if out:
            self._write(out)
        if closing:
            self._linger()

    def _write(self, out: list[bytes]) -> None:
        if not self._transport.is_closing():
            self._transport.write(out[0] if len(out) == 1 else b"".join(out))

    def _respond(self, request: HttpRequest, keep_alive: bool) -> tuple[bytes, bool]:
        """Call the handler once and render its answer; a handler that raises costs a 500 only."""
        head_only = request.method == "HEAD"
        http10 = request.http_version == "1.0"
        try:
            return render(self._handler(request), keep_alive, head_only, http10)
        except Exception as exc:
            _log.exception("handler failed on %s %s", request.method, request.path)
            error = error_response(500, f"Handler error: {type(exc).__name__}: {exc}")
            return render(error, keep_alive, head_only, http10)

    def _fail(self, status: int, message: str) -> None:
        """Make `status` the last answer on this connection, after any still queued."""
        if self._final is None and not self._lingering:
            self._final = error_response(status, message)
            self._final_reason = (status, message)

    def _linger(self) -> None:
        """Half-close after the last answer and swallow input briefly, then the timer aborts."""
        self._lingering = True
        self._send_continue = False
        transport = self._transport
        if transport.can_write_eof():
            transport.write_eof()
        else:
            transport.close()  # TLS has no half-close
        linger = min(LINGER_SECONDS, self._limits.idle_timeout)
        self._set_deadline(self._loop.time() + linger)

    def _swallow(self, data: bytes) -> None:
        """Discard input after the last answer, up to a bound."""
        self._swallowed += len(data)
        if self._swallowed > LINGER_BYTES and not self._closed:
            self._transport.abort()

    # timeouts -------------------------------------------------------------------------

    def _rearm(self) -> None:
        """Deadline: head_timeout from the start of an unfinished head, else idle_timeout."""
        if self._write_paused:
            return  # pause_writing set the deadline for a client that does not read
        now = self._loop.time()
        if self._in_message and not self._headers_done:
            if self._head_started < 0:
                self._head_started = now
            self._set_deadline(self._head_started + self._limits.head_timeout)
        else:
            self._set_deadline(now + self._limits.idle_timeout)

    def _set_deadline(self, deadline: float) -> None:
        """One lazy timer per connection: only reschedule when the deadline moves earlier."""
        self._deadline = deadline
        timer = self._timer
        if timer is None or self._timer_when > deadline:
            if timer is not None:
                timer.cancel()
            self._timer = self._loop.call_at(deadline, self._on_timer)
            self._timer_when = deadline

    def _on_timer(self) -> None:
        self._timer = None
        if self._closed:
            return
        if self._loop.time() < self._deadline:
            self._set_deadline(self._deadline)
        elif self._lingering or self._write_paused:
            self._transport.abort()
        elif self._in_message:
            if self._headers_done:
                self._fail(408, "Request body not received in time")
            else:
                self._fail(408, "Request head not received in time")
            self._drain()
        else:
            self._transport.close()


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Answers must not wait for Nagle: asyncio only sets TCP_NODELAY on sockets created with
    proto=IPPROTO_TCP, and the caller's `socket.socket()` has proto 0."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):  # the peer may be gone already
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
