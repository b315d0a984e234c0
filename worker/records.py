"""The outer entries of a mock server's mismatch record, typed: what `mock_server_mismatches`
returns, one entry per request that went wrong or interaction never hit.

They are part of the contract between the worker and the controller: the worker's `Recorder`
builds them, the controller adds `ServerFailedEntry` for a worker that died, and
`pactpool.report` (and the consumer front) read them back with `entry_from_json`. The JSON is
the Rust pact_mock_server's shape (`request-not-found`, `request-mismatch`,
`missing-request`) plus pactpool's own `request-error` and `mock-server-failed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from pactpool_worker.matching.mismatches import Diff, diff_from_json

REQUEST_NOT_FOUND: Final = "request-not-found"
REQUEST_MISMATCH: Final = "request-mismatch"
MISSING_REQUEST: Final = "missing-request"
REQUEST_ERROR: Final = "request-error"
MOCK_SERVER_FAILED: Final = "mock-server-failed"


@dataclass(frozen=True, slots=True)
class _RequestEntry:
    """An entry that names a request as pact JSON, with its method and path."""

    type: ClassVar[str]
    method: str
    path: str
    request: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "method": self.method, "path": self.path,
                "request": self.request}


@dataclass(frozen=True, slots=True)
class NotFoundEntry(_RequestEntry):
    """A request that matched no interaction; `request` is the actual request as pact JSON."""

    type: ClassVar[str] = REQUEST_NOT_FOUND


@dataclass(frozen=True, slots=True)
class MismatchEntry:
    """A request that was closest to one interaction but differed; `method` and `path` are the
    interaction's, `mismatches` what differed."""

    type: ClassVar[str] = REQUEST_MISMATCH
    method: str
    path: str
    mismatches: tuple[Diff, ...]

    def to_json(self) -> dict[str, Any]:
        return {"type": REQUEST_MISMATCH, "method": self.method, "path": self.path,
                "mismatches": [m.to_json() for m in self.mismatches]}


@dataclass(frozen=True, slots=True)
class MissingEntry(_RequestEntry):
    """An interaction never hit; `request` is the expected request as pact JSON."""

    type: ClassVar[str] = MISSING_REQUEST


@dataclass(frozen=True, slots=True)
class RequestErrorEntry:
    """A request the listener refused (400, 413, ...) or the matcher failed on; the client got
    an answer, so the record shows it. `method` and `path` are None when unreadable."""

    type: ClassVar[str] = REQUEST_ERROR
    method: str | None
    path: str | None
    error: str

    def to_json(self) -> dict[str, Any]:
        return {"type": REQUEST_ERROR, "method": self.method, "path": self.path,
                "error": self.error}


@dataclass(frozen=True, slots=True)
class ServerFailedEntry:
    """The worker process died on its own; `exit_status` is negative for a signal."""

    type: ClassVar[str] = MOCK_SERVER_FAILED
    error: str
    exit_status: int | None

    def to_json(self) -> dict[str, Any]:
        return {"type": MOCK_SERVER_FAILED, "error": self.error, "exitStatus": self.exit_status}


Entry = NotFoundEntry | MismatchEntry | MissingEntry | RequestErrorEntry | ServerFailedEntry


def entry_from_json(entry: dict[str, Any]) -> Entry:
    """The typed entry a `to_json` dict describes; `ValueError` for one of no known type."""
    kind = entry.get("type")
    get = _getter(entry)
    if kind == REQUEST_NOT_FOUND:
        return NotFoundEntry(get("method"), get("path"), get("request") or {})
    if kind == REQUEST_MISMATCH:
        return MismatchEntry(get("method"), get("path"),
                             tuple(diff_from_json(m) for m in get("mismatches") or ()))
    if kind == MISSING_REQUEST:
        return MissingEntry(get("method"), get("path"), get("request") or {})
    if kind == REQUEST_ERROR:
        return RequestErrorEntry(get("method"), get("path"), str(get("error")))
    if kind == MOCK_SERVER_FAILED:
        return ServerFailedEntry(str(get("error")), get("exitStatus"))
    raise ValueError(f"not a mismatch record entry: type {kind!r}")


def _getter(entry: dict[str, Any]) -> Callable[..., Any]:
    """`entry.get`, typed as answering Any: the JSON's own shape is checked by its writer."""
    return entry.get
