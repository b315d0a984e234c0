"""The errors of the consumer front, and the mismatches a mock server reports, as objects.

The mismatch classes keep the names, attributes and `from_dict` of pact-python 4's
`pact.error`, so code that inspects `PactServer.mismatches` ports by its imports alone. They
are read from pactpool's mismatch JSON (the Rust mock server's shape). Their `str()` says
where, what was expected and what came, so a failed test reads at a glance.
"""

from __future__ import annotations

import json
from typing import Any

from pactpool.errors import PactPoolError

__all__ = [
    "BodyMismatch",
    "BodyTypeMismatch",
    "GenericMismatch",
    "HeaderMismatch",
    "InteractionVerificationError",
    "MetadataMismatch",
    "MethodMismatch",
    "Mismatch",
    "MismatchesError",
    "MissingRequest",
    "PactError",
    "PactVerificationError",
    "PathMismatch",
    "QueryMismatch",
    "RequestMismatch",
    "RequestNotFound",
    "StatusMismatch",
    "parse_mismatches",
]


class PactError(PactPoolError):
    """Base class of the consumer front's errors (and a `PactPoolError`, like all of pactpool's)."""


class InteractionVerificationError(PactError):
    """A message handler raised while handling one interaction's message."""

    def __init__(self, description: str, error: Exception) -> None:
        super().__init__(f"Error verifying interaction '{description}': {error}")
        self._description = description
        self._error = error

    @property
    def description(self) -> str:
        return self._description

    @property
    def error(self) -> Exception:
        return self._error


class PactVerificationError(PactError):
    """One or more message handlers failed in `Pact.verify`; `errors` holds each failure."""

    def __init__(self, errors: list[InteractionVerificationError]) -> None:
        lines = [f"Error verifying Pact (count: {len(errors)})"]
        lines += [f"  ({i}) {error}" for i, error in enumerate(errors, 1)]
        super().__init__("\n".join(lines))
        self._errors = errors

    @property
    def errors(self) -> list[InteractionVerificationError]:
        return self._errors


def _show(value: Any) -> str:
    """A value as a tester reads it: strings as they are, anything else as compact JSON."""
    if value is None or value == "":  # a missing header, an unexpected query parameter
        return "(nothing)"
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def _request_text(request: dict[str, Any] | None) -> str:
    """Query, headers and body of a request record, each on its own indented line."""
    if not request:
        return ""
    lines: list[str] = []
    for key in ("query", "headers", "body"):
        if key in request and request[key] not in (None, "", {}):
            lines.append(f"\n      {key}: {_show(request[key])}")
    return "".join(lines)


class Mismatch:
    """A difference between the pact and what the mock server saw."""

    @property
    def type(self) -> str:
        """The mismatch's kind, as pact-python names it (`BodyMismatch`, `MissingRequest`):
        the class's own name, but for `GenericMismatch`."""
        return type(self).__name__

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mismatch:
        """The mismatch object for one JSON record (the input is not modified).

        Unknown kinds, pactpool's own (`request-error`, `mock-server-failed`) and records
        whose fields do not fit their kind become a `GenericMismatch` holding every field.
        """
        fields = dict(data)
        kind = fields.pop("type", None)
        target = _KINDS.get(kind) if isinstance(kind, str) else None
        if target is not None:
            try:
                return target(**fields)
            except TypeError:
                pass
        if kind is None:
            return GenericMismatch(**fields)
        return GenericMismatch(**fields, type=kind)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{k.lstrip('_')}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({shown})"


