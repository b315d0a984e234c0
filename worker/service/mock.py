"""One mock server's behaviour per request: select, record, answer.

No IO: the listener hands in a parsed HTTP request and writes back what this returns.
The record is taken *before* the response is returned, so by the time a client has its
answer, `matched()` already counts it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import orjson

from pactpool_worker.generators import (
    GeneratorContext,
    ResponseGenerators,
    compile_response_generators,
)
from pactpool_worker.http.wire import HttpRequest, HttpResponse, prepare
from pactpool_worker.matching import InteractionIndex, Selection
from pactpool_worker.matching.clip import clip
from pactpool_worker.pact import (
    BodyState,
    Interaction,
    Pact,
    Request,
    load_pact,
    request_from_http,
)
from pactpool_worker.pact.linear_regex import time_budget
from pactpool_worker.pact.rules import rule_regexes
from pactpool_worker.service.logbook import Logbook
from pactpool_worker.service.record import Recorder

CORS_ALLOW_METHODS = "GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH"
JSON_UTF8 = "application/json; charset=utf-8"
ANSWER_MISMATCHES = 10
"""Mismatches a 500 answer lists (the record keeps them all): the answer stays small."""

Wire = tuple[int, list[tuple[str, str]], bytes]
"""A response as the listener writes it: status, headers in order, body bytes."""


@dataclass(frozen=True, slots=True)
class MockOptions:
    """Per-server switches chosen at create time."""

    cors_preflight: bool = False


class MockService:
    """Answers requests from one pact and keeps the record of what it saw."""

    def __init__(self, pact: Pact, options: MockOptions, log: Logbook,
                 generation: GeneratorContext | None = None) -> None:
        """Compile every response's generators; a bad one raises PactLoadError here.

        `generation` gives the generators their randomness, clock and this server's URL
        (default: fresh randomness, the real clock, no URL). Responses without generators
        are built on their first match (a create pays nothing for them).
        """
        self.pact = pact
        self.options = options
        self.log = log
        self.recorder = Recorder(pact.interactions)
        self._index = InteractionIndex(pact.interactions)
        self._responses: dict[int, Wire] = {}
        self._generated: dict[int, Callable[[], Wire]] = {}
        self._answers: dict[int, HttpResponse] = {}
        """Matched static responses without CORS origin, head prerendered, by interaction."""
        self._budgeted = any(
            regex.engine == "regex" for interaction in pact.interactions
            if interaction.request is not None
            for regex in rule_regexes(interaction.request.matching_rules))
        """Whether a request's matching may run the bounded fallback engine (decided here,
        so that a pact without such a regex pays nothing per request for its time budget)."""
        context = generation
        for interaction in pact.interactions:
            if interaction.response is None or not interaction.response.generators:
                continue
            if context is None:
                context = GeneratorContext.live()
            example = _prepared_response(interaction)
            source = _response_source(interaction, example, context, log)
            if callable(source):
                self._generated[interaction.index] = source
                self._responses[interaction.index] = example  # the fallback if one fails
            else:
                self._responses[interaction.index] = source

    def handle(self, http: HttpRequest) -> HttpResponse:
        """Select the interaction for one request, record the outcome, build the answer."""
        try:
            actual = request_from_http(http.method, http.path, http.query_string, http.headers,
                                       http.body)
            if self._budgeted:  # slow (fallback) regexes: this request's share of time
                with time_budget():
                    selection = self._index.select(actual, lowered_headers=True)
            else:
                selection = self._index.select(actual, lowered_headers=True)
        except Exception as exc:  # a matcher bug: recorded and answered, never a lost request
            error = f"{type(exc).__name__}: {exc}"
            self.recorder.record_error(http.method, http.path, error)
            self.log.log("error", f"{http.method} {http.path}: the matcher failed: {error}")
            return HttpResponse(500, [("Content-Type", JSON_UTF8), ("X-Pact", "Matcher-Error")],
                                orjson.dumps({"error": f"pactpool matcher failed: {error}"}))
        self.recorder.record(selection, actual)
        interaction = selection.interaction
        if selection.kind == "match":
            assert interaction is not None
            self.log.note("info", "{} {} matched '{}'", actual.method, http.path,
                          interaction.description)
            return self._matched(interaction, _header(http.headers, "origin"))
        origin = _header(http.headers, "origin")
        if actual.method == "OPTIONS" and self.options.cors_preflight:
            self.log.log("info", f"OPTIONS {http.path}: CORS preflight answered")
            return _preflight_response(origin, _header(http.headers,
                                                       "access-control-request-headers"))
        return self._unmatched_response(selection, actual.method, http)

    def _matched(self, interaction: Interaction, origin: str | None) -> HttpResponse:
        """The answer to a match: CORS headers, then the interaction's response."""
        if origin is None:
            answer = self._answers.get(interaction.index)
            if answer is not None:
                return answer
        status, headers, body = self._matched_response(interaction)
        answer = HttpResponse(status, [*_cors_headers(origin), *headers], body)
        if origin is None and interaction.index not in self._generated:
            self._answers[interaction.index] = answer = _prepare(answer)
        return answer

    def _matched_response(self, interaction: Interaction) -> Wire:
        """The prebuilt response, or a fresh one when generators fill it per request."""
        generate = self._generated.get(interaction.index)
        if generate is None:
            return self._static_response(interaction)
        try:
            return generate()
        except Exception as exc:  # a generator bug costs the fresh values, never the answer
            self.log.log("error", f"generators of '{interaction.description}' failed "
                                  f"({type(exc).__name__}: {exc}); answering with the example")
            return self._responses[interaction.index]

    def _static_response(self, interaction: Interaction) -> Wire:
        """The response built once, on its first match."""
        wire = self._responses.get(interaction.index)
        if wire is None:
            wire = self._responses[interaction.index] = _prepared_response(interaction)
        return wire

    def warm_up(self) -> Iterator[None]:
        """Build, one interaction per step, what each one's first request would build.

        Body plans, their generated quick checks and prepared answers are made on first
        use, so that a create pays nothing for them; the worker runs these steps in its
        idle time after it reports ready, so that the first requests do not pay either.
        Nothing is recorded or logged, and a step that fails only leaves the work to the
        first request.
        """
        for interaction in self.pact.interactions:
            expected = interaction.request
            if expected is None or interaction.response is None:
                continue
            example = Request(
                method=expected.method, path=expected.path, query=expected.query,
                headers={name.lower(): values for name, values in expected.headers.items()}
                if expected.headers else None,
                body=expected.body, raw_query=expected.raw_query)
            with contextlib.suppress(Exception), time_budget():
                self._index.select(example, lowered_headers=True)
                if interaction.index not in self._generated:
                    self._matched(interaction, None)
            yield

    def reject(self, status: int, message: str, client: tuple[str, int] | None) -> None:
        """The listener answered a request by itself (bad HTTP, too large): record it."""
        self.recorder.record_error(None, None, f"HTTP {status}: {message}")
        self.log.log("warn", f"request from {client[0] if client else '?'} refused with "
                             f"{status}: {message}")

    def _unmatched_response(self, selection: Selection, method: str,
                            http: HttpRequest) -> HttpResponse:
        target = clip(http.path + (f"?{http.query_string}" if http.query_string else ""))
        if selection.kind == "not-found":
            pact_header = "Unexpected-Request"
            detail = f"{pact_header} : {clip(method)} {target}: no interaction in the pact matches"
            details: list[object] = []
        else:
            assert selection.interaction is not None
            pact_header = "Request-Mismatch"
            detail = (f"{pact_header} : {clip(method)} {target} does not match "
                      f"'{clip(selection.interaction.description)}'")
            details = [m.to_json() for m in selection.mismatches[:ANSWER_MISMATCHES]]
        if self.log.enabled("warn"):
            self.log.log("warn", detail + "".join(
                f"\n    {d.get('mismatch', d)}" for d in details if isinstance(d, dict)))
        body: dict[str, object] = {"error": detail}
        if details:
            body["mismatches"] = details
            left_out = len(selection.mismatches) - len(details)
            if left_out > 0:
                body["mismatchesLeftOut"] = left_out  # all of them are in the record
        return HttpResponse(500, [
            ("Access-Control-Allow-Origin", "*"),
            ("Content-Type", JSON_UTF8),
            ("X-Pact", pact_header),
        ], orjson.dumps(body))


