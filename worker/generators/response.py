"""A response's generators (status, header, body), compiled at load into what each request runs.

Consumer mode, as the mock server runs it: ProviderState keeps the example, MockServerURL
writes this server's URL. Anything unusable is an PactLoadError whose path names the
interaction, the category and the key (`$.interactions[0].response.generators.body.$.id`).
Body generators apply to JSON and XML bodies (`generators/body.py`, `generators/xml_body.py`).
Generators on a request (and the request-only categories `path`, `query`, `method`) are not
this module's business: a mock server answers with its response only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from pactpool_worker.errors import PactLoadError
from pactpool_worker.generators.body import plan_json_body
from pactpool_worker.generators.definitions import (
    Constant,
    Generator,
    GeneratorDefinitionError,
    RandomInt,
    compile_generator,
)
from pactpool_worker.generators.generator_context import GeneratorContext
from pactpool_worker.generators.xml_fill import XmlGeneratorError, plan_xml_body
from pactpool_worker.pact.content_type import parse_content_type
from pactpool_worker.pact.jsonpath import PathSyntaxError, RulePath, parse_path
from pactpool_worker.pact.model import BodyState, Response

REQUEST_ONLY = frozenset({"path", "query", "method", "metadata"})
STATUS_RANGE = (200, 599)
"""Final responses only: a 1xx is never the last answer to a request (RFC 9110 15.2)."""


@dataclass(frozen=True, slots=True)
class ResponseGenerators:
    """What the generators change: a fixed value, a per-request callable, or None (the example).

    `headers` is keyed by the header name as the pact writes it; `notes` says what was skipped
    and why, for the server's log.
    """

    status: int | Callable[[], int] | None = None
    headers: dict[str, str | Callable[[], str]] = field(default_factory=dict)
    body: bytes | Callable[[], bytes] | None = None
    notes: tuple[str, ...] = ()

    @property
    def per_request(self) -> bool:
        """True when some value must be drawn for each request."""
        return callable(self.status) or callable(self.body) or \
            any(callable(value) for value in self.headers.values())


def compile_response_generators(response: Response, where: str, context: GeneratorContext
                                ) -> ResponseGenerators | None:
    """Compile `response.generators` (found at `where`); None when there are none at all."""
    raw = response.generators
    if not raw:
        return None
    notes: list[str] = []
    status = headers = body = None
    for category, entries in raw.items():
        at = f"{where}.{category}"
        if category == "status":
            status = _status(entries, response.status, at, context)
        elif category == "header":
            headers = _headers(_object(entries, at), response, at, context, notes)
        elif category == "body":
            body = _body(_object(entries, at), response, at, context, notes)
        elif category not in REQUEST_ONLY:
            notes.append(f"generators category '{category}' at {at} is not a response part; "
                         "ignored")
    return ResponseGenerators(status, headers or {}, body, tuple(notes))


def _object(entries: Any, at: str) -> dict[str, Any]:
    if not isinstance(entries, dict):
        raise PactLoadError("generators of a category must be a JSON object of "
                               "name -> generator", at)
    return entries


def _compile(definition: Any, at: str, context: GeneratorContext) -> Generator:
    try:
        return compile_generator(definition, context)
    except GeneratorDefinitionError as exc:
        raise PactLoadError(str(exc), at) from None


def _status(entries: Any, example: int, at: str, context: GeneratorContext
            ) -> int | Callable[[], int] | None:
    definition = _object(entries, at)
    if "type" not in definition and len(definition) == 1:  # also {"": {...}} or {"$": {...}}
        definition = next(iter(definition.values()))
    generator = _compile(definition, at, context)
    binding = generator.bind(example)
    if binding is None:
        return None
    if not isinstance(generator, RandomInt):
        raise PactLoadError("a status generator must be RandomInt (or ProviderState, which "
                               "keeps the example)", at)
    low, high = STATUS_RANGE
    if generator.low < low or generator.high > high:
        raise PactLoadError(f"a RandomInt status must stay within {low} and {high}, not "
                               f"{generator.low} to {generator.high}", at)
    assert callable(binding)
    return binding


def _headers(entries: dict[str, Any], response: Response, at: str, context: GeneratorContext,
             notes: list[str]) -> dict[str, str | Callable[[], str]]:
    present = {name.lower(): name for name in response.headers or {}}
    out: dict[str, str | Callable[[], str]] = {}
    for key, definition in entries.items():
        generator = _compile(definition, f"{at}.{key}", context)
        name = _header_name(key, f"{at}.{key}")
        pact_name = present.get(name.lower())
        if pact_name is None:  # as the reference: a generator replaces a header, never adds one
            notes.append(f"header generator {at}.{key}: the response has no '{name}' header; "
                         "nothing to replace")
            continue
        values = (response.headers or {})[pact_name] or [""]
        bindings = [generator.bind(value) for value in values]
        if all(binding is None for binding in bindings):
            continue
        parts = [_header_part(binding, value) for binding, value in zip(bindings, values,
                                                                         strict=True)]
        if all(isinstance(part, str) for part in parts):
            out[pact_name] = ", ".join(str(part) for part in parts)
        else:
            out[pact_name] = _joined(parts)
    return out


def _header_name(key: str, at: str) -> str:
    """A generator's header key: the name itself, or a path naming it (`$['X-Id']`, `$.X-Id`),
    as the reference reads the key's first field."""
    if not key.startswith("$"):
        return key
    try:
        tokens = parse_path(key).tokens
    except PathSyntaxError as exc:
        raise PactLoadError(f"header generator key: {exc}", at) from None
    fields = [value for kind, value in tokens if kind == "field"]
    if len(tokens) != 2 or not fields:
        raise PactLoadError("a header generator's path must name one header", at)
    return fields[0]


