"""The pact model: one set of dataclasses for V1 to V4, so the matcher never sees pact JSON."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from pactpool_worker.pact.load_notes import LoadWarning
from pactpool_worker.pact.rules import MatchingRules

HTTP_INTERACTION = "Synchronous/HTTP"


class BodyState(enum.Enum):
    """Whether a body is absent (`MISSING`), empty, JSON null, or has content."""

    MISSING = "missing"
    EMPTY = "empty"
    NULL = "null"
    PRESENT = "present"


_UNPARSED: Any = object()


@dataclass(slots=True, eq=False)
class Body:
    """A body: its state, exactly the bytes to send, and its effective content type.

    `content_type` is the header's value, else the V4 body's own type, else a sniffed guess.
    The parsed form (JSON value or XML tree) is cached on first use, so an expected body is
    parsed once per pact, not once per request.
    """

    state: BodyState
    content: bytes = b""
    content_type: str | None = None
    parsed_cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def missing(cls) -> Body:
        return cls(BodyState.MISSING)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Body):
            return NotImplemented
        return (self.state, self.content, self.content_type) == \
            (other.state, other.content, other.content_type)

    def __hash__(self) -> int:
        return hash((self.state, self.content, self.content_type))

    def display(self) -> str:
        """The reference's Display of an optional body (`Present(12 bytes, application/json)`)."""
        if self.state is BodyState.PRESENT:
            if self.content_type:
                return f"Present({len(self.content)} bytes, {self.content_type})"
            return f"Present({len(self.content)} bytes)"
        return self.state.name.capitalize()


@dataclass(slots=True)
class Request:
    """An HTTP request, expected (from a pact) or actual (from the wire)."""

    method: str
    path: str
    query: dict[str, list[str | None]] | None = None
    headers: dict[str, list[str]] | None = None
    body: Body = field(default_factory=Body.missing)
    matching_rules: MatchingRules | None = None
    generators: dict[str, Any] | None = None
    raw_query: str | None = None
    """The query string as written (V1/V2 pacts) or as received; V1 compares it in order."""
    strict_query: bool = False
    """V1 semantics: parameter order and stray `&` matter (the V1 spec cases require it)."""


@dataclass(slots=True)
class Response:
    """An HTTP response as the pact describes it (or as a provider returned it)."""

    status: int = 200
    headers: dict[str, list[str]] | None = None
    body: Body = field(default_factory=Body.missing)
    matching_rules: MatchingRules | None = None
    generators: dict[str, Any] | None = None


@dataclass(slots=True)
class Message:
    """A message's contents and metadata: a V3 message, or one side of a V4 message interaction.

    Message interactions are loaded (so a bad rule in them is reported) but never served.
    """

    contents: Body = field(default_factory=Body.missing)
    metadata: dict[str, Any] = field(default_factory=dict)
    matching_rules: MatchingRules | None = None
    generators: dict[str, Any] | None = None


@dataclass(slots=True)
class Interaction:
    """One interaction: HTTP ones have `request`/`response`, message ones `message`/`replies`."""

    index: int
    description: str
    provider_states: list[dict[str, Any]]
    type: str
    request: Request | None
    response: Response | None
    raw: dict[str, Any]
    key: str | None = None
    """V4: the interaction's unique key, when the pact gives one."""
    pending: bool = False
    """V4: a pending interaction may fail verification without failing the build."""
    comments: dict[str, Any] | None = None
    message: Message | None = None
    """The message of an asynchronous interaction, or the request of a synchronous one."""
    replies: list[Message] = field(default_factory=list)
    """The response messages of a `Synchronous/Messages` interaction."""
    plugin_configuration: dict[str, Any] | None = None

    @property
    def is_http(self) -> bool:
        return self.type == HTTP_INTERACTION and self.request is not None


@dataclass(slots=True)
class Pact:
    """A loaded pact: who, which spec version, the interactions, and the document as loaded.

    `raw` is the document exactly as given (loading never changes it), so writing a pact
    back loses nothing the model does not know about (plugin sections, comments, ...).
    """

    consumer: str
    provider: str
    spec_version: str
    interactions: list[Interaction]
    metadata: dict[str, Any]
    raw: dict[str, Any]
    warnings: list[LoadWarning] = field(default_factory=list)
    """What a lenient load assumed (quirks of other writers), for the server's log."""