def check_servable(pact_text: bytes, options: MockOptions, url: str) -> None:
    """Every check a worker's create makes of a pact (the loader's, then the service's own:
    generators, rules), without serving it; raises what the worker's create would."""
    MockService(load_pact(pact_text), options, Logbook(), GeneratorContext.live(url))


def _response_source(interaction: Interaction, example: Wire, context: GeneratorContext,
                     log: Logbook) -> Wire | Callable[[], Wire]:
    """Wire data built once, or a builder when generators must draw values per request.

    Values that never change (MockServerURL) are folded into the prebuilt response, so an
    interaction only pays per request for what is really random or clock-driven.
    """
    response = interaction.response
    assert response is not None
    plan = compile_response_generators(
        response, f"$.interactions[{interaction.index}].response.generators", context)
    if plan is None:
        return example
    for note in plan.notes:
        log.log("warn", f"'{interaction.description}': {note}")
    status, _, body = example
    header_parts: list[tuple[str, str | Callable[[], str]]] = []
    for name, values in (response.headers or {}).items():
        value = plan.headers.get(name)
        if value is None:
            value = ", ".join(values)
        header_parts.append((_header_safe(name),
                             _header_safe(value) if isinstance(value, str) else value))
    fixed_status = plan.status if isinstance(plan.status, int) else status
    fixed_body = plan.body if isinstance(plan.body, bytes) else body
    if not plan.per_request:
        return fixed_status, [(n, v) for n, v in header_parts if isinstance(v, str)], fixed_body
    return _response_builder(fixed_status, header_parts, fixed_body, plan)


def _response_builder(status: int, header_parts: list[tuple[str, str | Callable[[], str]]],
                      body: bytes, plan: ResponseGenerators) -> Callable[[], Wire]:
    """The per-request builder: only the generated parts are drawn, the rest is shared."""
    draw_status = plan.status if callable(plan.status) else None
    draw_body = plan.body if callable(plan.body) else None
    if all(isinstance(value, str) for _, value in header_parts):
        fixed_headers = [(name, str(value)) for name, value in header_parts]

        def headers() -> list[tuple[str, str]]:
            return fixed_headers
    else:
        def headers() -> list[tuple[str, str]]:
            return [(name, value if isinstance(value, str) else _header_safe(value()))
                    for name, value in header_parts]

    def build() -> Wire:
        return (draw_status() if draw_status else status, headers(),
                draw_body() if draw_body else body)
    return build


def _prepared_response(interaction: Interaction) -> Wire:
    """The interaction's response as wire data, built once at load."""
    response = interaction.response
    assert response is not None
    headers = [(_header_safe(name), _header_safe(", ".join(values)))
               for name, values in (response.headers or {}).items()]
    body = response.body.content if response.body.state is BodyState.PRESENT else b""
    return response.status, headers, body


def _prepare(answer: HttpResponse) -> HttpResponse:
    """The answer with its head rendered once; as it is when its status cannot be rendered
    (the listener then answers that error, as for any response)."""
    try:
        return prepare(answer)
    except ValueError:
        return answer


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
