"""One mock server's behaviour per request: select, record, answer.

No IO: the listener hands in a parsed HTTP request and writes back what this returns.
The record is taken *before* the response is returned, so by the time a client has its
answer, `matched()` already counts it.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from pactpool_worker.logbook import Logbook
from pactpool_worker.matching import InteractionIndex, Selection
from pactpool_worker.pact import BodyState, Interaction, Pact, request_from_http
from pactpool_worker.record import Recorder
from pactpool_worker.server import HttpRequest, HttpResponse

CORS_ALLOW_METHODS = "GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH"
JSON_UTF8 = "application/json; charset=utf-8"


@dataclass(frozen=True, slots=True)
class MockOptions:
    """Per-server switches chosen at create time."""

    cors_preflight: bool = False


class MockService:
    """Answers requests from one pact and keeps the record of what it saw."""

    def __init__(self, pact: Pact, options: MockOptions, log: Logbook) -> None:
        self.pact = pact
        self.options = options
        self.log = log
        self.recorder = Recorder(pact.interactions)
        self._index = InteractionIndex(pact.interactions)
        self._responses = {i.index: _prepared_response(i) for i in pact.interactions
                           if i.response is not None}

    def handle(self, http: HttpRequest) -> HttpResponse:
        """Select the interaction for one request, record the outcome, build the answer."""
        try:
            actual = request_from_http(http.method, http.path, http.query_string, http.headers,
                                       http.body)
            selection = self._index.select(actual)
        except Exception as exc:  # a matcher bug: recorded and answered, never a lost request
            error = f"{type(exc).__name__}: {exc}"
            self.recorder.record_error(http.method, http.path, error)
            self.log.log("error", f"{http.method} {http.path}: the matcher failed: {error}")
            return HttpResponse(500, [("Content-Type", JSON_UTF8), ("X-Pact", "Matcher-Error")],
                                orjson.dumps({"error": f"pactpool matcher failed: {error}"}))
        self.recorder.record(selection, actual)
        origin = _header(http.headers, "origin")
        if selection.kind == "match":
            assert selection.interaction is not None
            if self.log.enabled("info"):
                self.log.log("info", f"{actual.method} {http.path} matched "
                                     f"'{selection.interaction.description}'")
            status, headers, body = self._responses[selection.interaction.index]
            return HttpResponse(status, [*_cors_headers(origin), *headers], body)
        if actual.method == "OPTIONS" and self.options.cors_preflight:
            self.log.log("info", f"OPTIONS {http.path}: CORS preflight answered")
            return _preflight_response(origin, _header(http.headers,
                                                       "access-control-request-headers"))
        return self._unmatched_response(selection, actual.method, http)

    def reject(self, status: int, message: str, client: tuple[str, int] | None) -> None:
        """The listener answered a request by itself (bad HTTP, too large): record it."""
        self.recorder.record_error(None, None, f"HTTP {status}: {message}")
        self.log.log("warn", f"request from {client[0] if client else '?'} refused with "
                             f"{status}: {message}")

    def _unmatched_response(self, selection: Selection, method: str,
                            http: HttpRequest) -> HttpResponse:
        target = http.path + (f"?{http.query_string}" if http.query_string else "")
        if selection.kind == "not-found":
            pact_header = "Unexpected-Request"
            detail = f"{pact_header} : {method} {target}: no interaction in the pact matches"
            details: list[object] = []
        else:
            assert selection.interaction is not None
            pact_header = "Request-Mismatch"
            detail = (f"{pact_header} : {method} {target} does not match "
                      f"'{selection.interaction.description}'")
            details = [m.to_json() for m in selection.mismatches]
        if self.log.enabled("warn"):
            self.log.log("warn", detail + "".join(
                f"\n    {d.get('mismatch', d)}" for d in details if isinstance(d, dict)))
        body: dict[str, object] = {"error": detail}
        if details:
            body["mismatches"] = details
        return HttpResponse(500, [
            ("Access-Control-Allow-Origin", "*"),
            ("Content-Type", JSON_UTF8),
            ("X-Pact", pact_header),
        ], orjson.dumps(body))


def _prepared_response(interaction: Interaction) -> tuple[int, list[tuple[str, str]], bytes]:
    """The interaction's response as wire data, built once at load."""
    response = interaction.response
    assert response is not None
    headers = [(_header_safe(name), _header_safe(", ".join(values)))
               for name, values in (response.headers or {}).items()]
    body = response.body.content if response.body.state is BodyState.PRESENT else b""
    return response.status, headers, body


def _header_safe(text: str) -> str:
    """A pact's header text cannot smuggle a line break into the response head."""
    return text.replace("\r", " ").replace("\n", " ")


def _cors_headers(origin: str | None) -> list[tuple[str, str]]:
    return [
        ("Access-Control-Allow-Origin", origin or "*"),
        ("Access-Control-Allow-Headers", "*"),
        ("Access-Control-Allow-Methods", CORS_ALLOW_METHODS),
        ("Access-Control-Expose-Headers", "Location, Link"),
        ("Access-Control-Allow-Credentials", "true"),
    ]


def _preflight_response(origin: str | None, requested: str | None) -> HttpResponse:
    headers = _cors_headers(origin)
    headers[1] = ("Access-Control-Allow-Headers", f"{requested}, *" if requested else "*")
    return HttpResponse(204, headers, b"")


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key == name:
            return value
    return None
