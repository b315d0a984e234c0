"""Mismatch records as Python objects, and the report a tester reads when a pact fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass(frozen=True)
class MismatchRecord:
    """One entry of `mock_server_mismatches`: a request that went wrong, or one never made.

    `type` is `request-not-found`, `request-mismatch`, `missing-request` or
    `mock-server-failed`; `details` holds the inner mismatches of a `request-mismatch`.
    """

    type: str
    method: str | None = None
    path: str | None = None
    request: dict[str, Any] | None = None
    details: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> MismatchRecord:
        return cls(type=str(entry.get("type")), method=entry.get("method"),
                   path=entry.get("path"), request=entry.get("request"),
                   details=list(entry.get("mismatches") or []), raw=entry)

    def describe(self) -> str:
        """A few lines saying what went wrong, with path, expected and actual per mismatch."""
        target = f"{self.method} {self.path}"
        if self.type == "missing-request":
            return f"missing: {target} was expected but never received"
        if self.type == "request-not-found":
            return f"unexpected: {target}{_query_text(self.request)} matches no interaction"
        if self.type == "request-error":
            where = f"{target} " if self.method else "a request "
            return f"error: {where}could not be matched: {self.raw.get('error')}"
        if self.type == "mock-server-failed":
            return (f"failed: {self.raw.get('error')} "
                    f"(exit status {self.raw.get('exitStatus')})")
        if self.type == "request-mismatch":
            lines = [f"mismatch: {target} was received but did not match:"]
            lines += [f"  - {_describe_inner(d)}" for d in self.details]
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


def _describe_inner(detail: dict[str, Any]) -> str:
    kind = detail.get("type", "")
    where = {"QueryMismatch": f"query '{detail.get('parameter')}'",
             "HeaderMismatch": f"header '{detail.get('key')}'",
             "BodyMismatch": f"body {detail.get('path')}",
             "BodyTypeMismatch": "body content type"}.get(kind, kind)
    message = detail.get("mismatch") or ""
    return (f"{where}: {message} (expected {detail.get('expected')!s}, "
            f"actual {detail.get('actual')!s})")


def _query_text(request: dict[str, Any] | None) -> str:
    query = (request or {}).get("query")
    if not query:
        return ""
    parts = [f"{k}={v}" if v is not None else k for k, vs in query.items() for v in vs]
    return "?" + "&".join(parts)