def _header_part(binding: Any, example: str) -> str | Callable[[], str]:
    """One value of a header: the example, a fixed value, or one drawn per request."""
    if binding is None:
        return example
    if isinstance(binding, Constant):
        return _header_text(binding.value)
    return _as_header(binding)


def _joined(parts: list[str | Callable[[], str]]) -> Callable[[], str]:
    """A multi-value header, each value generated on its own (as the reference does)."""
    if len(parts) == 1:
        only = parts[0]
        assert callable(only)
        return only
    return lambda: ", ".join(part() if callable(part) else part for part in parts)


def _as_header(produce: Callable[[], Any]) -> Callable[[], str]:
    return lambda: _header_text(produce())


def _header_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return orjson.dumps(value).decode()


def _body(entries: dict[str, Any], response: Response, at: str, context: GeneratorContext,
          notes: list[str]) -> bytes | Callable[[], bytes] | None:
    compiled: list[tuple[RulePath, Generator]] = []
    for path, definition in entries.items():
        where = f"{at}.{path}"
        try:
            rule_path = parse_path(path)
        except PathSyntaxError as exc:
            raise PactLoadError(f"body generator path: {exc}", where) from None
        compiled.append((rule_path, _compile(definition, where, context)))
    if not compiled:
        return None
    document = _json_document(response)
    if document is _NOT_JSON:
        if _is_xml(response):
            return _xml_body(response, compiled, at, notes)
        notes.append(f"body generators at {at} apply to JSON and XML bodies only; this "
                     f"response's body ({response.body.display()}) is served as written")
        return None
    template, plan = plan_json_body(document, compiled)
    if plan is not None:
        return plan.render
    return None if template is document else orjson.dumps(template)


def _is_xml(response: Response) -> bool:
    parsed = parse_content_type(response.body.content_type)
    return response.body.state is BodyState.PRESENT and parsed is not None and parsed.is_xml()


def _xml_body(response: Response, compiled: list[tuple[RulePath, Generator]], at: str,
              notes: list[str]) -> bytes | Callable[[], bytes] | None:
    try:
        fixed, plan = plan_xml_body(response.body.content, compiled)
    except XmlGeneratorError as exc:
        notes.append(f"body generators at {at}: {exc}; the body is served as written")
        return None
    return plan.render if plan is not None else fixed


_NOT_JSON: Any = object()


def _json_document(response: Response) -> Any:
    body = response.body
    if body.state is not BodyState.PRESENT:
        return _NOT_JSON
    parsed = parse_content_type(body.content_type)
    if parsed is None or not parsed.is_json():
        return _NOT_JSON
    try:
        return orjson.loads(body.content)
    except orjson.JSONDecodeError:
        return _NOT_JSON
