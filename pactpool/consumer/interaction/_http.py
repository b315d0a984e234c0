"""An HTTP interaction: one request the consumer sends, and the response it expects."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pactpool.consumer.interaction._base import (
    HttpRequest,
    HttpResponse,
    Interaction,
    Part,
    PartName,
    _check_str,
)
from pactpool.errors import PactDefinitionError

if TYPE_CHECKING:
    from typing_extensions import Self

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
NO_BODY_STATUSES = frozenset({204, 304})


def _text_value(value: Any) -> str | None:
    """A header or query example as text: str as is, other JSON values as JSON."""
    if isinstance(value, str) or value is None:
        return value
    return json.dumps(value)


class HttpInteraction(Interaction):
    """A synchronous HTTP interaction (`Pact.upon_receiving(description)`).

    Headers, query parameters, the path and bodies take matchers. Calls before
    `will_respond_with` describe the request, calls after it the response.
    """

    kind = "HTTP"

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self._request = HttpRequest()
        self._response = HttpResponse()

    @property
    def request(self) -> HttpRequest:
        return self._request

    @property
    def response(self) -> HttpResponse:
        return self._response

    def _part(self, part: PartName | None) -> Part:
        return self._response if self._resolve(part) == "Response" else self._request

    def _metadata_part(self, part: PartName | None) -> Part:
        raise PactDefinitionError(
            "HTTP interactions carry no metadata (that is for messages); use with_header")

    def _check_body_allowed(self, part: PartName) -> None:
        if part != "Response":
            return
        status = self._response.status
        if status in NO_BODY_STATUSES or status < 200:
            raise PactDefinitionError(
                f"a {status} response cannot have a body (HTTP forbids one); "
                "declare another status or no body")
        if self._request.method == "HEAD":
            raise PactDefinitionError("the response to a HEAD request cannot have a body")

    def with_request(self, method: str, path: Any) -> Self:
        """Set the request's method and path (a str, or a matcher such as `match.regex`)."""
        _check_str(method, "method")
        if not _TOKEN.fullmatch(method):
            raise PactDefinitionError(f"invalid HTTP method {method!r}")
        request = self._request
        request.rules.pop("path", None)
        request.generators.pop("path", None)
        example = path if isinstance(path, str) else request.place("path", None, path)
        if not isinstance(example, str):
            raise TypeError(f"the path must be a str (or a matcher of one), not "
                            f"{type(example).__name__}")
        if "?" in example:
            raise PactDefinitionError(
                f"the path {example!r} holds a query string; declare each parameter with "
                "with_query_parameter (the mock server compares the path alone)")
        if example and not example.startswith("/"):
            raise PactDefinitionError(f"the path {example!r} must start with '/'")
        request.method = method.upper()
        request.path = example or "/"
        if request.method == "HEAD" and self._response.body is not None:
            raise PactDefinitionError("the response to a HEAD request cannot have a body")
        return self

    # -- headers ----------------------------------------------------------------------------

    def _header(self, name: str, value: Any, part: PartName | None, replace: bool,
                raw: bool) -> None:
        _check_str(name, "a header name")
        if not _TOKEN.fullmatch(name):
            raise PactDefinitionError(f"invalid header name {name!r}")
        target = self._part(part)
        spelled = target.header_name(name)
        if replace or spelled not in target.headers:
            target.headers.pop(spelled, None)
            target.forget("header", spelled)
            spelled = name
        if raw or isinstance(value, str):
            values = [_check_str(value, f"the value of header '{name}'")]
        elif isinstance(value, dict) and set(value) == {"value"}:
            inner = value["value"]
            values = [str(v) for v in inner] if isinstance(inner, list) else [str(inner)]
        else:
            index = len(target.headers.get(spelled, []))
            at = spelled if index == 0 else f"{spelled}[{index}]"
            example = _text_value(target.place("header", at, value))
            if example is None:
                raise PactDefinitionError(f"header '{name}' needs a value (an example)")
            values = [example]
        for text in values:
            if "\r" in text or "\n" in text:
                raise PactDefinitionError(f"the value of header '{name}' contains a line break")
        target.headers.setdefault(spelled, []).extend(values)

    def with_header(self, name: str, value: Any, part: PartName | None = None) -> Self:
        """Add a header value (repeat the call for a header with several values).

        `value` is text, a matcher, or `{"value": [...]}` for several values at once.
        """
        self._header(name, value, part, replace=False, raw=False)
        return self

    def with_headers(self, headers: Mapping[str, Any] | Iterable[tuple[str, Any]],
                     part: PartName | None = None) -> Self:
        """`with_header` for each (name, value) of a dict or of an iterable of pairs."""
        for name, value in _pairs(headers, "headers"):
            self.with_header(name, value, part)
        return self

    def set_header(self, name: str, value: str, part: PartName | None = None) -> Self:
        """Set a header to exactly this text, replacing any value it had (no matchers)."""
        self._header(name, value, part, replace=True, raw=True)
        return self

    def set_headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]],
                    part: PartName | None = None) -> Self:
        """`set_header` for each (name, value) of a dict or of an iterable of pairs."""
        for name, value in _pairs(headers, "headers"):
            self.set_header(name, value, part)
        return self

    # -- query ------------------------------------------------------------------------------

    def with_query_parameter(self, name: str, value: Any) -> Self:
        """Add a query parameter value (repeat for several values); matchers allowed."""
        _check_str(name, "a query parameter name")
        if not name:
            raise PactDefinitionError("a query parameter needs a non-empty name")
        request = self._request
        values = request.query.setdefault(name, [])
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, dict) and set(value) == {"value"}:
            inner = value["value"]
            values.extend(_text_value(v) for v in (inner if isinstance(inner, list) else [inner]))
        else:
            at = name if not values else f"{name}[{len(values)}]"
            values.append(_text_value(request.place("query", at, value)))
        return self

    def with_query_parameters(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]]
                              ) -> Self:
        """`with_query_parameter` for each (name, value) of a mapping or of pairs."""
        for name, value in _pairs(parameters, "query parameters"):
            self.with_query_parameter(name, value)
        return self

    # -- response ---------------------------------------------------------------------------

    def will_respond_with(self, status: int) -> Self:
        """Begin the response, with its status; later calls describe the response."""
        if isinstance(status, bool) or not isinstance(status, int):
            raise TypeError(f"status must be an int, not {type(status).__name__}")
        if not 100 <= status <= 599:
            raise PactDefinitionError(f"HTTP status {status} is not within 100 to 599")
        if self._response.body is not None and (status in NO_BODY_STATUSES or status < 200):
            raise PactDefinitionError(f"a {status} response cannot have a body, and this "
                                      "response already has one")
        self._response.status = status
        self._responding = True
        return self


def _pairs(items: Any, what: str) -> Iterable[tuple[str, Any]]:
    if isinstance(items, Mapping):
        return list(items.items())
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise TypeError(f"{what} must be a dict or an iterable of (name, value) pairs, not "
                        f"{type(items).__name__}")
    pairs = []
    for item in items:
        if not isinstance(item, tuple) or len(item) != 2:
            raise TypeError(f"{what}: each item must be a (name, value) pair, not {item!r}")
        pairs.append(item)
    return pairs