class GenericMismatch(Mismatch):
    """A mismatch of a kind without its own class; its fields stay in `data`."""

    def __init__(self, **kwargs: Any) -> None:
        self._data = kwargs

    @property
    def type(self) -> str:
        return str(self._data.get("type", "UnknownMismatchType"))

    @property
    def data(self) -> dict[str, Any]:
        return self._data

    def __getattr__(self, name: str) -> Any:
        data = self.__dict__.get("_data", {})
        if name in data:
            return data[name]
        raise AttributeError(name)

    def __str__(self) -> str:
        kind = self.type
        if kind == "request-error":
            where = f"{self._data.get('method')} {self._data.get('path')}" \
                if self._data.get("method") else "a request"
            return f"Request error: {where} could not be read: {_show(self._data.get('error'))}"
        if kind == "mock-server-failed":
            return (f"Mock server failed: {_show(self._data.get('error'))} "
                    f"(exit status {self._data.get('exitStatus')})")
        rest = {k: v for k, v in self._data.items() if k != "type"}
        return f"Mismatch ({kind}): {_show(rest)}"


class _Request(Mismatch):
    """The shared shape of MissingRequest and RequestNotFound: method, path, request."""

    _label = ""

    def __init__(self, method: str, path: str, request: dict[str, Any]) -> None:
        self._method = method
        self._path = path
        self._request = request

    @property
    def method(self) -> str:
        return self._method

    @property
    def path(self) -> str:
        return self._path

    @property
    def request(self) -> dict[str, Any]:
        return self._request

    def __str__(self) -> str:
        return f"{self._label}: {self.method} {self.path}{_request_text(self.request)}"


class MissingRequest(_Request):
    """An interaction the consumer never sent (the expected request is in `request`)."""

    _label = "Missing request (expected, never received)"


class RequestNotFound(_Request):
    """A request that matches no interaction (the actual request is in `request`)."""

    _label = "Unexpected request (matches no interaction)"


class RequestMismatch(Mismatch):
    """A request that resembles an interaction but differs from it, mismatch by mismatch."""

    def __init__(self, method: str, path: str, mismatches: list[dict[str, Any]]) -> None:
        self._method = method
        self._path = path
        self._mismatches = [m if isinstance(m, Mismatch) else Mismatch.from_dict(m)
                            for m in mismatches]

    @property
    def method(self) -> str:
        return self._method

    @property
    def path(self) -> str:
        return self._path

    @property
    def mismatches(self) -> list[Mismatch]:
        return self._mismatches

    def __str__(self) -> str:
        lines = [f"Request mismatch: {self.method} {self.path}"]
        lines += [f"      - {m}" for m in self.mismatches]
        return "\n".join(lines)


class _Compared(Mismatch):
    """Shared: an expected and an actual value, and the engine's own words for the difference."""

    def __init__(self, expected: Any, actual: Any, mismatch: str) -> None:
        self._expected = expected
        self._actual = actual
        self._mismatch = mismatch

    @property
    def expected(self) -> Any:
        return self._expected

    @property
    def actual(self) -> Any:
        return self._actual

    @property
    def mismatch(self) -> str:
        return self._mismatch

    def _tail(self) -> str:
        text = f"expected {_show(self.expected)}, actual {_show(self.actual)}"
        return f"{text} ({self.mismatch})" if self.mismatch else text


class MethodMismatch(_Compared):
    """The HTTP method differs."""

    def __init__(self, expected: str, actual: str, mismatch: str = "") -> None:
        super().__init__(expected, actual, mismatch)

    def __str__(self) -> str:
        return f"Method mismatch: {self._tail()}"


class PathMismatch(_Compared):
    """The request path differs."""

    def __str__(self) -> str:
        return f"Path mismatch: {self._tail()}"


class StatusMismatch(_Compared):
    """The response status differs (reported by provider verification, not by a mock server)."""

    def __str__(self) -> str:
        return f"Status mismatch: {self._tail()}"


class QueryMismatch(_Compared):
    """A query parameter is missing, unexpected or different."""

    def __init__(self, parameter: str, expected: Any, actual: Any, mismatch: str) -> None:
        super().__init__(expected, actual, mismatch)
        self._parameter = parameter

    @property
    def parameter(self) -> str:
        return self._parameter

    def __str__(self) -> str:
        return f"Query mismatch, parameter '{self.parameter}': {self._tail()}"


