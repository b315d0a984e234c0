"""The type names pact-python's `pact.types` exports, so annotations port with the imports.

`URL` is the one class here with behaviour: pact-python 4.0 handed out a yarl URL, 4.2 a `str`
subclass; this `URL` is a `str` that also has yarl's `with_path`, `with_query` and `joinpath`,
so suites written against either version keep working.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeAlias, TypedDict
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urlsplit, urlunsplit

__all__ = [
    "UNSET",
    "URL",
    "GeneratorType",
    "Matchable",
    "MatcherType",
    "Message",
    "MessageProducerArgs",
    "StateHandlerArgs",
    "StateHandlerUrl",
    "Unset",
]

Matchable: TypeAlias = Any
"""Anything a matcher may hold as its example (kept open, as pact-python does at runtime)."""

MatcherType: TypeAlias = str
"""A matching rule's name: `"type"`, `"regex"`, `"integer"`, `"eachKey"`, ..."""

GeneratorType: TypeAlias = str
"""A generator's name: `"RandomInt"`, `"Uuid"`, `"DateTime"`, `"ProviderState"`, ..."""

StateHandlerUrl: TypeAlias = str
"""A URL the verifier posts provider states to, instead of a Python handler."""


class Message(TypedDict):
    """What a message producer returns: the bytes, their metadata and content type."""

    contents: bytes
    metadata: dict[str, Any] | None
    content_type: str | None


class MessageProducerArgs(TypedDict, total=False):
    """The keyword arguments a message producer may be called with."""

    name: str
    metadata: dict[str, Any] | None


class StateHandlerArgs(TypedDict, total=False):
    """The keyword arguments a provider-state handler may be called with."""

    state: str
    action: Literal["setup", "teardown"]
    parameters: dict[str, Any] | None


class Unset:
    """The absence of a value, distinct from `None` (which is a JSON null example)."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        # One instance, so `value is UNSET` works however the marker was obtained.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()
"""The one `Unset` instance: the default of arguments where `None` means something."""

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_SEGMENT_SAFE = "/:@!$&'()*+,;="  # RFC 3986 pchar (and "/"): left as written in a segment
QueryValue: TypeAlias = str | int | float
QueryArg: TypeAlias = Mapping[str, QueryValue] | str | None


class URL(str):
    """A mock server address: a plain `str` that also knows its parts and builds new URLs.

    `url / "users"` appends a segment (percent-encoding it, dropping query and fragment);
    `with_path`, `with_query` and `joinpath` behave as yarl's do in pact-python 4.0.
    """

    __slots__ = ()

    def _parts(self) -> SplitResult:
        return urlsplit(self)

    @property
    def scheme(self) -> str:
        """The scheme, e.g. `http`."""
        return self._parts().scheme

    @property
    def host(self) -> str | None:
        """The host name, lowercased, IPv6 addresses without brackets."""
        return self._parts().hostname

    @property
    def port(self) -> int | None:
        """The port; the scheme's default (80, 443) when the URL names none."""
        parts = self._parts()
        return parts.port if parts.port is not None else _DEFAULT_PORTS.get(parts.scheme)

    @property
    def path(self) -> str:
        """The path, `/` when empty."""
        return self._parts().path or "/"

    @property
    def query_string(self) -> str:
        """The raw query, without the `?`."""
        return self._parts().query

    @property
    def query(self) -> dict[str, str]:
        """The query parameters (the last value wins for a repeated name)."""
        return dict(parse_qsl(self._parts().query, keep_blank_values=True))

    def __truediv__(self, segment: object) -> URL:
        if not isinstance(segment, str):
            return NotImplemented
        return self.joinpath(segment)

    def joinpath(self, *segments: str) -> URL:
        """This URL with `segments` appended to its path; query and fragment dropped."""
        parts = self._parts()
        path = parts.path
        for segment in segments:
            if not isinstance(segment, str):
                raise TypeError(f"URL.joinpath: segments must be str, not {type(segment).__name__}")
            if segment.startswith("/"):
                raise ValueError(f"URL.joinpath: cannot append a segment starting with '/': "
                                 f"{segment!r}")
            if segment:
                path = path.removesuffix("/") + "/" + quote(segment, safe=_SEGMENT_SAFE)
        return URL(urlunsplit(parts._replace(path=path, query="", fragment="")))

    def with_path(self, path: str) -> URL:
        """This URL with its path replaced (query and fragment dropped, as yarl does)."""
        if not isinstance(path, str):
            raise TypeError(f"URL.with_path: path must be str, not {type(path).__name__}")
        if path and not path.startswith("/"):
            path = "/" + path
        encoded = quote(path, safe=_SEGMENT_SAFE + "%")
        return URL(urlunsplit(self._parts()._replace(path=encoded, query="", fragment="")))

    def with_query(self, query: QueryArg = None, /, **params: QueryValue) -> URL:
        """This URL with its query replaced: a mapping, a ready string, or keywords."""
        if query is not None and params:
            raise TypeError("URL.with_query: pass a mapping or keywords, not both")
        if isinstance(query, str):
            text = query.removeprefix("?")
        else:
            items = dict(query) if query is not None else params
            for name, value in items.items():
                if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                    raise TypeError(f"URL.with_query: the value of {name!r} must be str, int or "
                                    f"float, not {type(value).__name__}")
            text = urlencode({name: str(value) for name, value in items.items()})
        return URL(urlunsplit(self._parts()._replace(query=text, fragment="")))

    def human_repr(self) -> str:
        """The URL as text (yarl's name for it)."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"URL({str.__repr__(self)})"
