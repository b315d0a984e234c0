"""Mismatch records as Python objects, and the report a tester reads when a pact fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from pactpool_worker.matching.mismatches import BodyDiff, BodyTypeDiff, Diff, HeaderDiff, QueryDiff
from pactpool_worker.records import (
    Entry,
    MismatchEntry,
    MissingEntry,
    NotFoundEntry,
    RequestErrorEntry,
    ServerFailedEntry,
    entry_from_json,
)


@dataclass(frozen=True)
class MismatchRecord:
    """One entry of `mock_server_mismatches`: a request that went wrong, or one never made.

    `type` is `request-not-found`, `request-mismatch`, `missing-request`, `request-error` or
    `mock-server-failed`; `details` holds the inner mismatches of a `request-mismatch` as
    JSON, `entry` the whole entry typed (`pactpool_worker.records`), `raw` as JSON.
    """

    type: str
    method: str | None = None
    path: str | None = None
    request: dict[str, Any] | None = None
    details: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    entry: Entry | None = None

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> MismatchRecord:
        try:
            typed: Entry | None = entry_from_json(entry)
        except ValueError:
            typed = None  # a newer kind: kept as raw JSON
        return cls(type=str(entry.get("type")), method=entry.get("method"),
                   path=entry.get("path"), request=entry.get("request"),
                   details=list(entry.get("mismatches") or []), raw=entry, entry=typed)

    def describe(self) -> str:
        """A few lines saying what went wrong, with path, expected and actual per mismatch."""
        entry = self.entry
        target = f"{self.method} {self.path}"
        if isinstance(entry, MissingEntry):
            return f"missing: {target} was expected but never received"
        if isinstance(entry, NotFoundEntry):
            return f"unexpected: {target}{_query_text(entry.request)} matches no interaction"
        if isinstance(entry, RequestErrorEntry):
            where = f"{target} " if entry.method else "a request "
            return f"error: {where}could not be matched: {entry.error}"
        if isinstance(entry, ServerFailedEntry):
            return f"failed: {entry.error} (exit status {entry.exit_status})"
        if isinstance(entry, MismatchEntry):
            lines = [f"mismatch: {target} was received but did not match:"]
            lines += [f"  - {_describe_inner(d)}" for d in entry.mismatches]
            return "\n".join(lines)
        return f"{self.type}: {orjson.dumps(self.raw).decode()}"


def parse_mismatches(text: str | None) -> list[MismatchRecord]:
    """Parse `mock_server_mismatches` output into records."""
    if not text:
        return []
    return [MismatchRecord.from_json(e) for e in orjson.loads(text)]


def format_report(url: str, records: list[MismatchRecord]) -> str:
    """The message of `PactMismatchError`."""
    if not records:
        return f"mock server {url}: every interaction matched"
    counts: dict[str, int] = {}
    for record in records:
        counts[record.type] = counts.get(record.type, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    body = "\n".join(record.describe() for record in records)
    return f"mock server {url} did not match its pact ({summary}):\n{body}"


def _describe_inner(diff: Diff) -> str:
    if isinstance(diff, QueryDiff):
        where = f"query '{diff.parameter}'"
    elif isinstance(diff, HeaderDiff):
        where = f"header '{diff.key}'"
    elif isinstance(diff, BodyDiff):
        where = f"body {diff.path}"
    elif isinstance(diff, BodyTypeDiff):
        where = "body content type"
    else:
        where = diff.to_json()["type"]
    return f"{where}: {diff.mismatch or ''} (expected {diff.expected!s}, actual {diff.actual!s})"


def _query_text(request: dict[str, Any] | None) -> str:
    query = (request or {}).get("query")
    if not query:
        return ""
    parts = [f"{k}={v}" if v is not None else k for k, vs in query.items() for v in vs]
    return "?" + "&".join(parts)