class _Keyed(_Compared):
    """Shared: a difference at one named entry (a header, a metadata key)."""

    _label = ""

    def __init__(self, key: str, expected: Any, actual: Any, mismatch: str) -> None:
        super().__init__(expected, actual, mismatch)
        self._key = key

    @property
    def key(self) -> str:
        return self._key

    def __str__(self) -> str:
        return f"{self._label} '{self.key}': {self._tail()}"


class HeaderMismatch(_Keyed):
    """A header is missing or different."""

    _label = "Header mismatch, header"


class MetadataMismatch(_Keyed):
    """A message's metadata entry is missing or different."""

    _label = "Metadata mismatch, key"


class BodyTypeMismatch(_Compared):
    """The body's content type differs from the expected one; the bodies are not compared."""

    def __init__(self, expected: str, actual: str, mismatch: str, *,
                 expected_body: bytes | str | None = None,
                 expectedBody: bytes | str | None = None,
                 actual_body: bytes | str | None = None,
                 actualBody: bytes | str | None = None) -> None:
        super().__init__(expected, actual, mismatch)
        self._expected_body = expected_body if expected_body is not None else expectedBody
        self._actual_body = actual_body if actual_body is not None else actualBody

    @property
    def expected_body(self) -> bytes | str | None:
        return self._expected_body

    @property
    def actual_body(self) -> bytes | str | None:
        return self._actual_body

    def __str__(self) -> str:
        return f"Body type mismatch: {self._tail()}"


class BodyMismatch(_Compared):
    """A value in the body differs; `path` says where (`$.items[0].id`, or `/` for all of it)."""

    def __init__(self, path: str, expected: Any, actual: Any, mismatch: str) -> None:
        super().__init__(expected, actual, mismatch)
        self._path = path

    @property
    def path(self) -> str:
        return self._path

    def __str__(self) -> str:
        return f"Body mismatch at {self.path}: {self._tail()}"


_KINDS: dict[str, type[Mismatch]] = {}
for _name, _class in (("missing-request", MissingRequest), ("request-not-found", RequestNotFound),
                      ("request-mismatch", RequestMismatch), ("method-mismatch", MethodMismatch),
                      ("path-mismatch", PathMismatch), ("status-mismatch", StatusMismatch),
                      ("query-mismatch", QueryMismatch), ("header-mismatch", HeaderMismatch),
                      ("body-type-mismatch", BodyTypeMismatch), ("body-mismatch", BodyMismatch),
                      ("metadata-mismatch", MetadataMismatch)):
    _KINDS[_name] = _class
    _KINDS[_class.__name__] = _class


class MismatchesError(PactError):
    """The mock server did not see exactly the requests the pact expects.

    `str(error)` lists every missing request, unexpected request and mismatch, with the
    path, the expected and the actual value of each.
    """

    def __init__(self, *mismatches: Mismatch | dict[str, Any]) -> None:
        self._mismatches = [m if isinstance(m, Mismatch) else Mismatch.from_dict(m)
                            for m in mismatches]
        super().__init__(self._report())

    @property
    def mismatches(self) -> list[Mismatch]:
        return self._mismatches

    def _report(self) -> str:
        count = len(self._mismatches)
        lines = [f"The pact was not honoured ({count} mismatch{'es' if count != 1 else ''}):"]
        lines += [f"  ({i}) {m}" for i, m in enumerate(self._mismatches, 1)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._report()

    def __repr__(self) -> str:
        return f"MismatchesError({', '.join(repr(m) for m in self._mismatches)})"


def parse_mismatches(text: str | None) -> list[Mismatch]:
    """The mismatch objects of `mock_server_mismatches`' JSON text (empty for None or `[]`)."""
    if not text:
        return []
    entries = json.loads(text)
    if not isinstance(entries, list):
        entries = [entries]
    return [Mismatch.from_dict(e) if isinstance(e, dict) else GenericMismatch(value=e)
            for e in entries]
