"""The second parser: h11 behind httptools' interface, for requests llhttp refuses by method.

llhttp (inside httptools) knows a fixed list of upper-case methods and answers anything else,
`post` or `PURGE-CACHE`, with "Invalid method encountered" before a byte of the head is read.
HTTP allows any token as a method, and Pact matches methods case-insensitively in every
spec version, so such a request must reach the matcher. When llhttp refuses a method, the
connection hands its unparsed bytes to this parser and keeps it for the rest of its life:
h11 accepts any RFC 9110 token as a method. The fast path stays llhttp for every other
connection.

The class drives the same callbacks on the connection as httptools does (`on_message_begin`,
`on_url`, `on_header`, `on_headers_complete`, `on_body`, `on_message_complete`) and answers the
same questions (`get_method`, `get_http_version`, `should_keep_alive`, `should_upgrade`), so the
connection's state machine, limits and timeouts work unchanged. Errors are raised as
httptools' errors for the same reason. h11 is only asked to parse: the connection writes its
own answers, so each message gets a fresh h11 state machine fed with the bytes left over.
"""

from __future__ import annotations

from typing import Any

import h11
import httptools

from pactpool_worker.http.wire import Reject


class H11RequestParser:
    """httptools.HttpRequestParser's interface over h11 (requests only, no upgrades)."""

    __slots__ = ("_conn", "_keep_alive", "_max_head", "_method", "_protocol", "_skip",
                 "_version")

    def __init__(self, protocol: Any, max_head: int, skip: int = 0) -> None:
        """`skip`: complete messages at the start of the first feed that were already handled
        (by llhttp, before it stopped on a later one)."""
        self._protocol = protocol
        self._max_head = max_head
        self._skip = skip
        self._conn = self._fresh()
        self._method = b""
        self._version = "1.1"
        self._keep_alive = True

    def _fresh(self) -> h11.Connection:
        return h11.Connection(h11.SERVER, max_incomplete_event_size=self._max_head)

    # httptools' interface --------------------------------------------------------------

    def feed_data(self, data: bytes | bytearray | memoryview) -> None:
        self._conn.receive_data(bytes(data))
        self._pump()

    def get_method(self) -> bytes:
        return self._method

    def get_http_version(self) -> str:
        return self._version

    def should_keep_alive(self) -> bool:
        return self._keep_alive

    def should_upgrade(self) -> bool:
        return False  # upgrades are not taken: the request is answered as plain HTTP/1.1

    # events ---------------------------------------------------------------------------

    def _pump(self) -> None:
        while True:
            try:
                event = self._conn.next_event()
            except h11.RemoteProtocolError as exc:
                refused: h11.RemoteProtocolError | None = exc
            else:
                refused = None
            if refused is not None:
                self._refuse(refused)
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return
            if isinstance(event, h11.Request):
                self._request(event)
            elif isinstance(event, h11.Data):
                self._call("on_body", bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                self._end_of_message()
            else:  # ConnectionClosed: never fed here, the connection ends on its own
                return

    def _refuse(self, exc: h11.RemoteProtocolError) -> None:
        if exc.error_status_hint == 431:
            self._raise_from(Reject(431, f"Request head larger than {self._max_head} bytes"))
        raise httptools.HttpParserError(str(exc))

    def _request(self, event: h11.Request) -> None:
        self._method = bytes(event.method)
        self._version = event.http_version.decode("ascii")
        tokens = {token.strip().lower() for name, value in event.headers
                  if name == b"connection" for token in bytes(value).split(b",")}
        self._keep_alive = (b"keep-alive" in tokens) if self._version == "1.0" \
            else b"close" not in tokens
        self._call("on_message_begin")
        self._call("on_url", bytes(event.target))
        for name, value in event.headers:
            self._call("on_header", bytes(name), bytes(value))
        self._call("on_headers_complete")

    def _end_of_message(self) -> None:
        if self._skip:
            self._skip -= 1
        else:
            self._call("on_message_complete")
        leftover, _ = self._conn.trailing_data
        self._conn = self._fresh()
        if leftover:
            self._conn.receive_data(bytes(leftover))

    def _call(self, name: str, *args: Any) -> None:
        if self._skip:
            return
        try:
            getattr(self._protocol, name)(*args)
        except Exception as exc:
            self._raise_from(exc)

    @staticmethod
    def _raise_from(cause: Exception) -> None:
        """As httptools reports a failing callback: HttpParserCallbackError, the cause as its
        context (the connection reads a Reject's status from there)."""
        error = httptools.HttpParserCallbackError("the request was refused")
        error.__context__ = cause
        raise error
